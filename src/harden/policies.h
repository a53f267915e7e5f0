// The fixed documents harden emits: the CIS root-usage metric-filter pattern, the EventBridge
// event pattern for the root events that need a human now, the SCP that denies root in
// member accounts, and the steps that turn on centralized root access.
//
// Each is a pure function (no I/O). templates.h embeds the same documents in CloudFormation
// and Terraform, so a fix looks the same whichever way it is deployed.
#pragma once

#include <string>
#include <vector>

#include "harden/doc.h"

namespace rg::harden {

// CIS AWS Foundations 4.3 (v1.4-v3.0; 5.3 in v6/v7) root-usage filter, in the quoted form
// that every checker accepts (Steampipe requires the quotes, ScoutSuite byte equality).
inline constexpr const char* kCisRootFilterPattern =
    "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && "
    "$.eventType != \"AwsServiceEvent\" }";

// The CloudWatch namespace and metric the CIS remediation text uses.
inline constexpr const char* kDefaultMetricNamespace = "CISBenchmark";
inline constexpr const char* kDefaultMetricName = "RootAccountUsage";

// Sign-in and IAM events (global services) are delivered to EventBridge in us-east-1.
inline constexpr const char* kSignInRegion = "us-east-1";

// One branch of the EventBridge rule: which root detection it stands for (built-in rule id)
// and why it is in the rule.
struct EventBranch {
  std::string rule_id;  // "D02" ...
  std::string what;
};

// The branches, in the order of the pattern's "$or" list.
const std::vector<EventBranch>& eventbridge_branches();

// The EventBridge event pattern: root console sign-ins (success and failure), password
// recovery, password change, root access-key creation, root console password set/removed,
// root MFA changes, AssumeRoot, and centralized root access being turned off or on: the
// events of built-in rules D02-D09 and D11-D14.
Doc eventbridge_pattern();

// AWS's documented SCP that denies every action to the root user of member accounts
// (Control Tower GRRESTRICTROOTUSER form). exempt_assume_root adds
// "Null": {"aws:AssumedRoot": "true"} so that privileged tasks started with sts:AssumeRoot
// (centralized root access) still work.
Doc deny_root_scp(bool exempt_assume_root);

// The note printed beside the SCP: what it cannot do.
std::string scp_note(bool exempt_assume_root);

// Steps (with the AWS CLI commands) that turn on centralized root access.
std::string centralized_root_access_steps();

// How to create the EventBridge rule and its SNS target with the AWS CLI.
// topic_arn may be empty (a placeholder is printed).
std::string eventbridge_commands(const std::string& rule_name, const std::string& topic_arn);

}  // namespace rg::harden
