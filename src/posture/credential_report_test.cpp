#include "posture/credential_report.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "test_util.h"

namespace rg::posture {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Collect {
  std::vector<std::string> lines;
  Diagnostics diag{[this](Diagnostics::Level, const std::string& l) { lines.push_back(l); }};
};

const std::string kHeader =
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
    "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,"
    "cert_2_last_rotated";

// Section 5 facts 1-3 on real reports: tri-state password, lowercase booleans, +00:00 and Z.
TEST(CredentialReport, RealReportPlus0000Dates) {
  auto p = rg::test::shared_testdata() / "cloudtrail-public/JakubDziegielewski_AWS_testbench/credential_report.csv";
  RG_SKIP_WITHOUT_SHARED_TESTDATA(p);
  Collect c;
  auto r = parse_credential_csv(slurp(p), "report.csv", c.diag);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(c.lines.empty()) << c.lines.front();
  EXPECT_EQ(r->root("password_enabled").kind, CredValue::Kind::NotSupported);
  EXPECT_FALSE(r->root("password_enabled").known_bool());
  EXPECT_TRUE(r->root("mfa_active").is_false());
  CredValue used = r->root("password_last_used");
  ASSERT_TRUE(used.is_date());
  EXPECT_EQ(used.raw, "2022-12-21T16:19:23+00:00");
  EXPECT_EQ(r->root("access_key_1_last_used_date").kind, CredValue::Kind::NA);
}

TEST(CredentialReport, RealReportZDatesAndTruePassword) {
  auto p = rg::test::shared_testdata() / "cloudtrail-public/cfech_aws-solutions-architect-associate/credential-report.csv";
  RG_SKIP_WITHOUT_SHARED_TESTDATA(p);
  Collect c;
  auto r = parse_credential_csv(slurp(p), "report.csv", c.diag);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->root("password_enabled").is_true());
  EXPECT_EQ(r->root("password_last_used").kind, CredValue::Kind::NoInformation);
  EXPECT_TRUE(r->root("user_creation_time").is_date());
  EXPECT_EQ(r->root("password_next_rotation").kind, CredValue::Kind::NotSupported);
}

// Fact 2: the three non-values are distinct kinds and none is a date or a boolean.
TEST(CredentialReport, NonValuesAreDistinct) {
  EXPECT_EQ(classify_cred_value("N/A").kind, CredValue::Kind::NA);
  EXPECT_EQ(classify_cred_value("no_information").kind, CredValue::Kind::NoInformation);
  EXPECT_EQ(classify_cred_value("not_supported").kind, CredValue::Kind::NotSupported);
  for (auto s : {"N/A", "no_information", "not_supported"}) {
    EXPECT_FALSE(classify_cred_value(s).is_date());
    EXPECT_FALSE(classify_cred_value(s).known_bool());
  }
  EXPECT_TRUE(classify_cred_value("true").is_true());
  EXPECT_TRUE(classify_cred_value("TRUE").is_true());
  auto a = classify_cred_value("2026-11-20T10:00:00+00:00"), b = classify_cred_value("2026-11-20T10:00:00Z");
  ASSERT_TRUE(a.is_date() && b.is_date());
  EXPECT_EQ(a.ms, b.ms);
}

// Fact: IAM user names may hold commas; a real CSV parser keeps the row whole.
TEST(CredentialReport, CommaInQuotedUserName) {
  std::string row_tail = ",2022-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
  std::string csv = kHeader + "\r\n\"svc,deploy\",\"arn:aws:iam::1:user/svc,deploy\"" + row_tail + "\r\n";
  Collect c;
  auto r = parse_credential_csv(csv, "r.csv", c.diag);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(c.lines.empty());
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->get(0, "user").raw, "svc,deploy");
  EXPECT_EQ(r->root_index(), -1);
}

TEST(CredentialReport, ReorderedHeaderReadByNameMissingColumnReported) {
  std::string csv = "arn,user,mfa_active\narn:aws:iam::111122223333:root,<root_account>,true\n";
  Collect c;
  auto r = parse_credential_csv(csv, "r.csv", c.diag);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->root("mfa_active").is_true());
  EXPECT_EQ(r->root("access_key_1_active").kind, CredValue::Kind::Missing);
  ASSERT_EQ(c.diag.error_count(), 1u);
  EXPECT_NE(c.lines[0].find("r.csv:1"), std::string::npos);
  EXPECT_NE(c.lines[0].find("access_key_1_active"), std::string::npos);
}

TEST(CredentialReport, FullHeaderReorderedIsOnlyAWarning) {
  auto cols = credential_report_columns();
  std::swap(cols[0], cols[1]);
  std::string hdr;
  for (auto& x : cols) hdr += (hdr.empty() ? "" : ",") + x;
  Collect c;
  auto r = parse_credential_csv(hdr + "\n", "r.csv", c.diag);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(c.diag.error_count(), 0u);
  EXPECT_EQ(c.diag.warning_count(), 1u);
}

TEST(CredentialReport, MissingHeaderAndWrongColumnCount) {
  Collect c;
  auto r = parse_credential_csv("<root_account>,arn:aws:iam::1:root,true\n", "r.csv", c.diag);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().str().find("no header"), std::string::npos);
  Collect d;
  auto r2 = parse_credential_csv(kHeader + "\n<root_account>,arn:aws:iam::1:root,x\n", "r.csv", d.diag);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->rows.size(), 0u);
  ASSERT_EQ(d.lines.size(), 1u);
  EXPECT_NE(d.lines[0].find("r.csv:2"), std::string::npos);
  EXPECT_NE(d.lines[0].find("3 fields"), std::string::npos);
}

TEST(CredentialReport, Base64ContentAndInvalidBase64) {
  simdjson::dom::parser p;
  std::string csv = kHeader + "\n";
  std::string good = "{\"Content\": \"" + base64_encode(csv) + "\", \"GeneratedTime\": \"2026-11-21T08:00:00+00:00\"}";
  Collect c;
  auto r = parse_credential_response(p.parse(good).value(), "f.json", c.diag);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->generated_time, "2026-11-21T08:00:00+00:00");
  EXPECT_EQ(r->columns.size(), 22u);
  auto bad = parse_credential_response(p.parse(std::string(R"({"Content": "!!not base64!!"})")).value(), "f.json", c.diag);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().str().find("base64"), std::string::npos);
  EXPECT_EQ(base64_decode("dXNlcg=="), std::optional<std::string>("user"));
  EXPECT_EQ(base64_decode("dXNlcg"), std::optional<std::string>("user"));
  EXPECT_FALSE(base64_decode("dXNlc").has_value());
}

// A collector that already decoded Content (cloudmapper's shape) is accepted.
TEST(CredentialReport, PlainCsvContentAccepted) {
  auto path = rg::test::shared_testdata() / "cloudtrail-public/duo-labs_cloudmapper/account-data/demo/us-east-1/iam-get-credential-report.json";
  RG_SKIP_WITHOUT_SHARED_TESTDATA(path);
  simdjson::dom::parser p;
  Collect c;
  auto r = parse_credential_response(p.load(path.string()).value(), "f.json", c.diag);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r->root_index(), 0);
  EXPECT_EQ(r->root("password_enabled").kind, CredValue::Kind::NotSupported);
}

}  // namespace
}  // namespace rg::posture
