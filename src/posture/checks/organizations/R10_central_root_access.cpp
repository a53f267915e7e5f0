// R10: centralized root access (IAM RootCredentialsManagement) is enabled (CIS v7.0 2.1.1).
// An Organization-wide setting: decided on the management account, N_A elsewhere.
#include <algorithm>

#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R10_central_root_access;
const Check R10_central_root_access{
    .meta =
        {
            .id = "R10",
            .title = "Centralized root access is enabled for the Organization",
            .severity = Severity::High,
            .cis = {.v7_0 = "2.1.1"},
            .practice = "Member accounts need no root credentials at all: root tasks run as short sessions from the management account.",
            .console = {"Sign in to the management account; open IAM > Root access management > Enable.",
                        "Turn on both 'Root credentials management' and 'Privileged root actions in member accounts'."},
            .cli = {"aws organizations enable-aws-service-access --service-principal iam.amazonaws.com",
                    "aws iam enable-organizations-root-credentials-management",
                    "aws iam enable-organizations-root-sessions"},
            .reads = {"iam.ListOrganizationsFeatures.json (Organization top level)"},
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R10_central_root_access.meta;
  if (!in.org) return {make_finding(m, in, FindingStatus::NotApplicable, "standalone account: not in an Organization (see R13)")};
  if (in.account.role != "management")
    return {make_finding(m, in, FindingStatus::NotApplicable,
                         "Organization-wide setting, decided on the management account " + in.org->management_id)};
  const std::string file = "iam.ListOrganizationsFeatures.json";
  auto r = in.org->files.json(file);
  if (!r) {
    std::string code = in.org->files.aws_error_code(file);
    if (code == "ServiceAccessNotEnabled" || code == "OrganizationNotInAllFeaturesMode") {
      Finding f = make_finding(m, in, FindingStatus::Fail, "ListOrganizationsFeatures answered " + code);
      add_evidence(f, "file", file);
      return {f};
    }
    return {unknown_finding(m, in, r.error())};
  }
  auto feats = get_strings(*r, "EnabledFeatures");
  bool creds = std::find(feats.begin(), feats.end(), "RootCredentialsManagement") != feats.end();
  bool sessions = std::find(feats.begin(), feats.end(), "RootSessions") != feats.end();
  std::string list;
  for (auto& x : feats) list += (list.empty() ? "" : ",") + x;
  Finding f = make_finding(m, in, creds ? FindingStatus::Pass : FindingStatus::Fail,
                           "EnabledFeatures=[" + list + "]" +
                               (creds ? (sessions ? "" : "; RootSessions off: privileged root tasks need member root credentials")
                                      : ": RootCredentialsManagement not enabled"));
  f.resource = in.org->id;
  add_evidence(f, "file", file);
  return {f};
}

}  // namespace
}  // namespace rg::posture::checks
