#include "harden/from_audit.h"

#include <gtest/gtest.h>

namespace rg::harden {
namespace {

// An audit report in the documented shape (docs/audit-json.md, rootguard.audit/1).
std::string report(const std::string& findings_a, const std::string& findings_b = "") {
  std::string s = R"({"schema":"rootguard.audit/1","tool":{"name":"rootguard","version":"0.1.0"},"fail_on":"high",
    "checks":[],"organization":null,"accounts":[
    {"account":"111122223333","name":"a","role":"standalone","snapshot":"snap","score":50,
     "counts":{"PASS":0,"FAIL":0,"N_A":0,"UNKNOWN":0,"ATTEST":0},"findings":[)" + findings_a + "]}";
  if (!findings_b.empty())
    s += R"(,{"account":"444455556666","name":"b","role":"member","snapshot":"snap2","score":50,
     "counts":{"PASS":0,"FAIL":0,"N_A":0,"UNKNOWN":0,"ATTEST":0},"findings":[)" + findings_b + "]}";
  return s + R"(],"summary":{"accounts":1,"findings":0,"counts":{},"score":null,"failed_at_or_above_fail_on":0,"errors":0}})";
}

std::string finding(const char* id, const char* status, const std::string& evidence = "") {
  return std::string(R"({"id":")") + id + R"(","title":"t","severity":"high","status":")" + status +
         R"(","reason":"r","resource":"","region":"","evidence":[)" + evidence + "]}";
}

std::vector<AuditFinding> read(const std::string& json, Diagnostics& diag) {
  auto r = read_audit_report(json, "audit.json", diag);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().str());
  return r.ok() ? *r : std::vector<AuditFinding>{};
}

TEST(FromAudit, OnlyTheMissingAlarmChainOnTheAuditedLogGroup) {
  Diagnostics diag(Diagnostics::silent());
  const auto f = read(report(finding("R06", "FAIL", R"({"key":"trail","value":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"},
                                                      {"key":"log_group","value":"org-trail-logs"})") + "," +
                             finding("R07", "PASS") + "," + finding("R12", "N_A")),
                      diag);
  ASSERT_EQ(f.size(), 3u);
  const FixPlan plan = plan_fixes(f, TemplateFormat::CloudFormation, "");
  EXPECT_TRUE(plan.parts.alarm_chain);
  EXPECT_FALSE(plan.parts.trail);
  EXPECT_FALSE(plan.parts.scp);
  EXPECT_FALSE(plan.parts.eventbridge);
  EXPECT_EQ(plan.log_group, "org-trail-logs");
  EXPECT_NE(plan.text.find("R06 failed in 111122223333"), std::string::npos) << plan.text;
  EXPECT_NE(plan.text.find("org-trail-logs"), std::string::npos);
}

// An Organization of thousands: each step names ten accounts and counts the rest, and the
// root-use step points at a command that exists (timeline --root --account).
TEST(FromAudit, ManyAccountsAreCountedNotAllListed) {
  std::vector<AuditFinding> f;
  for (int i = 0; i < 2000; ++i) f.push_back(AuditFinding{std::to_string(100000000000LL + i), "R05", "FAIL", "r", {}});
  const FixPlan plan = plan_fixes(f, TemplateFormat::CloudFormation, "");
  EXPECT_NE(plan.text.find("R05 failed in 100000000000, 100000000001, 100000000002, 100000000003, 100000000004, "
                           "100000000005, 100000000006, 100000000007, 100000000008, 100000000009 and 1990 other "
                           "accounts (the audit report names them): find out who used root and why: rootguard "
                           "timeline <trail logs> --root --account <account>"),
            std::string::npos)
      << plan.text;
  EXPECT_EQ(plan.text.find("100000000010"), std::string::npos) << plan.text;
  EXPECT_LT(plan.text.size(), 2000u);
}

TEST(FromAudit, TrailAndChainTogetherWhenBothFail) {
  Diagnostics diag(Diagnostics::silent());
  const FixPlan plan =
      plan_fixes(read(report(finding("R06", "FAIL") + "," + finding("R07", "FAIL")), diag), TemplateFormat::Terraform, "");
  EXPECT_TRUE(plan.parts.trail);
  EXPECT_TRUE(plan.parts.alarm_chain);
  EXPECT_NE(plan.text.find("new trail's log group"), std::string::npos) << plan.text;
}

TEST(FromAudit, OrganizationFixesDependOnTheFormat) {
  Diagnostics diag(Diagnostics::silent());
  const auto f = read(report(finding("R10", "FAIL") + "," + finding("R12", "FAIL") + "," + finding("R08", "FAIL")), diag);
  const FixPlan tf = plan_fixes(f, TemplateFormat::Terraform, "");
  EXPECT_TRUE(tf.parts.scp);
  EXPECT_TRUE(tf.parts.root_access_features);
  EXPECT_TRUE(tf.parts.security_contact);
  EXPECT_FALSE(tf.parts.alarm_chain);
  const FixPlan cfn = plan_fixes(f, TemplateFormat::CloudFormation, "");
  EXPECT_TRUE(cfn.parts.scp);
  EXPECT_FALSE(cfn.parts.root_access_features) << "CloudFormation has no resource type for it";
  EXPECT_NE(cfn.text.find("aws iam enable-organizations-root-credentials-management"), std::string::npos) << cfn.text;
  EXPECT_NE(cfn.text.find("put-alternate-contact"), std::string::npos);
}

TEST(FromAudit, ManualAndUnknownFindingsGenerateNothing) {
  Diagnostics diag(Diagnostics::silent());
  const FixPlan plan = plan_fixes(read(report(finding("R01", "FAIL") + "," + finding("R06", "UNKNOWN") + "," +
                                              finding("R02", "PASS")),
                                       diag),
                                  TemplateFormat::CloudFormation, "");
  EXPECT_FALSE(plan.anything());
  EXPECT_NE(plan.text.find("R01 failed"), std::string::npos);
  EXPECT_NE(plan.text.find("delete the root access keys"), std::string::npos);
  EXPECT_NE(plan.text.find("R06 could not be judged"), std::string::npos) << "UNKNOWN is never a pass, nor a fix";
}

TEST(FromAudit, AccountFilter) {
  Diagnostics diag(Diagnostics::silent());
  const auto f = read(report(finding("R06", "PASS"), finding("R06", "FAIL")), diag);
  EXPECT_TRUE(plan_fixes(f, TemplateFormat::CloudFormation, "").parts.alarm_chain);
  EXPECT_FALSE(plan_fixes(f, TemplateFormat::CloudFormation, "111122223333").parts.alarm_chain);
  EXPECT_TRUE(plan_fixes(f, TemplateFormat::CloudFormation, "444455556666").parts.alarm_chain);
}

TEST(FromAudit, BadReports) {
  Diagnostics diag(Diagnostics::silent());
  EXPECT_FALSE(read_audit_report("{", "a.json", diag).ok());
  EXPECT_FALSE(read_audit_report(R"({"Accounts":[]})", "a.json", diag).ok()) << "a ListAccounts file is not a report";
  auto v2 = read_audit_report(R"({"schema":"rootguard.audit/2","accounts":[]})", "a.json", diag);
  ASSERT_FALSE(v2.ok());
  EXPECT_NE(v2.error().str().find("rootguard.audit/2"), std::string::npos);
  std::vector<std::string> lines;
  Diagnostics d2([&](Diagnostics::Level, const std::string& l) { lines.push_back(l); });
  auto r = read_audit_report(report(R"({"title":"no id"})" + std::string(",") + finding("R06", "FAIL")), "a.json", d2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 1u);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("a.json: accounts[0].findings[0]: ", 0), 0u) << lines[0];
}

}  // namespace
}  // namespace rg::harden
