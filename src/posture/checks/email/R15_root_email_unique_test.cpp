#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R15_root_email_unique;
namespace {

using rg::test::run_fixture;
constexpr auto kPass = FindingStatus::Pass;
constexpr auto kFail = FindingStatus::Fail;
constexpr auto kUnknown = FindingStatus::Unknown;
constexpr auto kNa = FindingStatus::NotApplicable;
constexpr auto kAttest = FindingStatus::Attest;
#define HAS(s, sub) EXPECT_NE(std::string(s).find(sub), std::string::npos) << (s)


TEST(R15, DistinctPasses) { EXPECT_EQ(run_fixture(R15_root_email_unique, "R15/pass").first().status, kPass); }
TEST(R15, CaseFoldedDuplicateFails) {
  auto r = run_fixture(R15_root_email_unique, "R15/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "111122223333");
}

}  // namespace
}  // namespace rg::posture::checks
