#include <gtest/gtest.h>

#include <filesystem>

#include "posture/account.h"
#include "posture/config.h"
#include "posture_fixture.h"
#include "test_util.h"

namespace rg::posture::checks {
extern const Check R06_root_usage_alarm;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


// Hostile shapes (as fuzz/snapshot_fuzz.cpp finds them): metric filters whose array is missing
// or is not an array read as none, never as a null array walked through.
TEST(R06, MetricFiltersWithoutTheirArrayReadAsNone) {
  namespace fs = std::filesystem;
  for (const char* filters : {"{}", R"({"metricFilters":{"filterName":"x"}})", R"({"metricFilters":null})"}) {
    SCOPED_TRACE(filters);
    TempDir tmp;
    fs::copy(source_dir() / "tests/fixtures/posture/R06/pass", tmp.path() / "snap", fs::copy_options::recursive);
    write_file(tmp.path() / "snap/us-east-1/logs.DescribeMetricFilters.json", filters);
    Diagnostics diag(Diagnostics::silent());
    posture::Account a = posture::read_account(tmp.path() / "snap", "snap", nullptr, diag);
    posture::Config cfg;
    std::vector<Finding> out = R06_root_usage_alarm.run(posture::CheckInput{a, nullptr, cfg, 0});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].status, kFail) << out[0].reason;
    HAS(out[0].reason, "has no metric filter");
  }
}

TEST(R06, QuotedCisChainPasses) {
  auto r = run_fixture(R06_root_usage_alarm, "R06/pass");
  EXPECT_EQ(r.first().status, kPass) << r.first().reason;
  HAS(r.first().reason, "confirmed subscription");
}
// Section 5 fact 8: the unquoted v5+ form is the same filter.
TEST(R06, UnquotedCisFormPasses) {
  EXPECT_EQ(run_fixture(R06_root_usage_alarm, "R06/pass_unquoted").first().status, kPass);
}
TEST(R06, ExtraOrTermRefused) {
  auto r = run_fixture(R06_root_usage_alarm, "R06/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "||");
}
// Fact 8: the alarm must match metric AND namespace.
TEST(R06, AlarmOnOtherNamespaceFails) {
  auto r = run_fixture(R06_root_usage_alarm, "R06/fail_namespace");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "LogMetrics/RootAccountUsage");
}
// Fact 8: PendingConfirmation is not a subscriber.
TEST(R06, PendingConfirmationIsNotASubscriber) {
  auto r = run_fixture(R06_root_usage_alarm, "R06/fail_pending");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "PendingConfirmation");
}
// Fact 9: an Organization trail owned by another account gives UNKNOWN, not FAIL.
TEST(R06, OrganizationTrailInMemberIsUnknown) {
  auto r = run_fixture(R06_root_usage_alarm, "R06/org_trail");
  EXPECT_EQ(r.first().status, kUnknown);
  HAS(r.first().reason, "owned by account 111122223333");
}
// Fact 8: a metric-math alarm has no top-level MetricName; its metric is found in
// Metrics[].MetricStat and must still match metric AND namespace.
TEST(R06, MetricMathAlarmOnTheMetricPasses) {
  auto r = run_fixture(R06_root_usage_alarm, "R06/pass_metric_math");
  EXPECT_EQ(r.first().status, kPass) << r.first().reason;
  HAS(r.first().reason, "RootUseMath (metric-math alarm over m1)");
}
TEST(R06, MetricMathAlarmOnOtherNamespaceFails) {
  auto r = run_fixture(R06_root_usage_alarm, "R06/fail_metric_math_namespace");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "Custom/RootAccountUsage");
}
TEST(R06, NoTrailsCollectedIsUnknown) {
  auto r = run_fixture(R06_root_usage_alarm, "R01/not_collected");
  EXPECT_EQ(r.first().status, kUnknown);
  HAS(r.first().reason, "cloudtrail.DescribeTrails.json");
}

}  // namespace
}  // namespace rg::posture::checks
