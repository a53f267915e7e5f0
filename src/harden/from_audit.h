// harden --from-audit: read an audit report (docs/audit-json.md, schema rootguard.audit/1),
// and choose only the fixes for what the audit found broken.
//
//   R06 FAIL (root-usage alarm chain)        -> metric filter, metric, alarm, SNS topic
//   R07 FAIL (multi-region logging trail)    -> the trail, its bucket, log group and role
//   R12 FAIL (no SCP denying root)           -> the deny-root SCP as an Organizations policy
//   R10 FAIL (no centralized root access)    -> Terraform: aws_iam_organizations_features;
//                                               CloudFormation: the CLI steps (no resource type)
//   R08 FAIL (no SECURITY alternate contact) -> Terraform: aws_account_alternate_contact;
//                                               CloudFormation: the CLI command
//   other FAILs                               -> listed with the manual step (not template-able)
//   UNKNOWN                                    -> listed: could not be judged, nothing generated
//
// Pure: the caller reads the file and prints the plan and the template.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"
#include "core/result.h"
#include "harden/templates.h"

namespace rg::harden {

struct AuditFinding {
  std::string account;
  std::string id;      // "R06"
  std::string status;  // PASS FAIL N_A UNKNOWN ATTEST
  std::string reason;
  std::vector<std::pair<std::string, std::string>> evidence;
};

// Reads an audit report. Not JSON, or not schema rootguard.audit/1: an error naming the file.
// A malformed finding is reported to diag and skipped.
Result<std::vector<AuditFinding>> read_audit_report(std::string_view json, const std::string& where, Diagnostics& diag);

enum class TemplateFormat { CloudFormation, Terraform };

struct FixPlan {
  Components parts;            // what to generate (all false: nothing the templates can fix)
  std::string log_group;       // from R06 evidence when one log group was named
  std::string text;            // what was chosen and why, one line per decision
  bool anything() const {
    return parts.alarm_chain || parts.trail || parts.eventbridge || parts.scp || parts.root_access_features ||
           parts.security_contact;
  }
};

// account: when not empty, only that account's findings count.
FixPlan plan_fixes(const std::vector<AuditFinding>& findings, TemplateFormat format, const std::string& account);

}  // namespace rg::harden
