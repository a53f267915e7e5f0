// CloudFormation (YAML) and Terraform (JSON syntax, .tf.json) for the root-user fixes:
//
//   alarm chain  CloudWatch Logs metric filter with the CIS root pattern on the trail's log
//                group -> metric -> alarm (Sum >= threshold over period) -> SNS topic with an
//                e-mail subscription and a topic policy that lets CloudWatch publish
//   trail        multi-region trail with log-file validation, global service events, optional
//                KMS, and delivery to a CloudWatch Logs group through its own IAM role
//   eventbridge  the policies.h event pattern as a rule with the SNS topic as its target
//                (sign-in events land in us-east-1; the template refuses other Regions)
//   scp          the deny-root SCP as an Organizations policy attached to given targets
//   Terraform only (no CloudFormation resource type exists): centralized root access
//                (aws_iam_organizations_features) and the SECURITY alternate contact.
//
// Names, log group, e-mail, KMS key, metric namespace/name are template parameters
// (CloudFormation) or variables (Terraform) whose defaults come from TemplateOptions.
// Pure functions: the caller prints. CloudFormation uses only long-form intrinsics
// (Ref, Fn::Sub, Fn::GetAtt, Fn::If) so any YAML parser reads the output.
#pragma once

#include <string>

#include "core/result.h"
#include "harden/doc.h"

namespace rg::harden {

struct Components {
  bool alarm_chain = true;
  bool trail = false;
  bool eventbridge = false;
  bool scp = false;
  bool root_access_features = false;  // Terraform only
  bool security_contact = false;      // Terraform only
};

struct TemplateOptions {
  Components parts;
  std::string name_prefix = "rootguard";  // [A-Za-z0-9-], 1..32; prefixes every resource name
  std::string log_group;                  // the trail's existing log group (when no trail is created)
  std::string sns_email;                  // alarm subscriber; empty: the parameter has no default
  std::string kms_key_arn;                // optional: SNS topic, trail and log group encryption
  std::string metric_namespace = "CISBenchmark";
  std::string metric_name = "RootAccountUsage";
  int period_seconds = 300;   // 10, 30 or a multiple of 60
  int evaluation_periods = 1;
  int threshold = 1;          // root uses per period that raise the alarm
  bool exempt_assume_root = false;  // SCP: see policies.h
  std::string comment;        // lines put at the top of the document (the --from-audit plan)
};

// Checks the options a user can type; one message naming the flag on error.
Status validate(const TemplateOptions& opts);

// The default log group name CloudTrail's console used to propose.
inline constexpr const char* kDefaultLogGroup = "CloudTrail/DefaultLogGroup";

Doc cloudformation_doc(const TemplateOptions& opts);
Doc terraform_doc(const TemplateOptions& opts);

// Rendered documents: YAML with '#' header comments; JSON with a "//" comment member.
std::string cloudformation(const TemplateOptions& opts);
std::string terraform(const TemplateOptions& opts);

}  // namespace rg::harden
