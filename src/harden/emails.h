// The root e-mail plan: one shared mailbox, one RFC 5233 subaddress per account
// (mailbox+<tag>@domain), as the seeds ask. From an Organizations ListAccounts response
// (exactly what `aws organizations list-accounts --output json` prints, pages merged) it
// proposes every account's root address, checks it (RFC 5321/5322 dot-atom, AWS's
// 64-character limit, case-folded uniqueness) and flags the current addresses that look
// personal, sit off the shared domain, or are shared between accounts.
//
// Pure: the caller reads the file and prints. The management account is the one whose id
// is the owner in the account ARNs (arn:aws:organizations::<management-id>:account/...).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"
#include "core/result.h"
#include "harden/address.h"

namespace rg::harden {

struct OrgAccount {
  std::string id;
  std::string name;
  std::string email;
  std::string arn;
  std::string state;  // State, or Status in older responses
};

// Parses a ListAccounts response. A document that is not one (invalid JSON, no top-level
// "Accounts" array) is an error; a bad entry is reported to diag (naming its index) and
// skipped.
Result<std::vector<OrgAccount>> parse_list_accounts(std::string_view json, const std::string& where, Diagnostics& diag);

enum class TagSource { Name, Id };

struct EmailPlanOptions {
  std::string mailbox;      // awsroot@example.com
  char delimiter = '+';     // '+' or '-'
  TagSource tag = TagSource::Name;
};

// Flags on an account's current root e-mail.
inline constexpr const char* kFlagPersonal = "personal";       // free-mail domain or a person's name
inline constexpr const char* kFlagOffDomain = "off-domain";    // not on the shared mailbox's domain
inline constexpr const char* kFlagShared = "shared";           // another account has the same address
inline constexpr const char* kFlagInactive = "not-active";     // suspended/closed: cannot be changed
inline constexpr const char* kFlagTruncated = "tag-truncated"; // tag shortened to fit 64 characters
inline constexpr const char* kFlagCollision = "tag-collision"; // tag extended with the id to stay unique

struct PlannedAccount {
  OrgAccount account;
  bool management = false;
  std::string tag;
  std::string proposed;            // the new root e-mail
  std::vector<std::string> flags;  // kFlag* values
  bool change_needed = true;       // false when the current address already is the proposed one
  std::vector<std::string> commands;  // shell commands (members) or console steps (management)
};

struct EmailPlan {
  Address mailbox;
  char delimiter = '+';
  std::string management_id;  // empty when the ARNs do not say
  std::vector<PlannedAccount> accounts;
  std::vector<std::string> prerequisites;  // commands to run once before the per-account ones
};

// Checks mailbox and delimiter; the message names the flag.
Status validate(const EmailPlanOptions& opts);

// The tag for an account name: lower-case ASCII letters and digits, other runs -> '-',
// trimmed; empty when nothing is left.
std::string slug(std::string_view name);

// Whether an address looks like a person's (free-mail domain, or a local part made of one
// or two name-like words and no role word such as aws, root, security, admin).
bool looks_personal(std::string_view email);

Result<EmailPlan> plan_emails(const std::vector<OrgAccount>& accounts, const EmailPlanOptions& opts);

// Renderings of a plan.
std::string render_text(const EmailPlan& plan);
std::string render_json(const EmailPlan& plan);
std::string render_csv(const EmailPlan& plan);

// Quotes a shell word when it holds anything but [A-Za-z0-9@%+=:,./_-].
std::string shell_quote(std::string_view s);

}  // namespace rg::harden
