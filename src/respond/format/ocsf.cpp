// The ocsf format: OCSF 1.1.0 Detection Finding (class_uid 2004, category Findings), one per
// line. The mapping is documented field by field in docs/finding-jsonl.md.
#include "respond/format/format.h"
#include "respond/json_out.h"

namespace rg::respond::format {

std::string ocsf_line(const Finding& f, std::string_view product_version) {
  const EventRef& e = f.event;
  JsonOut j;
  j.obj();
  j.key("class_uid").num(2004).kv("class_name", "Detection Finding");
  j.key("category_uid").num(2).kv("category_name", "Findings");
  j.key("activity_id").num(1).kv("activity_name", "Create");
  j.key("type_uid").num(200401).kv("type_name", "Detection Finding: Create");
  j.key("severity_id").num(ocsf_severity_id(f.severity)).kv("severity", ocsf_severity_caption(f.severity));
  j.key("status_id").num(1).kv("status", "New");
  j.key("is_alert").boolean(true);
  // the event's time, not the scan's: scanning the same logs twice gives the same output
  j.key("time").num(e.time_ms).key("start_time").num(e.time_ms).key("end_time").num(e.time_ms);
  j.kv("message", f.reason);

  j.key("metadata").obj().kv("version", "1.1.0");
  j.key("product").obj().kv("name", "rootguard").kv("vendor_name", "rootguard").kv_opt("version", product_version).end();
  j.kv_opt("uid", e.event_id.empty() ? "" : f.id + ":" + e.event_id);
  j.end();

  j.key("finding_info").obj();
  j.kv("uid", e.event_id.empty() ? f.id : f.id + ":" + e.event_id).kv("title", f.title).kv("desc", f.reason);
  j.key("types").arr().str("AWS root user detection").end();
  j.key("analytic").obj().kv("uid", f.id).kv("name", f.title).key("type_id").num(1).kv("type", "Rule").end();
  j.key("data_sources").arr().str("AWS CloudTrail").end();
  j.key("first_seen_time").num(e.time_ms).key("last_seen_time").num(e.time_ms);
  j.end();

  j.key("cloud").obj().kv("provider", "AWS").kv_opt("region", f.region);
  if (!f.account.empty()) j.key("account").obj().kv("uid", f.account).key("type_id").num(10).kv("type", "AWS Account").end();
  j.end();

  j.key("evidences").arr().obj();
  j.key("actor").obj().key("user").obj();
  j.kv_opt("uid", e.principal).kv_opt("type", e.identity_type).kv_opt("credential_uid", e.access_key_id);
  if (!f.account.empty()) j.key("account").obj().kv("uid", f.account).key("type_id").num(10).kv("type", "AWS Account").end();
  j.end().end();
  j.key("api").obj().kv_opt("operation", e.event_name);
  if (!e.event_source.empty()) j.key("service").obj().kv("name", e.event_source).end();
  if (!e.error_code.empty()) j.key("response").obj().kv("error", e.error_code).end();
  j.end();
  if (!e.source_ip.empty() || !e.user_agent.empty())
    j.key("src_endpoint").obj().kv_opt("ip", e.source_ip).end();
  j.end().end();

  if (!f.resource.empty()) j.key("resources").arr().obj().kv("name", f.resource).end().end();
  if (!f.next_step.empty()) j.key("remediation").obj().kv("desc", f.next_step).end();

  j.key("unmapped").obj();
  j.kv_opt("practice", f.practice).kv_opt("mfa", e.mfa).kv_opt("input", e.input).kv_opt("event_type", e.event_type);
  j.kv_opt("user_agent", e.user_agent).kv_opt("event_time", e.event_time);
  j.end();
  j.end();
  return j.take() + "\n";
}

}  // namespace rg::respond::format
