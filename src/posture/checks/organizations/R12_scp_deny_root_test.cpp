#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R12_scp_deny_root;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


// Section 5 facts 12/13: the policy is JSON inside a string; ArnLike with arn:*: partitions and a
// Null aws:AssumedRoot exemption is accepted; attached to the OU on the account's path.
TEST(R12, DenyRootScpOnOuPasses) {
  auto r = run_fixture(R12_scp_deny_root, "R12/pass");
  EXPECT_EQ(r.first().status, kPass) << r.first().reason;
  HAS(r.first().reason, "ORGANIZATIONAL_UNIT ou-ab12-prod0001");
}
TEST(R12, OnlyFullAccessFails) { EXPECT_EQ(run_fixture(R12_scp_deny_root, "R12/fail").first().status, kFail); }
// Fact 12: SCPs never restrict the management account.
TEST(R12, ManagementIsNotApplicable) {
  auto r = run_fixture(R12_scp_deny_root, "R12/pass", "111122223333");
  EXPECT_EQ(r.first().status, kNa);
}

}  // namespace
}  // namespace rg::posture::checks
