#include "respond/render.h"

#include "core/strings.h"

namespace rg::respond {

std::string mfa_label(const Finding& f) { return f.event.mfa.empty() ? "unknown" : f.event.mfa; }

std::string who_label(const Finding& f) {
  if (!f.event.principal.empty()) return f.event.principal;
  if (!f.event.identity_type.empty()) return f.event.identity_type;
  return "unknown";
}

static std::string upper(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return o;
}

std::string alert_line(const Alert& a) {
  const Finding& f = a.finding;
  std::string s = upper(to_string(f.severity)) + " " + f.id + " " + f.title + ": account " +
                  (f.account.empty() ? "unknown" : f.account);
  if (!f.event.event_id.empty()) {
    s += ", by " + who_label(f);
    if (!f.event.source_ip.empty()) s += " from " + f.event.source_ip;
    s += ", MFA " + mfa_label(f);
  }
  if (a.case_id > 0) s += ", case #" + std::to_string(a.case_id);
  if (!f.event.event_time.empty()) s += ", event " + f.event.event_time;
  if (!f.event.event_id.empty()) s += " (" + f.event.event_id + ")";
  return s;
}

std::string alert_subject(const Alert& a) {
  const Finding& f = a.finding;
  std::string s = "[rootguard] " + upper(to_string(f.severity)) + " " + f.id + " " + f.title;
  if (!f.account.empty()) s += " in " + f.account;
  if (a.case_id > 0) s += " (case #" + std::to_string(a.case_id) + ")";
  return s;
}

std::string alert_text(const Alert& a) {
  const Finding& f = a.finding;
  std::string s = alert_subject(a) + "\n\n";
  auto line = [&](const char* label, const std::string& v) {
    if (!v.empty()) s += std::string(label) + ": " + v + "\n";
  };
  line("Severity", std::string(to_string(f.severity)));
  line("Account", f.account);
  line("Region", f.region);
  line("Who", who_label(f));
  line("From", f.event.source_ip);
  line("User agent", f.event.user_agent);
  line("MFA", mfa_label(f));
  line("Event", f.event.event_name.empty() ? "" : f.event.event_source + " " + f.event.event_name);
  line("Event time", f.event.event_time);
  line("Event id", f.event.event_id);
  line("Failed", f.event.error_code);
  line("Case", a.case_id > 0 ? "#" + std::to_string(a.case_id) : "");
  line("Why", f.reason);
  line("Next step", f.next_step);
  line("Practice", f.practice);
  line("Alert key", a.key);
  return s;
}

}  // namespace rg::respond
