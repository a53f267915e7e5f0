#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R15_root_email_unique;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R15, DistinctPasses) { EXPECT_EQ(run_fixture(R15_root_email_unique, "R15/pass").first().status, kPass); }
TEST(R15, CaseFoldedDuplicateFails) {
  auto r = run_fixture(R15_root_email_unique, "R15/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "111122223333");
}

}  // namespace
}  // namespace rg::posture::checks
