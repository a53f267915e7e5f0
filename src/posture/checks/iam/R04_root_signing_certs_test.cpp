#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R04_root_signing_certs;
namespace {

using rg::test::run_fixture;
constexpr auto kPass = FindingStatus::Pass;
constexpr auto kFail = FindingStatus::Fail;
constexpr auto kUnknown = FindingStatus::Unknown;
constexpr auto kNa = FindingStatus::NotApplicable;
constexpr auto kAttest = FindingStatus::Attest;
#define HAS(s, sub) EXPECT_NE(std::string(s).find(sub), std::string::npos) << (s)


TEST(R04, Pass) { EXPECT_EQ(run_fixture(R04_root_signing_certs, "R04/pass").first().status, kPass); }
TEST(R04, FailQuotesCert) {
  auto r = run_fixture(R04_root_signing_certs, "R04/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "cert_1_active=true");
}

}  // namespace
}  // namespace rg::posture::checks
