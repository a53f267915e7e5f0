// R16: the security phone is present, E.164-like, and (when configured) the shared line.
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R16_security_phone;
const Check R16_security_phone{
    .meta =
        {
            .id = "R16",
            .title = "Security contact phone is the shared security line",
            .severity = Severity::Medium,
            .cis = {.v1_4 = "1.1", .v5_0 = "1.1"},
            .practice = "AWS calls a shared, staffed security line, never one person's mobile.",
            .console = {"Open the account menu > Account > Alternate contacts > Edit; set the Security contact "
                        "phone to the team's hunt-group number in +E.164 form."},
            .cli = {"aws account put-alternate-contact --alternate-contact-type SECURITY --phone-number \"<+E.164>\" "
                    "--name \"Security team\" --title Security --email-address security@<domain>"},
            .reads = {"account.GetAlternateContact.SECURITY.json", "account.GetContactInformation.json"},
            .needs_config = true,
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R16_security_phone.meta;
  const std::string file = "account.GetAlternateContact.SECURITY.json";
  auto c = in.account.files.json(file);
  if (!c) {
    if (in.account.files.aws_error_code(file) == "ResourceNotFoundException")
      return {make_finding(m, in, FindingStatus::Fail, "no SECURITY alternate contact, so no security phone (see R08)")};
    return {unknown_finding(m, in, c.error())};
  }
  simdjson::dom::element ac;
  std::string phone;
  if (!c->at_key("AlternateContact").get(ac)) phone = get_string(ac, "PhoneNumber").value_or("");
  std::string d = phone_digits(phone);
  Finding f = make_finding(m, in, FindingStatus::Pass, "");
  add_evidence(f, "file", file);
  if (phone.empty()) {
    f.status = FindingStatus::Fail;
    f.reason = "SECURITY contact has no PhoneNumber";
  } else if (phone[0] != '+' || d.size() < 8 || d.size() > 15) {
    f.status = FindingStatus::Fail;
    f.reason = "security phone \"" + phone + "\" is not in international +E.164 form";
  } else if (!in.config.security_phone.empty()) {
    bool same = phone_digits(in.config.security_phone) == d;
    f.status = same ? FindingStatus::Pass : FindingStatus::Fail;
    f.reason = "security phone " + phone + (same ? " is" : " is not") + " the configured shared line " +
               in.config.security_phone;
  } else {
    f.status = FindingStatus::Attest;
    f.reason = "security phone " + phone + " present; attest it rings a shared line (add security_phone: to " +
               std::string(in.config.loaded() ? in.config.source : "rootguard.yaml") + " to check it)";
    add_evidence(f, "config", "security_phone");
  }
  return {f};
}

}  // namespace
}  // namespace rg::posture::checks
