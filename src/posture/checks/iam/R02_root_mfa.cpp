// R02: the root user has MFA (CIS 1.5 / IAM.9). Root's password_enabled is tri-state
// (`not_supported` historically), so whether root can sign in comes from
// AccountPasswordPresent; when neither tells, the answer is UNKNOWN, never N_A or PASS.
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R02_root_mfa;
const Check R02_root_mfa{
    .meta =
        {
            .id = "R02",
            .title = "Root user has MFA enabled",
            .severity = Severity::Critical,
            .cis = {.v1_2 = "1.13", .v1_4 = "1.5", .v5_0 = "1.4", .v6_0 = "2.4", .v7_0 = "2.5"},
            .security_hub = "IAM.9",
            .practice = "Protect the root user with MFA so the mailbox alone cannot take the account.",
            .console = {"Sign in as the root user, open the account menu > Security credentials.",
                        "Under 'Multi-factor authentication (MFA)', choose 'Assign MFA device', pick a hardware "
                        "TOTP token or security key, and register it (register a second device for backup)."},
            .cli = {"aws iam get-account-summary --query 'SummaryMap.[AccountMFAEnabled,AccountPasswordPresent]'",
                    "aws iam create-virtual-mfa-device --virtual-mfa-device-name root-backup --outfile qr.png "
                    "--bootstrap-method QRCodePNG   # only if no hardware token is available (fails R03)",
                    "aws iam enable-mfa-device --serial-number <arn> --authentication-code1 <code> "
                    "--authentication-code2 <code>   # as root"},
            .reads = {"iam.GetAccountSummary.json", "iam.GetCredentialReport.json"},
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R02_root_mfa.meta;
  std::vector<Finding> out;
  if (outside_commercial_partition(in.account)) {
    out.push_back(make_finding(m, in, FindingStatus::NotApplicable,
                               "partition " + in.account.partition + ": root MFA controls do not apply there"));
    return out;
  }
  auto mfa = summary_value(in.account, "AccountMFAEnabled");
  auto pwd = summary_value(in.account, "AccountPasswordPresent");
  auto keys = summary_value(in.account, "AccountAccessKeysPresent");
  auto certs = summary_value(in.account, "AccountSigningCertificatesPresent");
  const CredentialReport* r = in.account.credentials.ok() && in.account.credentials->root_index() >= 0
                                  ? &*in.account.credentials : nullptr;

  // MFA state: the summary first, else the report's mfa_active.
  std::optional<bool> has_mfa;
  std::string mfa_quote;
  if (mfa.ok() && *mfa) {
    has_mfa = **mfa >= 1;
    mfa_quote = "AccountMFAEnabled=" + std::to_string(**mfa);
  } else if (r && r->root("mfa_active").known_bool()) {
    has_mfa = r->root("mfa_active").is_true();
    mfa_quote = quote(*r, "mfa_active");
  }
  if (!has_mfa) {
    if (!mfa.ok()) out.push_back(unknown_finding(m, in, mfa.error()));
    else out.push_back(make_finding(m, in, FindingStatus::Unknown, "no AccountMFAEnabled in iam.GetAccountSummary.json and no mfa_active in the credential report"));
    return out;
  }
  if (*has_mfa) {
    Finding f = make_finding(m, in, FindingStatus::Pass, mfa_quote);
    add_evidence(f, "file", mfa.ok() && *mfa ? "iam.GetAccountSummary.json" : "iam.GetCredentialReport.json");
    out.push_back(std::move(f));
    return out;
  }
  // No MFA: does root have any credential at all?
  std::optional<bool> has_password;
  std::string pwd_quote;
  if (pwd.ok() && *pwd) {
    has_password = **pwd >= 1;
    pwd_quote = "AccountPasswordPresent=" + std::to_string(**pwd);
  } else if (r && r->root("password_enabled").known_bool()) {
    has_password = r->root("password_enabled").is_true();
    pwd_quote = quote(*r, "password_enabled");
  } else {
    pwd_quote = (r ? quote(*r, "password_enabled") : std::string("no credential report")) +
                " and AccountPasswordPresent absent";
  }
  bool other_creds = (keys.ok() && *keys && **keys >= 1) || (certs.ok() && *certs && **certs >= 1) ||
                     (r && (r->root("access_key_1_active").is_true() || r->root("access_key_2_active").is_true() ||
                            r->root("cert_1_active").is_true() || r->root("cert_2_active").is_true()));
  if (has_password && *has_password) {
    Finding f = make_finding(m, in, FindingStatus::Fail, mfa_quote + ", " + pwd_quote + ": root can sign in with a password alone");
    add_evidence(f, "file", "iam.GetAccountSummary.json");
    out.push_back(std::move(f));
  } else if (other_creds) {
    out.push_back(make_finding(m, in, FindingStatus::Fail, mfa_quote + " and root has access keys or signing certificates"));
  } else if (has_password && !*has_password) {
    out.push_back(make_finding(m, in, FindingStatus::NotApplicable,
                               mfa_quote + ", " + pwd_quote + ": root has no credentials (centrally managed)"));
  } else {
    Finding f = make_finding(m, in, FindingStatus::Unknown,
                             mfa_quote + "; cannot tell whether root has a password: " + pwd_quote +
                                 " (collect a current iam.GetAccountSummary.json)");
    add_evidence(f, "file", "iam.GetAccountSummary.json");
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace
}  // namespace rg::posture::checks
