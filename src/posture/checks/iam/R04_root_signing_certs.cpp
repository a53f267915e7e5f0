// R04: the root user has no active X.509 signing certificates.
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R04_root_signing_certs;
const Check R04_root_signing_certs{
    .meta =
        {
            .id = "R04",
            .title = "Root user has no active signing certificates",
            .severity = Severity::Medium,
            .cis = {},
            .practice = "Root holds no long-term credential besides its password and MFA.",
            .console = {"Sign in as the root user, open the account menu > Security credentials.",
                        "Under 'X.509 certificate', choose Actions > Make inactive, then Delete, for each certificate."},
            .cli = {"aws iam list-signing-certificates   # as root",
                    "aws iam update-signing-certificate --certificate-id <id> --status Inactive",
                    "aws iam delete-signing-certificate --certificate-id <id>"},
            .reads = {"iam.GetCredentialReport.json", "iam.GetAccountSummary.json"},
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R04_root_signing_certs.meta;
  std::vector<Finding> out;
  auto present = summary_value(in.account, "AccountSigningCertificatesPresent");
  std::vector<Finding> problem;
  const CredentialReport* r = root_report(m, in, problem);
  if (r) {
    CredValue c1 = r->root("cert_1_active"), c2 = r->root("cert_2_active");
    if (c1.is_true() || c2.is_true()) {
      std::string reason;
      if (c1.is_true()) reason = "cert_1_active=true (last rotated " + r->root("cert_1_last_rotated").raw + ")";
      if (c2.is_true()) reason += (reason.empty() ? "" : "; ") + std::string("cert_2_active=true (last rotated ") +
                                  r->root("cert_2_last_rotated").raw + ")";
      Finding f = make_finding(m, in, FindingStatus::Fail, reason);
      add_generated_time(f, *r);
      out.push_back(std::move(f));
      return out;
    }
    if (c1.is_false() && c2.is_false()) {
      Finding f = make_finding(m, in, FindingStatus::Pass, "cert_1_active=false, cert_2_active=false");
      add_generated_time(f, *r);
      out.push_back(std::move(f));
      return out;
    }
  }
  if (present.ok() && *present) {
    out.push_back(make_finding(m, in, **present >= 1 ? FindingStatus::Fail : FindingStatus::Pass,
                               "AccountSigningCertificatesPresent=" + std::to_string(**present)));
    return out;
  }
  if (!problem.empty()) return problem;
  out.push_back(make_finding(m, in, FindingStatus::Unknown,
                             quote(*r, "cert_1_active") + ", " + quote(*r, "cert_2_active") +
                                 " and no AccountSigningCertificatesPresent"));
  return out;
}

}  // namespace
}  // namespace rg::posture::checks
