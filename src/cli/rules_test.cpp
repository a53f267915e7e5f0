// `rootguard rules list|test|lint`: real runs of the binary, their output and exit status.
#include <gtest/gtest.h>

#include "test_util.h"

namespace rg {
namespace {

using rg::test::run_rootguard;

const char* kUserRule =
    "title: Root lists buckets\nid: 5b7c1f2e-0d3a-4c6b-9e8f-1a2b3c4d5e6f\nstatus: test\ndescription: d\n"
    "level: low\nlogsource:\n    product: aws\n    service: cloudtrail\n"
    "detection:\n    sel:\n        eventName: ListBuckets\n        userIdentity.type: Root\n    condition: sel\n"
    "rootguard:\n    tests:\n        match:\n            - event: {eventName: ListBuckets, userIdentity: {type: Root}}\n"
    "        no_match:\n            - event: {eventName: ListBuckets, userIdentity: {type: IAMUser}}\n";

TEST(RulesCli, ListText) {
  auto r = run_rootguard({"rules", "list"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("D03   critical  event             Root console sign-in without MFA"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("D20a  medium    part              "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("D04B  high      event_count       Root sign-in brute force"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("builtin:D19_guardrails_disabled.yml"), std::string::npos);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(RulesCli, ListJsonWithUserRules) {
  rg::test::TempDir dir;
  rg::test::write_file(dir / "user.yml", kUserRule);
  auto r = run_rootguard({"rules", "list", "--format", "json", dir.path().string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(R"("id":"D02","type":"event","uuid":)"), std::string::npos);
  EXPECT_NE(r.out.find(R"("id":"5b7c1f2e-0d3a-4c6b-9e8f-1a2b3c4d5e6f")"), std::string::npos);
  EXPECT_NE(r.out.find(R"("severity_when_failed":"medium")"), std::string::npos);
  auto only = run_rootguard({"rules", "list", "--no-builtin", dir.path().string()});
  EXPECT_EQ(only.status, 0);
  EXPECT_EQ(only.out.find("D01"), std::string::npos) << only.out;
  EXPECT_NE(only.out.find("Root lists buckets"), std::string::npos);
  // --rules, as scan takes it, is the same as naming the directory.
  auto flag = run_rootguard({"rules", "list", "--no-builtin", "--rules", dir.path().string()});
  EXPECT_EQ(flag.status, 0) << flag.err;
  EXPECT_EQ(flag.out, only.out);
}

TEST(RulesCli, DocsRulesMdIsTheGeneratedList) {
  auto r = run_rootguard({"rules", "list", "--format", "md"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(rg::test::read_file(rg::test::source_dir() / "docs" / "rules.md"), r.out)
      << "docs/rules.md is stale: regenerate it with `rootguard rules list --format md > docs/rules.md`";
}

TEST(RulesCli, TestPassesAndReportsFailures) {
  auto ok = run_rootguard({"rules", "test"});
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find(" passed, 0 failed\n"), std::string::npos) << ok.out;

  rg::test::TempDir dir;
  std::string wrong = kUserRule;
  wrong.replace(wrong.find("type: IAMUser"), 13, "type: Root");  // a must-not-match event that matches
  rg::test::write_file(dir / "wrong.yml", wrong);
  auto bad = run_rootguard({"rules", "test", "--no-builtin", dir.path().string()});
  EXPECT_EQ(bad.status, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("FAIL 5b7c1f2e-0d3a-4c6b-9e8f-1a2b3c4d5e6f"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("no_match #1: expected no match, but the rule matched"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("1 passed, 1 failed\n"), std::string::npos) << bad.out;

  rg::test::write_file(dir / "broken.yml", "title: [\n");
  auto broken = run_rootguard({"rules", "test", "--no-builtin", dir.path().string()});
  EXPECT_EQ(broken.status, 2) << broken.out;
  EXPECT_NE(broken.err.find("broken.yml:2:1: invalid YAML"), std::string::npos) << broken.err;
}

TEST(RulesCli, Lint) {
  auto ok = run_rootguard({"rules", "lint"});
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_EQ(ok.out, "0 errors, 0 warnings\n");

  rg::test::TempDir dir;
  rg::test::write_file(dir / "a.yml", kUserRule);
  std::string dup = kUserRule;
  dup.replace(dup.find("level: low\n"), 11, "");
  dup.replace(dup.find("description: d\n"), 15, "");
  dup.replace(dup.find("rootguard:"), std::string::npos, "");
  rg::test::write_file(dir / "b.yml", dup);
  std::string other = kUserRule;
  other.replace(other.find("service: cloudtrail"), 19, "service: s3");
  other.replace(other.find("5b7c1f2e"), 8, "aaaaaaaa");
  rg::test::write_file(dir / "c.yml", other);
  auto r = run_rootguard({"rules", "lint", "--no-builtin", dir.path().string()});
  EXPECT_EQ(r.status, 2) << r.out;
  for (const char* want : {"b.yml:2:5: error: duplicate id '5b7c1f2e-0d3a-4c6b-9e8f-1a2b3c4d5e6f' (already used by ",
                           "b.yml: error: missing 'level' (informational, low, medium, high or critical) [level]",
                           "b.yml: warning: no must-match test events (rootguard.tests.match) [tests]",
                           "b.yml: warning: missing 'description' [description]",
                           "c.yml:7:5: error: logsource is product 'aws' service 's3', expected product aws, service "
                           "cloudtrail [logsource]",
                           "3 errors, 3 warnings\n"})
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n---\n" << r.out;
}

// A rule that pins none of the fields rules are looked up by is matched against every event:
// lint says so, and only of that rule.
TEST(RulesCli, LintNamesRulesMatchedAgainstEveryEvent) {
  rg::test::TempDir dir;
  rg::test::write_file(dir / "indexed.yml", kUserRule);
  std::string open = kUserRule;
  open.replace(open.find("5b7c1f2e"), 8, "bbbbbbbb");
  open.replace(open.find("        eventName: ListBuckets\n        userIdentity.type: Root\n"), 63,
               "        userAgent|contains: trufflehog\n");
  open.replace(open.find("rootguard:"), std::string::npos,
               "rootguard:\n    tests:\n        match:\n            - event: {userAgent: TruffleHog}\n"
               "        no_match:\n            - event: {userAgent: aws-cli}\n");
  rg::test::write_file(dir / "open.yml", open);
  auto r = run_rootguard({"rules", "lint", "--no-builtin", dir.path().string()});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("open.yml: warning: the rule is matched against every parsed event: its condition pins none of "
                       "eventName, eventSource and userIdentity.type down to exact values"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("indexed.yml"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 errors, 1 warning"), std::string::npos) << r.out;
}

TEST(RulesCli, UsageErrors) {
  EXPECT_EQ(run_rootguard({"rules"}).status, 2);
  EXPECT_EQ(run_rootguard({"rules", "list", "--format", "xml"}).status, 2);
  auto missing = run_rootguard({"rules", "list", "no/such/dir"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no/such/dir: rules: no such file or directory"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace rg
