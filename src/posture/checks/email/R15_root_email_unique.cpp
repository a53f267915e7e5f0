// R15: each account's root email is its own (case-folded, and no two accounts sharing one
// mailbox+tag). AWS already refuses exact duplicates; case and subaddress variants slip by.
#include "core/strings.h"
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R15_root_email_unique;
const Check R15_root_email_unique{
    .meta =
        {
            .id = "R15",
            .title = "Root email is unique to the account",
            .severity = Severity::Medium,
            .cis = {},
            .practice = "One account, one root address: a password reset for one account must not reach another's root.",
            .console = {"Change the root email of one of the clashing accounts (Account settings > Edit email) to "
                        "its own <mailbox>+<account>@<domain> address."},
            .cli = {"aws organizations list-accounts --query 'Accounts[].[Id,Email]' --output text | sort -k2 -f",
                    "aws account start-primary-email-update --account-id <member-id> --primary-email <new-address>"},
            .reads = {"organizations.ListAccounts.json", "organizations.DescribeOrganization.json"},
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R15_root_email_unique.meta;
  RootEmail re = root_email(in);
  if (re.email.empty())
    return {make_finding(m, in, FindingStatus::Unknown,
                         in.org ? "root email not found in organizations.ListAccounts.json"
                                : "standalone account: add root_emails: to rootguard.yaml to compare addresses")};
  std::string mine = to_lower(re.email);
  EmailParts mp = split_email(mine, in.config.subaddress_delimiter);
  // Everyone else's address: the Organization's accounts, else the config's list.
  std::vector<std::pair<std::string, std::string>> others;  // id, email
  if (in.org) {
    for (const auto& a : in.org->accounts)
      if (a.id != in.account.id) others.emplace_back(a.id, a.email);
  } else {
    for (const auto& [id, e] : in.config.root_emails)
      if (id != in.account.id) others.emplace_back(id, e);
  }
  if (others.empty() && !in.org)
    return {make_finding(m, in, FindingStatus::NotApplicable, "standalone account with no other root email to compare")};
  for (const auto& [id, e] : others) {
    std::string theirs = to_lower(e);
    EmailParts tp = split_email(theirs, in.config.subaddress_delimiter);
    bool same = theirs == mine;
    bool same_tag = !same && mp.valid && tp.valid && mp.mailbox == tp.mailbox && mp.tag == tp.tag && !mp.tag.empty();
    if (same || same_tag) {
      Finding f = make_finding(m, in, FindingStatus::Fail,
                               "root email " + re.email + (same ? " is also the root email of account " : " has the same mailbox and tag as account ") +
                                   id + " (" + e + ")");
      add_evidence(f, "root_email", re.email);
      return {f};
    }
  }
  Finding f = make_finding(m, in, FindingStatus::Pass,
                           "root email " + re.email + " differs from the other " + std::to_string(others.size()) +
                               " account(s), ignoring case");
  add_evidence(f, "root_email", re.email);
  return {f};
}

}  // namespace
}  // namespace rg::posture::checks
