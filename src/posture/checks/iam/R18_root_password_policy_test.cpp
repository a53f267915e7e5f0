#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R18_root_password_policy;
namespace {

using rg::test::run_fixture;
constexpr auto kPass = FindingStatus::Pass;
constexpr auto kFail = FindingStatus::Fail;
constexpr auto kUnknown = FindingStatus::Unknown;
constexpr auto kNa = FindingStatus::NotApplicable;
constexpr auto kAttest = FindingStatus::Attest;
#define HAS(s, sub) EXPECT_NE(std::string(s).find(sub), std::string::npos) << (s)


TEST(R18, AlwaysNotApplicableWithExplanation) {
  auto r = run_fixture(R18_root_password_policy, "R18/na");
  EXPECT_EQ(r.first().status, kNa);
  HAS(r.first().reason, "password policy does not apply to root");
}

}  // namespace
}  // namespace rg::posture::checks
