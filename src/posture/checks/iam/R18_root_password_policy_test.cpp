#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R18_root_password_policy;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R18, AlwaysNotApplicableWithExplanation) {
  auto r = run_fixture(R18_root_password_policy, "R18/na");
  EXPECT_EQ(r.first().status, kNa);
  HAS(r.first().reason, "password policy does not apply to root");
}

}  // namespace
}  // namespace rg::posture::checks
