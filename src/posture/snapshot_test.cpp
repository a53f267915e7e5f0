#include "posture/snapshot.h"

#include <gtest/gtest.h>

#include "posture/account.h"
#include "posture/config.h"
#include "test_util.h"

namespace rg::posture {
namespace {

struct Collect {
  std::vector<std::string> lines;
  Diagnostics diag{[this](Diagnostics::Level, const std::string& l) { lines.push_back(l); }};
};

TEST(Snapshot, MissingFileIsNotCollectedNamingTheFile) {
  Collect c;
  FileSet fs = FileSet::from_memory({{"iam.GetAccountSummary.json", R"({"SummaryMap": {"AccountMFAEnabled": 1}})"}}, "snap", c.diag);
  EXPECT_TRUE(fs.json("iam.GetAccountSummary.json").ok());
  auto miss = fs.json("iam.ListVirtualMFADevices.json");
  ASSERT_FALSE(miss.ok());
  EXPECT_EQ(miss.error().kind, ErrorKind::NotCollected);
  EXPECT_NE(miss.error().str().find("iam.ListVirtualMFADevices.json"), std::string::npos);
}

TEST(Snapshot, AwsErrorKeptDistinctFromMissing) {
  Collect c;
  FileSet fs = FileSet::from_memory(
      {{"account.GetAlternateContact.SECURITY.json",
        R"({"Error": {"Code": "ResourceNotFoundException", "Message": "No contact of the inputted alternate contact type found."}})"}},
      "snap", c.diag);
  auto r = fs.json("account.GetAlternateContact.SECURITY.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Remote);
  EXPECT_EQ(fs.aws_error_code("account.GetAlternateContact.SECURITY.json"), "ResourceNotFoundException");
  EXPECT_TRUE(c.lines.empty());
}

// Section 5 fact 14: doc samples can be invalid JSON (aws-cli list-organizations-features lacks
// a comma). One line names the file; the rest is read.
TEST(Snapshot, MalformedJsonOneLineRestRead) {
  Collect c;
  FileSet fs = FileSet::from_memory({{"iam.ListOrganizationsFeatures.json",
                                      "{\n \"EnabledFeatures\": [\"RootCredentialsManagement\"]\n \"OrganizationId\": \"o-aa111bb222\"\n}"},
                                     {"iam.GetAccountSummary.json", R"({"SummaryMap": {}})"},
                                     {"notes.txt", "hello"},
                                     {"us-east-1/cloudtrail.DescribeTrails.json", R"({"trailList": []})"}},
                                    "snap", c.diag);
  EXPECT_EQ(c.diag.error_count(), 1u);
  EXPECT_EQ(c.diag.warning_count(), 1u);  // notes.txt: unknown, ignored
  EXPECT_NE(c.lines[0].find("snap/iam.ListOrganizationsFeatures.json"), std::string::npos);
  auto bad = fs.json("iam.ListOrganizationsFeatures.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::Corrupt);
  EXPECT_TRUE(fs.json("iam.GetAccountSummary.json").ok());
  EXPECT_EQ(fs.regions(), std::vector<std::string>{"us-east-1"});
}

TEST(Snapshot, NamesAndRegions) {
  EXPECT_TRUE(is_region_name("us-east-1"));
  EXPECT_TRUE(is_region_name("us-gov-west-1"));
  EXPECT_FALSE(is_region_name("111122223333"));
  EXPECT_FALSE(is_region_name("prod"));
  EXPECT_TRUE(is_known_snapshot_file("cloudtrail.GetTrailStatus.my-trail.json"));
  EXPECT_TRUE(is_known_snapshot_file("iam.GetAccountSummary.json"));
  EXPECT_FALSE(is_known_snapshot_file("iam.GetAccountSummaryX.json"));
  EXPECT_FALSE(is_known_snapshot_file("README.md"));
}

// Fact 13: Organizations timestamps are epoch floats; State replaces the retired Status.
TEST(Snapshot, OrganizationEpochFloatsAndState) {
  auto dir = rg::test::source_dir() / "tests/fixtures/posture/R10/pass";
  Collect c;
  Org org = read_org(dir, "org", c.diag);
  EXPECT_TRUE(c.lines.empty());
  EXPECT_EQ(org.management_id, "111122223333");
  EXPECT_EQ(org.feature_set, "ALL");
  ASSERT_EQ(org.accounts.size(), 2u);
  EXPECT_EQ(org.accounts[0].joined_ms, 1481830215450);
  EXPECT_EQ(org.accounts[1].state, "ACTIVE");
  EXPECT_EQ(classify_snapshot_dir(dir), SnapshotKind::Organization);
  EXPECT_EQ(classify_snapshot_dir(dir / "444455556666"), SnapshotKind::Account);
  EXPECT_EQ(classify_snapshot_dir(rg::test::source_dir() / "docs"), SnapshotKind::NotASnapshot);
  Account a = read_account(dir / "444455556666", "m", &org, c.diag);
  EXPECT_EQ(a.role, "member");
  EXPECT_EQ(a.name, "workloads-prod");
  EXPECT_EQ(a.root_arn(), "arn:aws:iam::444455556666:root");
}

TEST(Config, ValidFile) {
  Collect c;
  Config cfg = parse_config(
      "root_mailboxes: [AWS-Root@Example.com]\nmail_domains: [example.com]\nsubaddress_delimiter: \"-\"\n"
      "root_use_window_days: 7\nsecurity_phone: \"+1 206 555 0100\"\ntrusted_source_ips: [203.0.113.0/24, 2001:db8::/32]\n"
      "root_emails: {\"111122223333\": solo@example.com}\n"
      "attestations:\n  mailboxes: {aws-root@example.com: [alice]}\n  tokens: {\"*\": [carol, dave]}\n",
      "rootguard.yaml", c.diag);
  EXPECT_TRUE(c.lines.empty()) << c.lines.front();
  EXPECT_EQ(cfg.root_mailboxes[0], "aws-root@example.com");
  EXPECT_EQ(cfg.subaddress_delimiter, "-");
  EXPECT_EQ(cfg.root_use_window_days, 7);
  ASSERT_EQ(cfg.trusted_source_ips.size(), 2u);
  EXPECT_TRUE(cfg.trusted_source_ips[0].contains("203.0.113.77"));
  EXPECT_FALSE(cfg.trusted_source_ips[0].contains("203.0.114.1"));
  EXPECT_TRUE(cfg.trusted_source_ips[1].contains("2001:db8::1"));
  ASSERT_NE(cfg.tokens_for("999999999999"), nullptr);
  EXPECT_EQ(cfg.tokens_for("999999999999")->size(), 2u);
}

TEST(Config, UnknownKeyAndBadCidrNameFileAndLine) {
  Collect c;
  Config cfg = parse_config("root_mailboxes: [a@example.com]\nroot_mailbox: x\ntrusted_source_ips: [10.0.0.0/33]\n",
                            "rootguard.yaml", c.diag);
  ASSERT_EQ(c.lines.size(), 2u);
  EXPECT_NE(c.lines[0].find("rootguard.yaml:2"), std::string::npos);
  EXPECT_NE(c.lines[0].find("root_mailbox"), std::string::npos);
  EXPECT_NE(c.lines[1].find("rootguard.yaml:3"), std::string::npos);
  EXPECT_NE(c.lines[1].find("10.0.0.0/33"), std::string::npos);
  EXPECT_EQ(cfg.root_mailboxes.size(), 1u);  // the rest is kept
  Collect d;
  parse_config("a: [unclosed\n", "bad.yaml", d.diag);
  EXPECT_EQ(d.diag.error_count(), 1u);
  Collect deep;
  parse_config("trusted_source_ips: " + std::string(50000, '[') + std::string(50000, ']') + "\n", "deep.yaml",
               deep.diag);
  ASSERT_EQ(deep.lines.size(), 1u);
  EXPECT_NE(deep.lines[0].find("deep.yaml:1: invalid YAML: nested too deeply"), std::string::npos) << deep.lines[0];
}

}  // namespace
}  // namespace rg::posture
