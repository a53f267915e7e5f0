#include "harden/policies.h"

namespace rg::harden {

namespace {

Doc strings(std::initializer_list<const char*> values) {
  Doc a = Doc::array();
  for (const char* v : values) a.push(v);
  return a;
}

Doc not_present() { return Doc::array({Doc::object().set("exists", false)}); }

Doc root_identity() { return Doc::object().set("type", strings({"Root"})); }

const char* const kMfaEvents[] = {"DeactivateMFADevice", "DeleteVirtualMFADevice", "EnableMFADevice",
                                  "CreateVirtualMFADevice", "ResyncMFADevice"};

Doc mfa_events() {
  Doc a = Doc::array();
  for (const char* e : kMfaEvents) a.push(e);
  return a;
}

Doc branch(Doc detail) { return Doc::object().set("detail", std::move(detail)); }

}  // namespace

const std::vector<EventBranch>& eventbridge_branches() {
  static const std::vector<EventBranch> branches = {
      {"D02", "root console sign-in (success or failure: D02, D03, D04, D05)"},
      {"D06", "root password recovery requested or completed (D06, D07)"},
      {"D08", "root password changed (D08)"},
      {"D09", "root access key created for the root user itself (D09)"},
      {"D12", "root console password set or removed (D12)"},
      {"D11", "root MFA device changed, by root or on 'AWS ROOT USER' (D11)"},
      {"D13", "sts:AssumeRoot session started (D13)"},
      {"D14", "centralized root access turned off or on (D14)"},
  };
  return branches;
}

Doc eventbridge_pattern() {
  Doc any = Doc::array();
  // D02-D05: every root ConsoleLogin, successful or not; the alert says which and whether MFA
  // was used.
  any.push(branch(Doc::object()
                      .set("eventSource", strings({"signin.amazonaws.com"}))
                      .set("eventName", strings({"ConsoleLogin"}))
                      .set("userIdentity", root_identity())
                      .set("responseElements", Doc::object().set("ConsoleLogin", strings({"Success", "Failure"})))));
  // D06/D07: only root's "Forgot your password?" flow emits these events.
  any.push(branch(Doc::object()
                      .set("eventSource", strings({"signin.amazonaws.com"}))
                      .set("eventName", strings({"PasswordRecoveryRequested", "PasswordRecoveryCompleted"}))));
  // D08
  any.push(branch(Doc::object()
                      .set("eventSource", strings({"signin.amazonaws.com"}))
                      .set("eventName", strings({"PasswordUpdated"}))
                      .set("userIdentity", root_identity())));
  // D09: a userName in the request means a key for an IAM user, not for root.
  any.push(branch(Doc::object()
                      .set("eventSource", strings({"iam.amazonaws.com"}))
                      .set("eventName", strings({"CreateAccessKey"}))
                      .set("userIdentity", root_identity())
                      .set("requestParameters", Doc::object().set("userName", not_present()))));
  // D12
  any.push(branch(Doc::object()
                      .set("eventSource", strings({"iam.amazonaws.com"}))
                      .set("eventName", strings({"CreateLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile"}))
                      .set("userIdentity", root_identity())
                      .set("requestParameters", Doc::object().set("userName", not_present()))));
  // D11: root's MFA calls, and calls on root's MFA (requestParameters.userName "AWS ROOT USER").
  any.push(branch(Doc::object()
                      .set("eventSource", strings({"iam.amazonaws.com"}))
                      .set("eventName", mfa_events())
                      .set("userIdentity", root_identity())));
  any.push(branch(Doc::object()
                      .set("eventSource", strings({"iam.amazonaws.com"}))
                      .set("eventName", mfa_events())
                      .set("requestParameters", Doc::object().set("userName", strings({"AWS ROOT USER"})))));
  // D13: every AssumeRoot, failed ones too.
  any.push(branch(Doc::object()
                      .set("eventSource", strings({"sts.amazonaws.com"}))
                      .set("eventName", strings({"AssumeRoot"}))));
  // D14: either direction (turning it off is the dangerous one; the alert text says which).
  any.push(branch(Doc::object()
                      .set("eventSource", strings({"iam.amazonaws.com"}))
                      .set("eventName", strings({"DisableOrganizationsRootCredentialsManagement",
                                                 "DisableOrganizationsRootSessions",
                                                 "EnableOrganizationsRootCredentialsManagement",
                                                 "EnableOrganizationsRootSessions"}))));
  return Doc::object()
      .set("source", strings({"aws.signin", "aws.iam", "aws.sts"}))
      .set("detail-type", strings({"AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"}))
      .set("$or", std::move(any));
}

Doc deny_root_scp(bool exempt_assume_root) {
  Doc condition = Doc::object().set("StringLike", Doc::object().set("aws:PrincipalArn", "arn:aws:iam::*:root"));
  if (exempt_assume_root) condition.set("Null", Doc::object().set("aws:AssumedRoot", "true"));
  Doc statement = Doc::object()
                      .set("Sid", "DenyRootUserInMemberAccounts")
                      .set("Effect", "Deny")
                      .set("Action", "*")
                      .set("Resource", "*")
                      .set("Condition", std::move(condition));
  return Doc::object().set("Version", "2012-10-17").set("Statement", Doc::array({std::move(statement)}));
}

std::string scp_note(bool exempt_assume_root) {
  std::string s =
      "Note: this SCP denies every action to the root user of the MEMBER accounts it is attached to.\n"
      "  - SCPs never restrict the management account: protect its root user with MFA, no access keys\n"
      "    and the root-usage alarm (rootguard harden cloudformation|terraform).\n"
      "  - No SCP stops root from changing its own password, MFA devices or access keys; the alarm and\n"
      "    the EventBridge rule (rootguard harden eventbridge) are what tell you it happened.\n"
      "  - Attach it to the organization root (r-...) or to OUs: aws organizations create-policy\n"
      "    --type SERVICE_CONTROL_POLICY --name deny-root-in-members --content file://deny-root-in-members.json\n"
      "    --description 'Deny all actions to root in member accounts', then\n"
      "    aws organizations attach-policy --policy-id p-... --target-id r-...\n";
  if (exempt_assume_root)
    s += "  - Sessions started with sts:AssumeRoot (centralized root access) are exempted by the\n"
         "    Null aws:AssumedRoot condition, so privileged tasks on members still work.\n";
  else
    s += "  - With centralized root access, privileged tasks run through sts:AssumeRoot sessions in the\n"
         "    member account; if this SCP blocks them, regenerate it with --exempt-assume-root.\n";
  return s;
}

std::string centralized_root_access_steps() {
  return "Turn on centralized root access (in the management account, with AWS CLI v2):\n"
         "  1. aws organizations enable-aws-service-access --service-principal iam.amazonaws.com\n"
         "  2. aws iam enable-organizations-root-credentials-management\n"
         "  3. aws iam enable-organizations-root-sessions\n"
         "  4. aws iam list-organizations-features      # expect RootCredentialsManagement and RootSessions\n"
         "Then remove the root credentials of each member account from a privileged session:\n"
         "  aws sts assume-root --region us-east-1 --target-principal <member-account-id> \\\n"
         "      --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials\n"
         "  and, with those credentials: aws iam delete-login-profile; aws iam list-access-keys /\n"
         "  delete-access-key; aws iam list-mfa-devices / deactivate-mfa-device.\n"
         "New accounts created in the organization then have no root credentials at all.\n";
}

std::string eventbridge_commands(const std::string& rule_name, const std::string& topic_arn) {
  const std::string topic = topic_arn.empty() ? "arn:aws:sns:us-east-1:<account-id>:<topic>" : topic_arn;
  return "Create the rule in us-east-1, where sign-in and IAM events are delivered:\n"
         "  aws events put-rule --region us-east-1 --name " + rule_name +
         " --event-pattern file://root-signin-rule.json\n"
         "  aws events put-targets --region us-east-1 --rule " + rule_name +
         " --targets 'Id=root-alert-topic,Arn=" + topic + "'\n"
         "The topic (also in us-east-1) must allow events.amazonaws.com to sns:Publish. CloudTrail must be\n"
         "logging (a trail) for API events to reach EventBridge. sts:AssumeRoot is regional: its events\n"
         "arrive in the Region of the STS endpoint that was called.\n";
}

}  // namespace rg::harden
