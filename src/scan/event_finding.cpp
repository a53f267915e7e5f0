// make_finding: the Finding for a rule match on a CloudTrail event.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>

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

bool bool_of(const element& v) {
  bool b = false;
  if (!v.get_bool().get(b)) return b;
  std::string_view s;
  return !v.get_string().get(s) && iequals(s, "true");
}

std::string clean(std::string_view s, std::size_t max = 256) {
  // one line, printable: control characters become spaces; long values are cut
  const std::size_t n = std::min(s.size(), max);
  std::string out(n, ' ');
  char* o = out.data();
  for (std::size_t i = 0; i < n; ++i) {  // one pass without a branch, so that it vectorizes
    const char c = s[i];
    o[i] = static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
  }
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

namespace {
// A member of a record, the first of its name (as a look-up by name finds it).
struct Member {
  element value;
  bool set = false;
  void take(const element& v) {
    if (set) return;
    value = v;
    set = true;
  }
  std::string_view str() const {
    std::string_view s;
    if (!set || value.get_string().get(s)) return {};
    return s;
  }
  std::string_view str_at(std::initializer_list<std::string_view> path) const {
    return set ? scan::str_at(value, path) : std::string_view{};
  }
};

// The members event_finding reads, taken in one pass over the record and one over its
// userIdentity instead of a look-up (a walk over the members) for each.
struct Members {
  Member event_id, event_time, event_name, event_source, event_type, source_ip, user_agent, read_only, account,
      region, error_code, additional, response, request, addendum, identity;
  Member id_type, id_arn, id_user, id_principal, id_invoked_by, id_account, id_key, id_session;

  explicit Members(const element& e) {
    take(e, {{"eventID", &event_id},
             {"eventTime", &event_time},
             {"eventName", &event_name},
             {"eventSource", &event_source},
             {"eventType", &event_type},
             {"sourceIPAddress", &source_ip},
             {"userAgent", &user_agent},
             {"readOnly", &read_only},
             {"recipientAccountId", &account},
             {"awsRegion", &region},
             {"errorCode", &error_code},
             {"additionalEventData", &additional},
             {"responseElements", &response},
             {"requestParameters", &request},
             {"addendum", &addendum},
             {"userIdentity", &identity}});
    if (identity.set)
      take(identity.value, {{"type", &id_type},
                            {"arn", &id_arn},
                            {"userName", &id_user},
                            {"principalId", &id_principal},
                            {"invokedBy", &id_invoked_by},
                            {"accountId", &id_account},
                            {"accessKeyId", &id_key},
                            {"sessionContext", &id_session}});
  }

 private:
  // One pass over the members of `e` (when it is an object), each named one into its slot.
  static void take(const element& e, std::initializer_list<std::pair<std::string_view, Member*>> slots) {
    simdjson::dom::object obj;
    if (e.get_object().get(obj)) return;
    for (const auto m : obj) {
      for (const auto& [name, slot] : slots) {
        if (m.key == name) {
          slot->take(m.value);
          break;
        }
      }
    }
  }
};
}  // namespace

Finding event_finding(const cloudtrail::EventView& ev, bool* addendum) {
  const Members m(ev.event);
  if (addendum) *addendum = m.addendum.set;
  Finding f;
  EventRef& r = f.event;
  r.event_id = clean(m.event_id.str());
  r.event_time = clean(m.event_time.str());
  r.time_ms = parse_iso8601_ms(r.event_time).value_or(0);
  r.event_name = clean(m.event_name.str());
  r.event_source = clean(m.event_source.str());
  r.event_type = clean(m.event_type.str());
  r.identity_type = clean(m.id_type.str());
  r.source_ip = clean(m.source_ip.str());
  r.user_agent = clean(m.user_agent.str());
  r.access_key_id = clean(m.id_key.str(), 32);
  r.read_only = m.read_only.set && bool_of(m.read_only.value);

  std::string_view principal = m.id_arn.str();
  if (principal.empty()) principal = m.id_user.str();
  if (principal.empty()) principal = m.id_principal.str();
  if (principal.empty()) principal = m.id_invoked_by.str();
  if (principal.empty()) principal = m.id_type.str();
  r.principal = clean(principal);

  std::string_view mfa = m.additional.str_at({"MFAUsed"});
  if (!mfa.empty()) {
    r.mfa = iequals(mfa, "yes") ? "yes" : iequals(mfa, "no") ? "no" : "";
  } else {
    std::string_view a = m.id_session.str_at({"attributes", "mfaAuthenticated"});
    r.mfa = iequals(a, "true") ? "yes" : iequals(a, "false") ? "no" : "";
  }

  const std::string_view login = m.response.str_at({"ConsoleLogin"});
  std::string_view err = m.error_code.str();
  if (err.empty() && iequals(login, "Failure")) err = "Failure";
  r.error_code = clean(err, 128);

  r.input = ev.input;
  r.input += ':';
  r.input += std::to_string(ev.line ? ev.line : ev.offset);

  f.account = clean(m.account.str(), 64);
  if (f.account.empty()) f.account = clean(m.id_account.str(), 64);
  f.region = clean(m.region.str(), 64);

  for (std::string_view k : {"trailName", "name", "userName", "targetPrincipal", "detectorId", "ruleName"}) {
    std::string_view v = m.request.str_at({k});
    if (!v.empty()) {
      f.resource = clean(v);
      break;
    }
  }

  // the evidence, quoted: who did what, from where, how it went
  std::string& reason = f.reason;
  reason = r.identity_type.empty() ? std::string_view("event") : std::string_view(r.identity_type);
  reason += ' ';
  reason += r.event_name.empty() ? std::string_view("?") : std::string_view(r.event_name);
  auto add = [&](std::string_view a, std::string_view b, std::string_view c = {}) {
    reason += a;
    reason += b;
    reason += c;
  };
  if (!r.event_source.empty()) add(" (", r.event_source, ")");
  if (!r.source_ip.empty()) add(" from ", r.source_ip);
  if (!r.mfa.empty()) add(", MFA ", r.mfa);
  if (!login.empty()) add(", ConsoleLogin=", clean(login, 32));
  if (!r.error_code.empty() && r.error_code != "Failure") add(", errorCode=", r.error_code);
  if (!f.resource.empty()) add(", target ", f.resource);
  if (!r.access_key_id.empty()) add(", key ", r.access_key_id);
  // CloudTrail's late re-delivery of an event carries an addendum naming the original: alerts
  // key on that, so a re-delivered event never alerts twice (docs/finding-jsonl.md).
  if (m.addendum.set) {
    for (std::string_view k : {"reason", "updatedFields", "originalRequestID", "originalEventID"}) {
      std::string_view v = m.addendum.str_at({k});
      if (!v.empty()) f.facets.emplace_back("addendum." + std::string(k), clean(v, 256));
    }
  }
  return f;
}

}  // namespace rg::scan
