#include "sigma/correlation.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "sigma/rule.h"

namespace rg::sigma {

namespace {

struct Bad {
  Error error;
};

Mark mark_of(const YAML::Node& n) {
  YAML::Mark m = n.Mark();
  if (m.is_null()) return {};
  return Mark{m.line + 1, m.column + 1};
}

[[noreturn]] void bad(const std::string& file, const YAML::Node& at, const std::string& what,
                      ErrorKind kind = ErrorKind::Invalid) {
  throw Bad{Error{kind, where(file, at ? mark_of(at) : Mark{}), what}};
}

std::string text(const std::string& file, const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) bad(file, n, what + " must be a single value");
  return n.Scalar();
}

std::vector<std::string> string_list(const YAML::Node& n, const std::string& key, const std::string& file) {
  std::vector<std::string> out;
  if (!n || n.IsNull()) return out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return out;
  }
  if (!n.IsSequence()) bad(file, n, "correlation." + key + " must be a list");
  for (const auto& v : n) {
    if (!v.IsScalar()) bad(file, v, "correlation." + key + " must be a list of names");
    out.push_back(v.Scalar());
  }
  return out;
}

std::int64_t count_value(const std::string& file, const YAML::Node& n, const std::string& key) {
  const std::string s = text(file, n, "correlation.condition." + key);
  std::size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || i != s.size() || i > 12)
    bad(file, n, "correlation.condition." + key + " must be a whole number, not '" + s + "'");
  return std::stoll(s);
}

// value_sum, value_avg: a threshold, with a fraction or an exponent if need be.
double threshold(const std::string& file, const YAML::Node& n, const std::string& key) {
  const std::string s = text(file, n, "correlation.condition." + key);
  const std::optional<double> v = correlation_number(s);
  if (!v) bad(file, n, "correlation.condition." + key + " must be a number, not '" + s + "'");
  return *v;
}

void parse_condition(const std::string& file, const YAML::Node& cond, Correlation& r) {
  if (!cond.IsMap()) bad(file, cond, "correlation.condition must be a mapping (e.g. {gte: 5})");
  bool lower = false, upper = false;
  CorrelationCondition& c = r.condition;
  c.numeric = r.type == CorrelationType::ValueSum || r.type == CorrelationType::ValueAvg;
  for (const auto& kv : cond) {
    const std::string k = kv.first.Scalar();
    if (k == "field") {
      c.field = text(file, kv.second, "correlation.condition.field");
      continue;
    }
    if (k != "gt" && k != "gte" && k != "lt" && k != "lte" && k != "eq")
      bad(file, kv.first, "correlation.condition." + k + " is not supported (gt, gte, lt, lte, eq, field)");
    const bool is_lower = k == "gt" || k == "gte" || k == "eq";
    const bool is_upper = k == "lt" || k == "lte" || k == "eq";
    if ((is_lower && lower) || (is_upper && upper))
      bad(file, kv.first, "correlation.condition has two bounds on the same side");
    if (c.numeric) {
      const CorrelationCondition::Bound b{threshold(file, kv.second, k), k == "gt" || k == "lt"};
      if (is_lower) c.low = b;
      if (is_upper) c.high = b;
    } else {
      const std::int64_t v = count_value(file, kv.second, k);
      if (k == "gt") c.min = v + 1;
      if (k == "gte" || k == "eq") c.min = v;
      if (k == "lt") c.max = v - 1;
      if (k == "lte" || k == "eq") c.max = v;
    }
    lower = lower || is_lower;
    upper = upper || is_upper;
  }
  if (!lower && !upper) bad(file, cond, "correlation.condition needs one of gt, gte, lt, lte, eq");
  if (!lower)
    bad(file, cond,
        "unsupported: a correlation condition with only lt/lte (rootguard evaluates correlations as events "
        "arrive, so it needs a lower bound: gt, gte or eq)",
        ErrorKind::Unsupported);
  if (c.numeric) {
    if (c.high && (c.high->value < c.low.value || (c.high->value == c.low.value && (c.high->strict || c.low.strict))))
      bad(file, cond, "correlation.condition can never hold (its range is empty)");
    return;
  }
  if (c.max && *c.max < c.min) bad(file, cond, "correlation.condition can never hold (its range is empty)");
  if (c.min < 1) c.min = 1;
}

void parse_tests(const std::string& file, const YAML::Node& n, bool must_fire, Correlation& r) {
  if (!n || n.IsNull()) return;
  const std::string what = std::string("rootguard.tests.") + (must_fire ? "match" : "no_match");
  if (!n.IsSequence()) bad(file, n, what + " must be a list of {name, events}");
  int k = 0;
  for (const YAML::Node& t : n) {
    ++k;
    if (!t.IsMap() || !t["events"] || !t["events"].IsSequence())
      bad(file, t, what + " entries need 'events': a list of CloudTrail records in order");
    SequenceTest st;
    st.must_fire = must_fire;
    st.name = t["name"] ? text(file, t["name"], "test name") : (must_fire ? "match #" : "no_match #") + std::to_string(k);
    for (const YAML::Node& e : t["events"]) {
      auto json = yaml_event_json(file, e);
      if (!json.ok()) throw Bad{json.error()};
      st.events.push_back(std::move(json).value());
    }
    r.tests.push_back(std::move(st));
  }
}

void parse_rootguard(const std::string& file, const YAML::Node& rg, Correlation& r) {
  if (!rg.IsMap()) bad(file, rg, "'rootguard' must be a mapping");
  for (const auto& kv : rg) {
    const std::string k = kv.first.Scalar();
    if (k == "id") r.info.id = text(file, kv.second, "rootguard.id");
    else if (k == "practice") r.info.practice = text(file, kv.second, "rootguard.practice");
    else if (k == "next_step") r.info.next_step = text(file, kv.second, "rootguard.next_step");
    else if (k == "tests") {
      if (!kv.second.IsMap()) bad(file, kv.second, "rootguard.tests must be a mapping with match/no_match");
      parse_tests(file, kv.second["match"], true, r);
      parse_tests(file, kv.second["no_match"], false, r);
    } else {
      bad(file, kv.first, "rootguard." + k + " does not apply to a correlation rule (id, practice, next_step, tests)");
    }
  }
}

}  // namespace

const char* to_string(CorrelationType t) {
  switch (t) {
    case CorrelationType::EventCount: return "event_count";
    case CorrelationType::ValueCount: return "value_count";
    case CorrelationType::ValueSum: return "value_sum";
    case CorrelationType::ValueAvg: return "value_avg";
    case CorrelationType::Temporal: return "temporal";
    case CorrelationType::TemporalOrdered: return "temporal_ordered";
    case CorrelationType::FirstSeen: return "first_seen";
  }
  return "?";
}

std::optional<double> correlation_number(std::string_view text) {
  if (text.empty() || text.size() > 64 || std::isspace(static_cast<unsigned char>(text.front()))) return std::nullopt;
  char buf[65];
  text.copy(buf, text.size());
  buf[text.size()] = '\0';
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(buf, &end);
  if (end != buf + text.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string correlation_number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string CorrelationCondition::describe() const {
  if (numeric) {
    const std::string lo = (low.strict ? "> " : ">= ") + correlation_number_text(low.value);
    if (!high) return lo;
    if (high->value == low.value) return "== " + correlation_number_text(low.value);
    return lo + " and " + (high->strict ? "< " : "<= ") + correlation_number_text(high->value);
  }
  if (!max) return ">= " + std::to_string(min);
  if (*max == min) return "== " + std::to_string(min);
  return "between " + std::to_string(min) + " and " + std::to_string(*max);
}

Result<std::int64_t> parse_timespan(const std::string& t) {
  std::size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  if (i == 0 || i > 9 || i + 1 != t.size())
    return make_error(ErrorKind::Invalid, "timespan", "'" + t + "' is not a timespan (e.g. 30s, 10m, 1h, 2d)");
  std::int64_t n = std::stoll(t.substr(0, i));
  switch (t[i]) {
    case 's': return n * 1000;
    case 'm': return n * 60'000;
    case 'h': return n * 3'600'000;
    case 'd': return n * 86'400'000;
    default: return make_error(ErrorKind::Invalid, "timespan", "'" + t + "': the unit must be s, m, h or d");
  }
}

bool is_correlation(const YAML::Node& doc) { return doc.IsMap() && doc["correlation"]; }

Result<Correlation> parse_correlation(const YAML::Node& doc, const std::string& file) {
  try {
    const YAML::Node c = doc["correlation"];
    if (!c || !c.IsMap()) bad(file, c ? c : doc, "no correlation: mapping");
    if (doc["detection"]) bad(file, doc["detection"], "a correlation rule cannot also have a detection");
    Correlation r;
    r.info.file = file;
    r.info.builtin = file.starts_with("builtin:");
    if (doc["id"]) r.info.uuid = text(file, doc["id"], "id");
    if (doc["name"]) r.name = text(file, doc["name"], "name");
    r.info.name = r.name;
    if (doc["title"]) r.info.title = text(file, doc["title"], "title");
    if (doc["description"]) r.info.description = text(file, doc["description"], "description");
    if (r.info.title.empty()) bad(file, doc, "a correlation rule needs a title");
    if (YAML::Node lv = doc["level"]) {
      auto sev = parse_severity(text(file, lv, "level"));
      if (!sev) bad(file, lv, "invalid level '" + lv.Scalar() + "'");
      r.info.severity = *sev;
    }
    if (YAML::Node refs = doc["references"]) r.info.references = string_list(refs, "references", file);
    if (YAML::Node tags = doc["tags"]) r.info.tags = string_list(tags, "tags", file);
    if (YAML::Node g = doc["generate"]) r.generate = text(file, g, "generate") == "true";
    for (const auto& kv : c) {
      const std::string k = kv.first.Scalar();
      if (k != "type" && k != "rules" && k != "group-by" && k != "timespan" && k != "timeframe" &&
          k != "condition" && k != "generate" && k != "aliases")
        bad(file, kv.first, "correlation." + k + " is not supported");
    }
    const std::string type = c["type"] ? text(file, c["type"], "correlation.type") : "";
    if (type == "event_count") r.type = CorrelationType::EventCount;
    else if (type == "value_count") r.type = CorrelationType::ValueCount;
    else if (type == "value_sum") r.type = CorrelationType::ValueSum;
    else if (type == "value_avg") r.type = CorrelationType::ValueAvg;
    else if (type == "temporal") r.type = CorrelationType::Temporal;
    else if (type == "temporal_ordered") r.type = CorrelationType::TemporalOrdered;
    else if (type == "first_seen") r.type = CorrelationType::FirstSeen;
    else if (type == "value_percentile")
      bad(file, c["type"],
          "unsupported: correlation type value_percentile (the Sigma specification does not define what it "
          "computes; use value_count, value_sum or value_avg)",
          ErrorKind::Unsupported);
    else
      bad(file, c["type"] ? c["type"] : c,
          "unknown correlation type '" + type +
              "' (event_count, value_count, value_sum, value_avg, temporal, temporal_ordered, first_seen)");

    r.rules = string_list(c["rules"], "rules", file);
    if (r.rules.empty()) bad(file, c, "correlation.rules names no rule");
    if ((r.type == CorrelationType::Temporal || r.type == CorrelationType::TemporalOrdered) && r.rules.size() < 2)
      bad(file, c["rules"], std::string(to_string(r.type)) + " needs at least two rules");
    r.group_by = string_list(c["group-by"], "group-by", file);
    if (r.type == CorrelationType::FirstSeen && r.group_by.empty())
      bad(file, c, "first_seen needs group-by (the values that are new or not)");
    // `timeframe` is the name older drafts of the specification used.
    YAML::Node span = c["timespan"] ? c["timespan"] : c["timeframe"];
    if (!span) bad(file, c, "correlation.timespan is missing");
    r.timespan_text = text(file, span, "correlation.timespan");
    auto ms = parse_timespan(r.timespan_text);
    if (!ms.ok()) bad(file, span, ms.error().what);
    r.timespan_ms = *ms;
    if (c["generate"]) r.generate = text(file, c["generate"], "correlation.generate") == "true";

    if (YAML::Node al = c["aliases"]) {
      if (!al.IsMap()) bad(file, al, "correlation.aliases must map alias names to {rule: field}");
      for (const auto& kv : al) {
        if (!kv.second.IsMap()) bad(file, kv.second, "correlation.aliases." + kv.first.Scalar() + " must map rules to fields");
        auto& m = r.aliases[kv.first.Scalar()];
        for (const auto& rf : kv.second) m[rf.first.Scalar()] = text(file, rf.second, "an alias field");
      }
    }

    const YAML::Node cond = c["condition"];
    switch (r.type) {
      case CorrelationType::EventCount:
      case CorrelationType::ValueCount:
      case CorrelationType::ValueSum:
      case CorrelationType::ValueAvg:
        if (!cond) bad(file, c, "correlation.condition is missing (e.g. {gte: 5})");
        parse_condition(file, cond, r);
        r.has_condition = true;
        if (r.type == CorrelationType::ValueCount && r.condition.field.empty())
          bad(file, cond, "value_count needs condition.field (the field whose distinct values are counted)");
        if ((r.type == CorrelationType::ValueSum || r.type == CorrelationType::ValueAvg) && r.condition.field.empty())
          bad(file, cond, std::string(to_string(r.type)) + " needs condition.field (the numeric field)");
        if (r.type == CorrelationType::EventCount && !r.condition.field.empty())
          bad(file, cond, "condition.field applies to value_count, value_sum and value_avg only");
        break;
      case CorrelationType::Temporal:
      case CorrelationType::TemporalOrdered:
        if (cond) {
          parse_condition(file, cond, r);
          r.has_condition = true;
          if (r.type == CorrelationType::TemporalOrdered)
            bad(file, cond, "temporal_ordered takes no condition (all its rules, in order)");
        } else {
          r.condition.min = static_cast<std::int64_t>(r.rules.size());
        }
        break;
      case CorrelationType::FirstSeen:
        if (cond) bad(file, cond, "first_seen takes no condition");
        break;
    }
    if (YAML::Node rg = doc["rootguard"]) parse_rootguard(file, rg, r);
    if (r.info.id.empty()) r.info.id = !r.info.uuid.empty() ? r.info.uuid : r.name;
    if (r.info.id.empty()) {  // like rules: named after the file
      std::string_view f = file;
      if (auto slash = f.find_last_of("/:"); slash != std::string_view::npos) f.remove_prefix(slash + 1);
      if (auto dot = f.rfind('.'); dot != std::string_view::npos) f = f.substr(0, dot);
      r.info.id = std::string(f);
    }
    return r;
  } catch (const Bad& b) {
    return b.error;
  } catch (const std::exception& e) {
    return make_error(ErrorKind::Invalid, file, std::string("correlation rule: ") + e.what());
  }
}

}  // namespace rg::sigma
