// R11: with centralized root access on, member accounts hold no root credentials.
#include <algorithm>

#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R11_member_root_credentials;
const Check R11_member_root_credentials{
    .meta =
        {
            .id = "R11",
            .title = "Member accounts hold no root credentials",
            .severity = Severity::High,
            .cis = {.v7_0 = "2.1.1"},
            .practice = "Delete member root passwords, keys, certificates and MFA once root access is centralized.",
            .console = {"In the management account: IAM > Root access management > select the member account > "
                        "'Delete root user credentials'."},
            .cli = {"aws sts assume-root --target-principal <member-id> --task-policy-arn "
                    "arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
                    "aws iam delete-login-profile && aws iam list-access-keys ...   # with the returned root session"},
            .reads = {"iam.GetAccountSummary.json", "iam.ListOrganizationsFeatures.json (Organization top level)"},
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R11_member_root_credentials.meta;
  if (!in.org) return {make_finding(m, in, FindingStatus::NotApplicable, "standalone account: not in an Organization")};
  if (in.account.role == "management")
    return {make_finding(m, in, FindingStatus::NotApplicable, "the management account keeps its own root credentials")};
  if (const OrgAccount* oa = in.org->find(in.account.id); oa && !oa->state.empty() && oa->state != "ACTIVE")
    return {make_finding(m, in, FindingStatus::NotApplicable, "account State=" + oa->state)};
  auto feats = in.org->files.json("iam.ListOrganizationsFeatures.json");
  if (!feats) return {unknown_finding(m, in, feats.error())};
  auto list = get_strings(*feats, "EnabledFeatures");
  if (std::find(list.begin(), list.end(), "RootCredentialsManagement") == list.end())
    return {make_finding(m, in, FindingStatus::NotApplicable,
                         "centralized root access is not enabled (R10): members still need their own root credentials")};
  std::string held, unknown;
  for (const char* k : {"AccountPasswordPresent", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent",
                        "AccountMFAEnabled"}) {
    auto v = summary_value(in.account, k);
    if (!v.ok()) return {unknown_finding(m, in, v.error())};
    if (!*v) unknown += (unknown.empty() ? "" : ", ") + std::string(k);
    else if (**v >= 1) held += (held.empty() ? "" : ", ") + std::string(k) + "=" + std::to_string(**v);
  }
  Finding f = make_finding(m, in, FindingStatus::Pass, "");
  add_evidence(f, "file", "iam.GetAccountSummary.json");
  if (!held.empty()) {
    f.status = FindingStatus::Fail;
    f.reason = "root credentials remain: " + held;
  } else if (!unknown.empty()) {
    f.status = FindingStatus::Unknown;
    f.reason = "iam.GetAccountSummary.json lacks " + unknown;
  } else {
    f.reason = "AccountPasswordPresent=0, AccountAccessKeysPresent=0, AccountSigningCertificatesPresent=0, AccountMFAEnabled=0";
  }
  return {f};
}

}  // namespace
}  // namespace rg::posture::checks
