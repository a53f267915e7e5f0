#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R09_contact_details;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R09, Pass) { EXPECT_EQ(run_fixture(R09_contact_details, "R09/pass").first().status, kPass); }
TEST(R09, SharedPhoneFails) {
  auto r = run_fixture(R09_contact_details, "R09/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "share the same phone");
}

}  // namespace
}  // namespace rg::posture::checks
