#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R16_security_phone;
namespace {

using rg::test::run_fixture;
constexpr auto kPass = FindingStatus::Pass;
constexpr auto kFail = FindingStatus::Fail;
constexpr auto kUnknown = FindingStatus::Unknown;
constexpr auto kNa = FindingStatus::NotApplicable;
constexpr auto kAttest = FindingStatus::Attest;
#define HAS(s, sub) EXPECT_NE(std::string(s).find(sub), std::string::npos) << (s)


TEST(R16, MatchesConfiguredLine) {
  auto r = run_fixture(R16_security_phone, "R16/pass");
  EXPECT_EQ(r.first().status, kPass) << r.first().reason;
}
TEST(R16, NotE164Fails) { EXPECT_EQ(run_fixture(R16_security_phone, "R16/fail").first().status, kFail); }
TEST(R16, WithoutConfigAsksForAttestation) {
  auto r = run_fixture(R16_security_phone, "R08/pass");
  EXPECT_EQ(r.first().status, kAttest);
  HAS(r.first().reason, "security_phone");
}

}  // namespace
}  // namespace rg::posture::checks
