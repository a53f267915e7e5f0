#include "scan/correlate.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <simdjson.h>

#include "core/time.h"
#include "scan/scan.h"
#include "sigma/correlation.h"

namespace rg::scan {

using sigma::Correlation;
using sigma::CorrelationType;
using sigma::SourceRef;

Observation observe(const sigma::RuleSet& rules, std::uint32_t rule, const cloudtrail::EventView& ev, Finding finding) {
  Observation o;
  o.source = SourceRef{false, rule};
  o.time_ms = finding.event.time_ms;
  o.event_id = finding.event.event_id;
  for (std::uint32_t c : rules.feeds(rule))
    o.keys.push_back(Observation::Key{c, rules.group_key(c, rule, ev), rules.count_value(c, rule, ev)});
  o.finding = std::move(finding);
  return o;
}

bool observation_less(const Observation& a, const Observation& b) {
  return std::tie(a.time_ms, a.event_id, a.source.correlation, a.source.index) <
         std::tie(b.time_ms, b.event_id, b.source.correlation, b.source.index);
}

Correlator::Correlator(const sigma::RuleSet& rules, bool report_all) : rules_(rules), report_all_(report_all) {}

namespace {

constexpr std::size_t kListed = 20;  // matches named in a correlation finding; the rest are counted

std::string display(std::string key) {
  std::string out;
  for (char ch : key) {
    if (ch == sigma::kGroupSeparator) out += ", ";
    else out += ch;
  }
  return out;
}

std::string source_name(const sigma::RuleSet& rules, SourceRef s) {
  return s.correlation ? rules.correlation(s.index).info.id : rules.info(s.index).id;
}

void escape_into(std::string& out, std::string_view s) {
  for (char ch : s) {
    if (ch == '\\') out += "\\\\";
    else if (ch == '\t') out += "\\t";
    else if (ch == '\n') out += "\\n";
    else out += ch;
  }
}

bool unescape(std::string_view s, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) return false;
    if (s[i] == '\\') out += '\\';
    else if (s[i] == 't') out += '\t';
    else if (s[i] == 'n') out += '\n';
    else return false;
  }
  return true;
}

}  // namespace

std::string Correlator::encode(const Group& g) {
  std::string out;
  for (const Entry& e : g.entries) {
    out += std::to_string(e.time_ms);
    out += '\t';
    out += std::to_string(e.source);
    out += '\t';
    escape_into(out, e.event_id);
    out += '\t';
    escape_into(out, e.value);
    out += '\n';
  }
  return out;
}

Result<Correlator::Group> Correlator::decode(const std::string& text) {
  Group g;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) return make_error(ErrorKind::Corrupt, "correlation state", "unterminated line");
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= line.size(); ++i)
      if (i == line.size() || line[i] == '\t') {
        parts.push_back(line.substr(start, i - start));
        start = i + 1;
      }
    if (parts.size() != 4) return make_error(ErrorKind::Corrupt, "correlation state", "a line without 4 fields");
    Entry e;
    try {
      std::size_t used = 0;
      e.time_ms = std::stoll(std::string(parts[0]), &used);
      if (used != parts[0].size()) throw std::invalid_argument("time");
      unsigned long src = std::stoul(std::string(parts[1]), &used);
      if (used != parts[1].size() || src > 1000) throw std::invalid_argument("source");
      e.source = static_cast<std::uint32_t>(src);
    } catch (const std::exception&) {
      return make_error(ErrorKind::Corrupt, "correlation state", "a bad number");
    }
    if (!unescape(parts[2], e.event_id) || !unescape(parts[3], e.value))
      return make_error(ErrorKind::Corrupt, "correlation state", "a bad escape");
    g.entries.push_back(std::move(e));
  }
  g.reindex();
  return g;
}

// ------------------------------------------------------------------ one group's matches

std::string Correlator::Group::seen_key(std::uint32_t source, const std::string& event_id) {
  return std::to_string(source) + '\t' + event_id;
}

bool Correlator::Group::counted(std::uint32_t source, const std::string& event_id) const {
  return !event_id.empty() && seen_.count(seen_key(source, event_id)) > 0;
}

void Correlator::Group::index(const Entry& e) {
  if (!e.event_id.empty()) ++seen_[seen_key(e.source, e.event_id)];
  if (!e.value.empty()) ++values_[e.value];
  if (auto v = sigma::correlation_number(e.value)) {
    sum_ += *v;
    ++numbers_;
  }
  if (times_.size() <= e.source) times_.resize(e.source + 1);
  times_[e.source].insert(e.time_ms);
}

void Correlator::Group::unindex(const Entry& e) {
  if (!e.event_id.empty())
    if (auto it = seen_.find(seen_key(e.source, e.event_id)); it != seen_.end() && --it->second == 0) seen_.erase(it);
  if (!e.value.empty())
    if (auto it = values_.find(e.value); it != values_.end() && --it->second == 0) values_.erase(it);
  if (auto v = sigma::correlation_number(e.value)) {
    sum_ -= *v;
    if (--numbers_ == 0) sum_ = 0;  // no rounding left over once the last number goes
  }
  auto& ts = times_[e.source];
  ts.erase(ts.find(e.time_ms));
}

void Correlator::Group::add(Entry e) {
  // matches come mostly in time order: the place is nearly always the end
  auto at = std::upper_bound(entries.begin(), entries.end(), e.time_ms,
                             [](std::int64_t t, const Entry& x) { return t < x.time_ms; });
  index(e);
  entries.insert(at, std::move(e));
}

void Correlator::Group::drop_before(std::int64_t time_ms) {
  while (!entries.empty() && entries.front().time_ms < time_ms) {
    unindex(entries.front());
    entries.pop_front();
  }
}

void Correlator::Group::clear() {
  entries.clear();
  seen_.clear();
  values_.clear();
  times_.clear();
  sum_ = 0;
  numbers_ = 0;
}

void Correlator::Group::reindex() {
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.time_ms < b.time_ms; });
  seen_.clear();
  values_.clear();
  times_.clear();
  sum_ = 0;
  numbers_ = 0;
  for (const Entry& e : entries) index(e);
}

std::size_t Correlator::Group::sources_seen() const {
  std::size_t n = 0;
  for (const auto& ts : times_) n += !ts.empty();
  return n;
}

std::optional<std::int64_t> Correlator::Group::latest_at_or_before(std::uint32_t source, std::int64_t t) const {
  if (source >= times_.size()) return std::nullopt;
  auto it = times_[source].upper_bound(t);
  if (it == times_[source].begin()) return std::nullopt;
  return *std::prev(it);
}

std::optional<std::int64_t> Correlator::Group::earliest_at_or_after(std::uint32_t source, std::int64_t t) const {
  if (source >= times_.size()) return std::nullopt;
  auto it = times_[source].lower_bound(t);
  if (it == times_[source].end()) return std::nullopt;
  return *it;
}

void Correlator::begin() {
  recording_ = true;
  saved_.clear();
  error_.reset();
}

void Correlator::rollback() {
  for (auto& [id, before] : saved_) {
    if (before) groups_[id] = std::move(*before);
    else groups_.erase(id);
  }
  saved_.clear();
  recording_ = false;
}

Correlator::Group& Correlator::touch(const GroupId& id) {
  auto it = groups_.find(id);
  if (recording_ && !saved_.count(id)) {
    if (it == groups_.end()) saved_.emplace(id, std::nullopt);
    else saved_.emplace(id, it->second);
    if (fetch_) {  // another process may have changed it: read it again
      const std::string ns = state_namespace(rules_.correlation(id.first).info.id);
      auto v = fetch_(ns, id.second);
      if (!v.ok()) {
        if (!error_) error_ = v.error();
      } else if (!v->has_value()) {
        if (it != groups_.end()) groups_.erase(it);
        it = groups_.end();
      } else {
        auto g = decode(**v);
        if (!g.ok()) {
          if (!error_) error_ = make_error(ErrorKind::Corrupt, ns, "group '" + display(id.second) + "': " + g.error().what);
        } else {
          for (const Entry& e : g->entries) newest_ms_ = std::max(newest_ms_, e.time_ms);
          it = groups_.insert_or_assign(id, std::move(g).value()).first;
        }
      }
    }
  }
  if (it == groups_.end()) it = groups_.emplace(id, Group{}).first;
  return it->second;
}

std::vector<Correlator::Change> Correlator::changes() {
  // Groups whose every match has left the timespan are forgotten. With a shared store the
  // copy here may be stale: touch() reads it again first, and only what is still expired goes.
  auto expired = [&](const GroupId& id) {
    auto it = groups_.find(id);
    if (it == groups_.end()) return false;
    const Correlation& def = rules_.correlation(id.first);
    return it->second.entries.empty() || it->second.entries.back().time_ms < newest_ms_ - def.timespan_ms;
  };
  std::vector<GroupId> old;
  for (const auto& [id, g] : groups_)
    if (expired(id)) old.push_back(id);
  for (const GroupId& id : old) {
    touch(id);
    if (expired(id)) groups_.erase(id);
  }
  std::vector<Change> out;
  for (const auto& [id, before] : saved_) {
    const std::string ns = state_namespace(rules_.correlation(id.first).info.id);
    auto it = groups_.find(id);
    if (it == groups_.end()) {
      if (before) out.push_back(Change{ns, id.second, std::nullopt});
      continue;
    }
    if (before && before->entries == it->second.entries) continue;
    out.push_back(Change{ns, id.second, encode(it->second)});
  }
  saved_.clear();
  recording_ = false;
  return out;
}

Status Correlator::load(const std::string& ns, const std::string& key, const std::string& value) {
  for (std::size_t c = 0; c < rules_.correlation_count(); ++c) {
    if (state_namespace(rules_.correlation(c).info.id) != ns) continue;
    auto g = decode(value);
    if (!g.ok()) return make_error(ErrorKind::Corrupt, ns, "group '" + display(key) + "': " + g.error().what);
    const std::size_t nsrc = rules_.correlation_sources(c).size();
    for (const Entry& e : g->entries) {
      if (e.source >= nsrc) return make_error(ErrorKind::Corrupt, ns, "group '" + display(key) + "': unknown rule position");
      newest_ms_ = std::max(newest_ms_, e.time_ms);
    }
    groups_[GroupId{static_cast<std::uint32_t>(c), key}] = std::move(g).value();
    return {};
  }
  return make_error(ErrorKind::Invalid, ns, "no such correlation is loaded");
}

void Correlator::feed(const Observation& o, std::vector<Finding>& out) {
  newest_ms_ = std::max(newest_ms_, o.time_ms);
  for (std::uint32_t c : rules_.consumers(o.source)) {
    const auto& srcs = rules_.correlation_sources(c);
    const Observation::Key* key = nullptr;
    for (const auto& k : o.keys)
      if (k.correlation == c) key = &k;
    if (!key) continue;
    std::vector<Finding> fired;
    for (std::uint32_t pos = 0; pos < srcs.size(); ++pos)
      if (srcs[pos] == o.source) feed_one(c, pos, o, *key, fired);
    const SourceRef self{true, c};
    for (Finding& f : fired) {
      if (!rules_.consumers(self).empty()) {  // chained: the finding is a match of the next correlation
        Observation up;
        up.source = self;
        up.time_ms = o.time_ms;
        up.event_id = o.event_id;
        up.keys = o.keys;
        up.finding = f;
        feed(up, out);
      }
      if (report_all_ || rules_.emitted(self)) out.push_back(std::move(f));
    }
  }
}

void Correlator::feed_one(std::uint32_t c, std::uint32_t position, const Observation& o, const Observation::Key& key,
                          std::vector<Finding>& out) {
  const Correlation& def = rules_.correlation(c);
  const GroupId id{c, key.group};
  Group& g = touch(id);
  if (g.counted(position, o.event_id)) return;  // counted already

  if (def.type == CorrelationType::FirstSeen) {
    const auto& v = g.entries;
    const bool fresh = v.empty() || o.time_ms - v.back().time_ms > def.timespan_ms;
    const std::int64_t last = v.empty() ? 0 : v.back().time_ms;
    if (v.empty() || o.time_ms > last) {
      g.clear();
      g.add(Entry{o.time_ms, position, o.event_id, {}});
    }
    if (!fresh) return;
    out.push_back(make(c, o, key, std::deque<Entry>{Entry{o.time_ms, position, o.event_id, {}}}, last));
    return;
  }

  g.add(Entry{o.time_ms, position, o.event_id, key.value});
  g.drop_before(g.entries.back().time_ms - def.timespan_ms);
  if (g.entries.empty()) return;

  bool fire = false;
  switch (def.type) {
    case CorrelationType::EventCount:
      fire = def.condition.holds(static_cast<std::int64_t>(g.entries.size()));
      break;
    case CorrelationType::ValueCount:
      fire = def.condition.holds(static_cast<std::int64_t>(g.distinct_values()));
      break;
    case CorrelationType::ValueSum:
      fire = g.numbers() > 0 && def.condition.holds_value(g.sum());
      break;
    case CorrelationType::ValueAvg:
      fire = g.numbers() > 0 && def.condition.holds_value(g.sum() / static_cast<double>(g.numbers()));
      break;
    case CorrelationType::Temporal:
      fire = def.condition.holds(static_cast<std::int64_t>(g.sources_seen()));
      break;
    case CorrelationType::TemporalOrdered: {
      // A chain rule 0 -> 1 -> ... -> last, each at or after the one before, all within the
      // timespan; any arrival order completes it. The group held no such chain before this
      // match (it would have fired and been used up), so a new one runs through this match:
      // back from it to the latest match of each rule before, on from it to the earliest
      // after, which gives the shortest chain through it. (A match already gone from the
      // timespan makes none.)
      if (o.time_ms < g.entries.front().time_ms) break;
      const auto last = static_cast<std::uint32_t>(rules_.correlation_sources(c).size() - 1);
      std::optional<std::int64_t> start = o.time_ms, end = o.time_ms;
      for (std::uint32_t k = position; k-- > 0 && start;) start = g.latest_at_or_before(k, *start);
      for (std::uint32_t k = position + 1; k <= last && end; ++k) end = g.earliest_at_or_after(k, *end);
      fire = start && end && *end - *start <= def.timespan_ms;
      break;
    }
    case CorrelationType::FirstSeen: break;
  }
  if (!fire) return;
  std::deque<Entry> used = std::move(g.entries);
  g.clear();  // the matches are used up; the next burst counts afresh
  out.push_back(make(c, o, key, used, used.front().time_ms));
}

Finding Correlator::make(std::uint32_t c, const Observation& o, const Observation::Key& key,
                         const std::deque<Entry>& used, std::int64_t first_ms) const {
  const Correlation& def = rules_.correlation(c);
  const auto& srcs = rules_.correlation_sources(c);
  Finding f = o.finding;
  f.id = def.info.id;
  f.title = def.info.title;
  f.severity = def.info.severity;
  f.status = FindingStatus::Fail;
  f.practice = def.info.practice;
  f.next_step = def.info.next_step;
  const std::string group = key.group.empty() ? std::string("all events") : display(key.group);
  std::string rules;
  for (std::size_t i = 0; i < srcs.size(); ++i) {
    if (i) rules += def.type == CorrelationType::TemporalOrdered ? " then " : ", ";
    rules += source_name(rules_, srcs[i]);
  }
  const std::size_t n = used.size();
  std::optional<std::pair<std::string, std::string>> measured;  // value_sum, value_avg: the figure
  switch (def.type) {
    case CorrelationType::EventCount:
      f.reason = std::to_string(n) + " matches of " + rules + " within " + def.timespan_text + " for " + group +
                 " (from " + format_iso8601(first_ms) + ")";
      break;
    case CorrelationType::ValueCount: {
      std::set<std::string> distinct;
      for (const Entry& x : used)
        if (!x.value.empty()) distinct.insert(x.value);
      std::string list;
      for (const std::string& d : distinct) list += (list.empty() ? "" : ", ") + d;
      f.reason = std::to_string(distinct.size()) + " distinct " + def.condition.field + " (" + list + ") in " + rules +
                 " within " + def.timespan_text + " for " + group;
      break;
    }
    case CorrelationType::ValueSum:
    case CorrelationType::ValueAvg: {
      long double sum = 0;
      std::size_t numbers = 0;
      for (const Entry& x : used)
        if (auto v = sigma::correlation_number(x.value)) {
          sum += *v;
          ++numbers;
        }
      const bool avg = def.type == CorrelationType::ValueAvg;
      const double shown = static_cast<double>(avg && numbers ? sum / numbers : sum);
      f.reason = std::string(avg ? "average " : "sum ") + def.condition.field + " " + sigma::correlation_number_text(shown) +
                 " (" + def.condition.describe() + ") over " + std::to_string(numbers) + " of " + std::to_string(n) +
                 " matches of " + rules + " within " + def.timespan_text + " for " + group + " (from " +
                 format_iso8601(first_ms) + ")";
      measured = {avg ? "correlation.average" : "correlation.sum", sigma::correlation_number_text(shown)};
      break;
    }
    case CorrelationType::Temporal:
    case CorrelationType::TemporalOrdered: {
      std::string seq;
      for (std::size_t i = 0; i < used.size() && i < kListed; ++i)
        seq += (i ? ", " : "") + source_name(rules_, srcs[used[i].source]) + " at " + format_iso8601(used[i].time_ms);
      if (used.size() > kListed) seq += ", and " + std::to_string(used.size() - kListed) + " more";
      f.reason = rules + " within " + def.timespan_text + " for " + group + ": " + seq;
      break;
    }
    case CorrelationType::FirstSeen:
      f.reason = "first " + rules + " for " + group +
                 (first_ms > 0 ? " since " + format_iso8601(first_ms) + " (more than " + def.timespan_text + " before)"
                               : " in the last " + def.timespan_text);
      break;
  }
  f.facets.emplace_back("correlation", sigma::to_string(def.type));
  f.facets.emplace_back("correlation.rules", rules);
  if (!key.group.empty()) f.facets.emplace_back("correlation.group", display(key.group));
  f.facets.emplace_back("correlation.matches", std::to_string(n));
  f.facets.emplace_back("correlation.first", format_iso8601(first_ms > 0 ? first_ms : o.time_ms));
  std::string ids;
  for (std::size_t i = 0; i < used.size() && i < kListed; ++i) ids += (i ? " " : "") + used[i].event_id;
  f.facets.emplace_back("correlation.events", ids);
  if (measured) f.facets.push_back(std::move(*measured));
  return f;
}

sigma::TestReport run_correlation_tests(const sigma::RuleSet& rules) {
  sigma::TestReport report;
  simdjson::dom::parser parser;
  std::vector<sigma::Match> matches, feed;
  for (std::size_t c = 0; c < rules.correlation_count(); ++c) {
    const Correlation& def = rules.correlation(c);
    for (const sigma::SequenceTest& t : def.tests) {
      auto fail = [&](std::string what) { report.failures.push_back({def.info.id, def.info.file, t.name, std::move(what)}); };
      Correlator cor(rules, true);
      bool fired_last = false, bad = false;
      std::size_t fired_before = 0;
      for (std::size_t k = 0; k < t.events.size() && !bad; ++k) {
        simdjson::padded_string json(t.events[k]);
        simdjson::dom::element event;
        if (auto err = parser.parse(json).get(event); err) {
          fail("event " + std::to_string(k + 1) + " is not valid JSON: " + simdjson::error_message(err));
          bad = true;
          break;
        }
        cloudtrail::EventView ev{event, t.events[k], def.info.file, 0, 0};
        matches.clear();
        feed.clear();
        rules.match(ev, matches, &feed);
        std::vector<Finding> fired;
        for (const sigma::Match& m : feed) cor.feed(observe(rules, m.rule, ev, make_finding(ev, rules.info(m.rule), m.severity)), fired);
        std::size_t mine = 0;
        for (const Finding& f : fired) mine += f.id == def.info.id;
        if (k + 1 == t.events.size()) fired_last = mine > 0;
        else fired_before += mine;
      }
      if (bad) continue;
      if (t.events.empty()) fail("the test has no events");
      else if (t.must_fire && !fired_last)
        fail("expected the correlation to fire on the last event, it did not" +
             std::string(fired_before ? " (it fired earlier)" : ""));
      else if (!t.must_fire && fired_last) fail("expected no firing on the last event, but the correlation fired");
      else ++report.passed;
    }
  }
  return report;
}

}  // namespace rg::scan
