#include "sigma/rule.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>

#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "core/strings.h"
#include "core/yaml_error.h"
#include "sigma/yaml_tree.h"

namespace rg::sigma {

std::string where(std::string_view file, Mark m) {
  std::string out(file);
  if (m.line > 0) {
    out += ':';
    out += std::to_string(m.line);
    if (m.col > 0) {
      out += ':';
      out += std::to_string(m.col);
    }
  }
  return out;
}

namespace {

constexpr std::string_view kSupported[] = {"contains", "startswith", "endswith", "all", "re",  "i",  "m",      "s",
                                           "cidr",     "exists",     "cased",    "gt",  "gte", "lt", "lte", "expand",
                                           "fieldref", "neq"};
constexpr std::string_view kKnownUnsupported[] = {
    "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "windash",
    "minute", "hour",    "day",     "week",  "month", "year"};
constexpr std::size_t kMaxEventJson = 1 << 20;  // a test event larger than this is refused
constexpr int kMaxNesting = 64;

Mark mark_of(const YAML::Node& n) {
  YAML::Mark m = n.Mark();
  if (m.is_null()) return {};
  return Mark{m.line + 1, m.column + 1};
}

struct Fail {
  Error error;
};

// Parsing helpers throw Fail (caught in parse_rule, never escapes this file).
[[noreturn]] void fail(ErrorKind kind, std::string_view file, const YAML::Node& at, std::string what) {
  throw Fail{Error{kind, where(file, mark_of(at)), std::move(what)}};
}

bool is_quoted(const YAML::Node& n) { return n.Tag() == "!"; }

bool is_yaml_null(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

std::optional<bool> yaml_bool(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

// YAML 1.2 core schema: [-+]?[0-9]+
bool yaml_int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty() || s.size() > 30) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// YAML 1.2 core schema: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool yaml_float(std::string_view s) {
  auto digits = [&](std::size_t& i) {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (s.size() > 60) return false;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t mant = digits(i);
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t frac = digits(i);
    if (mant == 0 && frac == 0) return false;
  } else if (mant == 0) {
    return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits(i) == 0) return false;
  }
  return i == s.size();
}

// A YAML scalar as a typed Sigma value (YAML 1.2 core schema for plain scalars).
Value to_value(const YAML::Node& n) {
  Value v;
  v.mark = mark_of(n);
  if (n.IsNull()) {
    v.type = Value::Type::Null;
    return v;
  }
  v.text = n.Scalar();
  if (is_quoted(n)) return v;
  if (is_yaml_null(v.text)) {
    v.type = Value::Type::Null;
  } else if (auto b = yaml_bool(v.text)) {
    v.type = Value::Type::Bool;
    v.boolean = *b;
  } else if (yaml_int(v.text) || yaml_float(v.text)) {
    v.type = Value::Type::Number;
    v.is_integer = yaml_int(v.text);
    v.number = std::strtod(std::string(v.text).c_str(), nullptr);
  }
  return v;
}

std::string scalar(std::string_view file, const YAML::Node& n, std::string_view what) {
  if (!n.IsScalar()) fail(ErrorKind::Invalid, file, n, std::string(what) + " must be a string");
  return n.Scalar();
}

std::vector<std::string> string_list(std::string_view file, const YAML::Node& n, std::string_view what) {
  std::vector<std::string> out;
  if (!n || n.IsNull()) return out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return out;
  }
  if (!n.IsSequence()) fail(ErrorKind::Invalid, file, n, std::string(what) + " must be a list of strings");
  for (const YAML::Node& e : n) out.push_back(scalar(file, e, what));
  return out;
}

// YAML (as written in a rule's test) -> JSON text. Plain scalars keep their YAML type.
void to_json(std::string_view file, const YAML::Node& n, std::string& out, int depth) {
  if (depth > kMaxNesting) fail(ErrorKind::Invalid, file, n, "test event nested too deeply");
  if (out.size() > kMaxEventJson) fail(ErrorKind::Invalid, file, n, "test event too large");
  if (n.IsMap()) {
    out += '{';
    bool first = true;
    for (const auto& kv : n) {
      if (!first) out += ',';
      first = false;
      out += '"' + json_escape(scalar(file, kv.first, "an event key")) + "\":";
      to_json(file, kv.second, out, depth + 1);
    }
    out += '}';
  } else if (n.IsSequence()) {
    out += '[';
    bool first = true;
    for (const YAML::Node& e : n) {
      if (!first) out += ',';
      first = false;
      to_json(file, e, out, depth + 1);
    }
    out += ']';
  } else {
    Value v = to_value(n);
    switch (v.type) {
      case Value::Type::Null: out += "null"; break;
      case Value::Type::Bool: out += v.boolean ? "true" : "false"; break;
      case Value::Type::Number:
        if (std::isfinite(v.number)) {
          out += v.text[0] == '+' ? v.text.substr(1) : v.text;
          break;
        }
        [[fallthrough]];
      case Value::Type::String: out += '"' + json_escape(v.text) + '"'; break;
    }
  }
}

// The test events under rootguard.tests.<key> (match/no_match; a filter's kept/left_out).
void parse_tests(std::string_view file, const YAML::Node& n, std::string_view key, bool must_match,
                 std::vector<RuleTest>& out) {
  if (!n || n.IsNull()) return;
  if (!n.IsSequence()) fail(ErrorKind::Invalid, file, n, "rootguard.tests." + std::string(key) + " must be a list");
  int k = 0;
  for (const YAML::Node& t : n) {
    ++k;
    RuleTest test;
    test.must_match = must_match;
    test.name = std::string(key) + " #" + std::to_string(k);
    // (No assignment between yaml-cpp nodes: it would write through to the document.)
    const bool wrapped = t.IsMap() && t["event"];
    const YAML::Node event = wrapped ? t["event"] : t;
    if (wrapped) {
      if (t["name"]) test.name = scalar(file, t["name"], "test name");
      if (t["severity"]) {
        auto s = parse_severity(scalar(file, t["severity"], "test severity"));
        if (!s) fail(ErrorKind::Invalid, file, t["severity"], "invalid test severity '" + t["severity"].Scalar() + "'");
        test.severity = s;
      }
    }
    if (event.IsScalar()) {
      test.event_json = event.Scalar();  // JSON text, verbatim
    } else if (event.IsMap()) {
      to_json(file, event, test.event_json, 0);
    } else {
      fail(ErrorKind::Invalid, file, event, "a test event must be a mapping or a JSON string");
    }
    out.push_back(std::move(test));
  }
}

void parse_rootguard(std::string_view file, const YAML::Node& rg, Rule& r) {
  if (!rg.IsMap()) fail(ErrorKind::Invalid, file, rg, "'rootguard' must be a mapping");
  r.has_rootguard_block = true;
  if (rg["id"]) r.info.id = scalar(file, rg["id"], "rootguard.id");
  if (rg["practice"]) r.info.practice = scalar(file, rg["practice"], "rootguard.practice");
  if (rg["next_step"]) r.info.next_step = scalar(file, rg["next_step"], "rootguard.next_step");
  r.info.supersedes = string_list(file, rg["supersedes"], "rootguard.supersedes");
  if (YAML::Node s = rg["severity_when_failed"]) {
    auto sev = parse_severity(scalar(file, s, "rootguard.severity_when_failed"));
    if (!sev) fail(ErrorKind::Invalid, file, s, "invalid severity_when_failed '" + s.Scalar() + "'");
    r.severity_when_failed = sev;
  }
  if (YAML::Node lv = rg["levels"]) {
    if (!lv.IsSequence()) fail(ErrorKind::Invalid, file, lv, "rootguard.levels must be a list of {when, level}");
    for (const YAML::Node& e : lv) {
      if (!e.IsMap() || !e["when"] || !e["level"])
        fail(ErrorKind::Invalid, file, e, "rootguard.levels entries need 'when' and 'level'");
      LevelOverride o;
      o.condition = scalar(file, e["when"], "levels.when");
      o.mark = mark_of(e["when"]);
      auto sev = parse_severity(scalar(file, e["level"], "levels.level"));
      if (!sev) fail(ErrorKind::Invalid, file, e["level"], "invalid level '" + e["level"].Scalar() + "'");
      o.level = *sev;
      r.levels.push_back(std::move(o));
    }
  }
  if (YAML::Node t = rg["tests"]) {
    if (!t.IsMap()) fail(ErrorKind::Invalid, file, t, "rootguard.tests must be a mapping with match/no_match");
    parse_tests(file, t["match"], "match", true, r.info.tests);
    parse_tests(file, t["no_match"], "no_match", false, r.info.tests);
  }
}

DetectionItem parse_item(std::string_view file, const YAML::Node& key, const YAML::Node& val) {
  DetectionItem item;
  item.mark = mark_of(key);
  std::vector<std::string> parts = split(scalar(file, key, "a field name"), '|');
  item.field = parts.empty() ? std::string() : parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::string m = to_lower(parts[i]);
    if (is_known_unsupported_modifier(m))
      fail(ErrorKind::Unsupported, file, key, "unsupported: modifier '" + m + "'");
    if (!is_supported_modifier(m)) fail(ErrorKind::Invalid, file, key, "unknown modifier '" + parts[i] + "'");
    item.modifiers.push_back(std::move(m));
  }
  if (!val || val.IsNull()) {
    item.values.push_back(to_value(val ? val : key));
    item.values.back().type = Value::Type::Null;
  } else if (val.IsScalar()) {
    item.values.push_back(to_value(val));
  } else if (val.IsSequence()) {
    for (const YAML::Node& e : val) {
      if (!(e.IsScalar() || e.IsNull()))
        fail(ErrorKind::Invalid, file, e, "values of '" + item.field + "' must be scalars");
      item.values.push_back(to_value(e));
    }
    if (item.values.empty()) fail(ErrorKind::Invalid, file, val, "empty value list for '" + item.field + "'");
  } else {
    fail(ErrorKind::Invalid, file, val, "value of '" + item.field + "' must be a scalar or a list");
  }
  return item;
}

std::vector<DetectionItem> parse_map(std::string_view file, const YAML::Node& m) {
  std::vector<DetectionItem> items;
  for (const auto& kv : m) items.push_back(parse_item(file, kv.first, kv.second));
  if (items.empty()) fail(ErrorKind::Invalid, file, m, "empty detection mapping");
  return items;
}

// `detection:`, or a filter's `filter:` (whose `rules` key names the rules it applies to).
void parse_detection(std::string_view file, const YAML::Node& det, Rule& r, std::string_view section = "detection") {
  if (!det || !det.IsMap())
    fail(ErrorKind::Invalid, file, det ? det : YAML::Node(), "missing or invalid '" + std::string(section) + "'");
  for (const auto& kv : det) {
    std::string name = scalar(file, kv.first, "a detection name");
    const YAML::Node& v = kv.second;
    if (r.filter && name == "rules") continue;
    if (name == "condition") {
      if (v.IsSequence()) {
        for (const YAML::Node& c : v) {
          r.conditions.push_back(scalar(file, c, "condition"));
          r.condition_marks.push_back(mark_of(c));
        }
      } else {
        r.conditions.push_back(scalar(file, v, "condition"));
        r.condition_marks.push_back(mark_of(v));
      }
      for (std::size_t i = 0; i < r.conditions.size(); ++i) {
        if (r.conditions[i].find('\n') != std::string::npos) r.condition_single_line = false;
      }
      // Block scalars (| or >) start on the next line: offsets don't map to columns.
      if (v.IsScalar() && v.Tag() == "!" && mark_of(v).line != mark_of(kv.first).line) r.condition_single_line = false;
      continue;
    }
    if (name == "timeframe") fail(ErrorKind::Unsupported, file, kv.first, "unsupported: 'timeframe' (aggregation)");
    Detection d;
    d.name = name;
    d.mark = mark_of(kv.first);
    if (v.IsMap()) {
      d.alternatives.push_back(parse_map(file, v));
    } else if (v.IsSequence()) {
      DetectionItem keywords;
      keywords.mark = mark_of(v);
      for (const YAML::Node& e : v) {
        if (e.IsMap()) {
          d.alternatives.push_back(parse_map(file, e));
        } else if (e.IsScalar()) {
          keywords.values.push_back(to_value(e));
        } else {
          fail(ErrorKind::Invalid, file, e, "detection '" + name + "': list entries must be mappings or keywords");
        }
      }
      if (!keywords.values.empty()) d.alternatives.push_back({std::move(keywords)});
      if (d.alternatives.empty()) fail(ErrorKind::Invalid, file, v, "detection '" + name + "' is empty");
    } else if (v.IsScalar()) {
      DetectionItem keywords;
      keywords.mark = mark_of(v);
      keywords.values.push_back(to_value(v));
      d.alternatives.push_back({std::move(keywords)});
    } else {
      fail(ErrorKind::Invalid, file, kv.first, "detection '" + name + "' is empty");
    }
    r.detections.push_back(std::move(d));
  }
  if (r.conditions.empty()) fail(ErrorKind::Invalid, file, det, std::string(section) + " has no 'condition'");
}

// A filter's `rules`: ids or names, one or a list; `any`, `all` or an empty list for every rule.
void parse_filter_rules(std::string_view file, const YAML::Node& filter, Rule& r) {
  const YAML::Node rules = filter["rules"];
  if (!rules) fail(ErrorKind::Invalid, file, filter, "filter has no 'rules' (rule ids or names, or 'any')");
  if (rules.IsScalar() && (iequals(rules.Scalar(), "any") || iequals(rules.Scalar(), "all"))) {
    r.filter_all = true;
    return;
  }
  r.filter_rules = string_list(file, rules, "filter.rules");
  if (r.filter_rules.empty()) r.filter_all = true;
  for (const std::string& ref : r.filter_rules)
    if (ref.empty()) fail(ErrorKind::Invalid, file, rules, "filter.rules holds an empty rule reference");
}

Rule parse_document(std::string_view file, const YAML::Node& doc) {
  Rule r;
  r.info.file = std::string(file);
  r.info.builtin = file.starts_with("builtin:");
  if (!doc.IsMap()) fail(ErrorKind::Invalid, file, doc, "a rule must be a YAML mapping");
  if (doc["correlation"]) fail(ErrorKind::Invalid, file, doc["correlation"], "a correlation rule cannot also have a detection");
  if (doc["filter"] && doc["detection"]) fail(ErrorKind::Invalid, file, doc["filter"], "a Sigma filter cannot also have a detection");
  r.filter = static_cast<bool>(doc["filter"]);
  if (doc["action"]) fail(ErrorKind::Unsupported, file, doc["action"], "unsupported: rule collection 'action'");

  if (doc["title"]) r.info.title = scalar(file, doc["title"], "title");
  if (doc["name"]) r.info.name = scalar(file, doc["name"], "name");
  if (doc["id"]) {
    r.info.uuid = scalar(file, doc["id"], "id");
    r.id_mark = mark_of(doc["id"]);
  }
  if (doc["description"]) r.info.description = scalar(file, doc["description"], "description");
  if (doc["status"]) r.status = scalar(file, doc["status"], "status");
  if (doc["author"]) r.author = scalar(file, doc["author"], "author");
  if (doc["date"]) r.date = scalar(file, doc["date"], "date");
  r.info.references = string_list(file, doc["references"], "references");
  r.info.tags = string_list(file, doc["tags"], "tags");
  if (YAML::Node lv = doc["level"]) {
    r.level_mark = mark_of(lv);
    r.level_text = scalar(file, lv, "level");
    if (auto sev = parse_severity(r.level_text)) {
      r.info.severity = *sev;
      r.has_level = true;
    }
  }

  YAML::Node ls = doc["logsource"];
  if (!ls || !ls.IsMap()) fail(ErrorKind::Invalid, file, ls ? ls : doc, "missing or invalid 'logsource'");
  r.logsource_mark = mark_of(ls);
  if (ls["product"]) r.logsource_product = scalar(file, ls["product"], "logsource.product");
  if (ls["service"]) r.logsource_service = scalar(file, ls["service"], "logsource.service");

  if (r.filter) {
    const YAML::Node f = doc["filter"];
    r.filter_mark = mark_of(f);
    if (!f.IsMap()) fail(ErrorKind::Invalid, file, f, "'filter' must be a mapping (rules, selections, condition)");
    parse_filter_rules(file, f, r);
    parse_detection(file, f, r, "filter");
    if (r.conditions.size() != 1) fail(ErrorKind::Invalid, file, f["condition"], "a filter has exactly one condition");
    if (YAML::Node rg = doc["rootguard"]) {  // a filter's own examples, and nothing else
      if (!rg.IsMap()) fail(ErrorKind::Invalid, file, rg, "'rootguard' must be a mapping");
      for (const auto& kv : rg)
        if (kv.first.Scalar() != "tests")
          fail(ErrorKind::Unsupported, file, kv.first, "unsupported: rootguard." + kv.first.Scalar() + " in a filter (only tests)");
      const YAML::Node t = rg["tests"];
      if (!t.IsMap() || t["match"] || t["no_match"])
        fail(ErrorKind::Invalid, file, t, "a filter's rootguard.tests is a mapping with kept/left_out");
      parse_tests(file, t["kept"], "kept", true, r.info.tests);
      parse_tests(file, t["left_out"], "left_out", false, r.info.tests);
    }
  } else {
    parse_detection(file, doc["detection"], r);
    if (YAML::Node rg = doc["rootguard"]) parse_rootguard(file, rg, r);
  }
  r.info.severity_when_failed = r.severity_when_failed;
  for (const LevelOverride& o : r.levels) r.info.severity_levels.emplace_back(o.condition, o.level);
  r.info.conditions = r.conditions;
  if (r.info.id.empty()) r.info.id = r.info.uuid;
  if (r.info.id.empty()) {
    // No id at all: name the rule after its file, so it can still be listed and tested.
    std::string_view f = file;
    if (auto slash = f.find_last_of("/:"); slash != std::string_view::npos) f.remove_prefix(slash + 1);
    if (auto dot = f.rfind('.'); dot != std::string_view::npos) f = f.substr(0, dot);
    r.info.id = std::string(f);
  }
  r.has_title = !r.info.title.empty();
  if (r.info.title.empty()) r.info.title = r.info.id;
  return r;
}

// Counts the non-empty documents of a YAML stream and notices when the parser is stuck.
struct DocCounter : YAML::EventHandler {
  int documents = 0;
  bool stuck = false;
  bool content = false;
  int depth = 0;
  std::size_t last_pos = static_cast<std::size_t>(-1);
  Mark last, second;

  void OnDocumentStart(const YAML::Mark& m) override {
    const std::size_t pos = static_cast<std::size_t>(m.pos);
    if (pos == last_pos) stuck = true;
    last_pos = pos;
    last = Mark{m.line + 1, m.column + 1};
    content = false;
  }
  void OnDocumentEnd() override {
    if (content && ++documents == 2) second = last;
  }
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {
    if (depth > 0) content = true;
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { content = true; }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { content = true; }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    content = true;
    ++depth;
  }
  void OnSequenceEnd() override { --depth; }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    content = true;
    ++depth;
  }
  void OnMapEnd() override { --depth; }
};

}  // namespace

bool logsource_supported(const Rule& r) {
  if (r.filter)
    return (r.logsource_product.empty() || iequals(r.logsource_product, "aws")) &&
           (r.logsource_service.empty() || iequals(r.logsource_service, "cloudtrail")) &&
           !(r.logsource_product.empty() && r.logsource_service.empty());
  return iequals(r.logsource_product, "aws") && iequals(r.logsource_service, "cloudtrail");
}

bool is_supported_modifier(std::string_view m) {
  for (std::string_view s : kSupported)
    if (s == m) return true;
  return false;
}
bool is_known_unsupported_modifier(std::string_view m) {
  for (std::string_view s : kKnownUnsupported)
    if (s == m) return true;
  return false;
}

Result<Rule> parse_rule(std::string_view text, std::string_view file, bool trusted) {
  try {
    std::string owned(text);
    if (!trusted) {
      // Count the documents first: yaml-cpp's LoadAll never ends on some malformed inputs
      // (it keeps returning empty documents without consuming anything), so the loop is
      // ours, stops when the parser makes no progress, and only then is the rule loaded.
      std::stringstream in(owned);
      YAML::Parser parser(in);
      DocCounter counter;
      int calls = 0;
      while (parser.HandleNextDocument(counter)) {
        if (++calls > 16 || counter.stuck)
          return Error{ErrorKind::Corrupt, where(file, counter.last), "invalid YAML: the parser cannot advance"};
      }
      if (counter.documents == 0) return Error{ErrorKind::Invalid, std::string(file), "empty rule file"};
      if (counter.documents > 1)
        return Error{ErrorKind::Unsupported, where(file, counter.second),
                     "several YAML documents in one rule (split the file at its '---' lines)"};
    }
    YAML::Node doc = YAML::Load(owned);
    if (!doc || doc.IsNull()) return Error{ErrorKind::Invalid, std::string(file), "empty rule file"};
    return parse_document(file, doc);
  } catch (const Fail& f) {
    return f.error;
  } catch (const YAML::Exception& e) {
    Mark m = e.mark.is_null() ? Mark{} : Mark{e.mark.line + 1, e.mark.column + 1};
    return Error{ErrorKind::Corrupt, where(file, m), yaml_error_text(e)};
  } catch (const std::exception& e) {
    return Error{ErrorKind::Invalid, std::string(file), std::string("cannot read rule: ") + e.what()};
  }
}

Result<Rule> parse_rule_tree(std::string_view tree, std::string_view file) {
  try {
    Result<YAML::Node> doc = decode_yaml_tree(tree, file);
    if (!doc) return doc.take_error();
    return parse_document(file, *doc);
  } catch (const Fail& f) {
    return f.error;
  } catch (const std::exception& e) {
    return Error{ErrorKind::Invalid, std::string(file), std::string("cannot read rule: ") + e.what()};
  }
}

Result<std::string> yaml_event_json(std::string_view file, const YAML::Node& event) {
  try {
    if (event.IsScalar()) return event.Scalar();
    if (!event.IsMap()) fail(ErrorKind::Invalid, file, event, "a test event must be a mapping or a JSON string");
    std::string out;
    to_json(file, event, out, 0);
    return out;
  } catch (const Fail& f) {
    return f.error;
  } catch (const std::exception& e) {
    return Error{ErrorKind::Invalid, std::string(file), std::string("test event: ") + e.what()};
  }
}

std::vector<std::string> expand_placeholders(Rule& r, const Placeholders& values) {
  std::vector<std::string> unset;
  for (Detection& d : r.detections)
    for (auto& group : d.alternatives)
      for (DetectionItem& item : group) {
        auto it = std::find(item.modifiers.begin(), item.modifiers.end(), "expand");
        if (it == item.modifiers.end()) continue;
        item.modifiers.erase(it);
        std::vector<Value> out;
        for (const Value& v : item.values) {
          if (v.type != Value::Type::String || v.text.size() < 3 || v.text.front() != '%' || v.text.back() != '%') {
            out.push_back(v);
            continue;
          }
          const std::string name = v.text.substr(1, v.text.size() - 2);
          auto found = values.find(name);
          if (found == values.end() || found->second.empty()) {
            if (std::find(unset.begin(), unset.end(), name) == unset.end()) unset.push_back(name);
            continue;
          }
          for (const std::string& text : found->second) {
            Value e;
            e.text = text;
            e.mark = v.mark;
            out.push_back(std::move(e));
          }
        }
        item.values = std::move(out);
      }
  return unset;
}

std::vector<std::string> split_documents(std::string_view text) {
  std::vector<std::string> docs;
  std::string cur;
  int line = 0, start = 0;
  auto flush = [&] {
    bool blank = cur.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!blank) docs.push_back(std::string(static_cast<std::size_t>(start), '\n') + cur);
    cur.clear();
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view ln = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (nl == std::string_view::npos && ln.empty()) break;
    std::string_view t = ln;
    while (!t.empty() && (t.back() == '\r' || t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (t == "---" || t.starts_with("--- #")) {
      flush();
      start = line + 1;
    } else if (t == "...") {
      cur.push_back('\n');  // end-of-document marker: keep the line count
    } else {
      cur.append(ln);
      cur.push_back('\n');
    }
    ++line;
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  flush();
  if (docs.empty()) docs.emplace_back(text);
  return docs;
}

}  // namespace rg::sigma
