// R07: a multi-region trail is logging all management events (CIS 3.1 / CloudTrail.1).
// An Organization trail seen from a member is evaluated when its status was collected, and
// is UNKNOWN (not FAIL) when it was not: its status lives in the owner account.
#include "posture/checks/monitoring/trails.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R07_cloudtrail_multi_region;
const Check R07_cloudtrail_multi_region{
    .meta =
        {
            .id = "R07",
            .title = "A multi-region CloudTrail trail logs all management events",
            .severity = Severity::High,
            .cis = {.v1_2 = "2.1", .v1_4 = "3.1", .v5_0 = "3.1", .v6_0 = "4.1", .v7_0 = "4.1"},
            .security_hub = "CloudTrail.1",
            .practice = "Record every root action in every Region, so root use is always seen.",
            .console = {"Open CloudTrail > Trails > Create trail (or edit the existing one).",
                        "Set 'Apply trail to all regions' (or 'Enable for all accounts in my organization'), "
                        "Management events: Read and Write, no excluded sources; start logging."},
            .cli = {"aws cloudtrail create-trail --name org-trail --s3-bucket-name <bucket> --is-multi-region-trail "
                    "--include-global-service-events",
                    "aws cloudtrail put-event-selectors --trail-name org-trail --event-selectors "
                    "'[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]'",
                    "aws cloudtrail start-logging --name org-trail"},
            .reads = {"<region>/cloudtrail.DescribeTrails.json", "<region>/cloudtrail.GetTrailStatus.<trail>.json",
                      "<region>/cloudtrail.GetEventSelectors.<trail>.json"},
        },
    .run = &run,
};

namespace {

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R07_cloudtrail_multi_region.meta;
  TrailList tl = list_trails(in.account);
  if (!tl.collected) {
    if (!tl.errors.empty()) return {unknown_finding(m, in, tl.errors.front())};
    return {make_finding(m, in, FindingStatus::Unknown,
                         "not collected: no <region>/cloudtrail.DescribeTrails.json in the snapshot")};
  }
  Verdict best;
  best.status = FindingStatus::Fail;
  best.reason = "no multi-region trail (" + std::to_string(tl.trails.size()) + " single-region trail(s))";
  for (const auto& t : tl.trails) {
    if (!t.multi_region) continue;
    Verdict v;
    if (!t.global_events) {
      v.status = FindingStatus::Fail;
      v.trail = t.arn;
      v.reason = "trail " + t.name + " IncludeGlobalServiceEvents=false (IAM and sign-in events missed)";
    } else {
      v = trail_records_management_events(in.account, t);
      if (v.status == FindingStatus::Unknown && foreign_trail(in.account, t)) {
        v.reason = "Organization trail " + t.arn + " is owned by account " + t.owner +
                   "; its status is read there (" + v.reason + ")";
      }
    }
    if (better(v, best) || best.trail.empty()) {
      if (better(v, best) || v.status == best.status) best = v;
    }
    if (best.status == FindingStatus::Pass) break;
  }
  return {verdict_finding(m, in, best)};
}

}  // namespace
}  // namespace rg::posture::checks
