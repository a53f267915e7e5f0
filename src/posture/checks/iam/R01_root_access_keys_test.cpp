#include <gtest/gtest.h>

#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R01_root_access_keys;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


TEST(R01, PassWhenNoKey) {
  auto r = run_fixture(R01_root_access_keys, "R01/pass");
  EXPECT_EQ(r.first().status, kPass);
  HAS(r.first().reason, "access_key_1_active=false");
}
TEST(R01, FailQuotesKeyUse) {
  auto r = run_fixture(R01_root_access_keys, "R01/fail");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "access_key_1_active=true, last used 2026-11-20T21:15:00+00:00 in us-east-1 by s3");
  EXPECT_EQ(r.first().resource, "arn:aws:iam::111122223333:root");
}
// The summary counts a key the report shows inactive: still a root key, still FAIL.
TEST(R01, InactiveKeyCountedBySummaryFails) {
  auto r = run_fixture(R01_root_access_keys, "R01/inactive_key");
  EXPECT_EQ(r.first().status, kFail);
  HAS(r.first().reason, "inactive root key exists");
}
TEST(R01, MissingReportAndSummaryIsUnknownNamingFile) {
  auto r = run_fixture(R01_root_access_keys, "R08/fail");  // complete account: control
  EXPECT_EQ(r.first().status, kPass);
  auto u = run_fixture(R01_root_access_keys, "R01/not_collected");
  EXPECT_EQ(u.first().status, kUnknown);
  HAS(u.first().reason, "iam.GetCredentialReport.json");
}

}  // namespace
}  // namespace rg::posture::checks
