#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R11_member_root_credentials;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R11, MemberWithoutCredentialsPasses) {
  EXPECT_EQ(run_fixture(R11_member_root_credentials, "R11/pass").first().status, kPass);
}
TEST(R11, MemberWithPasswordFails) {
  auto r = run_fixture(R11_member_root_credentials, "R11/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "AccountPasswordPresent=1");
}
TEST(R11, ManagementIsNotApplicable) {
  EXPECT_EQ(run_fixture(R11_member_root_credentials, "R11/fail", "111122223333").first().status, kNa);
}

}  // namespace
}  // namespace rg::posture::checks
