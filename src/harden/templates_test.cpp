#include "harden/templates.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <regex>
#include <set>

#include "harden/ct_samples.h"
#include "harden/policies.h"
#include "posture/metric_filter.h"
#include "test_util.h"

namespace rg::harden {
namespace {

// Every combination of the optional parts, each with and without the alarm chain.
std::vector<TemplateOptions> all_variants() {
  std::vector<TemplateOptions> out;
  for (unsigned m = 0; m < 32; ++m) {
    TemplateOptions o;
    o.parts.alarm_chain = m & 1;
    o.parts.trail = m & 2;
    o.parts.eventbridge = m & 4;
    o.parts.scp = m & 8;
    o.parts.root_access_features = o.parts.security_contact = m & 16;
    if (!validate(o).ok()) continue;
    o.sns_email = (m % 3) ? "secops+root@example.com" : "";
    o.kms_key_arn = (m % 5) ? "" : "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    out.push_back(o);
  }
  return out;
}

YAML::Node load_yaml(const std::string& text) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    ADD_FAILURE() << "YAML does not parse: " << e.what() << "\n" << text;
    return YAML::Node();
  }
}

// ------------------------------------------------------------------ CloudFormation

struct CfnRefs {
  std::set<std::string> refs, getatts, subs, conditions, depends;
};

void walk_cfn(const YAML::Node& n, CfnRefs& r) {
  if (n.IsMap()) {
    for (const auto& kv : n) {
      const std::string k = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (k == "Ref") r.refs.insert(v.as<std::string>());
      else if (k == "Fn::GetAtt") r.getatts.insert(v[0].as<std::string>());
      else if (k == "Fn::If") r.conditions.insert(v[0].as<std::string>());
      else if (k == "Fn::Sub") {
        static const std::regex var(R"(\$\{([A-Za-z0-9:]+)(\.[A-Za-z0-9]+)?\})");
        const std::string s = v.as<std::string>();
        for (auto it = std::sregex_iterator(s.begin(), s.end(), var); it != std::sregex_iterator(); ++it)
          r.subs.insert((*it)[1].str());
      } else if (k == "DependsOn") {
        if (v.IsSequence()) for (const auto& d : v) r.depends.insert(d.as<std::string>());
        else r.depends.insert(v.as<std::string>());
      } else if (k == "Condition" && v.IsScalar()) {
        r.conditions.insert(v.as<std::string>());
      }
      walk_cfn(v, r);
    }
  } else if (n.IsSequence()) {
    for (const auto& x : n) walk_cfn(x, r);
  }
}

std::set<std::string> keys(const YAML::Node& map) {
  std::set<std::string> out;
  if (map && map.IsMap())
    for (const auto& kv : map) out.insert(kv.first.as<std::string>());
  return out;
}

TEST(CloudFormation, EveryVariantParsesAndEveryReferenceResolves) {
  static const std::set<std::string> pseudo = {"AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::NoValue",
                                               "AWS::StackName", "AWS::URLSuffix"};
  static const std::set<std::string> known_types = {
      "AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::Logs::LogGroup", "AWS::IAM::Role", "AWS::CloudTrail::Trail",
      "AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::SNS::TopicPolicy", "AWS::Logs::MetricFilter",
      "AWS::CloudWatch::Alarm", "AWS::Events::Rule", "AWS::Organizations::Policy"};
  const auto variants = all_variants();
  ASSERT_GE(variants.size(), 15u);
  for (const auto& o : variants) {
    if (!(o.parts.alarm_chain || o.parts.trail || o.parts.eventbridge || o.parts.scp)) continue;  // Terraform-only parts
    const std::string text = cloudformation(o);
    YAML::Node t = load_yaml(text);
    ASSERT_TRUE(t.IsMap());
    EXPECT_EQ(t["AWSTemplateFormatVersion"].as<std::string>(), "2010-09-09");
    const auto params = keys(t["Parameters"]);
    const auto resources = keys(t["Resources"]);
    const auto conditions = keys(t["Conditions"]);
    ASSERT_FALSE(resources.empty());
    for (const auto& kv : t["Resources"])
      EXPECT_TRUE(known_types.count(kv.second["Type"].as<std::string>())) << kv.second["Type"].as<std::string>();
    CfnRefs r;
    walk_cfn(t, r);
    for (const auto& x : r.refs)
      EXPECT_TRUE(params.count(x) || resources.count(x) || pseudo.count(x)) << "Ref to unknown " << x << "\n" << text;
    for (const auto& x : r.getatts) EXPECT_TRUE(resources.count(x)) << "GetAtt of unknown " << x;
    for (const auto& x : r.subs)
      EXPECT_TRUE(params.count(x) || resources.count(x) || pseudo.count(x)) << "${" << x << "} unknown";
    for (const auto& x : r.conditions) EXPECT_TRUE(conditions.count(x)) << "condition " << x;
    for (const auto& x : r.depends) EXPECT_TRUE(resources.count(x)) << "DependsOn " << x;
    for (const auto& p : params)
      EXPECT_TRUE(r.refs.count(p) || r.subs.count(p)) << "parameter " << p << " is never used";
    for (const auto& c : conditions) EXPECT_TRUE(r.conditions.count(c)) << "condition " << c << " is never used";
    // The parts asked for, and only those.
    EXPECT_EQ(resources.count("RootUsageAlarm") == 1, o.parts.alarm_chain);
    EXPECT_EQ(resources.count("Trail") == 1, o.parts.trail);
    EXPECT_EQ(resources.count("RootSignInRule") == 1, o.parts.eventbridge);
    EXPECT_EQ(resources.count("DenyRootScp") == 1, o.parts.scp);
    if (!o.sns_email.empty() && (o.parts.alarm_chain || o.parts.eventbridge)) {
      EXPECT_EQ(t["Parameters"]["AlarmEmail"]["Default"].as<std::string>(), o.sns_email);
    }
  }
}

TEST(CloudFormation, AlarmChainIsWiredEndToEnd) {
  TemplateOptions o;
  o.sns_email = "secops@example.com";
  YAML::Node t = load_yaml(cloudformation(o));
  YAML::Node res = t["Resources"];
  YAML::Node filter = res["RootUsageMetricFilter"]["Properties"];
  YAML::Node alarm = res["RootUsageAlarm"]["Properties"];
  EXPECT_EQ(filter["LogGroupName"]["Ref"].as<std::string>(), "CloudTrailLogGroupName");
  EXPECT_EQ(t["Parameters"]["CloudTrailLogGroupName"]["Default"].as<std::string>(), kDefaultLogGroup);
  EXPECT_EQ(filter["MetricTransformations"][0]["MetricName"]["Ref"].as<std::string>(), alarm["MetricName"]["Ref"].as<std::string>());
  EXPECT_EQ(filter["MetricTransformations"][0]["MetricNamespace"]["Ref"].as<std::string>(), alarm["Namespace"]["Ref"].as<std::string>());
  EXPECT_EQ(filter["MetricTransformations"][0]["MetricValue"].as<std::string>(), "1");
  EXPECT_EQ(alarm["Statistic"].as<std::string>(), "Sum");
  EXPECT_EQ(alarm["Period"].as<int>(), 300);
  EXPECT_EQ(alarm["EvaluationPeriods"].as<int>(), 1);
  EXPECT_EQ(alarm["Threshold"].as<int>(), 1);
  EXPECT_EQ(alarm["ComparisonOperator"].as<std::string>(), "GreaterThanOrEqualToThreshold");
  EXPECT_TRUE(alarm["ActionsEnabled"].as<bool>());
  EXPECT_EQ(alarm["AlarmActions"][0]["Ref"].as<std::string>(), "RootAlarmTopic");
  EXPECT_EQ(res["RootAlarmSubscription"]["Properties"]["Protocol"].as<std::string>(), "email");
  EXPECT_EQ(res["RootAlarmSubscription"]["Properties"]["TopicArn"]["Ref"].as<std::string>(), "RootAlarmTopic");
  YAML::Node stmt = res["RootAlarmTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
  EXPECT_EQ(stmt["Principal"]["Service"].as<std::string>(), "cloudwatch.amazonaws.com");
  EXPECT_EQ(stmt["Action"].as<std::string>(), "sns:Publish");
}

TEST(CloudFormation, TrailIsMultiRegionValidatedAndDeliversToTheFilteredGroup) {
  TemplateOptions o;
  o.parts.trail = true;
  YAML::Node t = load_yaml(cloudformation(o));
  YAML::Node trail = t["Resources"]["Trail"]["Properties"];
  EXPECT_TRUE(trail["IsMultiRegionTrail"].as<bool>());
  EXPECT_TRUE(trail["IsLogging"].as<bool>());
  EXPECT_TRUE(trail["IncludeGlobalServiceEvents"].as<bool>());
  EXPECT_TRUE(trail["EnableLogFileValidation"].as<bool>());
  EXPECT_EQ(trail["EventSelectors"][0]["ReadWriteType"].as<std::string>(), "All");
  EXPECT_TRUE(trail["EventSelectors"][0]["IncludeManagementEvents"].as<bool>());
  EXPECT_EQ(trail["CloudWatchLogsLogGroupArn"]["Fn::GetAtt"][0].as<std::string>(), "TrailLogGroup");
  EXPECT_EQ(trail["CloudWatchLogsRoleArn"]["Fn::GetAtt"][0].as<std::string>(), "TrailLogsRole");
  EXPECT_EQ(t["Resources"]["RootUsageMetricFilter"]["Properties"]["LogGroupName"]["Ref"].as<std::string>(), "TrailLogGroup");
}

TEST(CloudFormation, EventBridgeRuleIsPinnedToUsEast1) {
  TemplateOptions o;
  o.parts.eventbridge = true;
  YAML::Node t = load_yaml(cloudformation(o));
  YAML::Node assert_ = t["Rules"]["SignInEventsLandInUsEast1"]["Assertions"][0]["Assert"]["Fn::Equals"];
  EXPECT_EQ(assert_[0]["Ref"].as<std::string>(), "AWS::Region");
  EXPECT_EQ(assert_[1].as<std::string>(), "us-east-1");
  YAML::Node rule = t["Resources"]["RootSignInRule"]["Properties"];
  EXPECT_EQ(rule["Targets"][0]["Arn"]["Ref"].as<std::string>(), "RootAlarmTopic");
  // The embedded pattern is the one `harden eventbridge` prints.
  EXPECT_EQ(rule["EventPattern"]["$or"].size(), eventbridge_branches().size() + 1);
  EXPECT_EQ(rule["EventPattern"]["source"][0].as<std::string>(), "aws.signin");
}

TEST(CloudFormation, HostileValuesStayInsideTheirStrings) {
  TemplateOptions o;
  o.log_group = "/aws/cloudtrail/a#b";
  o.sns_email = "o'brien+x@example.com";
  o.comment = "line one\nline: two # not a key";
  YAML::Node t = load_yaml(cloudformation(o));
  EXPECT_EQ(t["Parameters"]["CloudTrailLogGroupName"]["Default"].as<std::string>(), "/aws/cloudtrail/a#b");
  EXPECT_EQ(t["Parameters"]["AlarmEmail"]["Default"].as<std::string>(), "o'brien+x@example.com");
  EXPECT_EQ(t["Resources"]["RootUsageMetricFilter"]["Properties"]["FilterPattern"].as<std::string>(), kCisRootFilterPattern);
}

// ------------------------------------------------------------------ Terraform

struct TfIndex {
  std::set<std::string> variables, data, resources, for_each_resources;
};

void collect_strings(simdjson::dom::element e, const std::string& owner, std::vector<std::pair<std::string, std::string>>& out) {
  using T = simdjson::dom::element_type;
  if (e.type() == T::STRING) out.emplace_back(owner, std::string(e.get_string().value()));
  if (e.type() == T::ARRAY) {
    simdjson::dom::array a = e.get_array().value();
    for (auto x : a) collect_strings(x, owner, out);
  }
  if (e.type() == T::OBJECT) {
    simdjson::dom::object o = e.get_object().value();
    for (auto [k, v] : o) collect_strings(v, owner, out);
  }
}

TEST(Terraform, EveryVariantParsesAndEveryReferenceResolves) {
  static const std::regex expr(R"(\$\{([^}]*)\})");
  static const std::regex ref(R"((var|data|each)\.([A-Za-z0-9_]+)(\.([A-Za-z0-9_]+))?|\b(aws_[a-z0-9_]+)\.([a-z0-9_]+))");
  for (const auto& o : all_variants()) {
    const std::string text = terraform(o);
    simdjson::dom::parser p;
    simdjson::dom::element t;
    ASSERT_FALSE(p.parse(text).get(t)) << text;
    TfIndex idx;
    simdjson::dom::object vars = t["variable"].get_object().value();
    for (auto [k, v] : vars) idx.variables.insert(std::string(k));
    simdjson::dom::object data;
    if (!t["data"].get_object().get(data))
      for (auto [type, named] : data) {
        simdjson::dom::object n = named.get_object().value();
        for (auto [name, body] : n) idx.data.insert(std::string(type) + "." + std::string(name));
      }
    std::vector<std::pair<std::string, std::string>> strings;
    simdjson::dom::object res = t["resource"].get_object().value();
    for (auto [type, named] : res) {
      simdjson::dom::object n = named.get_object().value();
      for (auto [name, body] : n) {
        const std::string id = std::string(type) + "." + std::string(name);
        idx.resources.insert(id);
        simdjson::dom::element fe;
        if (!body["for_each"].get(fe)) idx.for_each_resources.insert(id);
        collect_strings(body, id, strings);
      }
    }
    collect_strings(t["data"].value(), "data", strings);
    simdjson::dom::element outputs;
    if (!t["output"].get(outputs)) collect_strings(outputs, "output", strings);
    std::set<std::string> used_vars;
    for (const auto& [owner, s] : strings) {
      for (auto it = std::sregex_iterator(s.begin(), s.end(), expr); it != std::sregex_iterator(); ++it) {
        const std::string body = (*it)[1].str();
        for (auto r = std::sregex_iterator(body.begin(), body.end(), ref); r != std::sregex_iterator(); ++r) {
          const auto& m = *r;
          if (m[1] == "var") {
            EXPECT_TRUE(idx.variables.count(m[2].str())) << owner << ": var." << m[2] << " undeclared";
            used_vars.insert(m[2].str());
          } else if (m[1] == "data") {
            EXPECT_TRUE(idx.data.count(m[2].str() + "." + m[4].str())) << owner << ": data." << m[2] << "." << m[4];
          } else if (m[1] == "each") {
            EXPECT_TRUE(idx.for_each_resources.count(owner)) << owner << ": each. outside for_each";
          } else {
            EXPECT_TRUE(idx.resources.count(m[5].str() + "." + m[6].str())) << owner << ": " << m[5] << "." << m[6] << " unknown";
          }
        }
      }
    }
    for (const auto& v : idx.variables) EXPECT_TRUE(used_vars.count(v)) << "variable " << v << " is never used";
    // Resource depends_on entries name declared resources.
    for (auto [type, named] : res) {
      simdjson::dom::object n = named.get_object().value();
      for (auto [name, body] : n) {
        simdjson::dom::array deps;
        if (body["depends_on"].get_array().get(deps)) continue;
        for (auto d : deps) EXPECT_TRUE(idx.resources.count(std::string(d.get_string().value()))) << d;
      }
    }
    EXPECT_EQ(idx.resources.count("aws_cloudwatch_metric_alarm.root_usage") == 1, o.parts.alarm_chain);
    EXPECT_EQ(idx.resources.count("aws_cloudtrail.main") == 1, o.parts.trail);
    EXPECT_EQ(idx.resources.count("aws_cloudwatch_event_rule.root_signin") == 1, o.parts.eventbridge);
    EXPECT_EQ(idx.resources.count("aws_organizations_policy.deny_root") == 1, o.parts.scp);
    EXPECT_EQ(idx.resources.count("aws_iam_organizations_features.root_access") == 1, o.parts.root_access_features);
  }
}

TEST(Terraform, EmbeddedEventPatternAndScpAreTheStandaloneDocuments) {
  TemplateOptions o;
  o.parts.eventbridge = o.parts.scp = true;
  simdjson::dom::parser p;
  const std::string text = terraform(o);
  simdjson::dom::element t = p.parse(text).value();
  std::string_view pattern = t["resource"]["aws_cloudwatch_event_rule"]["root_signin"]["event_pattern"].get_string().value();
  EXPECT_EQ(pattern, eventbridge_pattern().to_compact_json());
  std::string_view scp = t["resource"]["aws_organizations_policy"]["deny_root"]["content"].get_string().value();
  simdjson::dom::parser p2;
  simdjson::dom::element s = p2.parse(std::string(scp)).value();
  EXPECT_EQ(s["Statement"].at(0)["Condition"]["StringLike"]["aws:PrincipalArn"].get_string().value(), "arn:aws:iam::*:root");
}

// ------------------------------------------------------------------ the metric filter itself

// CIS root use, as the research notes define it, independent of any pattern parser.
bool cis_root_use(simdjson::dom::element e) {
  std::string_view type, event_type;
  simdjson::dom::element invoked;
  const bool root = !e["userIdentity"]["type"].get_string().get(type) && type == "Root";
  const bool by_service = !e["userIdentity"]["invokedBy"].get(invoked);
  const bool service_event = !e["eventType"].get_string().get(event_type) && event_type == "AwsServiceEvent";
  return root && !by_service && !service_event;
}

TEST(MetricFilterPattern, GeneratedPatternsPassAuditR06AndMatchOnlyRootUse) {
  RG_SKIP_WITHOUT_SHARED_TESTDATA(rg::test::shared_testdata() / "cloudtrail-public");
  TemplateOptions o;
  YAML::Node cfn = load_yaml(cloudformation(o));
  const std::string cfn_pattern = cfn["Resources"]["RootUsageMetricFilter"]["Properties"]["FilterPattern"].as<std::string>();
  simdjson::dom::parser tp;
  const std::string tf_text = terraform(o);
  const std::string tf_pattern(
      tp.parse(tf_text).value()["resource"]["aws_cloudwatch_log_metric_filter"]["root_usage"]["pattern"].get_string().value());
  for (const std::string& pattern : {cfn_pattern, tf_pattern}) {
    const auto verdict = posture::check_cis_root_filter(pattern);
    EXPECT_TRUE(verdict.acceptable) << pattern << ": " << verdict.reason;
    auto filter = posture::parse_metric_filter(pattern);
    ASSERT_TRUE(filter.ok()) << filter.error().str();
    std::size_t matched = 0, root_events = 0;
    simdjson::dom::parser p;
    for (const auto& s : rg::test::cloudtrail_samples()) {
      simdjson::dom::element e = p.parse(s.json).value();
      std::string_view type;
      if (!e["userIdentity"]["type"].get_string().get(type) && type == "Root") ++root_events;
      const bool m = posture::filter_matches(*filter, e);
      matched += m;
      EXPECT_EQ(m, cis_root_use(e)) << s.file << ": " << s.json.substr(0, 200);
    }
    EXPECT_GE(root_events, 8u) << "shared samples hold the AWS documentation's root events";
    EXPECT_GE(matched, 5u);
  }
}

TEST(Validate, RefusesWhatAwsWouldRefuse) {
  auto bad = [](auto mutate) {
    TemplateOptions o;
    mutate(o);
    return !validate(o).ok();
  };
  EXPECT_TRUE(bad([](TemplateOptions& o) { o.name_prefix = "has space"; }));
  EXPECT_TRUE(bad([](TemplateOptions& o) { o.name_prefix = std::string(33, 'a'); }));
  EXPECT_TRUE(bad([](TemplateOptions& o) { o.sns_email = "nobody"; }));
  EXPECT_TRUE(bad([](TemplateOptions& o) { o.kms_key_arn = "alias/mykey"; }));
  EXPECT_TRUE(bad([](TemplateOptions& o) { o.period_seconds = 45; }));
  EXPECT_TRUE(bad([](TemplateOptions& o) { o.threshold = 0; }));
  EXPECT_TRUE(bad([](TemplateOptions& o) { o.log_group = "bad group"; }));
  EXPECT_TRUE(bad([](TemplateOptions& o) { o.parts = Components{.alarm_chain = false}; }));
  EXPECT_FALSE(bad([](TemplateOptions& o) { o.period_seconds = 60; }));
}

}  // namespace
}  // namespace rg::harden
