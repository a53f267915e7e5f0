#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R13_org_all_features;
namespace {

using rg::test::run_fixture;
constexpr auto kPass = FindingStatus::Pass;
constexpr auto kFail = FindingStatus::Fail;
constexpr auto kUnknown = FindingStatus::Unknown;
constexpr auto kNa = FindingStatus::NotApplicable;
constexpr auto kAttest = FindingStatus::Attest;
#define HAS(s, sub) EXPECT_NE(std::string(s).find(sub), std::string::npos) << (s)


TEST(R13, AllFeaturesPasses) { EXPECT_EQ(run_fixture(R13_org_all_features, "R13/pass").first().status, kPass); }
TEST(R13, ConsolidatedBillingFails) {
  auto r = run_fixture(R13_org_all_features, "R13/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "CONSOLIDATED_BILLING");
}
TEST(R13, StandaloneWithoutDataIsUnknown) {
  EXPECT_EQ(run_fixture(R13_org_all_features, "R01/pass").first().status, kUnknown);
}

}  // namespace
}  // namespace rg::posture::checks
