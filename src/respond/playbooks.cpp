// The response checklists, one playbook per built-in detection family (D01-D20, see
// docs/rules.md) and a generic one. Each follows seed 004's six steps; items name who to
// ask, what to look at and which rootguard command helps. Placeholders ({account}, {key},
// {ip}, {from}, {to}) are filled from the case when shown.
#include "respond/cases.h"

namespace rg::respond {
namespace {

using Items = std::vector<std::string>;

const char* const kTimeline = "Run `rootguard timeline TRAIL --account {account} --from {from} --to {to}` and read every "
                              "call of the session (key {key}, source {ip}): what was read, created, changed, deleted";
const char* const kNotify = "Tell the account owner, the security lead and the root-credential custodian named in the "
                            "runbook; record who was told and when with `rootguard case note`";
const char* const kNotifyBreach = "If data or resources were exposed, start the data-breach notification process "
                                  "(legal, customers, regulators) within its deadline";
const char* const kReviewWhy = "Write down what let it happen (missing control, unclear process, alert latency) and "
                               "the change that prevents it; link the change in a case note";
const char* const kReviewAudit = "Run `rootguard audit` on {account} and close every high finding it reports";
const char* const kContainRoot = "Reset the root password through the account-recovery flow (Forgot password), from "
                                 "the root mailbox";
const char* const kContainKeys = "Delete any root access keys (IAM console > Security credentials as root); check for "
                                 "new IAM users, access keys, roles and trust policies created during the session";
const char* const kHarden = "Apply `rootguard harden scp` (deny root actions in member accounts) and "
                            "`rootguard harden eventbridge` (real-time root alerts) where missing";

Playbook pb(std::string family, std::string title, Items verify, Items contain, Items forensics, Items remediate,
            Items review) {
  Playbook p;
  p.family = std::move(family);
  p.title = std::move(title);
  forensics.insert(forensics.begin(), kTimeline);
  review.push_back(kReviewWhy);
  p.steps = {std::move(verify), std::move(contain), std::move(forensics), Items{kNotify, kNotifyBreach},
             std::move(remediate), std::move(review)};
  return p;
}

std::vector<Playbook> build() {
  std::vector<Playbook> v;
  v.push_back(pb("D01", "Root activity",
                 {"Ask the root-credential custodian whether they used root on {account} at {from}, and why",
                  "Check the task needs root (AWS's list of tasks that require root); anything else is a finding"},
                 {"If nobody claims it: " + std::string(kContainRoot), kContainKeys},
                 {"List every root call in the window and classify it: read, create, change, delete",
                  "Check whether the calls came from the console, a long-term key (AKIA) or a session (ASIA)"},
                 {"Move the task to an IAM role or to centralized root access (sts:AssumeRoot)", kHarden},
                 {kReviewAudit}));
  v.push_back(pb("D02", "Root console login",
                 {"Confirm with the token custodian that they signed in (MFA token use) at {from}",
                  "Confirm with the owner of the root mailbox that no password-reset mail was used"},
                 {"If not confirmed: " + std::string(kContainRoot), kContainKeys,
                  "Sign out other sessions: change the password again once recovered"},
                 {"Check the source IP {ip} and user agent against the custodian's usual place and device"},
                 {"Remove the need for console root use (delegate the task)", kHarden},
                 {kReviewAudit}));
  v.push_back(pb("D03", "Root login without MFA",
                 {"Confirm with the token custodian whether the login was theirs and why MFA was not used",
                  "Confirm with the owner of the root mailbox that no recovery or reset mail was acted on",
                  "Check whether MFA is still enabled on root (`rootguard audit`, check R01)"},
                 {kContainRoot, kContainKeys, "Re-enable or re-register root MFA (hardware key preferred)"},
                 {"Check for MFA removal (DeactivateMFADevice, DeleteVirtualMFADevice) before the login"},
                 {"Run `rootguard harden` and apply the root MFA and SCP controls it emits",
                  "Register a second MFA device kept by a second custodian"},
                 {kReviewAudit}));
  v.push_back(pb("D04", "Failed root logins / brute force",
                 {"Ask the custodian whether they mistyped the password at {from}",
                  "Count the failures per source IP and check whether any later login succeeded"},
                 {"If any login succeeded or the source is unknown: " + std::string(kContainRoot),
                  "Block the source IPs at the edge where possible"},
                 {"Look for password-recovery requests around the failures (PasswordRecoveryRequested)"},
                 {"Make sure root has MFA and a long random password (`rootguard password`)", kHarden},
                 {"Check whether the root e-mail address is guessable or exposed; plan a private alias "
                  "(`rootguard emails plan`)"}));
  v.push_back(pb("D05", "Root MFA step failed",
                 {"Ask the custodian whether they failed the MFA step (lost, reset or out-of-sync token)",
                  "If not: someone knows the root password"},
                 {kContainRoot, "Keep MFA enabled; resync or replace the device only with the custodian present"},
                 {"Find the earlier events that could have exposed the password (recovery mails, phishing)"},
                 {"Rotate the root password with `rootguard password`; move to a hardware MFA key"},
                 {"Check who can read the root mailbox and the password vault"}));
  v.push_back(pb("D06", "Root password recovery requested",
                 {"Ask the root-mailbox owner and the custodian whether either started a recovery",
                  "Check the root mailbox for the recovery mail and who opened it"},
                 {"If nobody did: secure the root mailbox (its password, MFA, forwarding rules) at once",
                  "Watch for PasswordRecoveryCompleted and ConsoleLogin on {account}"},
                 {"Check the source IP {ip} of the request against the custodian's"},
                 {"Restrict who can receive root mail (a private distribution list)"},
                 {"Check whether the root e-mail address is public"}));
  v.push_back(pb("D07", "Root password recovery completed",
                 {"Ask the root-mailbox owner and the custodian whether either completed a recovery",
                  "If nobody did: treat the account as taken over"},
                 {kContainRoot + std::string(" (recover it back if needed: AWS Support)"), kContainKeys,
                  "Secure the root mailbox (password, MFA, forwarding rules)"},
                 {"Trace every root call after the recovery: MFA changes, new keys, contact changes"},
                 {"Re-register root MFA; set the alternate security contact", kHarden},
                 {"Check who can read the root mailbox"}));
  v.push_back(pb("D08", "Root password changed",
                 {"Confirm the change with the custodian and the planned-change record"},
                 {"If unplanned: " + std::string(kContainRoot), kContainKeys},
                 {"Check what else the session did after the change (MFA, keys, contacts)"},
                 {"Store the new password in the vault; record the rotation date"},
                 {"Check that password changes are planned and announced"}));
  v.push_back(pb("D09", "Root access key created",
                 {"Ask the custodian whether they created a root access key (they should never need one)"},
                 {"Deactivate and delete the new root access key now", kContainRoot},
                 {"Search for calls made with the new key (AKIA...) across every region"},
                 {"Apply an SCP denying root actions; keep no root access keys (`rootguard audit`, check R03)"},
                 {kReviewAudit}));
  v.push_back(pb("D10", "Root long-term key used",
                 {"Find who holds the root access key {key} and what uses it (scripts, CI, old tools)"},
                 {"Deactivate the key (keep it for the investigation, then delete it)", kContainKeys},
                 {"List every call made with {key}, every region, since the key was created"},
                 {"Move the workload to an IAM role; delete the root key", kHarden},
                 {kReviewAudit}));
  v.push_back(pb("D11", "Root MFA changed",
                 {"Confirm the MFA change with the token custodian (device lost, replaced, planned)",
                  "If MFA was removed: treat as account takeover until proven otherwise"},
                 {"Re-register MFA on root with the custodian present", kContainRoot},
                 {"Check the session that changed MFA: how it signed in, from {ip}, what else it did"},
                 {"Register two hardware MFA devices kept by two custodians"},
                 {kReviewAudit}));
  v.push_back(pb("D12", "Root console password set or removed",
                 {"Check whether the change came from an AssumeRoot session (task policy) and who ran it"},
                 {"If unplanned: delete the login profile again (centralized root access keeps none)"},
                 {"Link the AssumeRoot caller in the management account to this member-account action"},
                 {"Keep member accounts without root passwords (centralized root access)"},
                 {"Check who may call sts:AssumeRoot"}));
  v.push_back(pb("D13", "AssumeRoot session",
                 {"Confirm with the caller that they needed the root task on the target account",
                  "Check the task policy (root-task/...) matches the stated task",
                  "A new (caller, target account) pair needs the owner of the target account to confirm"},
                 {"If unplanned: remove sts:AssumeRoot from the caller's permissions and revoke its sessions"},
                 {"Follow the session into the member account: events with the issued access key {key}"},
                 {"Limit sts:AssumeRoot to a break-glass role with MFA and an approval step"},
                 {"Check the delegated-admin setup for centralized root access"}));
  v.push_back(pb("D14", "Centralized root access turned on or off",
                 {"Confirm the change with the Organization's administrators and its change record"},
                 {"If disabled without approval: enable it again (iam EnableOrganizationsRootCredentialsManagement "
                  "and EnableOrganizationsRootSessions)"},
                 {"Check what the caller did next in member accounts"},
                 {"Protect the setting with an SCP on the management account's admins"},
                 {"Check who may change Organization-wide IAM settings"}));
  v.push_back(pb("D15", "Root-derived temporary credentials",
                 {"Ask the custodian why root credentials were turned into session credentials"},
                 {"Revoke the sessions: reset the root password and delete root keys", kContainKeys},
                 {"Trace every call of the FederatedUser/session issued from root"},
                 {"Use roles instead of root-derived sessions", kHarden},
                 {kReviewAudit}));
  v.push_back(pb("D16", "CloudTrail tampering",
                 {"Confirm the trail change with the logging owners and the change record"},
                 {"Restart logging / restore the trail settings (multi-region, global events, validation)",
                  "Check the trail bucket's policy and lifecycle were not changed"},
                 {"Find the gap: compare delivered log files around {from} with the expected hourly delivery",
                  "Use the other trails or CloudTrail Lake to see what happened during the gap"},
                 {"Protect the trail with an SCP (deny StopLogging/DeleteTrail/UpdateTrail)", kHarden},
                 {"Check who may change trails"}));
  v.push_back(pb("D17", "Root alarm chain broken",
                 {"Confirm the change to the metric filter, alarm, topic or rule with its owner"},
                 {"Restore the root metric filter, alarm, SNS subscription and EventBridge rule"},
                 {"Check for root activity while the alarm chain was broken"},
                 {"Recreate the chain with `rootguard harden eventbridge` and protect it with an SCP"},
                 {kReviewAudit}));
  v.push_back(pb("D18", "Root e-mail, phone or contacts changed",
                 {"Confirm the change with the account owner; an e-mail change is a takeover sign"},
                 {"If unplanned: restore the root e-mail and contacts; secure the old mailbox", kContainRoot},
                 {"Check the session that made the change: sign-in, MFA, source {ip}"},
                 {"Use a private, organisation-owned root address (`rootguard emails plan`)"},
                 {"Check who can change account contacts"}));
  v.push_back(pb("D19", "Other guardrails turned off",
                 {"Confirm the change (Config, GuardDuty, Organization membership, account closure) with its owner"},
                 {"Turn the guardrail back on (recorder, detector) or stop the closure / departure"},
                 {"Check what happened while it was off"},
                 {"Protect guardrails with SCPs", kHarden},
                 {kReviewAudit}));
  v.push_back(pb("D20", "Root sign-in from an unexpected place",
                 {"Ask the custodian whether they were at {ip} (travel, new network, VPN)",
                  "Check the IP against the trusted ranges and the account's earlier sign-ins"},
                 {"If not confirmed: " + std::string(kContainRoot), kContainKeys},
                 {"List everything the session from {ip} did"},
                 {"Add the custodian's new place to the trusted ranges only after confirmation"},
                 {"Check whether the trusted ranges are current"}));
  v.push_back(pb("generic", "Detection",
                 {"Confirm with the person or team who owns the principal that the activity was theirs"},
                 {"If not confirmed: disable the credentials involved and stop the session"},
                 {"List related events (same account, key and source)"},
                 {"Fix what allowed it; `rootguard harden` emits the standard root controls"},
                 {kReviewAudit}));
  return v;
}

}  // namespace

const std::vector<Playbook>& playbooks() {
  static const std::vector<Playbook> all = build();
  return all;
}

const Playbook& playbook_for(std::string_view rule_id) {
  const auto& all = playbooks();
  if (rule_id.size() >= 3 && rule_id[0] == 'D')
    for (const Playbook& p : all)
      if (rule_id.substr(0, 3) == p.family && (rule_id.size() == 3 || rule_id[3] == '-' || rule_id[3] == '_')) return p;
  return all.back();
}

}  // namespace rg::respond
