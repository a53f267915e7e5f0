#include "harden/emails.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

#include "harden/address.h"
#include "test_util.h"

namespace rg::harden {
namespace {

std::vector<OrgAccount> sample(const char* file, Diagnostics& diag) {
  const auto path = rg::test::shared_testdata() / "aws-responses" / file;
  auto r = parse_list_accounts(rg::test::read_file(path), path.string(), diag);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().str());
  return r.ok() ? *r : std::vector<OrgAccount>{};
}

EmailPlan plan_for(const std::vector<OrgAccount>& accounts, const std::string& mailbox = "awsroot@example.com",
                   char delimiter = '+', TagSource tag = TagSource::Name) {
  auto p = plan_emails(accounts, {mailbox, delimiter, tag});
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().str());
  return p.ok() ? *p : EmailPlan{};
}

bool has_flag(const PlannedAccount& p, const char* flag) {
  return std::find(p.flags.begin(), p.flags.end(), flag) != p.flags.end();
}

TEST(EmailsPlan, CliSampleGetsOneSubaddressPerAccount) {
  RG_SKIP_WITHOUT_SHARED_TESTDATA(rg::test::shared_testdata() / "aws-responses");
  Diagnostics diag(Diagnostics::silent());
  const auto accounts = sample("ListAccounts.cli.json", diag);
  ASSERT_EQ(accounts.size(), 4u);
  const EmailPlan plan = plan_for(accounts);
  EXPECT_EQ(plan.management_id, "111111111111");
  ASSERT_EQ(plan.accounts.size(), 4u);
  EXPECT_EQ(plan.accounts[0].proposed, "awsroot+master@example.com");
  EXPECT_TRUE(plan.accounts[0].management);
  EXPECT_EQ(plan.accounts[1].proposed, "awsroot+production@example.com");
  EXPECT_EQ(plan.accounts[2].proposed, "awsroot+development@example.com");
  EXPECT_EQ(plan.accounts[3].proposed, "awsroot+test@example.com");
  std::set<std::string> seen;
  for (const auto& p : plan.accounts) {
    EXPECT_TRUE(parse_address(p.proposed).ok()) << p.proposed;
    EXPECT_LE(p.proposed.size(), kAwsMaxEmailLength);
    EXPECT_TRUE(seen.insert(fold_case(p.proposed)).second) << "duplicate " << p.proposed;
    EXPECT_TRUE(has_flag(p, kFlagPersonal)) << p.account.email << " (bill, alice, juan, anika) looks personal";
    EXPECT_FALSE(has_flag(p, kFlagOffDomain));
    EXPECT_TRUE(p.change_needed);
  }
  // Management: console steps, never the member API (it cannot change its own address).
  EXPECT_EQ(plan.accounts[0].commands.size(), 4u);
  EXPECT_EQ(plan.accounts[0].commands[0].find("aws account"), std::string::npos);
  // Members: start then accept, with the account id and new address.
  ASSERT_EQ(plan.accounts[1].commands.size(), 2u);
  EXPECT_EQ(plan.accounts[1].commands[0],
            "aws account start-primary-email-update --account-id 222222222222 --primary-email awsroot+production@example.com");
  EXPECT_EQ(plan.accounts[1].commands[1].rfind("aws account accept-primary-email-update --account-id 222222222222 "
                                               "--primary-email awsroot+production@example.com --otp ", 0),
            0u);
}

TEST(EmailsPlan, NotAListAccountsResponseIsOneError) {
  RG_SKIP_WITHOUT_SHARED_TESTDATA(rg::test::shared_testdata() / "aws-responses");
  Diagnostics diag(Diagnostics::silent());
  const auto c7n = rg::test::read_file(rg::test::shared_testdata() / "aws-responses/ListAccounts.c7n.json");
  auto r = parse_list_accounts(c7n, "ListAccounts.c7n.json", diag);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().str().find("ListAccounts.c7n.json: not an Organizations ListAccounts response"), std::string::npos);
  EXPECT_FALSE(parse_list_accounts("{\"Accounts\": [", "x.json", diag).ok());
  EXPECT_FALSE(parse_list_accounts("[1,2]", "x.json", diag).ok());
}

TEST(EmailsPlan, BadEntriesAreReportedAndSkipped) {
  std::vector<std::string> lines;
  Diagnostics diag([&](Diagnostics::Level, const std::string& l) { lines.push_back(l); });
  auto r = parse_list_accounts(R"({"Accounts":[{"Id":"12","Email":"a@example.com"},
      {"Id":"222222222222","Name":"ok","Email":"b@example.com"},{"Id":"333333333333","Name":"no mail"}, 7]})",
                               "acc.json", diag);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].id, "222222222222");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("acc.json: Accounts[0]: ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("acc.json: Accounts[2]: ", 0), 0u) << lines[1];
  EXPECT_EQ(diag.error_count(), 3u);
}

OrgAccount acct(const char* id, const char* name, const char* email, const char* state = "ACTIVE") {
  return {id, name, email, std::string("arn:aws:organizations::111111111111:account/o-abc/") + id, state};
}

TEST(EmailsPlan, CaseFoldedCollisionsGetTheAccountId) {
  const EmailPlan plan = plan_for({acct("111111111111", "Mgmt", "aws+m@corp.example"),
                                   acct("222222222222", "Sandbox", "x@corp.example"),
                                   acct("333333333333", "SANDBOX!", "y@corp.example")},
                                  "awsroot@corp.example");
  EXPECT_EQ(plan.accounts[1].proposed, "awsroot+sandbox-222222222222@corp.example");
  EXPECT_EQ(plan.accounts[2].proposed, "awsroot+sandbox-333333333333@corp.example");
  EXPECT_TRUE(has_flag(plan.accounts[1], kFlagCollision));
  EXPECT_FALSE(has_flag(plan.accounts[0], kFlagCollision));
}

TEST(EmailsPlan, ProposalThatIsAnotherAccountsCurrentAddressIsAvoided) {
  // Account B already uses awsroot+prod@; A is also named "prod" and must not take B's address.
  const EmailPlan plan = plan_for({acct("222222222222", "Prod", "someone@corp.example"),
                                   acct("333333333333", "Legacy", "awsroot+prod@corp.example")},
                                  "awsroot@corp.example");
  EXPECT_NE(fold_case(plan.accounts[0].proposed), "awsroot+prod@corp.example");
  EXPECT_TRUE(has_flag(plan.accounts[0], kFlagCollision));
}

TEST(EmailsPlan, LongNamesAreTruncatedToAwsLimit) {
  const EmailPlan plan = plan_for({acct("222222222222", "An extremely long account name for the data platform team sandbox",
                                        "a@corp.example")},
                                  "awsroot@corp.example");
  const auto& p = plan.accounts[0];
  EXPECT_EQ(p.proposed.size(), kAwsMaxEmailLength) << p.proposed;
  EXPECT_TRUE(has_flag(p, kFlagTruncated));
  EXPECT_TRUE(parse_address(p.proposed).ok());
  EXPECT_NE(p.proposed.back(), '-');
}

TEST(EmailsPlan, FlagsSharedOffDomainAndUnchanged) {
  const EmailPlan plan = plan_for({acct("111111111111", "Mgmt", "AWSRoot+mgmt@Corp.example"),
                                   acct("222222222222", "A", "team-aws@other.example"),
                                   acct("333333333333", "B", "Team-AWS@other.example"),
                                   acct("444444444444", "Old", "ops@corp.example", "SUSPENDED")},
                                  "awsroot@corp.example");
  EXPECT_FALSE(plan.accounts[0].change_needed) << "already on the plan (case-insensitive)";
  EXPECT_TRUE(plan.accounts[0].commands.empty());
  EXPECT_TRUE(has_flag(plan.accounts[1], kFlagShared));
  EXPECT_TRUE(has_flag(plan.accounts[2], kFlagShared));
  EXPECT_TRUE(has_flag(plan.accounts[1], kFlagOffDomain));
  EXPECT_FALSE(has_flag(plan.accounts[1], kFlagPersonal)) << "team-aws is a role address";
  EXPECT_TRUE(has_flag(plan.accounts[3], kFlagInactive));
  EXPECT_TRUE(plan.accounts[3].commands.empty()) << "a suspended account's e-mail cannot be changed";
}

TEST(EmailsPlan, DelimiterAndTagSource) {
  const auto accounts = std::vector<OrgAccount>{acct("222222222222", "Log Archive", "a@corp.example")};
  EXPECT_EQ(plan_for(accounts, "awsroot@corp.example", '-').accounts[0].proposed, "awsroot-log-archive@corp.example");
  EXPECT_EQ(plan_for(accounts, "awsroot@corp.example", '+', TagSource::Id).accounts[0].proposed,
            "awsroot+222222222222@corp.example");
  // No ASCII in the name: the id is the tag.
  EXPECT_EQ(plan_for({acct("222222222222", "本番", "a@corp.example")}, "awsroot@corp.example").accounts[0].proposed,
            "awsroot+222222222222@corp.example");
}

TEST(EmailsPlan, MailboxValidation) {
  EXPECT_FALSE(validate(EmailPlanOptions{"aws-root@corp.example", '-', TagSource::Name}).ok())
      << "mailbox holding the delimiter would split at the wrong place";
  EXPECT_FALSE(validate(EmailPlanOptions{"awsroot+x@corp.example", '+', TagSource::Name}).ok());
  EXPECT_FALSE(validate(EmailPlanOptions{"awsroot@corp.example", '=', TagSource::Name}).ok());
  EXPECT_FALSE(validate(EmailPlanOptions{"not-an-address", '+', TagSource::Name}).ok());
  EXPECT_FALSE(validate(EmailPlanOptions{std::string(60, 'a') + "@x.io", '+', TagSource::Name}).ok());
  EXPECT_TRUE(validate(EmailPlanOptions{"aws-root@corp.example", '+', TagSource::Name}).ok());
}

TEST(Address, Rfc5321And5322Rules) {
  for (const char* ok : {"a@example.com", "first.last@sub.example.org", "o'brien+tag@example.co.uk", "x_y-z@a-b.io",
                         "awsroot+prod-1@example.com"})
    EXPECT_TRUE(parse_address(ok).ok()) << ok;
  for (const char* bad : {"", "a", "@example.com", "a@", "a@localhost", "a..b@example.com", ".a@example.com",
                          "a.@example.com", "\"quoted\"@example.com", "a@[192.0.2.1]", "a b@example.com",
                          "a@-example.com", "a@example.123", "a@exa_mple.com", "é@example.com"})
    EXPECT_FALSE(parse_address(bad).ok()) << bad;
  EXPECT_FALSE(parse_address(std::string(65, 'a') + "@example.com").ok()) << "local part over 64";
  EXPECT_EQ(parse_address("A@EXAMPLE.com")->domain, "example.com");
}

TEST(Address, PersonalLooking) {
  for (const char* p : {"bill@example.com", "jane.doe@corp.example", "someone@gmail.com", "ops@yahoo.co.uk",
                        "sandbox-kapil@stacklet.io"})
    EXPECT_TRUE(looks_personal(p)) << p;
  for (const char* r : {"awsroot+prod@corp.example", "security@corp.example", "aws-prod@corp.example",
                        "team-aws@corp.example", "platform42@corp.example"})
    EXPECT_FALSE(looks_personal(r)) << r;
}

TEST(EmailsPlan, JsonAndCsvRenderings) {
  RG_SKIP_WITHOUT_SHARED_TESTDATA(rg::test::shared_testdata() / "aws-responses");
  Diagnostics diag(Diagnostics::silent());
  const EmailPlan plan = plan_for(sample("ListAccounts.botocore_example.json", diag));
  const std::string json = render_json(plan);
  simdjson::dom::parser p;
  simdjson::dom::element d;
  ASSERT_FALSE(p.parse(json).get(d)) << json;
  simdjson::dom::array accounts = d["accounts"].get_array().value();
  EXPECT_EQ(accounts.size(), 4u);
  EXPECT_EQ(d["management_account"].get_string().value(), "111111111111");
  const std::string csv = render_csv(plan);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
  EXPECT_NE(csv.find("222222222222,Developer Account,false,ACTIVE,alice@example.com,awsroot+developer@example.com,true,personal"),
            std::string::npos)
      << csv;
  EXPECT_EQ(shell_quote("a'b c"), "'a'\\''b c'");
  EXPECT_EQ(shell_quote("awsroot+x@example.com"), "awsroot+x@example.com");
}

}  // namespace
}  // namespace rg::harden
