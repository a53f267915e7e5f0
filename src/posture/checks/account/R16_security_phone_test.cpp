#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R16_security_phone;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


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
