#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R03_root_hardware_mfa;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


// Section 5 fact 5: a user device named root-account-mfa-device is not root's (pass fixture).
TEST(R03, UserDeviceNamedLikeRootIsNotRoot) {
  auto r = run_fixture(R03_root_hardware_mfa, "R03/pass");
  EXPECT_EQ(r.first().status, kPass);
  HAS(r.first().reason, "none of 2 virtual MFA device(s)");
}
// Fact 5/6: a custom-named device assigned to the exact root ARN fails, even with MFA enabled
// (root may also hold hardware devices: any virtual one fails).
TEST(R03, RootVirtualDeviceByExactArnFails) {
  auto r = run_fixture(R03_root_hardware_mfa, "R03/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "arn:aws:iam::111122223333:mfa/my-phone");
  HAS(r.first().reason, "AccountMFAEnabled=1");
}
TEST(R03, NoMfaFails) { EXPECT_EQ(run_fixture(R03_root_hardware_mfa, "R02/fail").first().status, kFail); }

// Section 5 fact 15: the hardware-MFA control is not offered in the China partition: N_A.
TEST(R03, ChinaPartitionIsNotApplicable) {
  auto r = run_fixture(R03_root_hardware_mfa, "R03/china");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.first().status, kNa);
  HAS(r.first().reason, "partition aws-cn");
}

}  // namespace
}  // namespace rg::posture::checks
