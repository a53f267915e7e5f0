// "After applying": a snapshot built from the generated CloudFormation template's resources,
// as `rootguard collect` would find the account once the stack is deployed and the SNS
// subscription confirmed, must make audit's R06 (root-usage alarm chain) and R07
// (multi-region logging trail) pass. The helper evaluates the template's intrinsics (Ref,
// Fn::Sub, Fn::GetAtt, Fn::If with its condition) with the parameters' defaults, so a wrong
// reference, name or property in the template shows up as a failing check.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <regex>

#include "core/diagnostics.h"
#include "harden/doc.h"
#include "harden/templates.h"
#include "posture/account.h"
#include "posture/check.h"
#include "posture/config.h"
#include "test_util.h"

namespace rg::posture::checks {
extern const Check R06_root_usage_alarm;
extern const Check R07_cloudtrail_multi_region;
}  // namespace rg::posture::checks

namespace rg::harden {
namespace {

constexpr const char* kAccount = "111122223333";
constexpr const char* kRegion = "us-east-1";

// Evaluates CloudFormation intrinsics the way the stack would resolve them.
class CfnEval {
 public:
  explicit CfnEval(YAML::Node t) : t_(std::move(t)) {}

  std::string str(const YAML::Node& n) const {
    if (n.IsScalar()) return n.as<std::string>();
    if (n["Ref"]) return ref(n["Ref"].as<std::string>());
    if (n["Fn::Sub"]) return sub(n["Fn::Sub"].as<std::string>());
    if (n["Fn::GetAtt"]) return getatt(n["Fn::GetAtt"][0].as<std::string>(), n["Fn::GetAtt"][1].as<std::string>());
    if (n["Fn::If"]) return str(condition(n["Fn::If"][0].as<std::string>()) ? n["Fn::If"][1] : n["Fn::If"][2]);
    ADD_FAILURE() << "cannot evaluate " << YAML::Dump(n);
    return "";
  }
  bool absent(const YAML::Node& n) const {  // Fn::If that resolves to AWS::NoValue
    if (!n) return true;
    if (n.IsMap() && n["Fn::If"]) {
      const YAML::Node v = condition(n["Fn::If"][0].as<std::string>()) ? n["Fn::If"][1] : n["Fn::If"][2];
      return v.IsMap() && v["Ref"] && v["Ref"].as<std::string>() == "AWS::NoValue";
    }
    return false;
  }
  YAML::Node resource(const std::string& id) const { return t_["Resources"][id]; }
  std::vector<std::string> of_type(const std::string& type) const {
    std::vector<std::string> out;
    for (const auto& kv : t_["Resources"])
      if (kv.second["Type"].as<std::string>() == type) out.push_back(kv.first.as<std::string>());
    return out;
  }
  std::string prop(const std::string& id, const char* p) const { return str(resource(id)["Properties"][p]); }

 private:
  bool condition(const std::string& name) const {
    EXPECT_EQ(name, "HasKmsKey");
    return !ref("KmsKeyArn").empty();
  }
  std::string ref(const std::string& x) const {
    if (x == "AWS::Region") return kRegion;
    if (x == "AWS::AccountId") return kAccount;
    if (x == "AWS::Partition") return "aws";
    if (t_["Parameters"][x]) return t_["Parameters"][x]["Default"] ? t_["Parameters"][x]["Default"].as<std::string>() : "";
    const std::string type = resource(x)["Type"].as<std::string>();
    if (type == "AWS::SNS::Topic") return arn("sns", prop(x, "TopicName"));
    if (type == "AWS::CloudWatch::Alarm") return prop(x, "AlarmName");
    if (type == "AWS::CloudTrail::Trail") return prop(x, "TrailName");
    if (type == "AWS::Logs::LogGroup") return prop(x, "LogGroupName");
    if (type == "AWS::S3::Bucket") return "stack-trailbucket-1a2b3c4d";
    ADD_FAILURE() << "Ref to " << x << " of type " << type;
    return "";
  }
  std::string getatt(const std::string& x, const std::string& attr) const {
    EXPECT_EQ(attr, "Arn") << x;
    const std::string type = resource(x)["Type"].as<std::string>();
    if (type == "AWS::Logs::LogGroup") return arn("logs", "log-group:" + prop(x, "LogGroupName") + ":*");
    if (type == "AWS::IAM::Role") return std::string("arn:aws:iam::") + kAccount + ":role/stack-" + x;
    if (type == "AWS::CloudTrail::Trail") return arn("cloudtrail", "trail/" + prop(x, "TrailName"));
    if (type == "AWS::S3::Bucket") return "arn:aws:s3:::" + ref(x);
    if (type == "AWS::Events::Rule") return arn("events", "rule/" + prop(x, "Name"));
    ADD_FAILURE() << "GetAtt " << x << ".Arn of type " << type;
    return "";
  }
  std::string sub(std::string s) const {
    static const std::regex var(R"(\$\{([A-Za-z0-9:]+)(\.([A-Za-z0-9]+))?\})");
    std::smatch m;
    while (std::regex_search(s, m, var)) {
      const std::string v = m[3].matched ? getatt(m[1].str(), m[3].str()) : ref(m[1].str());
      s = m.prefix().str() + v + m.suffix().str();
    }
    return s;
  }
  static std::string arn(const char* service, const std::string& rest) {
    return std::string("arn:aws:") + service + ":" + kRegion + ":" + kAccount + ":" + rest;
  }
  YAML::Node t_;
};

struct Trail {
  std::string name, log_group;  // log group name
  bool multi_region = true, logging = true, global = true, validation = true;
};

// Writes the snapshot the deployed template would produce. `existing` is a trail the account
// already has (used when the template does not create one). `confirmed`: whether the e-mail
// subscription was confirmed.
void write_snapshot(const CfnEval& cfn, const std::optional<Trail>& existing, bool confirmed, const std::filesystem::path& dir) {
  using rg::harden::Doc;
  std::vector<Trail> trails;
  if (existing) trails.push_back(*existing);
  Doc trail_list = Doc::array();
  for (const auto& id : cfn.of_type("AWS::CloudTrail::Trail")) {
    const YAML::Node p = cfn.resource(id)["Properties"];
    Trail t;
    t.name = cfn.prop(id, "TrailName");
    const std::string group_arn = cfn.str(p["CloudWatchLogsLogGroupArn"]);
    t.log_group = group_arn.substr(group_arn.find("log-group:") + 10);
    t.log_group = t.log_group.substr(0, t.log_group.size() - 2);  // ":*"
    t.multi_region = p["IsMultiRegionTrail"].as<bool>();
    t.logging = p["IsLogging"].as<bool>();
    t.global = p["IncludeGlobalServiceEvents"].as<bool>();
    t.validation = p["EnableLogFileValidation"].as<bool>();
    trails.push_back(t);
    rg::test::write_file(dir / kRegion / ("cloudtrail.GetEventSelectors." + t.name + ".json"),
                         Doc::object()
                             .set("TrailARN", std::string("arn:aws:cloudtrail:us-east-1:") + kAccount + ":trail/" + t.name)
                             .set("EventSelectors",
                                  Doc::array({Doc::object()
                                                  .set("ReadWriteType", cfn.str(p["EventSelectors"][0]["ReadWriteType"]))
                                                  .set("IncludeManagementEvents", p["EventSelectors"][0]["IncludeManagementEvents"].as<bool>())
                                                  .set("DataResources", Doc::array())
                                                  .set("ExcludeManagementEventSources", Doc::array())}))
                             .to_json());
  }
  for (const auto& t : trails) {
    const std::string arn = std::string("arn:aws:cloudtrail:us-east-1:") + kAccount + ":trail/" + t.name;
    trail_list.push(Doc::object()
                        .set("Name", t.name)
                        .set("S3BucketName", "bucket")
                        .set("IncludeGlobalServiceEvents", t.global)
                        .set("IsMultiRegionTrail", t.multi_region)
                        .set("HomeRegion", kRegion)
                        .set("TrailARN", arn)
                        .set("LogFileValidationEnabled", t.validation)
                        .set("CloudWatchLogsLogGroupArn", std::string("arn:aws:logs:us-east-1:") + kAccount + ":log-group:" + t.log_group + ":*")
                        .set("CloudWatchLogsRoleArn", std::string("arn:aws:iam::") + kAccount + ":role/trail")
                        .set("HasCustomEventSelectors", false)
                        .set("HasInsightSelectors", false)
                        .set("IsOrganizationTrail", false));
    rg::test::write_file(dir / kRegion / ("cloudtrail.GetTrailStatus." + t.name + ".json"),
                         Doc::object().set("IsLogging", t.logging).set("TimeLoggingStopped", "").to_json());
    if (existing && t.name == existing->name)
      rg::test::write_file(dir / kRegion / ("cloudtrail.GetEventSelectors." + t.name + ".json"),
                           Doc::object()
                               .set("TrailARN", arn)
                               .set("EventSelectors", Doc::array({Doc::object()
                                                                      .set("ReadWriteType", "All")
                                                                      .set("IncludeManagementEvents", true)
                                                                      .set("DataResources", Doc::array())
                                                                      .set("ExcludeManagementEventSources", Doc::array())}))
                               .to_json());
  }
  rg::test::write_file(dir / kRegion / "cloudtrail.DescribeTrails.json", Doc::object().set("trailList", trail_list).to_json());

  Doc filters = Doc::array();
  for (const auto& id : cfn.of_type("AWS::Logs::MetricFilter")) {
    const YAML::Node p = cfn.resource(id)["Properties"];
    const YAML::Node mt = p["MetricTransformations"][0];
    filters.push(Doc::object()
                     .set("filterName", cfn.str(p["FilterName"]))
                     .set("filterPattern", cfn.str(p["FilterPattern"]))
                     .set("metricTransformations", Doc::array({Doc::object()
                                                                   .set("metricName", cfn.str(mt["MetricName"]))
                                                                   .set("metricNamespace", cfn.str(mt["MetricNamespace"]))
                                                                   .set("metricValue", cfn.str(mt["MetricValue"]))}))
                     .set("creationTime", static_cast<std::int64_t>(1763712000000))
                     .set("logGroupName", cfn.str(p["LogGroupName"])));
  }
  rg::test::write_file(dir / kRegion / "logs.DescribeMetricFilters.json", Doc::object().set("metricFilters", filters).to_json());

  Doc alarms = Doc::array();
  for (const auto& id : cfn.of_type("AWS::CloudWatch::Alarm")) {
    const YAML::Node p = cfn.resource(id)["Properties"];
    Doc actions = Doc::array();
    for (const auto& a : p["AlarmActions"]) actions.push(cfn.str(a));
    const std::string name = cfn.str(p["AlarmName"]);
    alarms.push(Doc::object()
                    .set("AlarmName", name)
                    .set("AlarmArn", std::string("arn:aws:cloudwatch:us-east-1:") + kAccount + ":alarm:" + name)
                    .set("ActionsEnabled", p["ActionsEnabled"].as<bool>())
                    .set("OKActions", Doc::array())
                    .set("AlarmActions", actions)
                    .set("InsufficientDataActions", Doc::array())
                    .set("StateValue", "OK")
                    .set("MetricName", cfn.str(p["MetricName"]))
                    .set("Namespace", cfn.str(p["Namespace"]))
                    .set("Statistic", cfn.str(p["Statistic"]))
                    .set("Dimensions", Doc::array())
                    .set("Period", p["Period"].as<int>())
                    .set("EvaluationPeriods", p["EvaluationPeriods"].as<int>())
                    .set("Threshold", p["Threshold"].as<int>())
                    .set("ComparisonOperator", cfn.str(p["ComparisonOperator"])));
  }
  rg::test::write_file(dir / kRegion / "cloudwatch.DescribeAlarms.json",
                       Doc::object().set("MetricAlarms", alarms).set("CompositeAlarms", Doc::array()).to_json());

  for (const auto& id : cfn.of_type("AWS::SNS::Subscription")) {
    const YAML::Node p = cfn.resource(id)["Properties"];
    const std::string topic_arn = cfn.str(p["TopicArn"]);
    const std::string topic_name = topic_arn.substr(topic_arn.rfind(':') + 1);
    rg::test::write_file(
        dir / kRegion / ("sns.ListSubscriptionsByTopic." + topic_name + ".json"),
        Doc::object()
            .set("Subscriptions", Doc::array({Doc::object()
                                                  .set("SubscriptionArn", confirmed ? topic_arn + ":6f1c2a7e-3b1d-4c55-9a0e-2f4b8c9d1e00"
                                                                                    : std::string("PendingConfirmation"))
                                                  .set("Owner", kAccount)
                                                  .set("Protocol", cfn.str(p["Protocol"]))
                                                  .set("Endpoint", cfn.str(p["Endpoint"]))
                                                  .set("TopicArn", topic_arn)}))
            .to_json());
  }
}

struct Verdicts {
  FindingStatus r06, r07;
  std::string why06, why07;
};

Verdicts audit_snapshot(const std::filesystem::path& dir) {
  Diagnostics diag(Diagnostics::silent());
  posture::Account a = posture::read_account(dir, "after-apply", nullptr, diag);
  posture::Config cfg;
  const posture::CheckInput in{a, nullptr, cfg, 0};
  auto f06 = posture::checks::R06_root_usage_alarm.run(in);
  auto f07 = posture::checks::R07_cloudtrail_multi_region.run(in);
  EXPECT_FALSE(f06.empty());
  EXPECT_FALSE(f07.empty());
  if (f06.empty() || f07.empty()) return {FindingStatus::Unknown, FindingStatus::Unknown, "", ""};
  return {f06[0].status, f07[0].status, f06[0].reason, f07[0].reason};
}

// Deploys (in the snapshot sense) the template made from `o` on an account that already has
// `existing` (or no trail), with the e-mail subscription confirmed, and audits it.
Verdicts apply_and_audit(const TemplateOptions& o, const std::optional<Trail>& existing) {
  CfnEval cfn(YAML::Load(cloudformation(o)));
  rg::test::TempDir d;
  write_snapshot(cfn, existing, true, d.path());
  return audit_snapshot(d.path());
}

TEST(AfterApply, TemplateWithTrailMakesR06AndR07Pass) {
  TemplateOptions o;
  o.parts.trail = true;
  o.sns_email = "secops@example.com";
  const Verdicts v = apply_and_audit(o, std::nullopt);
  EXPECT_EQ(v.r06, FindingStatus::Pass) << v.why06;
  EXPECT_EQ(v.r07, FindingStatus::Pass) << v.why07;
}

TEST(AfterApply, ChainOnAnExistingTrailsLogGroupMakesR06Pass) {
  TemplateOptions o;
  o.log_group = "org/cloudtrail";
  o.sns_email = "secops@example.com";
  const Verdicts v = apply_and_audit(o, Trail{.name = "main", .log_group = "org/cloudtrail"});
  EXPECT_EQ(v.r06, FindingStatus::Pass) << v.why06;
  EXPECT_EQ(v.r07, FindingStatus::Pass) << v.why07;
}

// The helper is not a rubber stamp: the same snapshot fails when the subscription is still
// pending, or when the chain sits on a log group the trail does not deliver to.
TEST(AfterApply, HelperDetectsBrokenDeployments) {
  TemplateOptions o;
  o.sns_email = "secops@example.com";
  CfnEval cfn(YAML::Load(cloudformation(o)));
  rg::test::TempDir pending, wrong_group;
  write_snapshot(cfn, Trail{.name = "main", .log_group = std::string(kDefaultLogGroup)}, false, pending.path());
  EXPECT_EQ(audit_snapshot(pending.path()).r06, FindingStatus::Fail);
  write_snapshot(cfn, Trail{.name = "main", .log_group = "some/other-group"}, true, wrong_group.path());
  EXPECT_EQ(audit_snapshot(wrong_group.path()).r06, FindingStatus::Fail);
  rg::test::TempDir single_region;
  write_snapshot(cfn, Trail{.name = "main", .log_group = std::string(kDefaultLogGroup), .multi_region = false}, true,
                 single_region.path());
  EXPECT_NE(audit_snapshot(single_region.path()).r07, FindingStatus::Pass);
}

}  // namespace
}  // namespace rg::harden
