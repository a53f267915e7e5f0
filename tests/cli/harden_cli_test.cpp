// harden, password and emails driven through the real binary: what a user sees.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "harden/password.h"
#include "harden/policies.h"
#include "test_util.h"

namespace rg::test {
namespace {

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

void expect_one_error_line(const RunResult& r, const std::string& needle) {
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("rootguard: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

TEST(HardenCli, BadInputIsOneLineAndExit2) {
  expect_one_error_line(run_rootguard({"harden", "pulumi"}), "unknown document 'pulumi'");
  expect_one_error_line(run_rootguard({"harden"}), "name a document");
  expect_one_error_line(run_rootguard({"harden", "cloudformation", "--sns-email", "nobody"}), "--sns-email");
  expect_one_error_line(run_rootguard({"harden", "terraform", "--period", "45"}), "--period");
  TempDir d;
  write_file(d / "audit.json", R"({"Accounts": []})");
  expect_one_error_line(run_rootguard({"harden", "--from-audit", (d / "audit.json").string(), "--format", "cloudformation"}),
                        "not a rootguard audit report");
  expect_one_error_line(run_rootguard({"harden", "--from-audit", (d / "audit.json").string(), "--format", "pdf"}),
                        "--format must be cloudformation or terraform");
  expect_one_error_line(run_rootguard({"harden", "--from-audit", (d / "missing.json").string(), "--format", "terraform"}),
                        "missing.json");
  // A directory given as a file is told as such (an ifstream read it as empty text).
  expect_one_error_line(run_rootguard({"harden", "--from-audit", d.path().string(), "--format", "terraform"}),
                        d.path().string() + ": is a directory, not a file");
  expect_one_error_line(run_rootguard({"emails", "plan", "--mailbox", "root@example.com", "--accounts", d.path().string()}),
                        d.path().string() + ": is a directory, not a file");
}

TEST(HardenCli, DocumentsOnStdoutNotesOnStderr) {
  auto cfn = run_rootguard({"harden", "cloudformation", "--sns-email", "secops@example.com"});
  ASSERT_EQ(cfn.status, 0) << cfn.err;
  YAML::Node t = YAML::Load(cfn.out);
  EXPECT_EQ(t["Parameters"]["AlarmEmail"]["Default"].as<std::string>(), "secops@example.com");

  auto tf = run_rootguard({"harden", "terraform", "--sns-email", "secops@example.com", "--with-trail"});
  ASSERT_EQ(tf.status, 0) << tf.err;
  simdjson::dom::parser p;
  simdjson::dom::element tfd;
  ASSERT_FALSE(p.parse(tf.out).get(tfd));
  simdjson::dom::element trail;
  EXPECT_FALSE(tfd["resource"]["aws_cloudtrail"]["main"].get(trail));

  auto scp = run_rootguard({"harden", "scp"});
  ASSERT_EQ(scp.status, 0);
  simdjson::dom::parser p2;
  simdjson::dom::element scpd;
  ASSERT_FALSE(p2.parse(scp.out).get(scpd)) << scp.out;
  EXPECT_NE(scp.err.find("never restrict the management account"), std::string::npos);
  EXPECT_NE(scp.err.find("aws iam enable-organizations-root-sessions"), std::string::npos);

  auto eb = run_rootguard({"harden", "eventbridge", "--quiet"});
  ASSERT_EQ(eb.status, 0);
  EXPECT_EQ(eb.out, harden::eventbridge_pattern().to_json());
  EXPECT_EQ(eb.err, "");
}

TEST(HardenCli, FromAuditGeneratesOnlyWhatFailed) {
  TempDir d;
  write_file(d / "audit.json", R"({"schema":"rootguard.audit/1","accounts":[{"account":"111122223333","findings":[
      {"id":"R06","status":"FAIL","evidence":[{"key":"log_group","value":"main-trail"}]},
      {"id":"R07","status":"PASS","evidence":[]},{"id":"R01","status":"FAIL","evidence":[]}]}]})");
  auto r = run_rootguard({"harden", "--from-audit", (d / "audit.json").string(), "--format", "cloudformation"});
  ASSERT_EQ(r.status, 0) << r.err;
  YAML::Node t = YAML::Load(r.out);
  EXPECT_TRUE(t["Resources"]["RootUsageAlarm"].IsDefined());
  EXPECT_FALSE(t["Resources"]["Trail"].IsDefined());
  EXPECT_EQ(t["Parameters"]["CloudTrailLogGroupName"]["Default"].as<std::string>(), "main-trail");
  EXPECT_NE(r.err.find("R06 failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("R01 failed"), std::string::npos);
  EXPECT_NE(r.out.find("# rootguard harden --from-audit: plan"), std::string::npos) << "plan kept in the template";

  write_file(d / "clean.json", R"({"schema":"rootguard.audit/1","accounts":[{"account":"1","findings":[
      {"id":"R06","status":"PASS","evidence":[]}]}]})");
  auto clean = run_rootguard({"harden", "terraform", "--from-audit", (d / "clean.json").string()});
  EXPECT_EQ(clean.status, 0);
  EXPECT_EQ(clean.out, "") << "nothing failed: nothing to deploy";
}

// The real pipeline: rootguard audit's JSON report feeds harden --from-audit.
TEST(HardenCli, FromRealAuditReport) {
  TempDir d;
  const std::string snap = (source_dir() / "tests/fixtures/posture/R06/fail").string();
  auto audit = run_rootguard({"audit", snap, "--format", "json"});
  ASSERT_TRUE(audit.status == 0 || audit.status == 1) << audit.err;
  write_file(d / "audit.json", audit.out);
  // R06's evidence names the trail's log group (docs/audit-json.md), and harden targets it.
  EXPECT_NE(audit.out.find(R"({"key": "log_group", "value": "cloudtrail/main"})"), std::string::npos) << audit.out;
  auto cfn = run_rootguard({"harden", "--from-audit", (d / "audit.json").string(), "--format", "cloudformation"});
  ASSERT_EQ(cfn.status, 0) << cfn.err;
  EXPECT_NE(cfn.err.find("on log group cloudtrail/main"), std::string::npos) << cfn.err;
  EXPECT_NE(cfn.out.find("Default: \"cloudtrail/main\""), std::string::npos) << cfn.out;
  YAML::Node t = YAML::Load(cfn.out);
  EXPECT_TRUE(t["Resources"]["RootUsageMetricFilter"].IsDefined()) << cfn.err;
  EXPECT_FALSE(t["Resources"]["Trail"].IsDefined()) << "R07 passes in this snapshot: no new trail";
  EXPECT_NE(cfn.err.find("R06 failed"), std::string::npos) << cfn.err;

  auto pass = run_rootguard({"audit", (source_dir() / "tests/fixtures/posture/R06/pass").string(), "--format", "json"});
  write_file(d / "pass.json", pass.out);
  auto none = run_rootguard({"harden", "terraform", "--from-audit", (d / "pass.json").string()});
  EXPECT_EQ(none.status, 0) << none.err;
  EXPECT_EQ(none.out.find("aws_cloudwatch_metric_alarm"), std::string::npos) << "R06 passes: no alarm chain";
}

TEST(PasswordCli, OnlyThePasswordOnStdout) {
  auto r = run_rootguard({"password"});
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(lines(r.out), 1u);
  const std::string pw = r.out.substr(0, r.out.size() - 1);
  EXPECT_EQ(pw.size(), 20u);
  EXPECT_TRUE(harden::meets_aws_root_rules(pw)) << pw;
  EXPECT_NE(r.err.find("bits of entropy"), std::string::npos);
  EXPECT_EQ(r.err.find(pw), std::string::npos) << "the password must not reach stderr";
  auto again = run_rootguard({"password"});
  EXPECT_NE(again.out, r.out);

  auto clear = run_rootguard({"password", "--length", "64", "--no-ambiguous"});
  ASSERT_EQ(clear.status, 0);
  EXPECT_EQ(clear.out.size(), 65u);
  for (char c : clear.out.substr(0, 64)) EXPECT_EQ(harden::kAmbiguous.find(c), std::string_view::npos);
}

TEST(PasswordCli, LengthOutsideAwsLimits) {
  auto short_pw = run_rootguard({"password", "--length", "12"});  // allowed, with a warning
  EXPECT_EQ(short_pw.status, 0) << short_pw.err;
  EXPECT_EQ(short_pw.out.size(), 13u);
  EXPECT_NE(short_pw.err.find("rootguard: warning: --length 12: shorter than the 20 random characters"),
            std::string::npos) << short_pw.err;
  EXPECT_EQ(run_rootguard({"password"}).err.find("warning"), std::string::npos);
  expect_one_error_line(run_rootguard({"password", "--length", "7"}), "8 to 128");
  expect_one_error_line(run_rootguard({"password", "--length", "129"}), "8 to 128");
}

TEST(EmailsCli, PlanAndBadInput) {
  RG_SKIP_WITHOUT_SHARED_TESTDATA(shared_testdata() / "aws-responses");
  const std::string accounts = (shared_testdata() / "aws-responses/ListAccounts.cli.json").string();
  auto r = run_rootguard({"emails", "plan", "--mailbox", "awsroot@example.com", "--accounts", accounts});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("awsroot+production@example.com"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("aws account start-primary-email-update --account-id 222222222222"), std::string::npos);
  auto csv = run_rootguard({"emails", "plan", "--mailbox", "awsroot@example.com", "--accounts", accounts, "--format", "csv"});
  EXPECT_EQ(csv.status, 0);
  EXPECT_EQ(lines(csv.out), 5u);

  expect_one_error_line(run_rootguard({"emails", "plan", "--mailbox", "awsroot@example.com", "--accounts",
                                       (shared_testdata() / "aws-responses/ListAccounts.c7n.json").string()}),
                        "not an Organizations ListAccounts response");
  expect_one_error_line(run_rootguard({"emails", "plan", "--mailbox", "awsroot.example.com", "--accounts", accounts}),
                        "--mailbox");
  expect_one_error_line(run_rootguard({"emails", "plan", "--mailbox", "awsroot@example.com", "--accounts", accounts,
                                       "--delimiter", "*"}),
                        "--delimiter");
  expect_one_error_line(run_rootguard({"emails", "plan", "--mailbox", "awsroot@example.com", "--accounts", accounts,
                                       "--format", "xml"}),
                        "--format");
}

}  // namespace
}  // namespace rg::test
