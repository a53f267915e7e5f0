// R08: a SECURITY alternate contact is registered, with a phone (CIS 1.2 / Account.1).
// "Not set" is an error response (ResourceNotFoundException), kept in the snapshot as
// {"Error": ...}: that FAILs; any other error (AccessDenied) is UNKNOWN.
#include "core/strings.h"
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R08_security_contact;
const Check R08_security_contact{
    .meta =
        {
            .id = "R08",
            .title = "Security alternate contact is registered",
            .severity = Severity::Medium,
            .cis = {.v1_4 = "1.2", .v5_0 = "1.2", .v6_0 = "2.2", .v7_0 = "2.3"},
            .security_hub = "Account.1",
            .practice = "AWS must be able to reach the security team (not the root mailbox) about this account.",
            .console = {"Open the account menu > Account > Alternate contacts > Edit.",
                        "Under Security contact, enter the security team's shared name, title, mailbox and "
                        "phone line; save."},
            .cli = {"aws account put-alternate-contact --alternate-contact-type SECURITY --name \"Security team\" "
                    "--title \"Security\" --email-address security@<domain> --phone-number \"<+E.164 number>\" "
                    "[--account-id <member-id>]"},
            .reads = {"account.GetAlternateContact.SECURITY.json"},
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R08_security_contact.meta;
  const std::string file = "account.GetAlternateContact.SECURITY.json";
  auto c = in.account.files.json(file);
  if (!c) {
    if (in.account.files.aws_error_code(file) == "ResourceNotFoundException") {
      Finding f = make_finding(m, in, FindingStatus::Fail, "no SECURITY alternate contact (ResourceNotFoundException)");
      add_evidence(f, "file", file);
      return {f};
    }
    return {unknown_finding(m, in, c.error())};
  }
  simdjson::dom::element ac;
  if (c->at_key("AlternateContact").get(ac))
    return {make_finding(m, in, FindingStatus::Unknown, file + ": no AlternateContact object")};
  std::string name = get_string(ac, "Name").value_or(""), email = to_lower(get_string(ac, "EmailAddress").value_or(""));
  std::string phone = get_string(ac, "PhoneNumber").value_or("");
  std::vector<std::string> missing;
  if (name.empty()) missing.push_back("Name");
  if (email.empty()) missing.push_back("EmailAddress");
  if (phone.empty()) missing.push_back("PhoneNumber");
  Finding f = make_finding(m, in, FindingStatus::Pass, "SECURITY contact " + name + " <" + email + ">, phone " + phone);
  add_evidence(f, "file", file);
  if (!missing.empty()) {
    std::string s;
    for (auto& x : missing) s += (s.empty() ? "" : ", ") + x;
    f.status = FindingStatus::Fail;
    f.reason = "SECURITY contact lacks " + s;
  } else if (RootEmail re = root_email(in); !re.email.empty() && iequals(re.email, email)) {
    f.status = FindingStatus::Fail;
    f.reason = "SECURITY contact email " + email + " is the root user's own address (from " + re.source + ")";
  }
  return {f};
}

}  // namespace
}  // namespace rg::posture::checks
