// CloudTrail helpers shared by R06 and R07: the trails an account has (de-duplicated across
// Regions' DescribeTrails), and whether one logs all management events everywhere.
#pragma once

#include <string>
#include <vector>

#include "posture/check.h"

namespace rg::posture::checks {

struct TrailRef {
  std::string arn, name, home_region, owner;  // owner: the account id in the trail ARN
  std::string log_group_arn;                  // CloudWatchLogsLogGroupArn or ""
  bool multi_region = false, org_trail = false, global_events = false;
};

struct TrailList {
  std::vector<TrailRef> trails;
  std::vector<Error> errors;   // DescribeTrails files unreadable or AWS errors
  bool collected = false;      // at least one Region's DescribeTrails was read
};
TrailList list_trails(const Account& a);

// A verdict on one step of a chain: status, one-line reason, the file it came from.
struct Verdict {
  FindingStatus status = FindingStatus::Unknown;
  std::string reason;
  std::string file;
  std::string trail;
  std::string log_group;       // R06: the trail's CloudWatch Logs group (audit JSON evidence)
  std::string filter_pattern;  // R06: the metric filter pattern that decided
};
// Ranks verdicts across trails: PASS beats UNKNOWN beats FAIL (an unreadable or foreign trail
// may still be the good one, so it is never reported as a failure).
bool better(const Verdict& a, const Verdict& b);

// Whether the trail is logging and records all management events (read and write) with no
// excluded sources: PASS, FAIL or UNKNOWN (file missing).
Verdict trail_records_management_events(const Account& a, const TrailRef& t);

// The trail belongs to another account (an Organization trail seen from a member).
bool foreign_trail(const Account& a, const TrailRef& t);

// The Finding a chain of verdicts ends in.
Finding verdict_finding(const CheckMeta& meta, const CheckInput& in, const Verdict& v);

}  // namespace rg::posture::checks
