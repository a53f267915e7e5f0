#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R17_two_person_separation;
namespace {

using rg::test::run_fixture;
constexpr auto kPass = FindingStatus::Pass;
constexpr auto kFail = FindingStatus::Fail;
constexpr auto kUnknown = FindingStatus::Unknown;
constexpr auto kNa = FindingStatus::NotApplicable;
constexpr auto kAttest = FindingStatus::Attest;
#define HAS(s, sub) EXPECT_NE(std::string(s).find(sub), std::string::npos) << (s)


TEST(R17, SeparatePeopleIsAttested) {
  auto r = run_fixture(R17_two_person_separation, "R17/pass");
  EXPECT_EQ(r.first().status, kAttest) << r.first().reason;
  HAS(r.first().reason, "carol");
}
TEST(R17, SamePersonOnBothListsFails) {
  auto r = run_fixture(R17_two_person_separation, "R17/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "bob");
}
TEST(R17, WithoutConfigSaysWhatToAdd) {
  auto r = run_fixture(R17_two_person_separation, "R01/pass");
  EXPECT_EQ(r.first().status, kAttest);
  HAS(r.first().reason, "attestations");
}

}  // namespace
}  // namespace rg::posture::checks
