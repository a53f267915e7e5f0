#include "harden/from_audit.h"

#include <map>
#include <set>

#include <simdjson.h>

#include "core/strings.h"

namespace rg::harden {

Result<std::vector<AuditFinding>> read_audit_report(std::string_view json, const std::string& where, Diagnostics& diag) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root))
    return make_error(ErrorKind::Corrupt, where, std::string("not valid JSON (") + simdjson::error_message(err) + ")");
  std::string_view schema;
  if (root.type() != simdjson::dom::element_type::OBJECT || root["schema"].get_string().get(schema))
    return make_error(ErrorKind::Invalid, where,
                      "not a rootguard audit report (no \"schema\"; make one with: rootguard audit SNAPSHOT --format json)");
  if (schema != "rootguard.audit/1")
    return make_error(ErrorKind::Unsupported, where, "audit report schema '" + std::string(schema) +
                                                         "' is not supported (this rootguard reads rootguard.audit/1)");
  simdjson::dom::array accounts;
  if (root["accounts"].get_array().get(accounts))
    return make_error(ErrorKind::Invalid, where, "audit report has no \"accounts\" array");
  std::vector<AuditFinding> out;
  std::size_t ai = 0;
  for (simdjson::dom::element acc : accounts) {
    const std::string at = where + ": accounts[" + std::to_string(ai++) + "]";
    std::string_view account_id;
    simdjson::dom::array findings;
    if (acc["findings"].get_array().get(findings)) {
      diag.error(ErrorKind::Invalid, at, "no \"findings\" array, skipped");
      continue;
    }
    if (acc["account"].get_string().get(account_id)) account_id = "";
    std::size_t fi = 0;
    for (simdjson::dom::element f : findings) {
      const std::string fat = at + ".findings[" + std::to_string(fi++) + "]";
      std::string_view id, status, reason;
      if (f["id"].get_string().get(id) || f["status"].get_string().get(status)) {
        diag.error(ErrorKind::Invalid, fat, "finding without \"id\" or \"status\", skipped");
        continue;
      }
      if (f["reason"].get_string().get(reason)) reason = "";
      AuditFinding af{std::string(account_id), std::string(id), std::string(status), std::string(reason), {}};
      simdjson::dom::array ev;
      if (!f["evidence"].get_array().get(ev)) {
        for (simdjson::dom::element e : ev) {
          std::string_view k, v;
          if (!e["key"].get_string().get(k) && !e["value"].get_string().get(v))
            af.evidence.emplace_back(std::string(k), std::string(v));
        }
      }
      out.push_back(std::move(af));
    }
  }
  return out;
}

namespace {

struct Manual {
  const char* id;
  const char* step;
};

// What to do for failures no template can fix.
const Manual kManual[] = {
    {"R01", "delete the root access keys (Security credentials > Access keys; or, with centralized root access, "
            "an sts:AssumeRoot session with IAMDeleteRootUserCredentials)"},
    {"R02", "enable MFA on the root user, preferably a hardware key (Security credentials > Assign MFA device)"},
    {"R03", "replace the root user's virtual MFA device with a hardware or FIDO key"},
    {"R04", "delete the root user's X.509 signing certificates"},
    {"R05", "find out who used root and why: rootguard timeline <trail logs> --root --account <account>"},
    {"R08", "set the SECURITY alternate contact: aws account put-alternate-contact --alternate-contact-type SECURITY "
            "--name <team> --title <title> --email-address <shared mailbox> --phone-number <shared line>"},
    {"R09", "complete the primary contact: aws account put-contact-information --contact-information file://contact.json"},
    {"R10", "turn on centralized root access: aws organizations enable-aws-service-access --service-principal "
            "iam.amazonaws.com; aws iam enable-organizations-root-credentials-management; "
            "aws iam enable-organizations-root-sessions"},
    {"R11", "remove member root credentials with sts:AssumeRoot (task policy IAMDeleteRootUserCredentials)"},
    {"R13", "enable all features in the Organization: aws organizations enable-all-features"},
    {"R14", "move root e-mails to the shared mailbox: rootguard emails plan --mailbox <mailbox> --accounts <ListAccounts.json>"},
    {"R15", "give every account its own root address: rootguard emails plan --mailbox <mailbox> --accounts <ListAccounts.json>"},
    {"R16", "set a shared security phone line in the account contact and SECURITY alternate contact"},
    {"R17", "give the mailbox and the MFA key to different teams and record it in rootguard.yaml"},
};

const char* manual_step(const std::string& id) {
  for (const auto& m : kManual)
    if (id == m.id) return m.step;
  return "see the audit report's remediation for this check";
}

// The accounts a check failed in, the first ten named: a plan for an Organization of
// thousands stays readable (the audit report lists every one).
std::string accounts_list(const std::set<std::string>& s) {
  constexpr std::size_t kNamed = 10;
  std::string out;
  std::size_t n = 0;
  for (const auto& a : s) {
    if (n++ == kNamed) break;
    out += (out.empty() ? "" : ", ") + (a.empty() ? std::string("(unknown account)") : a);
  }
  if (s.size() > kNamed) out += " and " + counted(s.size() - kNamed, "other account") + " (the audit report names them)";
  return out;
}

}  // namespace

FixPlan plan_fixes(const std::vector<AuditFinding>& findings, TemplateFormat format, const std::string& account) {
  std::map<std::string, std::set<std::string>> failed, unknown;  // check id -> accounts
  std::set<std::string> log_groups;
  for (const auto& f : findings) {
    if (!account.empty() && f.account != account) continue;
    if (f.status == "FAIL") failed[f.id].insert(f.account);
    else if (f.status == "UNKNOWN") unknown[f.id].insert(f.account);
    if (f.id == "R06")
      for (const auto& [k, v] : f.evidence)
        if (k == "log_group" && !v.empty()) log_groups.insert(v);
  }
  FixPlan plan;
  plan.parts = Components{.alarm_chain = false};  // nothing unless a failure asks for it
  const bool tf = format == TemplateFormat::Terraform;
  std::string chosen, manual, skipped;
  auto choose = [&](const std::string& id, const std::string& what) {
    chosen += "  + " + id + " failed in " + accounts_list(failed[id]) + ": " + what + "\n";
  };
  if (failed.count("R07")) {
    plan.parts.trail = true;
    choose("R07", "a multi-region trail with log-file validation, global service events and CloudWatch Logs delivery");
  }
  if (failed.count("R06")) {
    plan.parts.alarm_chain = true;
    if (plan.parts.trail) {
      choose("R06", "the CIS root-usage metric filter, alarm and SNS topic, on the new trail's log group");
    } else if (log_groups.size() == 1) {
      plan.log_group = *log_groups.begin();
      choose("R06", "the CIS root-usage metric filter, alarm and SNS topic, on log group " + plan.log_group +
                        " (named by the audit)");
    } else {
      choose("R06", "the CIS root-usage metric filter, alarm and SNS topic, on the log group given by the "
                    "CloudTrailLogGroupName parameter / cloudtrail_log_group_name variable (set --log-group)");
    }
  }
  if (failed.count("R12")) {
    plan.parts.scp = true;
    choose("R12", "the SCP that denies all actions to root in member accounts (deploy from the management account; "
                  "it never restricts the management account itself)");
  }
  if (failed.count("R10")) {
    if (tf) {
      plan.parts.root_access_features = true;
      choose("R10", "aws_iam_organizations_features with RootCredentialsManagement and RootSessions (first: "
                    "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com)");
    } else {
      manual += "  - R10 failed in " + accounts_list(failed["R10"]) + ": CloudFormation has no resource for it; " +
                manual_step("R10") + "\n";
    }
  }
  if (failed.count("R08")) {
    if (tf) {
      plan.parts.security_contact = true;
      choose("R08", "aws_account_alternate_contact SECURITY (fill the security_contact_* variables with a team, "
                    "a shared mailbox and a shared phone line)");
    } else {
      manual += "  - R08 failed in " + accounts_list(failed["R08"]) + ": CloudFormation has no resource for it; " +
                manual_step("R08") + "\n";
    }
  }
  static const std::set<std::string> templated = {"R06", "R07", "R08", "R10", "R12"};
  for (const auto& [id, accs] : failed)
    if (!templated.count(id)) manual += "  - " + id + " failed in " + accounts_list(accs) + ": " + manual_step(id) + "\n";
  for (const auto& [id, accs] : unknown)
    if (!failed.count(id))
      skipped += "  ? " + id + " could not be judged in " + accounts_list(accs) +
                 " (UNKNOWN): nothing generated for it; collect the missing data and audit again\n";

  plan.text = "rootguard harden --from-audit: plan\n";
  plan.text += chosen.empty() ? "Nothing in this audit calls for a template resource.\n"
                              : "Generated, because the audit found these broken:\n" + chosen;
  if (!manual.empty()) plan.text += "Not template-able, do by hand:\n" + manual;
  if (!skipped.empty()) plan.text += "Skipped:\n" + skipped;
  if (findings.empty()) plan.text += "The report holds no findings.\n";
  return plan;
}

}  // namespace rg::harden
