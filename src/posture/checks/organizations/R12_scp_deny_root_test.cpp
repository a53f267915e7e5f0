#include <gtest/gtest.h>

#include "posture/account.h"
#include "posture/config.h"
#include "posture_fixture.h"

namespace rg::posture::checks {
extern const Check R12_scp_deny_root;
namespace {

using namespace rg::test;  // run_fixture, kPass/kFail/..., HAS


// Section 5 facts 12/13: the policy is JSON inside a string; ArnLike with arn:*: partitions and a
// Null aws:AssumedRoot exemption is accepted; attached to the OU on the account's path.
TEST(R12, DenyRootScpOnOuPasses) {
  auto r = run_fixture(R12_scp_deny_root, "R12/pass");
  EXPECT_EQ(r.first().status, kPass) << r.first().reason;
  HAS(r.first().reason, "ORGANIZATIONAL_UNIT ou-ab12-prod0001");
}
TEST(R12, OnlyFullAccessFails) { EXPECT_EQ(run_fixture(R12_scp_deny_root, "R12/fail").first().status, kFail); }
// Fact 12: SCPs never restrict the management account.
TEST(R12, ManagementIsNotApplicable) {
  auto r = run_fixture(R12_scp_deny_root, "R12/pass", "111122223333");
  EXPECT_EQ(r.first().status, kNa);
}

// Hostile shapes (found by fuzz/snapshot_fuzz.cpp): a list whose array is missing or is not an
// array reads as empty; it used to be iterated through a null pointer.
TEST(R12, ListsWithoutTheirArraysReadAsEmpty) {
  const std::string roots = R"({"Roots":[{"PolicyTypes":[{"Type":"SERVICE_CONTROL_POLICY","Status":"ENABLED"}]}]})";
  const std::string deny =
      R"({"Policy":{"Content":"{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",)"
      R"(\"Condition\":{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:*:iam::*:root\"}}}]}"}})";
  struct Case {
    std::string policies, targets;
    FindingStatus status;
    std::string reason;
  };
  // With no ListAccounts the account's OU path is unknown: a denying policy attached nowhere
  // that can be seen leaves the answer unknown.
  const std::string unseen = "denies root but the account's OU path is not in ListAccounts";
  const std::vector<Case> cases = {
      {"{}", "{}", kFail, "no SCP denies"},
      {R"({"Policies":"p-1"})", "{}", kFail, "no SCP denies"},
      {R"({"Policies":[{"Id":"p-1","Name":"DenyRoot"}]})", "{}", kUnknown, unseen},
      {R"({"Policies":[{"Id":"p-1","Name":"DenyRoot"}]})", R"({"Targets":{"Type":"ROOT"}})", kUnknown, unseen},
      {R"({"Policies":[{"Id":"p-1","Name":"DenyRoot"}]})", R"({"Targets":[{"Type":"ROOT","TargetId":"r-1"}]})", kPass,
       "attached to ROOT r-1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.policies + " " + c.targets);
    Diagnostics diag(Diagnostics::silent());
    Org org;
    org.management_id = "111122223333";
    org.files = FileSet::from_memory({{"organizations.ListRoots.json", roots},
                                      {"organizations.ListPolicies.SERVICE_CONTROL_POLICY.json", c.policies},
                                      {"organizations.DescribePolicy.p-1.json", deny},
                                      {"organizations.ListTargetsForPolicy.p-1.json", c.targets}},
                                     "org", diag);
    Account acct = account_from_files(FileSet::from_memory({}, "444455556666", diag), "444455556666", &org, diag);
    Config cfg;
    std::vector<Finding> out = R12_scp_deny_root.run(CheckInput{acct, &org, cfg, 0});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].status, c.status) << out[0].reason;
    HAS(out[0].reason, c.reason);
  }
}

}  // namespace
}  // namespace rg::posture::checks
