#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R10_central_root_access;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R10, PassOnManagement) {
  auto r = run_fixture(R10_central_root_access, "R10/pass", "111122223333");
  EXPECT_EQ(r.first().status, kPass);
  HAS(r.first().reason, "RootCredentialsManagement");
}
TEST(R10, ServiceAccessNotEnabledFails) {
  EXPECT_EQ(run_fixture(R10_central_root_access, "R10/fail", "111122223333").first().status, kFail);
}
TEST(R10, MemberIsNotApplicable) { EXPECT_EQ(run_fixture(R10_central_root_access, "R10/pass").first().status, kNa); }
TEST(R10, StandaloneIsNotApplicable) { EXPECT_EQ(run_fixture(R10_central_root_access, "R01/pass").first().status, kNa); }

}  // namespace
}  // namespace rg::posture::checks
