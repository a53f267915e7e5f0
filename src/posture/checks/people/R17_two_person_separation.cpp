// R17: two-person separation: the people who can read the root mailbox are not the people who
// hold the root MFA tokens. Not visible to any API: decided from the attestation in
// rootguard.yaml, so the best state it gives is ATTEST.
#include <algorithm>

#include "core/strings.h"
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R17_two_person_separation;
const Check R17_two_person_separation{
    .meta =
        {
            .id = "R17",
            .title = "Root mailbox holders and MFA token holders are different people",
            .severity = Severity::High,
            .cis = {},
            .practice = "Taking root needs two people: one who reads the mailbox, another who holds the token.",
            .console = {"Record in rootguard.yaml who administers each root mailbox (attestations.mailboxes) and "
                        "who holds each root MFA token (attestations.tokens); move tokens so no one is on both lists.",
                        "Register at least two hardware tokens per root user (up to 8 are allowed), held by different custodians."},
            .cli = {"aws iam list-mfa-devices   # as root: the devices to account for"},
            .reads = {"rootguard.yaml (attestations)", "organizations.ListAccounts.json"},
            .needs_config = true,
        },
    .run = &run,
};

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R17_two_person_separation.meta;
  if (in.config.mailbox_holders.empty() && in.config.token_holders.empty()) {
    Finding f = make_finding(m, in, FindingStatus::Attest,
                             "not attested: add attestations: {mailboxes: {<mailbox>: [people]}, tokens: {\"" +
                                 (in.account.id.empty() ? std::string("*") : in.account.id) + "\": [people]}} to rootguard.yaml");
    add_evidence(f, "config", "attestations");
    return {f};
  }
  RootEmail re = root_email(in);
  EmailParts p = split_email(to_lower(re.email), in.config.subaddress_delimiter);
  const std::vector<std::string>* mailbox = nullptr;
  if (p.valid)
    if (auto it = in.config.mailbox_holders.find(p.mailbox); it != in.config.mailbox_holders.end()) mailbox = &it->second;
  const std::vector<std::string>* tokens = in.config.tokens_for(in.account.id);
  Finding f = make_finding(m, in, FindingStatus::Attest, "");
  add_evidence(f, "config", "attestations");
  if (!mailbox || mailbox->empty()) {
    f.status = FindingStatus::Fail;
    f.reason = "no one attested for root mailbox " + (p.valid ? p.mailbox : std::string("(root email unknown)"));
    return {f};
  }
  if (!tokens || tokens->empty()) {
    f.status = FindingStatus::Fail;
    f.reason = "no MFA token holder attested for account " + in.account.id;
    return {f};
  }
  for (const auto& person : *mailbox) {
    for (const auto& holder : *tokens) {
      if (iequals(person, holder)) {
        f.status = FindingStatus::Fail;
        f.reason = person + " both administers mailbox " + p.mailbox + " and holds a root MFA token";
        return {f};
      }
    }
  }
  f.reason = "mailbox " + p.mailbox + " held by [" + join(*mailbox) + "], tokens by [" + join(*tokens) + "]" +
             (tokens->size() < 2 ? "; only one token holder: register a second token" : "") + " (attested in " +
             in.config.source + ")";
  return {f};
}

}  // namespace
}  // namespace rg::posture::checks
