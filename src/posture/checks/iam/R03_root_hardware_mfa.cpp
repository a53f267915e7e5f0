// R03: the root user's MFA is hardware (or a FIDO key), with no virtual device (CIS 1.6 / IAM.6).
// A root virtual device is the one whose User.Arn is exactly the root ARN; the serial name
// ("root-account-mfa-device") is user-chosen and proves nothing either way. Root may hold up
// to 8 devices: one virtual device among hardware ones still FAILs.
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R03_root_hardware_mfa;
const Check R03_root_hardware_mfa{
    .meta =
        {
            .id = "R03",
            .title = "Root user MFA is hardware, with no virtual MFA device",
            .severity = Severity::Critical,
            .cis = {.v1_2 = "1.14", .v1_4 = "1.6", .v5_0 = "1.5", .v6_0 = "2.5", .v7_0 = "2.6"},
            .security_hub = "IAM.6",
            .practice = "Keep root MFA on hardware tokens held by named custodians, never on a phone app.",
            .console = {"Sign in as the root user, open the account menu > Security credentials.",
                        "Under 'Multi-factor authentication (MFA)', assign a hardware TOTP token or FIDO security key.",
                        "Then select each device of type 'Virtual' and choose Remove."},
            .cli = {"aws iam list-virtual-mfa-devices --assignment-status Assigned "
                    "--query \"VirtualMFADevices[?User.Arn=='arn:aws:iam::<account-id>:root']\"",
                    "aws iam deactivate-mfa-device --serial-number <virtual-device-arn>   # as root",
                    "aws iam delete-virtual-mfa-device --serial-number <virtual-device-arn>"},
            .reads = {"iam.GetAccountSummary.json", "iam.ListVirtualMFADevices.json", "iam.GetCredentialReport.json"},
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R03_root_hardware_mfa.meta;
  std::vector<Finding> out;
  if (outside_commercial_partition(in.account)) {
    out.push_back(make_finding(m, in, FindingStatus::NotApplicable,
                               "partition " + in.account.partition + ": hardware-MFA control is not offered there"));
    return out;
  }
  auto mfa = summary_value(in.account, "AccountMFAEnabled");
  if (!mfa.ok()) {
    out.push_back(unknown_finding(m, in, mfa.error()));
    return out;
  }
  if (!*mfa) {
    out.push_back(make_finding(m, in, FindingStatus::Unknown, "iam.GetAccountSummary.json has no AccountMFAEnabled"));
    return out;
  }
  if (**mfa == 0) {
    auto pwd = summary_value(in.account, "AccountPasswordPresent");
    auto keys = summary_value(in.account, "AccountAccessKeysPresent");
    if (pwd.ok() && *pwd && **pwd == 0 && keys.ok() && *keys && **keys == 0) {
      out.push_back(make_finding(m, in, FindingStatus::NotApplicable,
                                 "AccountMFAEnabled=0, AccountPasswordPresent=0, AccountAccessKeysPresent=0: root has no credentials"));
    } else {
      out.push_back(make_finding(m, in, FindingStatus::Fail, "AccountMFAEnabled=0: root has no MFA device at all"));
    }
    return out;
  }
  auto list = in.account.files.json("iam.ListVirtualMFADevices.json");
  if (!list) {
    out.push_back(unknown_finding(m, in, list.error()));
    return out;
  }
  if (get_bool(*list, "IsTruncated").value_or(false)) {
    Finding f = make_finding(m, in, FindingStatus::Unknown,
                             "iam.ListVirtualMFADevices.json: IsTruncated=true, only the first page was collected");
    add_evidence(f, "file", "iam.ListVirtualMFADevices.json");
    out.push_back(std::move(f));
    return out;
  }
  const std::string root_arn = in.account.root_arn();
  std::size_t listed = 0;
  if (auto devs = get_array(*list, "VirtualMFADevices")) {
    for (auto d : *devs) {
      ++listed;
      simdjson::dom::element user;
      if (d.at_key("User").get(user)) continue;  // unassigned
      std::string arn = get_string(user, "Arn").value_or("");
      if (!in.account.id.empty() && arn == root_arn) {
        Finding f = make_finding(m, in, FindingStatus::Fail,
                                 "virtual MFA device " + get_string(d, "SerialNumber").value_or("?") +
                                     " is assigned to " + arn + " (AccountMFAEnabled=1)");
        add_evidence(f, "file", "iam.ListVirtualMFADevices.json");
        out.push_back(std::move(f));
        return out;
      }
    }
  } else {
    out.push_back(make_finding(m, in, FindingStatus::Unknown, "iam.ListVirtualMFADevices.json has no VirtualMFADevices list"));
    return out;
  }
  if (in.account.id.empty()) {
    out.push_back(make_finding(m, in, FindingStatus::Unknown, "account id unknown: cannot match devices to the root ARN"));
    return out;
  }
  Finding f = make_finding(m, in, FindingStatus::Pass,
                           "AccountMFAEnabled=1 and none of " + std::to_string(listed) +
                               " virtual MFA device(s) is assigned to " + root_arn);
  add_evidence(f, "file", "iam.ListVirtualMFADevices.json");
  out.push_back(std::move(f));
  return out;
}

}  // namespace
}  // namespace rg::posture::checks
