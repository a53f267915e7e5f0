#include "harden/templates.h"

#include <cctype>

#include "harden/address.h"
#include "harden/policies.h"

namespace rg::harden {

namespace {

Error bad_flag(std::string flag, std::string what) {
  return make_error(ErrorKind::Invalid, "", std::move(flag) + ": " + std::move(what));
}

bool is_name_token(std::string_view s, std::size_t max, bool allow_dot_slash) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool extra = allow_dot_slash && (c == '.' || c == '/' || c == '#');
    if (!(u < 0x80 && (std::isalnum(u) || c == '-' || c == '_' || extra))) return false;
  }
  return true;
}

Doc strs(std::initializer_list<const char*> v) {
  Doc a = Doc::array();
  for (const char* s : v) a.push(s);
  return a;
}

// ---- CloudFormation helpers (long form only) ----
Doc ref(const char* name) { return Doc::object().set("Ref", name); }
Doc sub(std::string s) { return Doc::object().set("Fn::Sub", std::move(s)); }
Doc getatt(const char* res, const char* attr) {
  return Doc::object().set("Fn::GetAtt", strs({res, attr}));
}
Doc if_kms(Doc value) {
  return Doc::object().set("Fn::If", Doc::array({"HasKmsKey", std::move(value), ref("AWS::NoValue")}));
}
Doc resource(const char* type, Doc props) {
  return Doc::object().set("Type", type).set("Properties", std::move(props));
}
Doc param(const char* type, const std::string& description) {
  return Doc::object().set("Type", type).set("Description", description);
}
Doc service_principal(const char* service) { return Doc::object().set("Service", service); }
Doc policy_doc(Doc statements) {
  return Doc::object().set("Version", "2012-10-17").set("Statement", std::move(statements));
}

std::string comment_lines(const std::string& text, const char* lead) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += lead;
    if (end > start) out += " " + text.substr(start, end - start);
    out += "\n";
    start = end + 1;
  }
  return out;
}

bool needs_topic(const Components& p) { return p.alarm_chain || p.eventbridge; }

}  // namespace

Status validate(const TemplateOptions& o) {
  if (!is_name_token(o.name_prefix, 32, false))
    return bad_flag("--name-prefix", "'" + o.name_prefix + "' must be 1-32 letters, digits, '-' or '_'");
  if (!o.log_group.empty() && !is_name_token(o.log_group, 512, true))
    return bad_flag("--log-group", "'" + o.log_group + "' is not a CloudWatch Logs group name ([.-_/#A-Za-z0-9]+)");
  if (!o.sns_email.empty()) {
    auto a = parse_address(o.sns_email);
    if (!a) return bad_flag("--sns-email", a.error().what);
  }
  if (!o.kms_key_arn.empty() && (o.kms_key_arn.rfind("arn:", 0) != 0 || o.kms_key_arn.find(":kms:") == std::string::npos))
    return bad_flag("--kms-key", "'" + o.kms_key_arn + "' is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)");
  if (!is_name_token(o.metric_namespace, 255, true))
    return bad_flag("--metric-namespace", "'" + o.metric_namespace + "' is not a metric namespace");
  if (!is_name_token(o.metric_name, 255, false))
    return bad_flag("--metric-name", "'" + o.metric_name + "' is not a metric name");
  if (!(o.period_seconds == 10 || o.period_seconds == 30 || (o.period_seconds >= 60 && o.period_seconds % 60 == 0)) ||
      o.period_seconds > 86400)
    return bad_flag("--period", std::to_string(o.period_seconds) + " must be 10, 30 or a multiple of 60 up to 86400");
  if (o.evaluation_periods < 1 || o.evaluation_periods > 100)
    return bad_flag("--evaluation-periods", "must be between 1 and 100");
  if (o.threshold < 1) return bad_flag("--threshold", "must be at least 1 (one root use raises the alarm)");
  const Components& p = o.parts;
  if (!(p.alarm_chain || p.trail || p.eventbridge || p.scp || p.root_access_features || p.security_contact))
    return bad_flag("harden", "nothing to generate");
  return ok_status();
}

// ============================== CloudFormation ==============================

Doc cloudformation_doc(const TemplateOptions& o) {
  const Components& p = o.parts;
  Doc t = Doc::object();
  t.set("AWSTemplateFormatVersion", "2010-09-09");
  t.set("Description",
        "rootguard: root-user hardening (" +
            std::string(p.alarm_chain ? "CIS root-usage alarm" : "") +
            (p.trail ? std::string(p.alarm_chain ? ", " : "") + "multi-region trail" : "") +
            (p.eventbridge ? std::string(", EventBridge root sign-in rule") : "") +
            (p.scp ? std::string(", deny-root SCP") : "") + ")");

  Doc params = Doc::object();
  params.set("NamePrefix", param("String", "Prefix of every resource name").set("Default", o.name_prefix)
                               .set("AllowedPattern", "^[A-Za-z0-9_-]{1,32}$"));
  if (p.alarm_chain && !p.trail)
    params.set("CloudTrailLogGroupName",
               param("String", "CloudWatch Logs group the multi-region trail delivers to")
                   .set("Default", o.log_group.empty() ? kDefaultLogGroup : o.log_group));
  if (needs_topic(p)) {
    Doc e = param("String", "Address that receives root-activity alarms (confirm the SNS subscription e-mail)")
                .set("AllowedPattern", "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    if (!o.sns_email.empty()) e.set("Default", o.sns_email);
    params.set("AlarmEmail", std::move(e));
  }
  if (needs_topic(p) || p.trail)
    params.set("KmsKeyArn", param("String", "Optional KMS key ARN for the topic" +
                                                std::string(p.trail ? ", trail and log group" : "") +
                                                " (its key policy must allow the services); empty: no CMK")
                                .set("Default", o.kms_key_arn));
  if (p.alarm_chain) {
    params.set("MetricNamespace", param("String", "CloudWatch namespace of the root-usage metric").set("Default", o.metric_namespace));
    params.set("MetricName", param("String", "Name of the root-usage metric").set("Default", o.metric_name));
  }
  if (p.scp)
    params.set("ScpTargetIds", param("CommaDelimitedList",
                                     "Organization root (r-...) or OU ids the deny-root SCP is attached to"));
  t.set("Parameters", std::move(params));

  if (needs_topic(p) || p.trail)
    t.set("Conditions", Doc::object().set("HasKmsKey", Doc::object().set(
                                             "Fn::Not", Doc::array({Doc::object().set(
                                                            "Fn::Equals", Doc::array({ref("KmsKeyArn"), ""}))}))));
  if (p.eventbridge)
    t.set("Rules",
          Doc::object().set("SignInEventsLandInUsEast1",
                            Doc::object().set("Assertions",
                                              Doc::array({Doc::object()
                                                              .set("Assert", Doc::object().set(
                                                                                 "Fn::Equals", Doc::array({ref("AWS::Region"), kSignInRegion})))
                                                              .set("AssertDescription",
                                                                   "Root sign-in and IAM events reach EventBridge only in us-east-1: "
                                                                   "deploy this stack there (or generate the rule alone with 'rootguard harden eventbridge')")}))));

  Doc res = Doc::object();
  if (p.trail) {
    res.set("TrailBucket",
            resource("AWS::S3::Bucket",
                     Doc::object()
                         .set("BucketEncryption",
                              Doc::object().set("ServerSideEncryptionConfiguration",
                                                Doc::array({Doc::object().set(
                                                    "ServerSideEncryptionByDefault",
                                                    Doc::object()
                                                        .set("SSEAlgorithm", Doc::object().set("Fn::If", Doc::array({"HasKmsKey", "aws:kms", "AES256"})))
                                                        .set("KMSMasterKeyID", if_kms(ref("KmsKeyArn"))))})))
                         .set("PublicAccessBlockConfiguration", Doc::object()
                                                                    .set("BlockPublicAcls", true)
                                                                    .set("BlockPublicPolicy", true)
                                                                    .set("IgnorePublicAcls", true)
                                                                    .set("RestrictPublicBuckets", true))
                         .set("VersioningConfiguration", Doc::object().set("Status", "Enabled")))
                .set("DeletionPolicy", "Retain")
                .set("UpdateReplacePolicy", "Retain"));
    const std::string trail_arn = "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/${NamePrefix}-trail";
    res.set("TrailBucketPolicy",
            resource("AWS::S3::BucketPolicy",
                     Doc::object()
                         .set("Bucket", ref("TrailBucket"))
                         .set("PolicyDocument",
                              policy_doc(Doc::array(
                                  {Doc::object()
                                       .set("Sid", "AWSCloudTrailAclCheck")
                                       .set("Effect", "Allow")
                                       .set("Principal", service_principal("cloudtrail.amazonaws.com"))
                                       .set("Action", "s3:GetBucketAcl")
                                       .set("Resource", getatt("TrailBucket", "Arn"))
                                       .set("Condition", Doc::object().set("StringEquals", Doc::object().set("aws:SourceArn", sub(trail_arn)))),
                                   Doc::object()
                                       .set("Sid", "AWSCloudTrailWrite")
                                       .set("Effect", "Allow")
                                       .set("Principal", service_principal("cloudtrail.amazonaws.com"))
                                       .set("Action", "s3:PutObject")
                                       .set("Resource", sub("${TrailBucket.Arn}/AWSLogs/${AWS::AccountId}/*"))
                                       .set("Condition", Doc::object().set("StringEquals", Doc::object()
                                                                                             .set("s3:x-amz-acl", "bucket-owner-full-control")
                                                                                             .set("aws:SourceArn", sub(trail_arn)))),
                                   Doc::object()
                                       .set("Sid", "DenyInsecureTransport")
                                       .set("Effect", "Deny")
                                       .set("Principal", "*")
                                       .set("Action", "s3:*")
                                       .set("Resource", Doc::array({getatt("TrailBucket", "Arn"), sub("${TrailBucket.Arn}/*")}))
                                       .set("Condition", Doc::object().set("Bool", Doc::object().set("aws:SecureTransport", "false")))})))));
    res.set("TrailLogGroup", resource("AWS::Logs::LogGroup", Doc::object()
                                                                 .set("LogGroupName", sub("${NamePrefix}-cloudtrail"))
                                                                 .set("RetentionInDays", 365)
                                                                 .set("KmsKeyId", if_kms(ref("KmsKeyArn")))));
    res.set("TrailLogsRole",
            resource("AWS::IAM::Role",
                     Doc::object()
                         .set("AssumeRolePolicyDocument",
                              policy_doc(Doc::array({Doc::object()
                                                         .set("Effect", "Allow")
                                                         .set("Principal", service_principal("cloudtrail.amazonaws.com"))
                                                         .set("Action", "sts:AssumeRole")})))
                         .set("Policies",
                              Doc::array({Doc::object()
                                              .set("PolicyName", "cloudtrail-to-cloudwatch-logs")
                                              .set("PolicyDocument",
                                                   policy_doc(Doc::array({Doc::object()
                                                                              .set("Effect", "Allow")
                                                                              .set("Action", strs({"logs:CreateLogStream", "logs:PutLogEvents"}))
                                                                              .set("Resource", getatt("TrailLogGroup", "Arn"))})))}))));
    res.set("Trail",
            resource("AWS::CloudTrail::Trail",
                     Doc::object()
                         .set("TrailName", sub("${NamePrefix}-trail"))
                         .set("S3BucketName", ref("TrailBucket"))
                         .set("IsLogging", true)
                         .set("IsMultiRegionTrail", true)
                         .set("IncludeGlobalServiceEvents", true)
                         .set("EnableLogFileValidation", true)
                         .set("CloudWatchLogsLogGroupArn", getatt("TrailLogGroup", "Arn"))
                         .set("CloudWatchLogsRoleArn", getatt("TrailLogsRole", "Arn"))
                         .set("KMSKeyId", if_kms(ref("KmsKeyArn")))
                         .set("EventSelectors", Doc::array({Doc::object()
                                                                .set("ReadWriteType", "All")
                                                                .set("IncludeManagementEvents", true)})))
                .set("DependsOn", "TrailBucketPolicy"));
  }
  if (needs_topic(p)) {
    res.set("RootAlarmTopic", resource("AWS::SNS::Topic", Doc::object()
                                                             .set("TopicName", sub("${NamePrefix}-root-activity"))
                                                             .set("DisplayName", "rootguard root activity")
                                                             .set("KmsMasterKeyId", if_kms(ref("KmsKeyArn")))));
    res.set("RootAlarmSubscription", resource("AWS::SNS::Subscription", Doc::object()
                                                                           .set("TopicArn", ref("RootAlarmTopic"))
                                                                           .set("Protocol", "email")
                                                                           .set("Endpoint", ref("AlarmEmail"))));
    Doc statements = Doc::array();
    if (p.alarm_chain)
      statements.push(Doc::object()
                          .set("Sid", "AllowCloudWatchAlarms")
                          .set("Effect", "Allow")
                          .set("Principal", service_principal("cloudwatch.amazonaws.com"))
                          .set("Action", "sns:Publish")
                          .set("Resource", ref("RootAlarmTopic"))
                          .set("Condition", Doc::object().set(
                                                "ArnLike", Doc::object().set("aws:SourceArn",
                                                                             sub("arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${NamePrefix}-root-usage")))));
    if (p.eventbridge)
      statements.push(Doc::object()
                          .set("Sid", "AllowEventBridgeRule")
                          .set("Effect", "Allow")
                          .set("Principal", service_principal("events.amazonaws.com"))
                          .set("Action", "sns:Publish")
                          .set("Resource", ref("RootAlarmTopic"))
                          .set("Condition", Doc::object().set("ArnEquals", Doc::object().set("aws:SourceArn", getatt("RootSignInRule", "Arn")))));
    res.set("RootAlarmTopicPolicy", resource("AWS::SNS::TopicPolicy", Doc::object()
                                                                         .set("Topics", Doc::array({ref("RootAlarmTopic")}))
                                                                         .set("PolicyDocument", policy_doc(std::move(statements)))));
  }
  if (p.alarm_chain) {
    res.set("RootUsageMetricFilter",
            resource("AWS::Logs::MetricFilter",
                     Doc::object()
                         .set("FilterName", sub("${NamePrefix}-root-usage"))
                         .set("LogGroupName", p.trail ? ref("TrailLogGroup") : ref("CloudTrailLogGroupName"))
                         .set("FilterPattern", kCisRootFilterPattern)
                         .set("MetricTransformations", Doc::array({Doc::object()
                                                                       .set("MetricName", ref("MetricName"))
                                                                       .set("MetricNamespace", ref("MetricNamespace"))
                                                                       .set("MetricValue", "1")
                                                                       .set("DefaultValue", 0)}))));
    res.set("RootUsageAlarm",
            resource("AWS::CloudWatch::Alarm",
                     Doc::object()
                         .set("AlarmName", sub("${NamePrefix}-root-usage"))
                         .set("AlarmDescription", "The root user was used (CIS AWS Foundations root-usage monitoring). "
                                                  "Find the events with: rootguard scan <CloudTrail logs>")
                         .set("ActionsEnabled", true)
                         .set("AlarmActions", Doc::array({ref("RootAlarmTopic")}))
                         .set("Namespace", ref("MetricNamespace"))
                         .set("MetricName", ref("MetricName"))
                         .set("Statistic", "Sum")
                         .set("Period", o.period_seconds)
                         .set("EvaluationPeriods", o.evaluation_periods)
                         .set("Threshold", o.threshold)
                         .set("ComparisonOperator", "GreaterThanOrEqualToThreshold")
                         .set("TreatMissingData", "notBreaching"))
                .set("DependsOn", "RootUsageMetricFilter"));
  }
  if (p.eventbridge)
    res.set("RootSignInRule", resource("AWS::Events::Rule",
                                       Doc::object()
                                           .set("Name", sub("${NamePrefix}-root-signin"))
                                           .set("Description", "Root sign-in, recovery, password, key, MFA and AssumeRoot events (rootguard)")
                                           .set("State", "ENABLED")
                                           .set("EventPattern", eventbridge_pattern())
                                           .set("Targets", Doc::array({Doc::object()
                                                                           .set("Id", "root-alert-topic")
                                                                           .set("Arn", ref("RootAlarmTopic"))}))));
  if (p.scp)
    res.set("DenyRootScp", resource("AWS::Organizations::Policy",
                                    Doc::object()
                                        .set("Name", sub("${NamePrefix}-deny-root-in-members"))
                                        .set("Description", "Deny all actions to the root user of member accounts (never applies to the management account)")
                                        .set("Type", "SERVICE_CONTROL_POLICY")
                                        .set("Content", deny_root_scp(o.exempt_assume_root))
                                        .set("TargetIds", ref("ScpTargetIds"))));
  t.set("Resources", std::move(res));

  Doc out = Doc::object();
  if (p.alarm_chain) {
    out.set("RootAlarmName", Doc::object().set("Value", ref("RootUsageAlarm")));
  }
  if (needs_topic(p)) out.set("RootAlarmTopicArn", Doc::object().set("Value", ref("RootAlarmTopic")));
  if (p.trail) out.set("TrailArn", Doc::object().set("Value", getatt("Trail", "Arn")));
  if (!out.members().empty()) t.set("Outputs", std::move(out));
  return t;
}

std::string cloudformation(const TemplateOptions& o) {
  std::string head = comment_lines(
      "Generated by rootguard harden cloudformation.\n"
      "Deploy in the trail's home Region" +
          std::string(o.parts.eventbridge ? " (us-east-1: the EventBridge rule needs it)" : "") +
          ", for example:\n"
          "  aws cloudformation deploy --template-file root-alarm.yaml --stack-name " + o.name_prefix + "-root \\\n"
          "    --capabilities CAPABILITY_IAM" + (o.sns_email.empty() ? " --parameter-overrides AlarmEmail=<address>" : "") + "\n"
          "Then confirm the SNS subscription from the e-mail AWS sends.",
      "#");
  if (!o.comment.empty()) head += "#\n" + comment_lines(o.comment, "#");
  return head + cloudformation_doc(o).to_yaml();
}

// ================================ Terraform =================================

namespace {

Doc variable(const char* type, const std::string& description) {
  return Doc::object().set("type", type).set("description", description);
}

Doc service_principals(const char* service) {
  return Doc::array({Doc::object().set("type", "Service").set("identifiers", strs({service}))});
}

Doc tf_condition(const char* test, const char* variable, Doc values) {
  return Doc::object().set("test", test).set("variable", variable).set("values", std::move(values));
}

const char* kKmsOrNull = "${var.kms_key_arn == \"\" ? null : var.kms_key_arn}";

}  // namespace

Doc terraform_doc(const TemplateOptions& o) {
  const Components& p = o.parts;
  Doc t = Doc::object();
  t.set("//", "Generated by rootguard harden terraform. Review, then: terraform init && terraform apply");
  t.set("terraform", Doc::object()
                         .set("required_version", ">= 1.3.0")
                         .set("required_providers", Doc::object().set("aws", Doc::object()
                                                                                  .set("source", "hashicorp/aws")
                                                                                  .set("version", p.root_access_features ? ">= 5.77" : ">= 5.0"))));
  Doc vars = Doc::object();
  if (p.alarm_chain || p.trail || p.eventbridge || p.scp)
    vars.set("name_prefix", variable("string", "Prefix of every resource name").set("default", o.name_prefix));
  if (p.alarm_chain && !p.trail)
    vars.set("cloudtrail_log_group_name", variable("string", "CloudWatch Logs group the multi-region trail delivers to")
                                              .set("default", o.log_group.empty() ? kDefaultLogGroup : o.log_group));
  if (needs_topic(p)) {
    Doc e = variable("string", "Address that receives root-activity alarms (confirm the SNS subscription e-mail)");
    if (!o.sns_email.empty()) e.set("default", o.sns_email);
    vars.set("alarm_email", std::move(e));
  }
  if (needs_topic(p) || p.trail)
    vars.set("kms_key_arn", variable("string", "Optional KMS key ARN (its key policy must allow the services); empty: no CMK")
                                .set("default", o.kms_key_arn));
  if (p.alarm_chain) {
    vars.set("metric_namespace", variable("string", "CloudWatch namespace of the root-usage metric").set("default", o.metric_namespace));
    vars.set("metric_name", variable("string", "Name of the root-usage metric").set("default", o.metric_name));
  }
  if (p.scp)
    vars.set("scp_target_ids", variable("list(string)", "Organization root (r-...) or OU ids the deny-root SCP is attached to"));
  if (p.security_contact) {
    vars.set("security_contact_name", variable("string", "SECURITY alternate contact: a team, not a person"));
    vars.set("security_contact_title", variable("string", "SECURITY alternate contact title").set("default", "Security team"));
    vars.set("security_contact_email", variable("string", "SECURITY alternate contact e-mail (a shared mailbox)"));
    vars.set("security_contact_phone", variable("string", "SECURITY alternate contact phone: a shared line routed to the MFA custodians"));
  }
  t.set("variable", std::move(vars));

  Doc data = Doc::object();
  data.set("aws_caller_identity", Doc::object().set("current", Doc::object()));
  data.set("aws_partition", Doc::object().set("current", Doc::object()));
  Doc policy_docs = Doc::object();
  Doc res = Doc::object();
  auto add = [&res](const char* type, const char* name, Doc body) {
    Doc* bucket = res.get(type);
    if (!bucket) {
      res.set(type, Doc::object());
      bucket = res.get(type);
    }
    bucket->set(name, std::move(body));
  };

  if (p.trail) {
    const char* trail_arn =
        "arn:${data.aws_partition.current.partition}:cloudtrail:${data.aws_region.current.name}:"
        "${data.aws_caller_identity.current.account_id}:trail/${var.name_prefix}-trail";
    data.set("aws_region", Doc::object().set("current", Doc::object()));
    add("aws_s3_bucket", "trail", Doc::object().set("bucket_prefix", "${var.name_prefix}-trail-"));
    add("aws_s3_bucket_public_access_block", "trail", Doc::object()
                                                          .set("bucket", "${aws_s3_bucket.trail.id}")
                                                          .set("block_public_acls", true)
                                                          .set("block_public_policy", true)
                                                          .set("ignore_public_acls", true)
                                                          .set("restrict_public_buckets", true));
    add("aws_s3_bucket_versioning", "trail", Doc::object()
                                                 .set("bucket", "${aws_s3_bucket.trail.id}")
                                                 .set("versioning_configuration", Doc::object().set("status", "Enabled")));
    add("aws_s3_bucket_server_side_encryption_configuration", "trail",
        Doc::object()
            .set("bucket", "${aws_s3_bucket.trail.id}")
            .set("rule", Doc::array({Doc::object().set(
                             "apply_server_side_encryption_by_default",
                             Doc::object()
                                 .set("sse_algorithm", "${var.kms_key_arn == \"\" ? \"AES256\" : \"aws:kms\"}")
                                 .set("kms_master_key_id", kKmsOrNull))})));
    policy_docs.set("trail_bucket",
                    Doc::object().set("statement",
                                      Doc::array({Doc::object()
                                                      .set("sid", "AWSCloudTrailAclCheck")
                                                      .set("effect", "Allow")
                                                      .set("principals", service_principals("cloudtrail.amazonaws.com"))
                                                      .set("actions", strs({"s3:GetBucketAcl"}))
                                                      .set("resources", strs({"${aws_s3_bucket.trail.arn}"}))
                                                      .set("condition", Doc::array({tf_condition("StringEquals", "aws:SourceArn", strs({trail_arn}))})),
                                                  Doc::object()
                                                      .set("sid", "AWSCloudTrailWrite")
                                                      .set("effect", "Allow")
                                                      .set("principals", service_principals("cloudtrail.amazonaws.com"))
                                                      .set("actions", strs({"s3:PutObject"}))
                                                      .set("resources", strs({"${aws_s3_bucket.trail.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"}))
                                                      .set("condition", Doc::array({tf_condition("StringEquals", "s3:x-amz-acl", strs({"bucket-owner-full-control"})),
                                                                                    tf_condition("StringEquals", "aws:SourceArn", strs({trail_arn}))})),
                                                  Doc::object()
                                                      .set("sid", "DenyInsecureTransport")
                                                      .set("effect", "Deny")
                                                      .set("principals", Doc::array({Doc::object().set("type", "*").set("identifiers", strs({"*"}))}))
                                                      .set("actions", strs({"s3:*"}))
                                                      .set("resources", strs({"${aws_s3_bucket.trail.arn}", "${aws_s3_bucket.trail.arn}/*"}))
                                                      .set("condition", Doc::array({tf_condition("Bool", "aws:SecureTransport", strs({"false"}))}))})));
    add("aws_s3_bucket_policy", "trail", Doc::object()
                                             .set("bucket", "${aws_s3_bucket.trail.id}")
                                             .set("policy", "${data.aws_iam_policy_document.trail_bucket.json}"));
    add("aws_cloudwatch_log_group", "trail", Doc::object()
                                                 .set("name", "${var.name_prefix}-cloudtrail")
                                                 .set("retention_in_days", 365)
                                                 .set("kms_key_id", kKmsOrNull));
    policy_docs.set("trail_assume", Doc::object().set("statement", Doc::array({Doc::object()
                                                                                   .set("effect", "Allow")
                                                                                   .set("principals", service_principals("cloudtrail.amazonaws.com"))
                                                                                   .set("actions", strs({"sts:AssumeRole"}))})));
    policy_docs.set("trail_logs", Doc::object().set("statement", Doc::array({Doc::object()
                                                                                 .set("effect", "Allow")
                                                                                 .set("actions", strs({"logs:CreateLogStream", "logs:PutLogEvents"}))
                                                                                 .set("resources", strs({"${aws_cloudwatch_log_group.trail.arn}:*"}))})));
    add("aws_iam_role", "trail_logs", Doc::object()
                                          .set("name", "${var.name_prefix}-cloudtrail-logs")
                                          .set("assume_role_policy", "${data.aws_iam_policy_document.trail_assume.json}"));
    add("aws_iam_role_policy", "trail_logs", Doc::object()
                                                 .set("name", "cloudtrail-to-cloudwatch-logs")
                                                 .set("role", "${aws_iam_role.trail_logs.id}")
                                                 .set("policy", "${data.aws_iam_policy_document.trail_logs.json}"));
    add("aws_cloudtrail", "main", Doc::object()
                                      .set("name", "${var.name_prefix}-trail")
                                      .set("s3_bucket_name", "${aws_s3_bucket.trail.id}")
                                      .set("enable_logging", true)
                                      .set("is_multi_region_trail", true)
                                      .set("include_global_service_events", true)
                                      .set("enable_log_file_validation", true)
                                      .set("kms_key_id", kKmsOrNull)
                                      .set("cloud_watch_logs_group_arn", "${aws_cloudwatch_log_group.trail.arn}:*")
                                      .set("cloud_watch_logs_role_arn", "${aws_iam_role.trail_logs.arn}")
                                      .set("event_selector", Doc::array({Doc::object()
                                                                             .set("read_write_type", "All")
                                                                             .set("include_management_events", true)}))
                                      .set("depends_on", strs({"aws_s3_bucket_policy.trail", "aws_iam_role_policy.trail_logs"})));
  }
  if (needs_topic(p)) {
    add("aws_sns_topic", "root_alarm", Doc::object()
                                           .set("name", "${var.name_prefix}-root-activity")
                                           .set("display_name", "rootguard root activity")
                                           .set("kms_master_key_id", kKmsOrNull));
    add("aws_sns_topic_subscription", "root_alarm_email", Doc::object()
                                                              .set("topic_arn", "${aws_sns_topic.root_alarm.arn}")
                                                              .set("protocol", "email")
                                                              .set("endpoint", "${var.alarm_email}"));
    Doc statements = Doc::array();
    if (p.alarm_chain)
      statements.push(Doc::object()
                          .set("sid", "AllowCloudWatchAlarms")
                          .set("effect", "Allow")
                          .set("principals", service_principals("cloudwatch.amazonaws.com"))
                          .set("actions", strs({"sns:Publish"}))
                          .set("resources", strs({"${aws_sns_topic.root_alarm.arn}"}))
                          .set("condition", Doc::array({tf_condition("ArnLike", "aws:SourceArn", strs({"${aws_cloudwatch_metric_alarm.root_usage.arn}"}))})));
    if (p.eventbridge)
      statements.push(Doc::object()
                          .set("sid", "AllowEventBridgeRule")
                          .set("effect", "Allow")
                          .set("principals", service_principals("events.amazonaws.com"))
                          .set("actions", strs({"sns:Publish"}))
                          .set("resources", strs({"${aws_sns_topic.root_alarm.arn}"}))
                          .set("condition", Doc::array({tf_condition("ArnEquals", "aws:SourceArn", strs({"${aws_cloudwatch_event_rule.root_signin.arn}"}))})));
    policy_docs.set("root_alarm_topic", Doc::object().set("statement", std::move(statements)));
    add("aws_sns_topic_policy", "root_alarm", Doc::object()
                                                  .set("arn", "${aws_sns_topic.root_alarm.arn}")
                                                  .set("policy", "${data.aws_iam_policy_document.root_alarm_topic.json}"));
  }
  if (p.alarm_chain) {
    add("aws_cloudwatch_log_metric_filter", "root_usage",
        Doc::object()
            .set("name", "${var.name_prefix}-root-usage")
            .set("log_group_name", p.trail ? "${aws_cloudwatch_log_group.trail.name}" : "${var.cloudtrail_log_group_name}")
            .set("pattern", kCisRootFilterPattern)
            .set("metric_transformation", Doc::object()
                                              .set("name", "${var.metric_name}")
                                              .set("namespace", "${var.metric_namespace}")
                                              .set("value", "1")
                                              .set("default_value", "0")));
    add("aws_cloudwatch_metric_alarm", "root_usage",
        Doc::object()
            .set("alarm_name", "${var.name_prefix}-root-usage")
            .set("alarm_description", "The root user was used (CIS AWS Foundations root-usage monitoring). "
                                      "Find the events with: rootguard scan <CloudTrail logs>")
            .set("actions_enabled", true)
            .set("alarm_actions", strs({"${aws_sns_topic.root_alarm.arn}"}))
            .set("namespace", "${aws_cloudwatch_log_metric_filter.root_usage.metric_transformation[0].namespace}")
            .set("metric_name", "${aws_cloudwatch_log_metric_filter.root_usage.metric_transformation[0].name}")
            .set("statistic", "Sum")
            .set("period", o.period_seconds)
            .set("evaluation_periods", o.evaluation_periods)
            .set("threshold", o.threshold)
            .set("comparison_operator", "GreaterThanOrEqualToThreshold")
            .set("treat_missing_data", "notBreaching"));
  }
  if (p.eventbridge) {
    add("aws_cloudwatch_event_rule", "root_signin",
        Doc::object()
            .set("name", "${var.name_prefix}-root-signin")
            .set("description", "Root sign-in, recovery, password, key, MFA and AssumeRoot events (rootguard)")
            .set("state", "ENABLED")
            .set("event_pattern", eventbridge_pattern().to_compact_json())
            .set("lifecycle",
                 Doc::object().set("precondition",
                                   Doc::array({Doc::object()
                                                   .set("condition", "${split(\":\", aws_sns_topic.root_alarm.arn)[3] == \"us-east-1\"}")
                                                   .set("error_message",
                                                        "Root sign-in and IAM events reach EventBridge only in us-east-1: apply this "
                                                        "configuration with an AWS provider for us-east-1.")}))));
    add("aws_cloudwatch_event_target", "root_signin", Doc::object()
                                                          .set("rule", "${aws_cloudwatch_event_rule.root_signin.name}")
                                                          .set("target_id", "root-alert-topic")
                                                          .set("arn", "${aws_sns_topic.root_alarm.arn}"));
  }
  if (p.scp) {
    add("aws_organizations_policy", "deny_root", Doc::object()
                                                     .set("name", "${var.name_prefix}-deny-root-in-members")
                                                     .set("description", "Deny all actions to the root user of member accounts (never applies to the management account)")
                                                     .set("type", "SERVICE_CONTROL_POLICY")
                                                     .set("content", deny_root_scp(o.exempt_assume_root).to_compact_json()));
    add("aws_organizations_policy_attachment", "deny_root", Doc::object()
                                                                .set("for_each", "${toset(var.scp_target_ids)}")
                                                                .set("policy_id", "${aws_organizations_policy.deny_root.id}")
                                                                .set("target_id", "${each.value}"));
  }
  if (p.root_access_features)
    add("aws_iam_organizations_features", "root_access",
        Doc::object().set("enabled_features", strs({"RootCredentialsManagement", "RootSessions"})));
  if (p.security_contact)
    add("aws_account_alternate_contact", "security", Doc::object()
                                                         .set("alternate_contact_type", "SECURITY")
                                                         .set("name", "${var.security_contact_name}")
                                                         .set("title", "${var.security_contact_title}")
                                                         .set("email_address", "${var.security_contact_email}")
                                                         .set("phone_number", "${var.security_contact_phone}"));
  if (!policy_docs.members().empty()) data.set("aws_iam_policy_document", std::move(policy_docs));
  t.set("data", std::move(data));
  t.set("resource", std::move(res));

  Doc out = Doc::object();
  if (p.alarm_chain) out.set("root_alarm_name", Doc::object().set("value", "${aws_cloudwatch_metric_alarm.root_usage.alarm_name}"));
  if (needs_topic(p)) out.set("root_alarm_topic_arn", Doc::object().set("value", "${aws_sns_topic.root_alarm.arn}"));
  if (p.trail) out.set("trail_arn", Doc::object().set("value", "${aws_cloudtrail.main.arn}"));
  if (!out.members().empty()) t.set("output", std::move(out));
  return t;
}

std::string terraform(const TemplateOptions& o) {
  Doc t = terraform_doc(o);
  // A "//" member is a comment in Terraform's JSON syntax; the plan goes there as text.
  if (!o.comment.empty()) t.set("//", t.get("//")->str() + "\n" + o.comment);
  return t.to_json();
}

}  // namespace rg::harden
