#include "respond/timeline.h"

#include <algorithm>
#include <map>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "cloudtrail/framing.h"
#include "cloudtrail/record.h"
#include "core/strings.h"
#include "core/time.h"
#include "io/gzip.h"
#include "respond/json_out.h"
#include "scan/prefilter.h"
#include "sigma/literal.h"

namespace rg::respond {

namespace {

using simdjson::dom::element;

std::string str_at(const element& e, std::initializer_list<std::string_view> path) {
  element cur = e;
  for (std::string_view k : path)
    if (!cur.is_object() || cur[k].get(cur)) return {};
  std::string_view s;
  if (cur.get_string().get(s)) return {};
  std::string out;
  for (char c : s.substr(0, 512)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  return out;
}

bool starts(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  for (auto p : prefixes)
    if (s.substr(0, p.size()) == p) return true;
  return false;
}

// Whether an event is shown with these options (before the AssumeRoot calls that are
// brought in because a shown session began with them).
bool wanted(const TimelineEvent& ev, const TimelineOptions& opts) {
  if (opts.root_only && ev.identity_type != "Root" && ev.name != "AssumeRoot") return false;
  if (!opts.account.empty() && ev.account != opts.account && !(ev.name == "AssumeRoot" && ev.target == opts.account))
    return false;
  if (!opts.session.empty() && ev.access_key != opts.session && ev.source_ip != opts.session &&
      ev.issued_key != opts.session)
    return false;
  return true;
}

// A byte-level "maybe" that every record wanted() can show holds, or that an AssumeRoot call
// (kept to link the sessions it began) holds: the most selective of the options' tests (the
// session's key or address, root's userIdentity.type, the account id) or eventName AssumeRoot.
// A value that JSON may write escaped (quotes, backslashes, control characters, '/', beyond
// ASCII) could be missed in the raw bytes: then no test. (A record holding a \u escape, which
// could hide a letter, passes every prefilter.)
std::shared_ptr<const scan::Prefilter> prefilter_for(const TimelineOptions& opts) {
  using sigma::Literal;
  auto plain_in_json = [](std::string_view v) {
    return !v.empty() && std::none_of(v.begin(), v.end(), [](char c) {
      return json_needs_escape(static_cast<unsigned char>(c)) || c == '/' || static_cast<unsigned char>(c) >= 0x80;
    });
  };
  sigma::Literals lits;
  if (!opts.prefilter) return scan::Prefilter::pass_all();
  if (plain_in_json(opts.session)) lits.push_back(Literal::plain(to_lower(opts.session)));
  else if (opts.root_only) lits.push_back(Literal::keyed("type", "root", true));
  else if (plain_in_json(opts.account)) lits.push_back(Literal::plain(to_lower(opts.account)));
  else return scan::Prefilter::pass_all();
  lits.push_back(Literal::keyed("eventName", "assumeroot", true));
  auto p = scan::Prefilter::compile(lits);
  return p ? *p : scan::Prefilter::pass_all();
}

}  // namespace

std::string classify_action(std::string_view source, std::string_view name, bool read_only) {
  if (source == "signin.amazonaws.com" || name == "ConsoleLogin" || name == "CheckMfa") return "sign-in";
  if (starts(name, {"Get", "List", "Describe", "Head", "Lookup", "Search", "Select", "Scan", "Query", "BatchGet",
                    "Download", "Validate", "Simulate", "Decrypt", "Generate", "Estimate", "View", "Preview"}))
    return "read";
  if (starts(name, {"Delete", "Remove", "Detach", "Disable", "Deregister", "Terminate", "Stop", "Revoke", "Deactivate",
                    "Disassociate", "Cancel", "Leave", "Close", "Purge", "Reject", "Release", "Unsubscribe"}))
    return "delete";
  if (starts(name, {"Create", "Add", "Attach", "Enable", "Register", "Run", "Start", "Import", "Allocate", "Issue",
                    "Request", "Subscribe", "Invite", "Accept", "Copy", "Upload", "Publish", "Send", "Assume",
                    "Activate", "Launch", "Provision"}))
    return "create";
  if (starts(name, {"Update", "Modify", "Set", "Change", "Put", "Reset", "Associate", "Tag", "Untag", "Replace",
                    "Rotate", "Resync", "Restore", "Move", "Edit", "Apply", "Configure"}))
    return "change";
  return read_only ? "read" : "change";
}

Timeline build_timeline(io::SourceStream& sources, const TimelineOptions& opts, Diagnostics& diag) {
  const std::shared_ptr<const scan::Prefilter> prefilter = prefilter_for(opts);
  // Files are read in parallel, each taken from the stream by the first worker free; each
  // worker keeps its events apart, and they are put in one order (time, event id, where read)
  // before anything depends on their order.
  const unsigned jobs = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::mutex stream_mu;
  bool stream_ended = false;
  auto next_source = [&]() -> std::optional<io::Source> {
    std::lock_guard<std::mutex> lock(stream_mu);
    std::vector<io::Source> one;
    if (stream_ended || sources.next(one, 1) != 1) {
      stream_ended = true;
      return std::nullopt;
    }
    return std::move(one.front());
  };
  std::vector<std::vector<TimelineEvent>> found(jobs);
  std::vector<std::unique_ptr<scan::Prefilter::Scratch>> scratches;  // made here, one a worker
  for (unsigned j = 0; j < jobs; ++j) scratches.push_back(prefilter->make_scratch());
  auto work = [&](unsigned worker) {
    std::vector<TimelineEvent>& all = found[worker];
    cloudtrail::RecordParser parser;
    scan::Prefilter::Scratch* const scratch = scratches[worker].get();
    // The events of one input onto `all`.
    auto read_source = [&](const io::Source& src) {
      auto raw = src.open();
      if (!raw.ok()) {
        diag.error(raw.error());
        return;
      }
      io::Decoder dec(std::move(*raw), src.name);
      // Errors as scan tells them: up to 20 lines a file, events without userIdentity in one.
      cloudtrail::Framer framer(src.name, diag);
      cloudtrail::NoIdentityCount no_identity;
      // One event of record `r` onto the timeline.
      auto add_event = [&](const cloudtrail::RawRecord& r, cloudtrail::Kind kind, std::string_view text) {
        element e;
        auto k = parser.parse(text, kind, e);
        if (!k.ok()) {
          if (k.error().what == cloudtrail::kNoUserIdentity) no_identity.add(r);
          else framer.error(r.offset, r.line, k.error().what);
          return true;
        }
        if (*k == cloudtrail::Kind::Digest) return true;
        TimelineEvent ev;
        ev.time = str_at(e, {"eventTime"});
        ev.time_ms = parse_iso8601_ms(ev.time).value_or(0);
        if (opts.from_ms && ev.time_ms < *opts.from_ms) return true;
        if (opts.to_ms && ev.time_ms >= *opts.to_ms) return true;
        // What the options test first: only the events shown, and the AssumeRoot calls that
        // may begin a shown session, are kept (so memory follows the output, not the input).
        ev.name = str_at(e, {"eventName"});
        ev.account = str_at(e, {"recipientAccountId"});
        if (ev.account.empty()) ev.account = str_at(e, {"userIdentity", "accountId"});
        ev.identity_type = str_at(e, {"userIdentity", "type"});
        ev.access_key = str_at(e, {"userIdentity", "accessKeyId"});
        ev.source_ip = str_at(e, {"sourceIPAddress"});
        if (ev.name == "AssumeRoot") {
          ev.issued_key = str_at(e, {"responseElements", "credentials", "accessKeyId"});
          ev.target = str_at(e, {"requestParameters", "targetPrincipal"});
          ev.task_policy = str_at(e, {"requestParameters", "taskPolicyArn", "arn"});
        }
        if (!wanted(ev, opts) && ev.issued_key.empty()) return true;
        ev.event_id = str_at(e, {"eventID"});
        ev.source = str_at(e, {"eventSource"});
        ev.region = str_at(e, {"awsRegion"});
        ev.principal = str_at(e, {"userIdentity", "arn"});
        if (ev.principal.empty()) ev.principal = ev.identity_type;
        ev.user_agent = str_at(e, {"userAgent"});
        bool ro = false;
        element rov;
        if (!e["readOnly"].get(rov)) {
          std::string_view s;
          if (rov.get_bool().get(ro) != simdjson::SUCCESS && !rov.get_string().get(s)) ro = iequals(s, "true");
        }
        ev.action = classify_action(ev.source, ev.name, ro);
        ev.error = str_at(e, {"errorCode"});
        if (ev.error.empty()) ev.error = str_at(e, {"errorMessage"});
        std::string outcome = str_at(e, {"responseElements", ev.name});
        if (ev.error.empty() && iequals(outcome, "Failure")) ev.error = "Failure";
        ev.failed = !ev.error.empty();
        ev.input = src.name + ":" +
                   std::to_string(r.container == cloudtrail::Container::TopValue && r.line ? r.line : r.offset);
        all.push_back(std::move(ev));
        return true;
      };
      framer.run(dec, [&](const cloudtrail::RawRecord& r) {
        const cloudtrail::Kind kind = cloudtrail::sniff(r);
        return parser.for_each_event(r, kind, [&](std::string_view text, std::string_view why) {
          if (!why.empty()) {
            framer.error(r.offset, r.line, std::string(why));
            return true;
          }
          if (!prefilter->maybe(text, *scratch)) return true;
          return add_event(r, kind, text);
        });
      });
      no_identity.report(framer);
    };
    while (std::optional<io::Source> src = next_source()) read_source(*src);
  };
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(work, j);
  work(0);
  for (std::thread& th : threads) th.join();
  // Each worker's events onto the first's, each part let go once moved.
  std::size_t total = 0;
  for (const auto& part : found) total += part.size();
  std::vector<TimelineEvent> all = std::move(found[0]);
  all.reserve(total);
  for (std::size_t j = 1; j < found.size(); ++j) {
    std::move(found[j].begin(), found[j].end(), std::back_inserter(all));
    std::vector<TimelineEvent>().swap(found[j]);
  }
  found.clear();
  const auto in_order = [](const TimelineEvent& a, const TimelineEvent& b) {
    return std::tie(a.time_ms, a.event_id, a.input) < std::tie(b.time_ms, b.event_id, b.input);
  };
  std::sort(all.begin(), all.end(), in_order);
  // AssumeRoot issuances: issued key -> what a session it began says of the call.
  struct Issuance {
    std::string principal, account, event_id, task_policy;
  };
  std::map<std::string, Issuance> issued;
  for (const auto& ev : all)
    if (!ev.issued_key.empty()) issued[ev.issued_key] = Issuance{ev.principal, ev.account, ev.event_id, ev.task_policy};

  // Which events are shown: the wanted ones, and the AssumeRoot call behind a shown
  // member-account session, even from another account's trail. The others are dropped from
  // `all` in place, so the shown ones are held once, not twice.
  std::vector<bool> show(all.size());
  std::set<std::string> keep_assume;  // AssumeRoot calls whose member-account session is shown
  std::set<std::string> shown_ids;    // of the events shown
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!wanted(all[i], opts)) continue;
    show[i] = true;
    shown_ids.insert(all[i].event_id);
    auto it = issued.find(all[i].access_key);
    if (it != issued.end()) keep_assume.insert(it->second.event_id);
  }
  for (std::size_t i = 0; i < all.size(); ++i)
    if (!show[i] && !all[i].issued_key.empty() && keep_assume.count(all[i].event_id) &&
        shown_ids.insert(all[i].event_id).second)
      show[i] = true;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (show[i]) {
      if (kept != i) all[kept] = std::move(all[i]);
      ++kept;
    }
  all.erase(all.begin() + static_cast<std::ptrdiff_t>(kept), all.end());
  Timeline t;
  t.events = std::move(all);
  std::map<std::string, std::size_t> by_key;
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    const TimelineEvent& ev = t.events[i];
    std::string key = !ev.access_key.empty() ? ev.access_key : ev.source_ip + "|" + ev.user_agent;
    auto [pos, fresh] = by_key.emplace(key, t.sessions.size());
    if (fresh) {
      TimelineSession s;
      s.key = key;
      s.access_key = ev.access_key;
      s.source_ip = ev.source_ip;
      s.user_agent = ev.user_agent;
      s.account = ev.account;
      s.principal = ev.principal;
      s.first_ms = ev.time_ms;
      auto it = issued.find(ev.access_key);
      if (!ev.access_key.empty() && it != issued.end()) {
        s.assumed_by = it->second.principal;
        s.assumed_from_account = it->second.account;
        s.assume_event_id = it->second.event_id;
        s.task_policy = it->second.task_policy;
      }
      t.sessions.push_back(std::move(s));
    }
    TimelineSession& s = t.sessions[pos->second];
    s.events.push_back(i);
    s.last_ms = ev.time_ms;
    if (ev.action == "read") ++s.reads;
    else if (ev.action == "create") ++s.creates;
    else if (ev.action == "change") ++s.changes;
    else if (ev.action == "delete") ++s.deletes;
    else ++s.signins;
    if (ev.failed) ++s.failures;
  }
  return t;
}

namespace {

std::string session_header(const TimelineSession& s) {
  std::string h = "Session " + (s.access_key.empty() ? "(no key) source " + s.source_ip : s.access_key + " from " + s.source_ip);
  h += "  account " + (s.account.empty() ? "-" : s.account) + "  by " + s.principal;
  h += "\n  " + format_iso8601(s.first_ms) + " .. " + format_iso8601(s.last_ms) + "  " + counted(s.events.size(), "event") +
       ": " + std::to_string(s.reads) + " read, " + std::to_string(s.creates) + " create, " +
       std::to_string(s.changes) + " change, " + std::to_string(s.deletes) + " delete, " + std::to_string(s.signins) +
       " sign-in, " + std::to_string(s.failures) + " failed";
  if (!s.user_agent.empty()) h += "\n  user agent " + s.user_agent;
  if (!s.assumed_by.empty())
    h += "\n  AssumeRoot session: issued to " + s.assumed_by + " in account " + s.assumed_from_account + " (event " +
         s.assume_event_id + (s.task_policy.empty() ? "" : ", task policy " + s.task_policy) + ")";
  return h;
}

}  // namespace

void timeline_text(const Timeline& t, const TimelineEmit& emit) {
  if (t.events.empty()) return emit("no events\n");
  std::string o;
  for (const TimelineSession& s : t.sessions) {
    o = session_header(s) + "\n";
    for (std::size_t i : s.events) {
      const TimelineEvent& e = t.events[i];
      std::string action = e.action;
      action.resize(8, ' ');
      o += "    " + (e.time.empty() ? std::string("-") : e.time) + "  " + action + e.source + " " + e.name;
      if (!e.region.empty()) o += "  " + e.region;
      if (e.failed) o += "  FAILED " + e.error;
      if (!e.issued_key.empty()) o += "  -> issued " + e.issued_key + " for " + e.target;
      o += "\n";
    }
    o += "\n";
    emit(o);
  }
}

void timeline_jsonl(const Timeline& t, const TimelineEmit& emit) {
  std::string o;
  for (std::size_t si = 0; si < t.sessions.size(); ++si) {
    const TimelineSession& s = t.sessions[si];
    o.clear();
    for (std::size_t i : s.events) {
      const TimelineEvent& e = t.events[i];
      JsonOut j;
      j.obj().kv("time", e.time).kv("event_id", e.event_id).kv("event_source", e.source).kv("event_name", e.name);
      j.kv("action", e.action).key("failed").boolean(e.failed).kv_opt("error", e.error);
      j.kv("account", e.account).kv("region", e.region).kv("identity_type", e.identity_type).kv("principal", e.principal);
      j.kv("access_key_id", e.access_key).kv("source_ip", e.source_ip).kv("user_agent", e.user_agent);
      j.kv("session", s.key).kv_opt("assumed_by", s.assumed_by).kv_opt("assume_event_id", s.assume_event_id);
      j.kv_opt("issued_key", e.issued_key).kv_opt("target", e.target).kv_opt("task_policy", e.task_policy);
      j.kv("input", e.input).end();
      o += j.take() + "\n";
    }
    emit(o);
  }
}

void timeline_html(const Timeline& t, const TimelineEmit& emit) {
  std::string o =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>rootguard timeline</title>\n<style>"
      "body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0 2em}"
      "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#f3f3f3}.failed{color:#b00020;font-weight:bold}"
      ".a-delete{color:#b00020}.a-create{color:#2b8a3e}.a-change{color:#d9480f}pre{margin:0}</style></head><body>\n"
      "<h1>rootguard timeline</h1>\n";
  if (t.events.empty()) o += "<p>No events.</p>\n";
  emit(o);
  for (const TimelineSession& s : t.sessions) {
    o = "<h2>" + html_escape(s.access_key.empty() ? "source " + s.source_ip : s.access_key) + "</h2>\n<pre>" +
         html_escape(session_header(s)) + "</pre>\n<table><tr><th>Time</th><th>Action</th><th>Event</th><th>Region</th>"
         "<th>Result</th></tr>\n";
    for (std::size_t i : s.events) {
      const TimelineEvent& e = t.events[i];
      o += "<tr><td>" + html_escape(e.time) + "</td><td class=\"a-" + html_escape(e.action) + "\">" + html_escape(e.action) +
           "</td><td>" + html_escape(e.source + " " + e.name) +
           (e.issued_key.empty() ? "" : " &rarr; issued " + html_escape(e.issued_key) + " for " + html_escape(e.target)) +
           "</td><td>" + html_escape(e.region) + "</td><td>" +
           (e.failed ? "<span class=\"failed\">FAILED " + html_escape(e.error) + "</span>" : std::string("ok")) + "</td></tr>\n";
    }
    o += "</table>\n";
    emit(o);
  }
  emit("</body></html>\n");
}

}  // namespace rg::respond
