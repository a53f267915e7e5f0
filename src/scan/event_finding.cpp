// make_finding: the Finding for a rule match on a CloudTrail event.
#include <string>

#include "core/strings.h"
#include "core/time.h"
#include "scan/scan.h"

namespace rg::scan {

namespace {
using simdjson::dom::element;

std::string_view str_at(const element& e, std::initializer_list<std::string_view> path) {
  element cur = e;
  for (std::string_view k : path) {
    if (!cur.is_object() || cur[k].get(cur)) return {};
  }
  std::string_view s;
  if (cur.get_string().get(s)) return {};
  return s;
}

bool bool_at(const element& e, std::string_view key) {
  element v;
  if (e[key].get(v)) return false;
  bool b = false;
  if (!v.get_bool().get(b)) return b;
  std::string_view s;
  return !v.get_string().get(s) && iequals(s, "true");
}

std::string clean(std::string_view s, std::size_t max = 256) {
  // one line, printable: control characters become spaces; long values are cut
  std::string out;
  out.reserve(std::min(s.size(), max));
  for (char c : s.substr(0, max)) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
  if (s.size() > max) out += "...";
  return out;
}
}  // namespace

void set_rule_key(Finding& f, const sigma::RuleInfo& rule, Severity severity) {
  f.id = rule.id;
  f.severity = severity;
  f.status = FindingStatus::Fail;
}

void set_rule_texts(Finding& f, const sigma::RuleInfo& rule) {
  f.title = rule.title;
  f.practice = rule.practice;
  f.next_step = rule.next_step;
}

void set_rule(Finding& f, const sigma::RuleInfo& rule, Severity severity) {
  set_rule_key(f, rule, severity);
  set_rule_texts(f, rule);
}

Finding make_finding(const cloudtrail::EventView& ev, const sigma::RuleInfo& rule, Severity severity) {
  Finding f = event_finding(ev);
  set_rule(f, rule, severity);
  return f;
}

Finding event_finding(const cloudtrail::EventView& ev) {
  const element& e = ev.event;
  Finding f;
  EventRef& r = f.event;
  r.event_id = clean(str_at(e, {"eventID"}));
  r.event_time = clean(str_at(e, {"eventTime"}));
  r.time_ms = parse_iso8601_ms(r.event_time).value_or(0);
  r.event_name = clean(str_at(e, {"eventName"}));
  r.event_source = clean(str_at(e, {"eventSource"}));
  r.event_type = clean(str_at(e, {"eventType"}));
  r.identity_type = clean(str_at(e, {"userIdentity", "type"}));
  r.source_ip = clean(str_at(e, {"sourceIPAddress"}));
  r.user_agent = clean(str_at(e, {"userAgent"}));
  r.access_key_id = clean(str_at(e, {"userIdentity", "accessKeyId"}), 32);
  r.read_only = bool_at(e, "readOnly");

  std::string_view principal = str_at(e, {"userIdentity", "arn"});
  if (principal.empty()) principal = str_at(e, {"userIdentity", "userName"});
  if (principal.empty()) principal = str_at(e, {"userIdentity", "principalId"});
  if (principal.empty()) principal = str_at(e, {"userIdentity", "invokedBy"});
  if (principal.empty()) principal = str_at(e, {"userIdentity", "type"});
  r.principal = clean(principal);

  std::string_view mfa = str_at(e, {"additionalEventData", "MFAUsed"});
  if (!mfa.empty()) {
    r.mfa = iequals(mfa, "yes") ? "yes" : iequals(mfa, "no") ? "no" : "";
  } else {
    std::string_view a = str_at(e, {"userIdentity", "sessionContext", "attributes", "mfaAuthenticated"});
    r.mfa = iequals(a, "true") ? "yes" : iequals(a, "false") ? "no" : "";
  }

  std::string_view err = str_at(e, {"errorCode"});
  if (err.empty() && iequals(str_at(e, {"responseElements", "ConsoleLogin"}), "Failure")) err = "Failure";
  r.error_code = clean(err, 128);

  r.input = std::string(ev.input) + ":" + std::to_string(ev.line ? ev.line : ev.offset);

  f.account = clean(str_at(e, {"recipientAccountId"}), 64);
  if (f.account.empty()) f.account = clean(str_at(e, {"userIdentity", "accountId"}), 64);
  f.region = clean(str_at(e, {"awsRegion"}), 64);

  for (std::string_view k : {"trailName", "name", "userName", "targetPrincipal", "detectorId", "ruleName"}) {
    std::string_view v = str_at(e, {"requestParameters", k});
    if (!v.empty()) {
      f.resource = clean(v);
      break;
    }
  }

  // the evidence, quoted: who did what, from where, how it went
  std::string reason = r.identity_type.empty() ? std::string("event") : r.identity_type;
  reason += " " + (r.event_name.empty() ? std::string("?") : r.event_name);
  if (!r.event_source.empty()) reason += " (" + r.event_source + ")";
  if (!r.source_ip.empty()) reason += " from " + r.source_ip;
  if (!r.mfa.empty()) reason += ", MFA " + r.mfa;
  std::string_view login = str_at(e, {"responseElements", "ConsoleLogin"});
  if (!login.empty()) reason += ", ConsoleLogin=" + clean(login, 32);
  if (!r.error_code.empty() && r.error_code != "Failure") reason += ", errorCode=" + r.error_code;
  if (!f.resource.empty()) reason += ", target " + f.resource;
  if (!r.access_key_id.empty()) reason += ", key " + r.access_key_id;
  f.reason = reason;
  // CloudTrail's late re-delivery of an event carries an addendum naming the original: alerts
  // key on that, so a re-delivered event never alerts twice (docs/finding-jsonl.md).
  for (std::string_view k : {"reason", "updatedFields", "originalRequestID", "originalEventID"}) {
    std::string_view v = str_at(e, {"addendum", k});
    if (!v.empty()) f.facets.emplace_back("addendum." + std::string(k), clean(v, 256));
  }
  return f;
}

}  // namespace rg::scan
