// R14: the root email is a subaddress of a configured shared mailbox on an owned domain,
// whose tag names the account. The address comes from Organizations (ListAccounts /
// DescribeOrganization) or account:GetPrimaryEmail; a standalone account's root email is not
// readable by API, so it comes from rootguard.yaml (root_emails).
#include <algorithm>
#include <array>
#include <string_view>

#include "core/strings.h"
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R14_root_email_shared_mailbox;
const Check R14_root_email_shared_mailbox{
    .meta =
        {
            .id = "R14",
            .title = "Root email is a tagged subaddress of the shared root mailbox",
            .severity = Severity::High,
            .cis = {},
            .practice = "Root email goes to a shared mailbox (never a person) as mailbox+<account>@<your domain>.",
            .console = {"Sign in as root (or, for members, use the management account's Accounts page) > Account "
                        "settings > Edit email: set <mailbox>+<account-id-or-name>@<your domain>."},
            .cli = {"rootguard emails plan --mailbox <mailbox>@<domain> --accounts accounts.txt",
                    "aws account start-primary-email-update --account-id <member-id> --primary-email "
                    "<mailbox>+<tag>@<domain>",
                    "aws account accept-primary-email-update --account-id <member-id> --otp <code> "
                    "--primary-email <mailbox>+<tag>@<domain>"},
            .reads = {"organizations.ListAccounts.json", "organizations.DescribeOrganization.json",
                      "account.GetPrimaryEmail.json"},
            .needs_config = true,
        },
    .run = &run,
};

namespace {

constexpr std::array<std::string_view, 12> kFreeMail = {
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
    "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com"};

std::string alnum_lower(const std::string& s) {
  std::string o;
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c))) o += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R14_root_email_shared_mailbox.meta;
  RootEmail re = root_email(in);
  if (re.email.empty()) {
    Finding f = make_finding(m, in, FindingStatus::Unknown,
                             in.org ? "root email not found: collect organizations.ListAccounts.json or account.GetPrimaryEmail.json"
                                    : "a standalone account's root email is not readable by API: add root_emails: {\"" +
                                          in.account.id + "\": <address>} to rootguard.yaml");
    add_evidence(f, "config", "root_emails");
    return {f};
  }
  EmailParts p = split_email(to_lower(re.email), in.config.subaddress_delimiter);
  Finding f = make_finding(m, in, FindingStatus::Pass, "");
  add_evidence(f, "root_email", re.email);
  add_evidence(f, "file", re.source);
  if (!p.valid) {
    f.status = FindingStatus::Fail;
    f.reason = "root email \"" + re.email + "\" is not an email address";
    return {f};
  }
  if (std::find(kFreeMail.begin(), kFreeMail.end(), p.domain) != kFreeMail.end()) {
    f.status = FindingStatus::Fail;
    f.reason = "root email " + re.email + " is on free-mail domain " + p.domain + ", not one the organisation owns";
    return {f};
  }
  if (in.config.root_mailboxes.empty()) {
    f.status = FindingStatus::Unknown;
    f.reason = "root email " + re.email + "; add root_mailboxes: [<shared mailbox>] to rootguard.yaml to check it";
    add_evidence(f, "config", "root_mailboxes");
    return {f};
  }
  const auto& boxes = in.config.root_mailboxes;
  if (std::find(boxes.begin(), boxes.end(), p.mailbox) == boxes.end()) {
    f.status = FindingStatus::Fail;
    f.reason = "root email " + re.email + " is not on a shared root mailbox (mailbox " + p.mailbox + " not in root_mailboxes)";
    return {f};
  }
  const auto& doms = in.config.mail_domains;
  if (!doms.empty() && std::find(doms.begin(), doms.end(), p.domain) == doms.end()) {
    f.status = FindingStatus::Fail;
    f.reason = "root email domain " + p.domain + " is not in mail_domains";
    return {f};
  }
  if (p.tag.empty()) {
    f.status = FindingStatus::Fail;
    f.reason = "root email " + re.email + " has no " + in.config.subaddress_delimiter +
               "tag naming the account (one mailbox, one tag per account)";
    return {f};
  }
  std::string tag = alnum_lower(p.tag), name = alnum_lower(in.account.name);
  bool names = (!in.account.id.empty() && tag.find(in.account.id) != std::string::npos) ||
               (!name.empty() && (name.find(tag) != std::string::npos || tag.find(name) != std::string::npos));
  if (!names && (!in.account.name.empty() || !in.account.id.empty())) {
    f.status = FindingStatus::Fail;
    f.reason = "root email tag \"" + p.tag + "\" names neither account id " + in.account.id +
               (in.account.name.empty() ? "" : " nor name \"" + in.account.name + "\"");
    return {f};
  }
  f.reason = "root email " + re.email + " = shared mailbox " + p.mailbox + " tagged \"" + p.tag + "\"";
  return {f};
}

}  // namespace
}  // namespace rg::posture::checks
