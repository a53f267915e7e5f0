// R09: the primary contact is complete and the alternate contacts are distinct (CIS 1.1).
// ContactInformation has no email address: the root email is not read here.
#include <map>

#include "core/strings.h"
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R09_contact_details;
const Check R09_contact_details{
    .meta =
        {
            .id = "R09",
            .title = "Primary contact complete; alternate contacts distinct",
            .severity = Severity::Low,
            .cis = {.v1_4 = "1.1", .v5_0 = "1.1", .v6_0 = "2.1", .v7_0 = "2.2"},
            .practice = "Keep the account's contacts current and routed to different teams, so no single person is the only way in.",
            .console = {"Open the account menu > Account > Contact information > Edit; fill name, phone and address.",
                        "Account > Alternate contacts: give Billing, Operations and Security each their own team "
                        "mailbox and phone."},
            .cli = {"aws account put-contact-information --contact-information "
                    "'FullName=<name>,AddressLine1=<street>,City=<city>,PostalCode=<code>,CountryCode=<CC>,PhoneNumber=<+E.164>'",
                    "aws account put-alternate-contact --alternate-contact-type BILLING|OPERATIONS ..."},
            .reads = {"account.GetContactInformation.json", "account.GetAlternateContact.SECURITY.json",
                      "account.GetAlternateContact.BILLING.json", "account.GetAlternateContact.OPERATIONS.json"},
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R09_contact_details.meta;
  const std::string file = "account.GetContactInformation.json";
  auto c = in.account.files.json(file);
  if (!c) return {unknown_finding(m, in, c.error())};
  simdjson::dom::element ci;
  if (c->at_key("ContactInformation").get(ci))
    return {make_finding(m, in, FindingStatus::Unknown, file + ": no ContactInformation object")};
  std::string missing;
  for (const char* k : {"FullName", "PhoneNumber", "AddressLine1", "City", "PostalCode", "CountryCode"})
    if (get_string(ci, k).value_or("").empty()) missing += (missing.empty() ? "" : ", ") + std::string(k);
  if (!missing.empty()) {
    Finding f = make_finding(m, in, FindingStatus::Fail, "primary contact lacks " + missing);
    add_evidence(f, "file", file);
    return {f};
  }
  // Alternates: any two sharing a name, email or phone is one team wearing several hats.
  std::map<std::string, std::string> seen;  // "email:x" -> type
  std::string clash;
  int present = 0;
  for (const char* type : {"SECURITY", "BILLING", "OPERATIONS"}) {
    auto a = in.account.files.json(std::string("account.GetAlternateContact.") + type + ".json");
    simdjson::dom::element ac;
    if (!a || a->at_key("AlternateContact").get(ac)) continue;
    ++present;
    std::pair<const char*, std::string> keys[] = {{"email", to_lower(get_string(ac, "EmailAddress").value_or(""))},
                                                  {"phone", phone_digits(get_string(ac, "PhoneNumber").value_or(""))},
                                                  {"name", to_lower(get_string(ac, "Name").value_or(""))}};
    for (auto& [k, v] : keys) {
      if (v.empty()) continue;
      auto [it, fresh] = seen.emplace(std::string(k) + ":" + v, type);
      if (!fresh && clash.empty()) clash = std::string(type) + " and " + it->second + " share the same " + k;
    }
  }
  Finding f = make_finding(m, in, clash.empty() ? FindingStatus::Pass : FindingStatus::Fail,
                           clash.empty() ? "primary contact " + get_string(ci, "FullName").value_or("") + ", " +
                                               get_string(ci, "PhoneNumber").value_or("") + "; " +
                                               std::to_string(present) + " alternate contact(s), all distinct"
                                         : clash);
  add_evidence(f, "file", file);
  return {f};
}

}  // namespace
}  // namespace rg::posture::checks
