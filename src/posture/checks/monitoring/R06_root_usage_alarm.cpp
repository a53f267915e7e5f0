// R06: root use raises an alarm that reaches a person (CIS 4.3 / CloudWatch.1): a multi-region,
// logging trail with all management events -> CloudWatch Logs group -> a metric filter that is
// semantically the CIS root-usage filter -> an alarm on that metric AND namespace, enabled,
// with an SNS action -> a confirmed subscription (not PendingConfirmation).
#include "core/strings.h"
#include "posture/checks/monitoring/trails.h"
#include "posture/metric_filter.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R06_root_usage_alarm;
const Check R06_root_usage_alarm{
    .meta =
        {
            .id = "R06",
            .title = "Root use raises an alarm that reaches a subscriber",
            .severity = Severity::Medium,
            .cis = {.v1_2 = "3.3", .v1_4 = "4.3", .v5_0 = "4.3", .v6_0 = "5.3", .v7_0 = "5.3"},
            .security_hub = "CloudWatch.1",
            .practice = "Alert on every root sign-in and API call, and make sure the alert reaches a person.",
            .console = {"CloudTrail > Trails > your multi-region trail > CloudWatch Logs: enable, choose a log group.",
                        "CloudWatch > Log groups > that group > Metric filters > Create: pattern "
                        "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && "
                        "$.eventType != \"AwsServiceEvent\" }, metric RootAccountUsage in namespace CISBenchmark.",
                        "Create an alarm on RootAccountUsage >= 1 for 1 period, notify an SNS topic, and confirm "
                        "the topic's email subscription."},
            .cli = {"aws logs put-metric-filter --log-group-name <group> --filter-name RootAccountUsage "
                    "--metric-transformations metricName=RootAccountUsage,metricNamespace=CISBenchmark,metricValue=1 "
                    "--filter-pattern '{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && "
                    "$.eventType != \"AwsServiceEvent\" }'",
                    "aws sns create-topic --name root-usage && aws sns subscribe --topic-arn <topic-arn> "
                    "--protocol email --notification-endpoint <security-mailbox>",
                    "aws cloudwatch put-metric-alarm --alarm-name RootAccountUsage --metric-name RootAccountUsage "
                    "--namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator "
                    "GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions <topic-arn>",
                    "rootguard harden cloudformation --from-audit audit.json   # all of the above as a template"},
            .reads = {"<region>/cloudtrail.DescribeTrails.json", "<region>/cloudtrail.GetTrailStatus.<trail>.json",
                      "<region>/cloudtrail.GetEventSelectors.<trail>.json", "<region>/logs.DescribeMetricFilters.json",
                      "<region>/cloudwatch.DescribeAlarms.json", "<region>/sns.ListSubscriptionsByTopic.<topic>.json"},
        },
    .run = &run,
};

namespace {

Verdict unknown_from(const Error& e, const std::string& trail) {
  Verdict v;
  v.status = FindingStatus::Unknown;
  v.reason = e.where + ": " + e.what;
  v.file = e.where;
  v.trail = trail;
  return v;
}

Verdict fail(std::string reason, const std::string& trail, std::string file) {
  Verdict v;
  v.status = FindingStatus::Fail;
  v.reason = std::move(reason);
  v.trail = trail;
  v.file = std::move(file);
  return v;
}

// The subscription step: at least one confirmed subscription on one of the alarm's SNS topics.
Verdict subscribers(const Account& a, const std::string& region, const std::vector<std::string>& topics,
                    const std::string& trail, const std::string& alarm) {
  Verdict best = fail("alarm " + alarm + " has no SNS action", trail, region + "/cloudwatch.DescribeAlarms.json");
  bool generic = true;
  for (const auto& topic : topics) {
    auto parts = split(topic, ':');
    std::string name = parts.empty() ? topic : parts.back();
    std::string file = region + "/sns.ListSubscriptionsByTopic." + name + ".json";
    auto subs = a.files.json(file);
    Verdict v;
    if (!subs) {
      v = unknown_from(subs.error(), trail);
    } else {
      std::size_t pending = 0, confirmed = 0;
      if (auto list = get_array(*subs, "Subscriptions")) {
        for (auto s : *list) {
          std::string arn = get_string(s, "SubscriptionArn").value_or("");
          if (arn.rfind("arn:", 0) == 0) ++confirmed;
          else ++pending;
        }
      }
      if (confirmed) {
        v.status = FindingStatus::Pass;
        v.trail = trail;
        v.file = file;
        v.reason = "alarm " + alarm + " notifies " + topic + " with " + std::to_string(confirmed) +
                   " confirmed subscription(s)";
      } else {
        v = fail("SNS topic " + topic + " has no confirmed subscriber (" + std::to_string(pending) +
                     " PendingConfirmation)", trail, file);
      }
    }
    if (better(v, best) || generic) best = v;
    generic = false;
    if (best.status == FindingStatus::Pass) break;
  }
  return best;
}

Verdict chain(const CheckInput& in, const TrailRef& t) {
  const Account& a = in.account;
  if (!t.global_events)
    return fail("trail " + t.name + " IncludeGlobalServiceEvents=false: root sign-ins are not recorded", t.arn, "");
  Verdict logging = trail_records_management_events(a, t);
  if (logging.status != FindingStatus::Pass) return logging;
  if (t.log_group_arn.empty())
    return fail("trail " + t.name + " does not send events to CloudWatch Logs", t.arn,
                t.home_region + "/cloudtrail.DescribeTrails.json");
  // arn:aws:logs:<region>:<acct>:log-group:<name>:*  -> field 6 is the group name.
  auto parts = split(t.log_group_arn, ':');
  if (parts.size() < 7)
    return fail("CloudWatchLogsLogGroupArn " + t.log_group_arn + " is not a log group ARN", t.arn, "");
  std::string group = parts[6];
  std::string region = parts[3].empty() ? t.home_region : parts[3];
  std::string mf_file = region + "/logs.DescribeMetricFilters.json";
  auto mf = a.files.json(mf_file);
  if (!mf) {
    Verdict v = unknown_from(mf.error(), t.arn);
    v.log_group = group;
    return v;
  }
  Verdict best = fail("log group " + group + " has no metric filter", t.arn, mf_file);
  bool best_generic = true;
  std::string refused;
  for (auto f : get_elements(*mf, "metricFilters")) {
    if (get_string(f, "logGroupName").value_or("") != group) continue;
    std::string pattern = get_string(f, "filterPattern").value_or("");
    CisVerdict cv = check_cis_root_filter(pattern);
    if (!cv.acceptable) {
      Verdict v = fail("metric filter " + get_string(f, "filterName").value_or("?") + " on " + group +
                           " is not the CIS root-usage filter: " + cv.reason,
                       t.arn, mf_file);
      v.filter_pattern = pattern;
      if (best_generic) {
        best = v;
        best_generic = false;
      }
      continue;
    }
    auto trans = get_array(f, "metricTransformations");
    simdjson::dom::element t0;
    if (!trans || trans->at(0).get(t0)) continue;
    std::string metric = get_string(t0, "metricName").value_or("");
    std::string ns = get_string(t0, "metricNamespace").value_or("");
    std::string al_file = region + "/cloudwatch.DescribeAlarms.json";
    auto alarms = a.files.json(al_file);
    if (!alarms) {
      Verdict v = unknown_from(alarms.error(), t.arn);
      if (better(v, best)) {
        best = v;
        best_generic = false;
      }
      continue;
    }
    Verdict step = fail("no alarm on metric " + ns + "/" + metric + " (filter " +
                            get_string(f, "filterName").value_or("?") + ")", t.arn, al_file);
    bool generic = true;
    auto take = [&](const Verdict& v) {
      if (better(v, step) || (generic && v.status == step.status)) {
        step = v;
        generic = false;
      }
    };
    if (auto list = get_array(*alarms, "MetricAlarms")) {
      for (auto al : *list) {
        // Metric-math alarms have no top-level MetricName: the metric sits in
        // Metrics[].MetricStat.Metric (fact 8). Such an alarm counts, and says it is one,
        // because Security Hub's CloudWatch.1 looks only at the top-level MetricName.
        auto mname = get_string(al, "MetricName");
        auto mns = get_string(al, "Namespace");
        std::string math;
        if (!mname) {
          if (auto queries = get_array(al, "Metrics")) {
            for (auto q : *queries) {
              simdjson::dom::element mm;
              if (q.at_pointer("/MetricStat/Metric").get(mm)) continue;
              auto qn = get_string(mm, "MetricName");
              if (!qn || *qn != metric) continue;
              mname = qn;
              mns = get_string(mm, "Namespace");
              math = " (metric-math alarm over " + get_string(q, "Id").value_or("?") + ")";
              if (mns && *mns == ns) break;
            }
          }
        }
        if (!mname || *mname != metric) continue;
        std::string alarm = get_string(al, "AlarmName").value_or("?") + math;
        if (!mns || *mns != ns) {
          take(fail("alarm " + alarm + " watches " + mns.value_or("<no namespace>") + "/" + metric +
                        ", the filter writes " + ns + "/" + metric, t.arn, al_file));
          continue;
        }
        if (!get_bool(al, "ActionsEnabled").value_or(true)) {
          take(fail("alarm " + alarm + " has ActionsEnabled=false", t.arn, al_file));
          continue;
        }
        std::vector<std::string> topics;
        for (auto& act : get_strings(al, "AlarmActions"))
          if (act.rfind("arn:", 0) == 0 && act.find(":sns:") != std::string::npos) topics.push_back(act);
        take(subscribers(a, region, topics, t.arn, alarm));
        if (step.status == FindingStatus::Pass) break;
      }
    }
    step.filter_pattern = pattern;
    if (better(step, best) || (best_generic && step.status == best.status)) {
      best = step;
      best_generic = false;
    }
    if (best.status == FindingStatus::Pass) break;
  }
  if (best.status == FindingStatus::Pass) {
    best.reason = "trail " + t.name + " -> log group " + group + " -> CIS root-usage filter -> " + best.reason;
  }
  best.log_group = group;
  return best;
}

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R06_root_usage_alarm.meta;
  TrailList tl = list_trails(in.account);
  if (!tl.collected) {
    if (!tl.errors.empty()) return {unknown_finding(m, in, tl.errors.front())};
    return {make_finding(m, in, FindingStatus::Unknown,
                         "not collected: no <region>/cloudtrail.DescribeTrails.json in the snapshot")};
  }
  Verdict best;
  best.status = FindingStatus::Fail;
  best.reason = "no multi-region trail to carry root events to an alarm";
  bool have = false;
  for (const auto& t : tl.trails) {
    if (!t.multi_region) continue;
    Verdict v;
    if (foreign_trail(in.account, t)) {
      v.status = FindingStatus::Unknown;
      v.trail = t.arn;
      v.reason = "Organization trail " + t.arn + " is owned by account " + t.owner +
                 ": its metric filter and alarm live there; audit R06 in that account";
    } else {
      v = chain(in, t);
    }
    if (!have || better(v, best)) best = v;
    have = true;
    if (best.status == FindingStatus::Pass) break;
  }
  return {verdict_finding(m, in, best)};
}

}  // namespace
}  // namespace rg::posture::checks
