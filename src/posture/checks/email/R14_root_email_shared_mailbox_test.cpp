#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R14_root_email_shared_mailbox;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R14, TaggedSharedMailboxPasses) {
  auto r = run_fixture(R14_root_email_shared_mailbox, "R14/pass");
  EXPECT_EQ(r.first().status, kPass) << r.first().reason;
}
TEST(R14, PersonalFreeMailFails) {
  auto r = run_fixture(R14_root_email_shared_mailbox, "R14/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "gmail.com");
}
// Section 5 fact 10: a standalone account's root email is not readable by API: say what to add.
TEST(R14, StandaloneWithoutConfigSaysWhatToAdd) {
  auto r = run_fixture(R14_root_email_shared_mailbox, "R01/pass");
  EXPECT_EQ(r.first().status, kUnknown);
  HAS(r.first().reason, "root_emails");
}
TEST(R14, WithoutMailboxConfigSaysWhatToAdd) {
  auto r = run_fixture(R14_root_email_shared_mailbox, "R15/pass");
  EXPECT_EQ(r.first().status, kUnknown);
  HAS(r.first().reason, "root_mailboxes");
}

}  // namespace
}  // namespace rg::posture::checks
