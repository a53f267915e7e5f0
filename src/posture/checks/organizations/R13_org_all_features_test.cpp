#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R13_org_all_features;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


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
