#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R04_root_signing_certs;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R04, Pass) { EXPECT_EQ(run_fixture(R04_root_signing_certs, "R04/pass").first().status, kPass); }
TEST(R04, FailQuotesCert) {
  auto r = run_fixture(R04_root_signing_certs, "R04/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "cert_1_active=true");
}

}  // namespace
}  // namespace rg::posture::checks
