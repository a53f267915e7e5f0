#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R02_root_mfa;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R02, PassWithMfa) { EXPECT_EQ(run_fixture(R02_root_mfa, "R02/pass").first().status, kPass); }
TEST(R02, FailPasswordWithoutMfa) {
  auto r = run_fixture(R02_root_mfa, "R02/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "AccountPasswordPresent=1");
}
TEST(R02, NotApplicableWithoutCredentials) {
  auto r = run_fixture(R02_root_mfa, "R02/na");
  EXPECT_EQ(r.first().status, kNa);
}
// Section 5 fact 1: password_enabled=not_supported is not "no password"; with no
// AccountPasswordPresent the answer is UNKNOWN, never N_A or PASS.
TEST(R02, TriStatePasswordNotSupportedIsUnknown) {
  auto r = run_fixture(R02_root_mfa, "R02/password_unknown");
  EXPECT_EQ(r.first().status, kUnknown);
  HAS(r.first().reason, "password_enabled=not_supported");
}

// Section 5 fact 15: in GovCloud (and China) the root MFA controls do not exist: N_A, with
// the partition named, never a FAIL for a password without MFA.
TEST(R02, GovCloudPartitionIsNotApplicable) {
  auto r = run_fixture(R02_root_mfa, "R02/govcloud");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.first().status, kNa);
  HAS(r.first().reason, "partition aws-us-gov");
}

}  // namespace
}  // namespace rg::posture::checks
