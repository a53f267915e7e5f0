#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R11_member_root_credentials;
namespace {

using rg::test::run_fixture;
constexpr auto kPass = FindingStatus::Pass;
constexpr auto kFail = FindingStatus::Fail;
constexpr auto kUnknown = FindingStatus::Unknown;
constexpr auto kNa = FindingStatus::NotApplicable;
constexpr auto kAttest = FindingStatus::Attest;
#define HAS(s, sub) EXPECT_NE(std::string(s).find(sub), std::string::npos) << (s)


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
