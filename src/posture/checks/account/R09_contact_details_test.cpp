#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R09_contact_details;
namespace {

using rg::test::run_fixture;
constexpr auto kPass = FindingStatus::Pass;
constexpr auto kFail = FindingStatus::Fail;
constexpr auto kUnknown = FindingStatus::Unknown;
constexpr auto kNa = FindingStatus::NotApplicable;
constexpr auto kAttest = FindingStatus::Attest;
#define HAS(s, sub) EXPECT_NE(std::string(s).find(sub), std::string::npos) << (s)


TEST(R09, Pass) { EXPECT_EQ(run_fixture(R09_contact_details, "R09/pass").first().status, kPass); }
TEST(R09, SharedPhoneFails) {
  auto r = run_fixture(R09_contact_details, "R09/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "share the same phone");
}

}  // namespace
}  // namespace rg::posture::checks
