#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R17_two_person_separation;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


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
