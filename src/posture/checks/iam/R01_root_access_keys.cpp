// R01: the root user has no access keys (CIS 1.4 / IAM.4).
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R01_root_access_keys;
const Check R01_root_access_keys{
    .meta =
        {
            .id = "R01",
            .title = "Root user has no access keys",
            .severity = Severity::Critical,
            .cis = {.v1_2 = "1.12", .v1_4 = "1.4", .v5_0 = "1.3", .v6_0 = "2.3", .v7_0 = "2.4"},
            .security_hub = "IAM.4",
            .practice = "Never create access keys for the root user; use IAM roles for every programmatic task.",
            .console = {"Sign in as the root user, open the account menu > Security credentials.",
                        "Under 'Access keys', choose Actions > Deactivate for each key, then Actions > Delete."},
            .cli = {"aws iam list-access-keys   # run with the root user's own credentials",
                    "aws iam update-access-key --access-key-id <AKIA...> --status Inactive",
                    "aws iam delete-access-key --access-key-id <AKIA...>",
                    "aws sts assume-root --target-principal <account-id> --task-policy-arn "
                    "arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials   # Organizations members"},
            .reads = {"iam.GetCredentialReport.json", "iam.GetAccountSummary.json"},
        },
    .run = &run,
};

namespace {

std::string key_detail(const CredentialReport& r, int n) {
  std::string p = "access_key_" + std::to_string(n) + "_";
  std::string s = p + "active=true";
  CredValue used = r.root(p + "last_used_date");
  if (used.is_date()) {
    s += ", last used " + used.raw;
    CredValue region = r.root(p + "last_used_region"), svc = r.root(p + "last_used_service");
    if (region.kind == CredValue::Kind::Other) s += " in " + region.raw;
    if (svc.kind == CredValue::Kind::Other) s += " by " + svc.raw;
  } else {
    s += ", never used (" + p + "last_used_date=" + used.raw + ")";
  }
  return s;
}

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R01_root_access_keys.meta;
  std::vector<Finding> out;
  auto summary = summary_value(in.account, "AccountAccessKeysPresent");
  std::optional<std::int64_t> present;
  if (summary.ok()) present = *summary;

  std::vector<Finding> report_problem;
  const CredentialReport* r = root_report(m, in, report_problem);
  if (r) {
    CredValue k1 = r->root("access_key_1_active"), k2 = r->root("access_key_2_active");
    if (k1.is_true() || k2.is_true()) {
      std::string reason;
      if (k1.is_true()) reason = key_detail(*r, 1);
      if (k2.is_true()) reason += (reason.empty() ? "" : "; ") + key_detail(*r, 2);
      Finding f = make_finding(m, in, FindingStatus::Fail, reason);
      add_evidence(f, "file", "iam.GetCredentialReport.json");
      add_generated_time(f, *r);
      out.push_back(std::move(f));
      return out;
    }
    if (k1.is_false() && k2.is_false()) {
      if (present && *present >= 1) {
        Finding f = make_finding(m, in, FindingStatus::Fail,
                                 "AccountAccessKeysPresent=" + std::to_string(*present) +
                                     " but the credential report shows no active root key: an inactive root key exists");
        add_evidence(f, "file", "iam.GetAccountSummary.json");
        add_generated_time(f, *r);
        out.push_back(std::move(f));
        return out;
      }
      Finding f = make_finding(m, in, FindingStatus::Pass,
                               "access_key_1_active=false, access_key_2_active=false" +
                                   std::string(present ? ", AccountAccessKeysPresent=0" : ""));
      add_evidence(f, "file", "iam.GetCredentialReport.json");
      add_generated_time(f, *r);
      out.push_back(std::move(f));
      return out;
    }
  }
  // The report could not decide; the summary alone can.
  if (present) {
    Finding f = make_finding(m, in, *present >= 1 ? FindingStatus::Fail : FindingStatus::Pass,
                             "AccountAccessKeysPresent=" + std::to_string(*present) +
                                 (r ? " (credential report: " + quote(*r, "access_key_1_active") + ", " +
                                          quote(*r, "access_key_2_active") + ")"
                                    : ""));
    add_evidence(f, "file", "iam.GetAccountSummary.json");
    out.push_back(std::move(f));
    return out;
  }
  if (!report_problem.empty()) return report_problem;
  Finding f = make_finding(m, in, FindingStatus::Unknown,
                           "iam.GetCredentialReport.json: " + quote(*r, "access_key_1_active") + ", " +
                               quote(*r, "access_key_2_active") + " and no AccountAccessKeysPresent in iam.GetAccountSummary.json");
  add_evidence(f, "file", "iam.GetCredentialReport.json");
  out.push_back(std::move(f));
  return out;
}

}  // namespace
}  // namespace rg::posture::checks
