// Helpers shared by the checks: reading the root row of the credential report, the
// GetAccountSummary map, the reference time, root email addresses. Pure functions of the
// collected data, like the checks themselves.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "posture/check.h"

namespace rg::posture::checks {

// The credential report with a root row, or an UNKNOWN finding pushed to `out` and null.
const CredentialReport* root_report(const CheckMeta& meta, const CheckInput& in, std::vector<Finding>& out);

// A GetAccountSummary SummaryMap value: nullopt when the key is absent (older API) and an
// error when the file is missing or holds an AWS error.
Result<std::optional<std::int64_t>> summary_value(const Account& a, std::string_view key);

// "column=value" as it appears in the report, for reasons.
std::string quote(const CredentialReport& r, std::string_view column);

// Reference time for "recent": CheckInput::now_ms, else the report's GeneratedTime, else 0.
std::int64_t reference_time(const CheckInput& in);

// The root user's email address and where it came from ("ListAccounts", "DescribeOrganization",
// "account.GetPrimaryEmail.json", "rootguard.yaml"); empty when unknown.
struct RootEmail {
  std::string email, source;
};
RootEmail root_email(const CheckInput& in);

// Adds the credential report's GeneratedTime to the evidence (fact: reports are cached up to 4 h).
void add_generated_time(Finding& f, const CredentialReport& r);

// Account is outside the commercial partition (GovCloud, China): root controls do not apply.
bool outside_commercial_partition(const Account& a);

// The digits of a phone number ("+1 (206) 555-0100" -> "12065550100").
std::string phone_digits(const std::string& s);

}  // namespace rg::posture::checks

namespace rg::posture::checks {

// A root email address split by the configured subaddress delimiter:
// "aws-root+prod@example.com" -> mailbox "aws-root@example.com", tag "prod", domain "example.com".
struct EmailParts {
  std::string mailbox, tag, domain;
  bool valid = false;
};
EmailParts split_email(const std::string& email, const std::string& delimiter);

}  // namespace rg::posture::checks
