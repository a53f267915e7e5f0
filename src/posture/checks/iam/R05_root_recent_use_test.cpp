#include <gtest/gtest.h>

#include "core/time.h"
#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R05_root_recent_use;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R05, OldUsePasses) {
  auto r = run_fixture(R05_root_recent_use, "R05/pass");
  EXPECT_EQ(r.first().status, kPass);
  HAS(r.first().reason, "2026-06-01T09:00:00+00:00");
}
// Section 5 fact 7: last use is the LATEST of the three dates, not the first non-empty one.
TEST(R05, LatestOfThreeDatesDecides) {
  auto r = run_fixture(R05_root_recent_use, "R05/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "2026-11-21T07:30:00+00:00 (access_key_2_last_used_date)");
}
// Fact 2: no_information / N/A are not dates (never epoch 0, never "dormant since 1970").
TEST(R05, NoInformationIsNotADate) {
  auto r = run_fixture(R05_root_recent_use, "R05/never_used");
  EXPECT_EQ(r.first().status, kPass);
  HAS(r.first().reason, "password_last_used=no_information");
  EXPECT_EQ(r.first().reason.find("1970"), std::string::npos);
}
// Fact 4: the report GeneratedTime is shown with the finding.
TEST(R05, ShowsGeneratedTime) {
  auto r = run_fixture(R05_root_recent_use, "R05/pass");
  bool shown = false;
  for (auto& [k, v] : r.first().facets) shown |= k == "generated_time" && v == "2026-11-21T08:00:00+00:00";
  EXPECT_TRUE(shown);
}
TEST(R05, WindowComesFromReferenceTime) {
  // A month after the report, the same key use is outside the 1-day window.
  auto r = run_fixture(R05_root_recent_use, "R05/fail", "", *parse_iso8601_ms("2026-12-21T00:00:00Z"));
  EXPECT_EQ(r.first().status, kPass);
}

// Fact 4: a report still being generated (ReportInProgress, HTTP 404) or never generated
// (ReportNotPresent, 410) is not "never used": UNKNOWN, quoting the AWS error code.
TEST(R05, ReportInProgressIsUnknown) {
  auto r = run_fixture(R05_root_recent_use, "R05/report_in_progress");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.first().status, kUnknown);
  HAS(r.first().reason, "ReportInProgress");
}
TEST(R05, ReportNotPresentIsUnknown) {
  auto r = run_fixture(R05_root_recent_use, "R05/report_not_present");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.first().status, kUnknown);
  HAS(r.first().reason, "ReportNotPresent");
}

}  // namespace
}  // namespace rg::posture::checks
