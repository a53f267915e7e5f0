// rootguard audit, driven as a user drives it: exit statuses, bad input, every format.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "respond/sink_test_server.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using rg::test::run_rootguard;

std::string example() { return (rg::test::source_dir() / "examples/snapshots/org").string(); }
std::string example_config() { return (rg::test::source_dir() / "examples/rootguard.yaml").string(); }

TEST(AuditCli, ExampleOrganizationFindsFailuresExitOne) {
  auto r = run_rootguard({"audit", example(), "--config", example_config()});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("access_key_1_active=true, last used 2026-11-20T21:15:00+00:00 in us-east-1 by s3"), std::string::npos);
  EXPECT_NE(r.out.find("R01 R02 R03"), std::string::npos);  // the matrix
  EXPECT_EQ(r.out.find("\x1b["), std::string::npos);        // no colour off a TTY
  EXPECT_NE(r.out.find("4 account(s)"), std::string::npos);
}

TEST(AuditCli, OnlyPassingChecksExitZero) {
  auto r = run_rootguard({"audit", example(), "--check", "r04,R13"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("R01 "), std::string::npos);
}

TEST(AuditCli, FailOnThreshold) {
  // Only medium failures in R08/R16 for the dev account: --fail-on high passes, medium fails.
  EXPECT_EQ(run_rootguard({"audit", example(), "--check", "R08", "--fail-on", "high"}).status, 0);
  EXPECT_EQ(run_rootguard({"audit", example(), "--check", "R08", "--fail-on", "medium"}).status, 1);
  EXPECT_EQ(run_rootguard({"audit", example(), "--fail-on", "severe"}).status, 2);
  EXPECT_EQ(run_rootguard({"audit", example(), "--format", "yaml"}).status, 2);
  // A check id that does not exist is a typo: one line, and no report of the checks left.
  auto typo = run_rootguard({"audit", example(), "--check", "R01,R99"});
  EXPECT_EQ(typo.status, 2);
  EXPECT_EQ(typo.out, "");
  EXPECT_EQ(typo.err, "rootguard: error: --check: unknown check id 'R99' (known: R01-R18)\n");
}

TEST(AuditCli, NotASnapshotAndMissingDirExitTwoRestStillAudited) {
  rg::test::TempDir t;
  rg::test::write_file(t / "empty/readme.txt", "hello");
  auto r = run_rootguard({"audit", (t / "empty").string(), (t / "nope").string(), example(), "--check", "R04"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("not a snapshot"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no such directory"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("4 account(s)"), std::string::npos);
}

// Bad input in a snapshot: one line naming the file, affected checks UNKNOWN, exit 2.
TEST(AuditCli, MalformedFilesOneLineEachChecksUnknown) {
  rg::test::TempDir t;
  fs::copy(rg::test::source_dir() / "tests/fixtures/posture/R01/pass", t / "acct", fs::copy_options::recursive);
  rg::test::write_file(t / "acct/iam.GetAccountSummary.json", "{\"SummaryMap\": {");
  rg::test::write_file(t / "acct/iam.GetCredentialReport.json", "{\"Content\": \"%%%\"}");
  rg::test::write_file(t / "acct/notes.md", "unknown file");
  auto r = run_rootguard({"audit", (t / "acct").string(), "--check", "R01,R02,R08", "--format", "csv"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("iam.GetAccountSummary.json: malformed JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("notes.md: unknown file in snapshot, ignored"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("R01,Root user has no access keys,critical,UNKNOWN"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("base64"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("R08,Security alternate contact is registered,medium,PASS"), std::string::npos) << r.out;
}

TEST(AuditCli, BadConfigNamesFileAndLine) {
  rg::test::TempDir t;
  rg::test::write_file(t / "rootguard.yaml", "root_mailboxes: [a@example.com]\ntrusted_source_ips: [300.1.1.1/8]\ncolour: red\n");
  auto r = run_rootguard({"audit", example(), "--config", (t / "rootguard.yaml").string(), "--check", "R04"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("rootguard.yaml:2: bad CIDR '300.1.1.1/8'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rootguard.yaml:3: unknown key 'colour'"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("4 account(s)"), std::string::npos);
}

TEST(AuditCli, ListedAccountWithoutDirectoryIsUnknown) {
  rg::test::TempDir t;
  fs::copy(example(), t / "org", fs::copy_options::recursive);
  fs::remove_all(t / "org/444455556666");
  auto r = run_rootguard({"audit", (t / "org").string(), "--check", "R02", "--format", "csv"});
  EXPECT_EQ(r.status, 0);  // R02 fails only in the missing account: UNKNOWN is not a failure; a warning is not an error
  EXPECT_NE(r.err.find("444455556666: account listed by organizations.ListAccounts.json has no snapshot directory"),
            std::string::npos) << r.err;
  EXPECT_NE(r.out.find("444455556666,sandbox,member,R02,Root user has MFA enabled,critical,UNKNOWN"), std::string::npos) << r.out;
}

simdjson::dom::array arr(simdjson::dom::element e) {
  simdjson::dom::array a;
  EXPECT_FALSE(e.get_array().get(a));
  return a;
}

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& s) {
  auto doc = p.parse(s);
  EXPECT_FALSE(doc.error()) << s.substr(0, 300);
  return doc.value();
}

TEST(AuditCli, JsonFollowsSchemaAndTotalsAgree) {
  auto r = run_rootguard({"audit", example(), "--config", example_config(), "--format", "json"});
  EXPECT_EQ(r.status, 1);
  simdjson::dom::parser p;
  auto d = parse(p, r.out);
  EXPECT_EQ(std::string_view(d["schema"].get_string().value()), "rootguard.audit/1");
  EXPECT_EQ(d["checks"].get_array().value().size(), 18u);
  EXPECT_EQ(std::string_view(d["organization"]["management_account"].get_string().value()), "111122223333");
  std::uint64_t fails = 0, findings = 0;
  for (auto a : arr(d["accounts"])) {
    fails += a["counts"]["FAIL"].get_uint64().value();
    findings += a["findings"].get_array().value().size();
  }
  EXPECT_EQ(d["summary"]["counts"]["FAIL"].get_uint64().value(), fails);
  EXPECT_EQ(d["summary"]["findings"].get_uint64().value(), findings);
  EXPECT_EQ(d["summary"]["accounts"].get_uint64().value(), 4u);
  EXPECT_GT(d["summary"]["failed_at_or_above_fail_on"].get_uint64().value(), 0u);
  auto first = d["accounts"].at(2)["findings"].at(0);
  EXPECT_EQ(std::string_view(first["status"].get_string().value()), "FAIL");
  EXPECT_EQ(std::string_view(first["id"].get_string().value()), "R01");
}

TEST(AuditCli, OcsfComplianceFindings) {
  auto r = run_rootguard({"audit", example(), "--format", "ocsf", "--check", "R01,R02"});
  simdjson::dom::parser p;
  auto d = parse(p, r.out);
  std::size_t n = 0, failed = 0;
  for (auto f : arr(d)) {
    ++n;
    EXPECT_EQ(f["class_uid"].get_int64().value(), 2003);
    EXPECT_EQ(f["type_uid"].get_int64().value(), 200301);
    EXPECT_EQ(std::string_view(f["cloud"]["provider"].get_string().value()), "AWS");
    // R01 and R02 are critical: OCSF's id and caption, as scan's Detection Findings spell them
    EXPECT_EQ(f["severity_id"].get_int64().value(), 5);
    EXPECT_EQ(std::string_view(f["severity"].get_string().value()), "Critical");
    if (f["compliance"]["status_id"].get_int64().value() == 3) ++failed;
  }
  EXPECT_EQ(n, 8u);
  EXPECT_EQ(failed, 2u);  // dev R01, sandbox R02
  auto high = run_rootguard({"audit", example(), "--format", "ocsf", "--check", "R07"});  // a high check
  simdjson::dom::parser p2;
  std::size_t highs = 0;
  for (auto f : arr(parse(p2, high.out))) {
    ++highs;
    EXPECT_EQ(f["severity_id"].get_int64().value(), 4);
    EXPECT_EQ(std::string_view(f["severity"].get_string().value()), "High");
  }
  EXPECT_GE(highs, 4u);  // one a member account at least
}

TEST(AuditCli, AsffReadyForBatchImport) {
  auto r = run_rootguard({"audit", example(), "--format", "asff", "--check", "R01"});
  simdjson::dom::parser p;
  auto d = parse(p, r.out);
  std::size_t n = 0;
  for (auto f : arr(d)) {
    ++n;
    EXPECT_EQ(std::string_view(f["SchemaVersion"].get_string().value()), "2018-10-08");
    std::string acct(f["AwsAccountId"].get_string().value());
    EXPECT_EQ(std::string(f["ProductArn"].get_string().value()),
              "arn:aws:securityhub:us-east-1:" + acct + ":product/" + acct + "/default");
    for (const char* k : {"Id", "GeneratorId", "CreatedAt", "UpdatedAt", "Title", "Description"})
      EXPECT_FALSE(f[k].get_string().value().empty()) << k;
    EXPECT_FALSE(f["Resources"].get_array().value().size() == 0);
    std::string st(f["Compliance"]["Status"].get_string().value());
    EXPECT_TRUE(st == "PASSED" || st == "FAILED" || st == "WARNING" || st == "NOT_AVAILABLE");
  }
  EXPECT_EQ(n, 4u);
}

TEST(AuditCli, Sarif210) {
  auto r = run_rootguard({"audit", example(), "--format", "sarif"});
  simdjson::dom::parser p;
  auto d = parse(p, r.out);
  EXPECT_EQ(std::string_view(d["version"].get_string().value()), "2.1.0");
  auto run = d["runs"].at(0);
  EXPECT_EQ(run["tool"]["driver"]["rules"].get_array().value().size(), 18u);
  std::size_t errors = 0;
  for (auto res : arr(run["results"]))
    if (std::string_view(res["level"].get_string().value()) == "error") ++errors;
  EXPECT_GT(errors, 0u);
}

TEST(AuditCli, OutputFileAndHtmlSelfContained) {
  rg::test::TempDir t;
  auto r = run_rootguard({"audit", example(), "--format", "html", "-o", (t / "report.html").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  std::string html = rg::test::read_file(t / "report.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

// Renders the HTML report in headless Chromium: a screenshot of the expected size that is not
// blank, and a DOM whose summary shows the audit's counts.
TEST(AuditCli, HtmlRendersInHeadlessChromium) {
  const char* candidates[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser"};
  std::string chromium;
  for (auto* c : candidates)
    if (fs::exists(c)) chromium = c;
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it): HTML render test skipped";
  rg::test::TempDir t;
  auto r = run_rootguard({"audit", example(), "--config", example_config(), "--format", "html", "-o", (t / "r.html").string()});
  ASSERT_EQ(r.status, 1) << r.err;
  std::string base = chromium + " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                     "--disable-background-networking --disable-component-update --disable-sync "
                     "--disable-dev-shm-usage --hide-scrollbars";
  std::string url = "file://" + (t / "r.html").string();
  std::string shot = base + " --user-data-dir=" + (t / "p1").string() + " --window-size=1280,900 --screenshot=" +
                     (t / "shot.png").string() + " " + url + " >" + (t / "shot.log").string() + " 2>&1";
  ASSERT_EQ(std::system(shot.c_str()), 0) << rg::test::read_file(t / "shot.log");
  std::string png = rg::test::read_file(t / "shot.png");
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  auto be32 = [&](std::size_t off) {
    return (static_cast<unsigned char>(png[off]) << 24) | (static_cast<unsigned char>(png[off + 1]) << 16) |
           (static_cast<unsigned char>(png[off + 2]) << 8) | static_cast<unsigned char>(png[off + 3]);
  };
  EXPECT_EQ(be32(16), 1280u);
  EXPECT_EQ(be32(20), 900u);
  EXPECT_GT(png.size(), 20000u) << "screenshot looks blank";  // a blank 1280x900 PNG compresses to a few KB
  std::string dom = base + " --user-data-dir=" + (t / "p2").string() + " --dump-dom " + url + " >" +
                    (t / "dom.html").string() + " 2>" + (t / "dom.log").string();
  ASSERT_EQ(std::system(dom.c_str()), 0) << rg::test::read_file(t / "dom.log");
  std::string d = rg::test::read_file(t / "dom.html");
  EXPECT_NE(d.find("id=\"accounts\">4<"), std::string::npos);
  EXPECT_NE(d.find("id=\"failed\">16<"), std::string::npos);
  EXPECT_NE(d.find("id=\"failed-threshold\">12<"), std::string::npos);
  EXPECT_NE(d.find("id=\"score\">66<"), std::string::npos);
  std::size_t rows = 0;
  for (std::size_t pos = 0; (pos = d.find("class=\"finding\"", pos)) != std::string::npos; ++pos) ++rows;
  EXPECT_EQ(rows, 72u);  // 4 accounts x 18 checks
}

// audit --sink: the failures go to every sink; Security Hub, which keeps findings by their Id,
// also gets the checks that pass (they resolve the failures it holds from an earlier audit). A
// sink that cannot take them makes the exit status 2, with one line.
TEST(AuditCli, SinksGetTheFailuresAndSecurityHubThePassesToo) {
  rg::test::TempDir t;
  const std::string file = (t / "alerts.jsonl").string();
  auto r = run_rootguard({"audit", example(), "--config", example_config(), "--sink", "file:" + file});
  EXPECT_EQ(r.status, 1) << r.err;
  std::ifstream in(file);
  std::size_t fails = 0;
  for (std::string line; std::getline(in, line);) {
    EXPECT_NE(line.find("\"status\":\"FAIL\""), std::string::npos) << line;
    ++fails;
  }
  EXPECT_GT(fails, 0u);
  EXPECT_EQ(r.err, "rootguard: note: file:" + file + ": " + std::to_string(fails) + " findings sent\n");

  rg::test::SinkTestServer srv;
  srv.set_body(R"({"FailedCount": 0, "SuccessCount": 1, "FailedFindings": []})");
  rg::test::FakeAwsCredentials creds(t.path());
  const std::vector<std::string> to_hub = {"audit", example(), "--config", example_config(), "--sink",
                                           "securityhub:us-east-1:999988887777", "--endpoint-url",
                                           "http://127.0.0.1:" + std::to_string(srv.port())};
  auto hub = run_rootguard(to_hub);
  EXPECT_EQ(hub.status, 1) << hub.err;
  std::size_t failed = 0, passed = 0;
  simdjson::dom::parser p;
  for (const auto& req : srv.requests()) {
    simdjson::dom::element body;
    ASSERT_EQ(p.parse(req.body).get(body), simdjson::SUCCESS);
    simdjson::dom::array list = body["Findings"].get_array().value();
    for (simdjson::dom::element f : list) {
      std::string_view status = f["Compliance"]["Status"].get_string().value();
      failed += status == "FAILED";
      passed += status == "PASSED";
    }
  }
  EXPECT_EQ(failed, fails);
  EXPECT_GT(passed, 0u);

  srv.set_status(403);
  srv.set_body(R"({"__type": "InvalidAccessException", "message": "Account 999988887777 is not subscribed to AWS Security Hub"})");
  auto refused = run_rootguard(to_hub);
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("rootguard: error: securityhub:us-east-1:999988887777: " + std::to_string(failed + passed) +
                             " findings not sent: Security Hub InvalidAccessException: Account 999988887777 is not "
                             "subscribed to AWS Security Hub\n"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find(rg::test::FakeAwsCredentials::kSecret), std::string::npos);

  auto bad = run_rootguard({"audit", example(), "--sink", "securityhub:us-east-1"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.out, "") << "no report when a sink is wrong";
}

}  // namespace
