#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R08_security_contact;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R08, Pass) {
  auto r = run_fixture(R08_security_contact, "R08/pass");
  EXPECT_EQ(r.first().status, kPass);
  HAS(r.first().reason, "security@example.com");
}
// Section 5 fact 11: a missing contact is an error response (ResourceNotFoundException): FAIL.
TEST(R08, ResourceNotFoundIsFailNotUnknown) {
  auto r = run_fixture(R08_security_contact, "R08/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "ResourceNotFoundException");
}

}  // namespace
}  // namespace rg::posture::checks
