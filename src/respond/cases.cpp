#include "respond/cases.h"

#include <algorithm>

#include "core/strings.h"
#include "core/time.h"
#include "respond/alert.h"
#include "respond/render.h"

namespace rg::respond {

namespace {

const char* const kStepNames[] = {"verify", "contain", "forensics", "notify", "remediate", "review"};

bool list_has(const std::string& list, const std::string& v) {
  if (v.empty()) return false;
  for (const auto& x : split(list, ','))
    if (x == v) return true;
  return false;
}
void list_add(std::string& list, const std::string& v) {
  if (v.empty() || list_has(list, v)) return;
  list += (list.empty() ? "" : ",") + v;
}
std::string first_of(const std::string& list) {
  auto parts = split(list, ',');
  return parts.empty() ? std::string() : parts[0];
}
std::string fmt_time(std::int64_t ms) { return ms > 0 ? format_iso8601(ms) : "-"; }

std::string replace_all(std::string s, std::string_view from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

}  // namespace

const char* step_name(int step) { return step >= 0 && step < kStepCount ? kStepNames[step] : "done"; }

std::optional<int> parse_step(std::string_view name) {
  for (int i = 0; i < kStepCount; ++i)
    if (iequals(name, kStepNames[i])) return i;
  return std::nullopt;
}

const std::vector<std::string>& close_reasons() {
  static const std::vector<std::string> r = {"benign", "malicious", "false-positive", "duplicate", "test"};
  return r;
}

bool CaseView::checked(int step, int item) const {
  return std::any_of(checks.begin(), checks.end(), [&](const CheckMark& m) { return m.step == step && m.item == item; });
}

std::string CaseView::item_text(int step, int item) const {
  std::string s = playbook->steps[static_cast<size_t>(step)][static_cast<size_t>(item)];
  // The window around the case's events: 1 h before the first to 1 h after the last.
  s = replace_all(s, "{account}", rec.account.empty() ? "ACCOUNT" : rec.account);
  s = replace_all(s, "{key}", rec.access_keys.empty() ? "-" : first_of(rec.access_keys));
  s = replace_all(s, "{ip}", rec.source_ips.empty() ? "-" : first_of(rec.source_ips));
  s = replace_all(s, "{from}", rec.first_event_ms > 0 ? format_iso8601(rec.first_event_ms - 3600000) : "START");
  s = replace_all(s, "{to}", rec.last_event_ms > 0 ? format_iso8601(rec.last_event_ms + 3600000) : "END");
  return s;
}

Result<CaseRecord> CaseBook::load(std::int64_t id) {
  auto c = store_.get_case(id);
  if (!c.ok()) return c.error();
  if (!c->has_value()) return make_error(ErrorKind::Invalid, "case " + std::to_string(id), "no such case");
  return std::move(**c);
}

Status CaseBook::log(std::int64_t id, const std::string& who, const std::string& action, const std::string& detail,
                     std::int64_t now_ms) {
  return store_.add_case_event(id, CaseEvent{now_ms, who, action, detail});
}

Result<std::int64_t> CaseBook::file(const Finding& f, const std::string& alert_key, std::int64_t now_ms,
                                    const std::string& who, Filed* how) {
  Filed unused;
  Filed& said = how ? *how : unused;
  said = Filed::Below;
  if (f.severity < policy_.min_severity) return std::int64_t{0};
  auto existing = store_.case_of_alert(alert_key);
  if (!existing.ok()) return existing.error();
  said = Filed::Before;
  if (existing->has_value()) return **existing;
  said = Filed::Now;

  auto cases = store_.list_cases();
  if (!cases.ok()) return cases.error();
  const std::int64_t t = f.event.time_ms;
  const CaseRecord* join = nullptr;
  for (const CaseRecord& c : *cases) {
    if (c.status != "open" || c.account != f.account) continue;
    bool same_session = !f.event.access_key_id.empty() ? list_has(c.access_keys, f.event.access_key_id)
                                                       : list_has(c.source_ips, f.event.source_ip);
    if (!same_session) continue;
    bool near = t == 0 || (t >= c.first_event_ms - policy_.join_window_ms && t <= c.last_event_ms + policy_.join_window_ms);
    if (near) join = &c;  // the latest matching case wins
  }
  CaseFindingRow row{alert_key, finding_to_json(f), t};
  std::int64_t id;
  if (join) {
    CaseRecord c = *join;
    list_add(c.access_keys, f.event.access_key_id);
    list_add(c.source_ips, f.event.source_ip);
    if (parse_severity(c.severity).value_or(Severity::Info) < f.severity) c.severity = std::string(to_string(f.severity));
    if (t > 0) {
      c.first_event_ms = c.first_event_ms > 0 ? std::min(c.first_event_ms, t) : t;
      c.last_event_ms = std::max(c.last_event_ms, t);
    }
    c.updated_ms = now_ms;
    if (Status s = store_.update_case(c); !s.ok()) return s.error();
    id = c.id;
    if (Status s = log(id, who, "joined", f.id + " " + f.title + " (" + alert_key + ")", now_ms); !s.ok()) return s.error();
  } else {
    CaseRecord c;
    c.title = f.title;
    c.account = f.account;
    c.family = f.id;
    c.severity = std::string(to_string(f.severity));
    c.status = "open";
    list_add(c.access_keys, f.event.access_key_id);
    list_add(c.source_ips, f.event.source_ip);
    c.opened_ms = c.updated_ms = now_ms;
    c.first_event_ms = c.last_event_ms = t;
    auto created = store_.create_case(c);
    if (!created.ok()) return created.error();
    id = *created;
    if (Status s = log(id, who, "opened", f.id + " " + f.title + " (" + alert_key + ")", now_ms); !s.ok()) return s.error();
  }
  auto added = store_.add_case_finding(id, row);
  if (!added.ok()) return added.error();
  return id;
}

Result<CaseView> CaseBook::view(std::int64_t id) {
  CaseView v;
  auto c = load(id);
  if (!c.ok()) return c.error();
  v.rec = std::move(*c);
  auto rows = store_.case_findings(id);
  if (!rows.ok()) return rows.error();
  for (const auto& r : *rows) {
    auto f = finding_from_json(r.finding_json);
    if (f.ok()) v.findings.push_back(std::move(*f));
  }
  auto h = store_.case_events(id);
  if (!h.ok()) return h.error();
  v.history = std::move(*h);
  auto ch = store_.checks(id);
  if (!ch.ok()) return ch.error();
  v.checks = std::move(*ch);
  v.playbook = &playbook_for(v.rec.family);
  return v;
}

Status CaseBook::advance(std::int64_t id, const std::string& who, const std::string& note, std::int64_t now_ms) {
  return store_.transaction([&]() -> Status {
    auto c = load(id);
    if (!c.ok()) return c.error();
    if (c->status != "open") return make_error(ErrorKind::Invalid, "case " + std::to_string(id), "case is closed");
    if (c->step >= kStepCount)
      return make_error(ErrorKind::Invalid, "case " + std::to_string(id), "all six steps are done; close it");
    const Playbook& pb = playbook_for(c->family);
    for (int i = 0; i < static_cast<int>(pb.steps[static_cast<size_t>(c->step)].size()); ++i)
      if (Status s = store_.set_check(id, CheckMark{c->step, i, now_ms, who}); !s.ok()) return s;
    std::string detail = std::string(step_name(c->step)) + " -> " + step_name(c->step + 1);
    if (!note.empty()) detail += ": " + note;
    c->step += 1;
    c->updated_ms = now_ms;
    if (Status s = store_.update_case(*c); !s.ok()) return s;
    return log(id, who, "advanced", detail, now_ms);
  });
}

Status CaseBook::check(std::int64_t id, const std::string& who, int step, int item, std::int64_t now_ms) {
  return store_.transaction([&]() -> Status {
    auto c = load(id);
    if (!c.ok()) return c.error();
    const Playbook& pb = playbook_for(c->family);
    if (step < 0 || step >= kStepCount || item < 0 || item >= static_cast<int>(pb.steps[static_cast<size_t>(step)].size()))
      return make_error(ErrorKind::Invalid, "case " + std::to_string(id), "no such checklist item");
    if (Status s = store_.set_check(id, CheckMark{step, item, now_ms, who}); !s.ok()) return s;
    return log(id, who, "check", std::string(step_name(step)) + " #" + std::to_string(item + 1), now_ms);
  });
}

Status CaseBook::assign(std::int64_t id, const std::string& who, const std::string& assignee, std::int64_t now_ms) {
  return store_.transaction([&]() -> Status {
    auto c = load(id);
    if (!c.ok()) return c.error();
    std::string before = c->assignee;
    c->assignee = assignee;
    c->updated_ms = now_ms;
    if (Status s = store_.update_case(*c); !s.ok()) return s;
    return log(id, who, "assigned", (before.empty() ? "-" : before) + " -> " + assignee, now_ms);
  });
}

Status CaseBook::note(std::int64_t id, const std::string& who, const std::string& text, std::int64_t now_ms) {
  return store_.transaction([&]() -> Status {
    auto c = load(id);
    if (!c.ok()) return c.error();
    c->updated_ms = now_ms;
    if (Status s = store_.update_case(*c); !s.ok()) return s;
    return log(id, who, "note", text, now_ms);
  });
}

Status CaseBook::close(std::int64_t id, const std::string& who, const std::string& reason, const std::string& note,
                       std::int64_t now_ms) {
  const auto& ok = close_reasons();
  if (std::find(ok.begin(), ok.end(), reason) == ok.end())
    return make_error(ErrorKind::Invalid, "--reason", "'" + reason + "' is not one of benign, malicious, false-positive, duplicate, test");
  return store_.transaction([&]() -> Status {
    auto c = load(id);
    if (!c.ok()) return c.error();
    if (c->status == "closed") return make_error(ErrorKind::Invalid, "case " + std::to_string(id), "already closed");
    c->status = "closed";
    c->close_reason = reason;
    c->updated_ms = now_ms;
    if (Status s = store_.update_case(*c); !s.ok()) return s;
    return log(id, who, "closed", reason + (note.empty() ? "" : ": " + note), now_ms);
  });
}

// ---- renderings ----

std::string case_list_line(const CaseRecord& c) {
  std::string status = c.status == "closed" ? "closed (" + c.close_reason + ")" : std::string("open, ") + step_name(c.step);
  return "#" + std::to_string(c.id) + "  " + c.severity + "  " + c.family + " " + c.title + "  account " +
         (c.account.empty() ? "-" : c.account) + "  " + status + "  assignee " + (c.assignee.empty() ? "-" : c.assignee) +
         "  first event " + fmt_time(c.first_event_ms);
}

namespace {

std::string event_row_text(const Finding& f) {
  std::string s = (f.event.event_time.empty() ? "-" : f.event.event_time) + "  " + f.id + "  " + f.event.event_source +
                  " " + f.event.event_name + "  by " + who_label(f);
  if (!f.event.source_ip.empty()) s += " from " + f.event.source_ip;
  if (!f.event.access_key_id.empty()) s += " key " + f.event.access_key_id;
  s += " MFA " + mfa_label(f);
  if (!f.event.error_code.empty()) s += "  FAILED " + f.event.error_code;
  return s;
}

std::string md_escape(std::string_view s) {
  std::string o;
  for (char c : s) {
    if (c == '|' || c == '*' || c == '_' || c == '`' || c == '<' || c == '>' || c == '[' || c == ']') o += '\\';
    o += c == '\n' ? ' ' : c;
  }
  return o;
}

}  // namespace

std::string case_text(const CaseView& v) {
  const CaseRecord& c = v.rec;
  std::string s = "Case #" + std::to_string(c.id) + ": " + c.title + "\n";
  s += "  status    " + (c.status == "closed" ? "closed (" + c.close_reason + ")" : "open") + "\n";
  s += "  step      " + std::string(step_name(c.step)) + " (" + std::to_string(std::min(c.step, kStepCount)) + "/6 done)\n";
  s += "  severity  " + c.severity + "\n  account   " + c.account + "\n  family    " + c.family + " (" +
       v.playbook->title + ")\n";
  s += "  assignee  " + (c.assignee.empty() ? "-" : c.assignee) + "\n";
  s += "  session   keys " + (c.access_keys.empty() ? "-" : c.access_keys) + "; sources " +
       (c.source_ips.empty() ? "-" : c.source_ips) + "\n";
  s += "  events    " + fmt_time(c.first_event_ms) + " .. " + fmt_time(c.last_event_ms) + "\n";
  s += "\nFindings (" + std::to_string(v.findings.size()) + ")\n";
  for (const Finding& f : v.findings) s += "  " + event_row_text(f) + "\n";
  s += "\nChecklist\n";
  for (int st = 0; st < kStepCount; ++st) {
    s += std::string("  ") + (st == c.step && c.status == "open" ? "> " : "  ") + std::to_string(st + 1) + ". " +
         step_name(st) + "\n";
    for (int i = 0; i < static_cast<int>(v.playbook->steps[static_cast<size_t>(st)].size()); ++i)
      s += std::string("       [") + (v.checked(st, i) ? "x" : " ") + "] " + v.item_text(st, i) + "\n";
  }
  s += "\nHistory\n";
  for (const CaseEvent& e : v.history)
    s += "  " + format_iso8601(e.at_ms) + "  " + e.who + "  " + e.action + (e.detail.empty() ? "" : "  " + e.detail) + "\n";
  return s;
}

std::string case_markdown(const CaseView& v) {
  const CaseRecord& c = v.rec;
  std::string s = "# Case #" + std::to_string(c.id) + ": " + md_escape(c.title) + "\n\n";
  s += "| | |\n|---|---|\n";
  s += "| Status | " + (c.status == "closed" ? "closed (" + c.close_reason + ")" : std::string("open")) + " |\n";
  s += "| Step | " + std::string(step_name(c.step)) + " |\n| Severity | " + c.severity + " |\n| Account | " +
       md_escape(c.account) + " |\n| Detection | " + md_escape(c.family) + " " + md_escape(v.playbook->title) + " |\n";
  s += "| Assignee | " + md_escape(c.assignee.empty() ? "-" : c.assignee) + " |\n";
  s += "| Session keys | " + md_escape(c.access_keys.empty() ? "-" : c.access_keys) + " |\n| Sources | " +
       md_escape(c.source_ips.empty() ? "-" : c.source_ips) + " |\n";
  s += "| Events | " + fmt_time(c.first_event_ms) + " .. " + fmt_time(c.last_event_ms) + " |\n\n";
  s += "## Findings\n\n| Time | Rule | Event | Who | From | MFA | Result | Why |\n|---|---|---|---|---|---|---|---|\n";
  for (const Finding& f : v.findings)
    s += "| " + md_escape(f.event.event_time) + " | " + md_escape(f.id) + " | " + md_escape(f.event.event_name) + " | " +
         md_escape(who_label(f)) + " | " + md_escape(f.event.source_ip) + " | " + md_escape(mfa_label(f)) + " | " +
         (f.event.error_code.empty() ? std::string("ok") : "failed: " + md_escape(f.event.error_code)) + " | " +
         md_escape(f.reason) + " |\n";
  s += "\n## Response checklist\n";
  for (int st = 0; st < kStepCount; ++st) {
    s += "\n### " + std::to_string(st + 1) + ". " + step_name(st) + (st == c.step && c.status == "open" ? " (current)" : "") + "\n\n";
    for (int i = 0; i < static_cast<int>(v.playbook->steps[static_cast<size_t>(st)].size()); ++i)
      s += std::string("- [") + (v.checked(st, i) ? "x" : " ") + "] " + v.item_text(st, i) + "\n";
  }
  s += "\n## History\n\n| When | Who | What | Detail |\n|---|---|---|---|\n";
  for (const CaseEvent& e : v.history)
    s += "| " + format_iso8601(e.at_ms) + " | " + md_escape(e.who) + " | " + md_escape(e.action) + " | " + md_escape(e.detail) + " |\n";
  return s;
}

std::string case_html(const CaseView& v) {
  const CaseRecord& c = v.rec;
  std::string s =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>rootguard case #" + std::to_string(c.id) +
      "</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
      "margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}"
      ".sev-critical{color:#fff;background:#b00020;padding:2px 6px}.sev-high{color:#fff;background:#d9480f;padding:2px 6px}"
      ".sev-medium{background:#ffd43b;padding:2px 6px}.failed{color:#b00020;font-weight:bold}.current{font-weight:bold}"
      "li.done{color:#555;text-decoration:line-through}</style></head><body>\n";
  s += "<h1>Case #" + std::to_string(c.id) + ": " + html_escape(c.title) + "</h1>\n<table>";
  auto row = [&](const char* k, const std::string& val) { s += "<tr><th>" + std::string(k) + "</th><td>" + val + "</td></tr>"; };
  row("Status", html_escape(c.status == "closed" ? "closed (" + c.close_reason + ")" : "open"));
  row("Step", html_escape(step_name(c.step)));
  row("Severity", "<span class=\"sev-" + html_escape(c.severity) + "\">" + html_escape(c.severity) + "</span>");
  row("Account", html_escape(c.account));
  row("Detection", html_escape(c.family + " " + v.playbook->title));
  row("Assignee", html_escape(c.assignee.empty() ? "-" : c.assignee));
  row("Session keys", html_escape(c.access_keys.empty() ? "-" : c.access_keys));
  row("Sources", html_escape(c.source_ips.empty() ? "-" : c.source_ips));
  row("Events", html_escape(fmt_time(c.first_event_ms) + " .. " + fmt_time(c.last_event_ms)));
  s += "</table>\n<h2>Findings</h2>\n<table><tr><th>Time</th><th>Rule</th><th>Event</th><th>Who</th><th>From</th><th>MFA</th>"
       "<th>Result</th><th>Why</th></tr>\n";
  for (const Finding& f : v.findings)
    s += "<tr><td>" + html_escape(f.event.event_time) + "</td><td>" + html_escape(f.id) + "</td><td>" +
         html_escape(f.event.event_source + " " + f.event.event_name) + "</td><td>" + html_escape(who_label(f)) +
         "</td><td>" + html_escape(f.event.source_ip) + "</td><td>" + html_escape(mfa_label(f)) + "</td><td>" +
         (f.event.error_code.empty() ? std::string("ok") : "<span class=\"failed\">failed: " + html_escape(f.event.error_code) + "</span>") +
         "</td><td>" + html_escape(f.reason) + "</td></tr>\n";
  s += "</table>\n<h2>Response checklist</h2>\n";
  for (int st = 0; st < kStepCount; ++st) {
    bool cur = st == c.step && c.status == "open";
    s += "<h3" + std::string(cur ? " class=\"current\"" : "") + ">" + std::to_string(st + 1) + ". " + step_name(st) +
         (cur ? " (current)" : "") + "</h3>\n<ul>\n";
    for (int i = 0; i < static_cast<int>(v.playbook->steps[static_cast<size_t>(st)].size()); ++i) {
      bool done = v.checked(st, i);
      s += std::string("<li") + (done ? " class=\"done\"" : "") + ">" + (done ? "&#9745; " : "&#9744; ") +
           html_escape(v.item_text(st, i)) + "</li>\n";
    }
    s += "</ul>\n";
  }
  s += "<h2>History</h2>\n<table><tr><th>When</th><th>Who</th><th>What</th><th>Detail</th></tr>\n";
  for (const CaseEvent& e : v.history)
    s += "<tr><td>" + html_escape(format_iso8601(e.at_ms)) + "</td><td>" + html_escape(e.who) + "</td><td>" +
         html_escape(e.action) + "</td><td>" + html_escape(e.detail) + "</td></tr>\n";
  s += "</table>\n</body></html>\n";
  return s;
}

}  // namespace rg::respond
