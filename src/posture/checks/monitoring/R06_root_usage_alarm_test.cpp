#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R06_root_usage_alarm;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


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
