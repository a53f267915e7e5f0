#include "respond/alert.h"

#include <simdjson.h>

#include "respond/json_out.h"

namespace rg::respond {

std::string_view facet(const Finding& f, std::string_view name) {
  for (const auto& [k, v] : f.facets)
    if (k == name) return v;
  return {};
}

std::string alert_key(const Finding& f) {
  std::string_view original = facet(f, kOriginalEventFacet);
  if (!original.empty()) return f.id + ":" + std::string(original);
  if (!f.event.event_id.empty()) return f.id + ":" + f.event.event_id;
  return f.id + ":" + f.account + ":" + f.resource;
}

Alert make_alert(Finding f, std::int64_t case_id) {
  Alert a;
  a.key = alert_key(f);
  a.finding = std::move(f);
  a.case_id = case_id;
  return a;
}

namespace {

void write_finding(JsonOut& j, const Finding& f) {
  j.kv("rule", f.id).kv("title", f.title).kv("severity", to_string(f.severity)).kv("status", to_string(f.status));
  j.kv("reason", f.reason).kv("practice", f.practice).kv("next_step", f.next_step);
  j.kv("account", f.account).kv("region", f.region).kv("resource", f.resource);
  const EventRef& e = f.event;
  j.key("event").obj();
  j.kv("id", e.event_id).kv("time", e.event_time).key("time_ms").num(e.time_ms);
  j.kv("name", e.event_name).kv("source", e.event_source).kv("type", e.event_type);
  j.kv("identity_type", e.identity_type).kv("principal", e.principal).kv("access_key_id", e.access_key_id);
  j.kv("source_ip", e.source_ip).kv("user_agent", e.user_agent).kv("mfa", e.mfa).kv("error_code", e.error_code);
  j.kv("input", e.input).key("read_only").boolean(e.read_only);
  j.end();
  j.key("facets").arr();
  for (const auto& [k, v] : f.facets) j.arr().str(k).str(v).end();
  j.end();
}

std::string get_str(simdjson::dom::element obj, const char* key) {
  std::string_view v;
  if (obj[key].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
  return {};
}

Result<Finding> read_finding(simdjson::dom::element root) {
  Finding f;
  f.id = get_str(root, "rule");
  if (f.id.empty()) return make_error(ErrorKind::Corrupt, "", "alert JSON without a rule");
  f.title = get_str(root, "title");
  f.severity = parse_severity(get_str(root, "severity")).value_or(Severity::Medium);
  std::string status = get_str(root, "status");
  for (FindingStatus s : {FindingStatus::Fail, FindingStatus::Pass, FindingStatus::NotApplicable, FindingStatus::Unknown, FindingStatus::Attest})
    if (status == to_string(s)) f.status = s;
  f.reason = get_str(root, "reason");
  f.practice = get_str(root, "practice");
  f.next_step = get_str(root, "next_step");
  f.account = get_str(root, "account");
  f.region = get_str(root, "region");
  f.resource = get_str(root, "resource");
  simdjson::dom::element e;
  if (root["event"].get(e) == simdjson::SUCCESS) {
    EventRef& r = f.event;
    r.event_id = get_str(e, "id");
    r.event_time = get_str(e, "time");
    int64_t ms = 0;
    if (e["time_ms"].get_int64().get(ms) == simdjson::SUCCESS) r.time_ms = ms;
    r.event_name = get_str(e, "name");
    r.event_source = get_str(e, "source");
    r.event_type = get_str(e, "type");
    r.identity_type = get_str(e, "identity_type");
    r.principal = get_str(e, "principal");
    r.access_key_id = get_str(e, "access_key_id");
    r.source_ip = get_str(e, "source_ip");
    r.user_agent = get_str(e, "user_agent");
    r.mfa = get_str(e, "mfa");
    r.error_code = get_str(e, "error_code");
    r.input = get_str(e, "input");
    bool ro = false;
    if (e["read_only"].get_bool().get(ro) == simdjson::SUCCESS) r.read_only = ro;
  }
  simdjson::dom::array facets;
  if (root["facets"].get_array().get(facets) == simdjson::SUCCESS) {
    for (simdjson::dom::element pair : facets) {
      simdjson::dom::array kv;
      if (pair.get_array().get(kv) != simdjson::SUCCESS || kv.size() != 2) continue;
      std::string_view k, v;
      if (kv.at(0).get_string().get(k) == simdjson::SUCCESS && kv.at(1).get_string().get(v) == simdjson::SUCCESS)
        f.facets.emplace_back(std::string(k), std::string(v));
    }
  }
  return f;
}

Result<simdjson::dom::element> parse(simdjson::dom::parser& p, std::string_view json) {
  simdjson::dom::element root;
  if (p.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS || !root.is_object())
    return make_error(ErrorKind::Corrupt, "", "invalid alert JSON");
  return root;
}

}  // namespace

std::string finding_to_json(const Finding& f, std::string_view schema) {
  JsonOut j(1024 + f.reason.size() + f.practice.size() + f.next_step.size() + f.event.user_agent.size());
  j.obj();
  if (!schema.empty()) j.kv("schema", schema);
  write_finding(j, f);
  j.end();
  return j.take();
}

std::string to_json(const Alert& a) {
  JsonOut j;
  j.obj().kv("key", a.key).key("case").num(a.case_id);
  write_finding(j, a.finding);
  j.end();
  return j.take();
}

Result<Finding> finding_from_json(std::string_view json) {
  simdjson::dom::parser p;
  auto root = parse(p, json);
  if (!root.ok()) return root.error();
  return read_finding(*root);
}

Result<Alert> alert_from_json(std::string_view json) {
  simdjson::dom::parser p;
  auto root = parse(p, json);
  if (!root.ok()) return root.error();
  auto f = read_finding(*root);
  if (!f.ok()) return f.error();
  Alert a;
  a.finding = std::move(f.value());
  a.key = get_str(*root, "key");
  if (a.key.empty()) a.key = alert_key(a.finding);
  int64_t c = 0;
  if ((*root)["case"].get_int64().get(c) == simdjson::SUCCESS) a.case_id = c;
  return a;
}

}  // namespace rg::respond
