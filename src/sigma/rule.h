// Rule: one Sigma rule as written, after YAML parsing and before compilation.
//
// Stage 1 of 2 (YAML -> Rule -> CompiledRule, see compile.h). parse_rule() checks the
// shape (types, known modifiers, logsource) and records the YAML position of everything
// it keeps, so the compile stage can report "file:line:col: what" too. It does not resolve
// condition identifiers, build regexes or parse CIDRs: that is compile's job.
// yaml-cpp exceptions never leave this file's functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/severity.h"
#include "sigma/ruleset.h"

namespace YAML {
class Node;
}

namespace rg::sigma {

// A position in a rule file, 1-based (0 = unknown).
struct Mark {
  int line = 0;
  int col = 0;
};

// "file:line:col" (or "file" when the mark is unknown).
std::string where(std::string_view file, Mark m);

// One value of a detection item, with its YAML type.
struct Value {
  enum class Type { String, Number, Bool, Null };
  Type type = Type::String;
  std::string text;      // as written (strings: without quotes)
  double number = 0;     // Number
  bool is_integer = false;
  bool boolean = false;  // Bool
  Mark mark;
};

// `field|mod1|mod2: value(s)`. An empty field means a keyword (field-less) search.
struct DetectionItem {
  std::string field;
  std::vector<std::string> modifiers;
  std::vector<Value> values;  // a YAML list is several values (OR, or AND with `all`)
  Mark mark;
};

// A named detection entry (`selection: ...`): alternatives (OR) of item groups (AND).
struct Detection {
  std::string name;
  std::vector<std::vector<DetectionItem>> alternatives;
  Mark mark;
};

// A severity override: when `condition` (over the rule's detection names) holds, the
// match is reported with `level` instead of the rule's level. First one that holds wins.
struct LevelOverride {
  std::string condition;
  Mark mark;
  Severity level = Severity::Medium;
};

struct Rule {
  RuleInfo info;                         // id, title, description, file, tags, tests, ...
  bool has_level = false;                // `level` was present and valid
  std::string level_text;                // `level` as written ("" when absent)
  std::string status;
  std::string author;
  std::string date;
  std::string logsource_product, logsource_service;
  std::vector<Detection> detections;
  std::vector<std::string> conditions;   // several conditions are ORed
  std::vector<Mark> condition_marks;
  bool condition_single_line = true;     // offsets in the text map to columns
  std::vector<LevelOverride> levels;     // rootguard.levels
  std::optional<Severity> severity_when_failed;
  bool has_rootguard_block = false;
  bool has_title = false;                // `title` was present (else title falls back to the id)
  Mark id_mark, level_mark, logsource_mark;
  // A Sigma filter (a top-level `filter:` where a rule has `detection:`): its detections and
  // condition (`filter:` less its `rules` key) are ANDed into the condition of each rule it
  // names, by id, Sigma id or name; filter_all (`rules: any`, `all` or an empty list) names
  // every rule. A filter has no level of its own; its examples (rootguard.tests.kept and
  // left_out) are in info.tests, must_match meaning kept.
  bool filter = false;
  bool filter_all = false;
  std::vector<std::string> filter_rules;
  Mark filter_mark;
};

// True when the logsource is product aws, service cloudtrail (any case). A filter may leave
// either out (it then applies to every rule of the product, or of the service).
bool logsource_supported(const Rule& r);

// Parses one rule file's text. Neither the logsource nor the level is judged here (the
// loader refuses what it cannot run; `rules lint` reports each as its own concern). `file` names it in errors ("builtin:D01_x.yml" or a path).
// Errors are ErrorKind::Corrupt (not YAML), Invalid (wrong shape) or Unsupported (a Sigma
// feature rootguard does not implement, named in the message).
// A text from a user is first walked once to count its documents (yaml-cpp can loop forever on
// some malformed streams); `trusted` (the built-in rules, one document each, checked by the
// suite) skips that walk, which costs as much as the parse itself.
Result<Rule> parse_rule(std::string_view text, std::string_view file, bool trusted = false);

// The same from a built-in document's prebuilt tree (sigma/yaml_tree.h): no YAML to scan, and
// no positions (marks stay 0).
Result<Rule> parse_rule_tree(std::string_view tree, std::string_view file);

// A test event written in YAML (a mapping, or a JSON string) as one line of JSON text.
Result<std::string> yaml_event_json(std::string_view file, const YAML::Node& event);

// Replaces the values of every `|expand` item ("%name%") with the configured values of that
// placeholder (Sigma placeholders) and drops the modifier. A placeholder with no values
// leaves the item with none, so it matches nothing (`not` of it matches everything).
// Returns the placeholder names that had no values.
std::vector<std::string> expand_placeholders(Rule& r, const Placeholders& values);

// Splits a multi-document YAML file (`---` lines) into its documents, each padded with
// empty lines so that line numbers in errors still point into the file.
std::vector<std::string> split_documents(std::string_view text);

// Supported modifiers, and those Sigma defines that rootguard refuses by name.
bool is_supported_modifier(std::string_view m);
bool is_known_unsupported_modifier(std::string_view m);

}  // namespace rg::sigma
