#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R07_cloudtrail_multi_region;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R07, Pass) { EXPECT_EQ(run_fixture(R07_cloudtrail_multi_region, "R07/pass").first().status, kPass); }
TEST(R07, StoppedTrailFails) {
  auto r = run_fixture(R07_cloudtrail_multi_region, "R07/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "IsLogging=false");
}
TEST(R07, OrganizationTrailWithoutStatusIsUnknown) {
  auto r = run_fixture(R07_cloudtrail_multi_region, "R07/org_trail");
  EXPECT_EQ(r.first().status, kUnknown);
  HAS(r.first().reason, "Organization trail");
}

}  // namespace
}  // namespace rg::posture::checks
