// RuleSet::match(): rule order, supersedes, per-event severity, append semantics.
#include <gtest/gtest.h>

#include "sigma/ruleset.h"
#include "sigma/testing.h"
#include "test_util.h"

namespace rg::sigma {
namespace {

class BuiltinMatch : public ::testing::Test {
 protected:
  void SetUp() override {
    Diagnostics diag(Diagnostics::silent());
    rules_ = load_rules(LoadOptions{}, diag);
  }
  // "D02:high" for the matches on json, as scan reports them.
  std::string run(const std::string& json) { return testing::matches_of(rules_, parser_, json); }
  RuleSet rules_;
  simdjson::dom::parser parser_;
};

const std::string kRootLogin =
    R"({"eventVersion":"1.05","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":""},"eventTime":"2026-11-20T16:24:34Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MobileVersion":"No","MFAUsed":"MFA"},"eventType":"AwsConsoleSignIn"})";

std::string with_mfa(const std::string& mfa) {
  std::string s = kRootLogin;
  return s.replace(s.find("\"MFA\""), 5, "\"" + mfa + "\"");
}

TEST_F(BuiltinMatch, LoginWithoutMfaIsOneCriticalFinding) {
  EXPECT_EQ(run(with_mfa("No")), "D03:critical");
  EXPECT_EQ(run(with_mfa("YES")), "D02:high");
  EXPECT_EQ(run(with_mfa("yes")), "D02:high");
}

TEST_F(BuiltinMatch, FailedRootLoginAndMfaStep) {
  std::string fail = with_mfa("No");
  fail.replace(fail.find("\"Success\""), 9, "\"Failure\"");
  EXPECT_EQ(run(fail), "D04:medium");
  std::string mfa_fail = with_mfa("Yes");
  mfa_fail.replace(mfa_fail.find("\"Success\""), 9, "\"Failure\"");
  EXPECT_EQ(run(mfa_fail), "D05:high");
}

TEST_F(BuiltinMatch, SpecificRulesReplaceRootActivityButNotEachOther) {
  const std::string key_created =
      R"({"userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root","accessKeyId":"AKIAEXAMPLEKEY000001"},"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","requestParameters":null,"eventType":"AwsApiCall"})";
  EXPECT_EQ(run(key_created), "D09:critical D10:critical");
  std::string denied = key_created;
  denied.insert(denied.size() - 1, R"(,"errorCode":"AccessDenied")");
  EXPECT_EQ(run(denied), "D09:high D10:critical");
  const std::string list =
      R"({"userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root","accessKeyId":"ASIAEXAMPLEKEY000001"},"eventSource":"s3.amazonaws.com","eventName":"ListBuckets","eventType":"AwsApiCall"})";
  EXPECT_EQ(run(list), "D01:high");
  const std::string stop =
      R"({"userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root","accessKeyId":"ASIAEXAMPLEKEY000001"},"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","eventType":"AwsApiCall"})";
  EXPECT_EQ(run(stop), "D16:critical");
  EXPECT_EQ(run(R"({"userIdentity":{"type":"IAMUser"},"eventSource":"s3.amazonaws.com","eventName":"ListBuckets"})"), "");
}

TEST(RuleSetMatch, AppendsInRuleOrderAndSupersedesTransitively) {
  rg::test::TempDir dir;
  // c supersedes b, b supersedes a: when all three match, only c remains.
  rg::test::write_file(dir / "a.yml", testing::rule_yaml("    s:\n        x: 1\n    condition: s\n",
                                                         "rootguard: {id: A}\n", "00000000-0000-4000-8000-00000000000a"));
  rg::test::write_file(dir / "b.yml", testing::rule_yaml("    s:\n        y: 1\n    condition: s\n",
                                                         "rootguard: {id: B, supersedes: [A]}\n",
                                                         "00000000-0000-4000-8000-00000000000b"));
  rg::test::write_file(dir / "c.yml", testing::rule_yaml("    s:\n        z: 1\n    condition: s\n",
                                                         "rootguard: {id: C, supersedes: [B]}\n",
                                                         "00000000-0000-4000-8000-00000000000c"));
  Diagnostics diag(Diagnostics::silent());
  LoadOptions opts;
  opts.builtin = false;
  opts.dirs = {dir.path()};
  RuleSet rules = load_rules(opts, diag);
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(diag.lines().size(), 0u);
  simdjson::dom::parser p;
  auto ids = [&](const std::string& json, std::vector<Match>& out) {
    simdjson::padded_string ps(json);
    rules.match(cloudtrail::EventView{p.parse(ps).value(), json, "t", 0, 0}, out);
    std::string s;
    for (const Match& m : out) s += rules.info(m.rule).id;
    return s;
  };
  std::vector<Match> out;
  EXPECT_EQ(ids(R"({"x":1,"y":1,"z":1})", out), "C");
  EXPECT_EQ(ids(R"({"x":1,"z":1})", out), "CC");  // appended; C supersedes A through B
  out.clear();
  EXPECT_EQ(ids(R"({"x":1,"y":1})", out), "B");
  out.clear();
  EXPECT_EQ(ids(R"({"x":1})", out), "A");
}

TEST(RuleSetMatch, SupersedeCycleIsBrokenWithAWarning) {
  rg::test::TempDir dir;
  rg::test::write_file(dir / "a.yml", testing::rule_yaml("    s:\n        x: 1\n    condition: s\n",
                                                         "rootguard: {id: A, supersedes: [B]}\n",
                                                         "00000000-0000-4000-8000-00000000000a"));
  rg::test::write_file(dir / "b.yml", testing::rule_yaml("    s:\n        x: 1\n    condition: s\n",
                                                         "rootguard: {id: B, supersedes: [A]}\n",
                                                         "00000000-0000-4000-8000-00000000000b"));
  Diagnostics diag(Diagnostics::silent());
  LoadOptions opts;
  opts.builtin = false;
  opts.dirs = {dir.path()};
  RuleSet rules = load_rules(opts, diag);
  EXPECT_EQ(diag.warning_count(), 2u);
  simdjson::dom::parser p;
  std::string json = R"({"x":1})";
  simdjson::padded_string ps(json);
  std::vector<Match> out;
  rules.match(cloudtrail::EventView{p.parse(ps).value(), json, "t", 0, 0}, out);
  EXPECT_EQ(out.size(), 2u) << "a cycle never hides both rules";
}

}  // namespace
}  // namespace rg::sigma
