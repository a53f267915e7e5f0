#include "posture/checks/monitoring/trails.h"

#include <set>

#include "core/strings.h"

namespace rg::posture::checks {

TrailList list_trails(const Account& a) {
  TrailList out;
  std::set<std::string> seen;
  for (const auto& region : a.files.regions()) {
    std::string file = region + "/cloudtrail.DescribeTrails.json";
    if (!a.files.has(file)) continue;
    auto d = a.files.json(file);
    if (!d) {
      out.errors.push_back(d.error());
      continue;
    }
    out.collected = true;
    auto list = get_array(*d, "trailList");
    if (!list) continue;
    for (auto t : *list) {
      TrailRef r;
      r.arn = get_string(t, "TrailARN").value_or("");
      if (r.arn.empty() || !seen.insert(r.arn).second) continue;
      r.name = get_string(t, "Name").value_or("");
      r.home_region = get_string(t, "HomeRegion").value_or(region);
      auto parts = split(r.arn, ':');
      if (parts.size() > 4) r.owner = parts[4];
      r.log_group_arn = get_string(t, "CloudWatchLogsLogGroupArn").value_or("");
      r.multi_region = get_bool(t, "IsMultiRegionTrail").value_or(false);
      r.org_trail = get_bool(t, "IsOrganizationTrail").value_or(false);
      r.global_events = get_bool(t, "IncludeGlobalServiceEvents").value_or(false);
      out.trails.push_back(std::move(r));
    }
  }
  return out;
}

bool better(const Verdict& a, const Verdict& b) {
  auto rank = [](FindingStatus s) { return s == FindingStatus::Pass ? 3 : s == FindingStatus::Unknown ? 2 : 1; };
  return rank(a.status) > rank(b.status);
}

bool foreign_trail(const Account& a, const TrailRef& t) {
  return !a.id.empty() && !t.owner.empty() && t.owner != a.id;
}

namespace {

// Basic selectors: one with ReadWriteType All, IncludeManagementEvents true, nothing excluded.
// Advanced: a selector with eventCategory = Management and no readOnly field.
std::string management_events_problem(simdjson::dom::element sel) {
  if (auto basic = get_array(sel, "EventSelectors")) {
    std::string last = "no event selector includes management events";
    for (auto s : *basic) {
      if (!get_bool(s, "IncludeManagementEvents").value_or(true)) continue;
      std::string rw = get_string(s, "ReadWriteType").value_or("All");
      if (rw != "All") { last = "management events ReadWriteType=" + rw + " (needs All)"; continue; }
      auto excl = get_strings(s, "ExcludeManagementEventSources");
      if (!excl.empty()) { last = "ExcludeManagementEventSources=" + excl.front(); continue; }
      return "";
    }
    return last;
  }
  if (auto adv = get_array(sel, "AdvancedEventSelectors")) {
    for (auto s : *adv) {
      auto fields = get_array(s, "FieldSelectors");
      if (!fields) continue;
      bool mgmt = false, read_only = false, excluded = false;
      for (auto f : *fields) {
        std::string field = get_string(f, "Field").value_or("");
        auto eq = get_strings(f, "Equals");
        if (field == "eventCategory" && eq.size() == 1 && eq[0] == "Management") mgmt = true;
        if (field == "readOnly") read_only = true;
        if (field == "eventSource" && !get_strings(f, "NotEquals").empty()) excluded = true;
      }
      if (mgmt && !read_only && !excluded) return "";
      if (mgmt && excluded) return "advanced selector excludes some event sources from management events";
      if (mgmt) return "advanced selector limits management events with readOnly";
    }
    return "no advanced selector records all management events";
  }
  return "";  // no selectors: the default records all management events
}

}  // namespace

Verdict trail_records_management_events(const Account& a, const TrailRef& t) {
  Verdict v;
  v.trail = t.arn;
  v.file = t.home_region + "/cloudtrail.GetTrailStatus." + t.name + ".json";
  auto st = a.files.json(v.file);
  if (!st) {
    v.reason = st.error().where + ": " + st.error().what;
    return v;
  }
  if (!get_bool(*st, "IsLogging").value_or(false)) {
    v.status = FindingStatus::Fail;
    v.reason = "trail " + t.name + " IsLogging=false";
    return v;
  }
  std::string err = get_string(*st, "LatestDeliveryError").value_or("");
  if (!err.empty()) {
    v.status = FindingStatus::Fail;
    v.reason = "trail " + t.name + " LatestDeliveryError=" + err;
    return v;
  }
  v.file = t.home_region + "/cloudtrail.GetEventSelectors." + t.name + ".json";
  auto sel = a.files.json(v.file);
  if (!sel) {
    v.reason = sel.error().where + ": " + sel.error().what;
    return v;
  }
  std::string problem = management_events_problem(*sel);
  if (!problem.empty()) {
    v.status = FindingStatus::Fail;
    v.reason = "trail " + t.name + ": " + problem;
    return v;
  }
  v.status = FindingStatus::Pass;
  v.reason = "trail " + t.name + " is multi-region, logging, and records all management events";
  return v;
}

Finding verdict_finding(const CheckMeta& meta, const CheckInput& in, const Verdict& v) {
  Finding f = make_finding(meta, in, v.status, v.reason);
  if (!v.trail.empty()) {
    f.resource = v.trail;
    add_evidence(f, "trail", v.trail);
  }
  if (!v.log_group.empty()) add_evidence(f, "log_group", v.log_group);
  if (!v.filter_pattern.empty()) add_evidence(f, "filter_pattern", v.filter_pattern);
  if (!v.file.empty()) add_evidence(f, "file", v.file);
  return f;
}

}  // namespace rg::posture::checks
