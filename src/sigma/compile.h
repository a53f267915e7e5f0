// CompiledRule: a Rule turned into a matcher over a simdjson DOM record.
//
// Stage 2 of 2 (YAML -> Rule -> CompiledRule). compile_rule() resolves condition names and
// quantifiers, lower-cases needles, splits field paths, compiles regexes and parses CIDRs,
// so evaluating a rule allocates nothing. It also derives the
// rule's prefilter literals (see prefilter_literals below). A CompiledRule is immutable and
// may be evaluated from many threads at once.
//
// Matching semantics (Sigma, with rootguard's precisions, see docs/rules.md):
//  - A dotted field path walks objects; where a step meets an array, any element may match.
//  - Strings compare without regard to ASCII case unless `|cased`; `*` and `?` are wildcards
//    in plain values (`\*`, `\?`, `\\` escape them). A rule string matches JSON strings, and
//    the decimal text of JSON integers and `true`/`false`.
//  - A rule number matches a JSON number of equal value and a string holding that number.
//  - A rule boolean matches JSON true/false and the strings "true"/"false" (any case).
//  - null matches an absent field or JSON null; `|exists: true` means present (even if null).
//  - `|fieldref` compares with another field of the same event (with contains, startswith,
//    endswith and cased as for a value); where a path reaches several values, any pair.
//  - Lists are OR (AND with `|all`); the items of a mapping are AND; keywords (values with no
//    field) match when any string or integer anywhere in the record contains them.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/result.h"
#include "sigma/literal.h"
#include "sigma/rule.h"

namespace re2 {
class RE2;
}

namespace rg::sigma {

// A string value with its wildcards, compiled.
struct StrPattern {
  enum class Kind { Equals, Prefix, Suffix, Contains, Glob };
  Kind kind = Kind::Equals;
  std::string needle;          // Equals/Prefix/Suffix/Contains; lower-case unless cased
  std::string glob;            // Glob: the pattern bytes
  std::vector<std::uint8_t> wild;  // Glob: per byte, 0 literal, 1 '?', 2 '*'
  bool cased = false;

  bool matches(std::string_view s) const;
};

struct Cidr {
  int family = 0;                      // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> addr{};
  int prefix = 0;
  bool contains(std::string_view ip) const;
};

struct ValueTest {
  enum class Op { Str, Num, Bool, Null, Exists, Regex, Cidr, Gt, Gte, Lt, Lte, FieldRef };
  Op op = Op::Str;
  StrPattern str;
  double num = 0;
  bool flag = false;                          // Bool value, or Exists true/false
  std::shared_ptr<const re2::RE2> regex;       // RE2 (linear time), thread-safe to match
  std::string regex_text;                     // Regex: as written, and its flags (i, m, s)
  std::string regex_flags;
  Cidr cidr;
  // FieldRef (`field|fieldref: other.field`): the field's value compared with the other
  // field's in the same event, as text; str.kind says how (Equals, Prefix: the field starts
  // with the other's value, Suffix, Contains) and str.cased whether case counts. Absent or
  // non-scalar on either side: no match.
  std::vector<std::string> ref_path;
};

struct FieldTest {
  std::vector<std::string> path;  // empty: keyword search over the whole record
  bool all = false;               // every value must match (else any)
  // `|neq`: the field has a value (not absent, not null) and no value it reaches equals any of
  // `values` (a referenced field, with `|fieldref`, must have one too).
  bool neq = false;
  std::vector<ValueTest> values;
};

struct CompiledDetection {
  std::string name;
  std::vector<std::vector<FieldTest>> alternatives;  // OR of AND-groups
};

struct CondNode {
  enum class Kind { And, Or, Not, Detection };
  Kind kind = Kind::Detection;
  std::uint32_t detection = 0;
  std::vector<CondNode> kids;
};

// The fields RuleSet::match dispatches on, in the order a rule is tried on them: eventName,
// eventSource, userIdentity.type.
inline constexpr std::size_t kDispatchFields = 3;
const std::array<std::vector<std::string>, kDispatchFields>& dispatch_fields();
inline constexpr std::size_t kMaxDispatchValue = 128;  // longer values are not indexed

// A rule's entry in that index: one of dispatch_fields() whose value, in every event the
// rule's own condition matches (its filters aside), is either a string equal, without regard
// to ASCII case, to one of `values`, or not a string (a number's text or an array's element
// may match). match() then skips, after one lookup per field, the rules an event cannot match.
struct Dispatch {
  std::uint32_t field = 0;           // index in dispatch_fields()
  std::vector<std::string> values;   // lower case, sorted, unique; each at most kMaxDispatchValue bytes
};

// Field f of dispatch_fields() in `event` as the matcher reaches it: absent (or a scalar on
// the way), a string (`text`, as decoded), or anything else (a number or boolean, which a
// rule's string matches as text, or an array on the way or at the end, whose elements may
// match): then every rule indexed on the field may match.
enum class DispatchValue { Absent, String, Other };
DispatchValue dispatch_value(simdjson::dom::element event, std::size_t f, std::string_view& text);
// Whether a rule indexed with `d` may match `event` (what RuleSet::match's index answers).
bool dispatch_allows(const Dispatch& d, simdjson::dom::element event);

struct CompiledRule {
  RuleInfo info;
  std::vector<CompiledDetection> detections;
  CondNode condition;
  std::vector<std::pair<CondNode, Severity>> levels;   // rootguard.levels, in order
  std::optional<Severity> severity_when_failed;
  // Prefilter literals: one of them holds for every record this rule matches. nullopt when
  // the rule offers none (then the prefilter must pass everything).
  std::optional<Literals> literals;
  // Where match() indexes the rule; nullopt: it is evaluated on every event.
  std::optional<Dispatch> dispatch;

  bool matches(simdjson::dom::element event) const;
  // The severity a match on `event` is reported with: severity_when_failed when the call
  // failed, else the first rootguard.levels entry that holds, else the rule's level.
  Severity severity_for(simdjson::dom::element event) const;
};

// Errors name file:line:col (from the Rule's marks): unknown condition identifier, bad
// regex, bad CIDR, modifiers that do not combine, values of the wrong type.
Result<CompiledRule> compile_rule(const Rule& rule);

// ANDs a Sigma filter (compiled from a Rule with `filter`) into `rule`: the filter's
// detections are appended, named "<filter id>/<name>", and the rule's condition becomes
// And(its own, filter 1, filter 2, ...), in the order they are added, each filter's id going
// to info.filters. The prefilter literals stay the rule's own (a filter only narrows what the
// rule matches, so they still hold, and every event the rule alone would match is parsed, for
// unfiltered_match below). Severity overrides are left as they are.
void add_filter(CompiledRule& rule, const CompiledRule& filter);

// For a filtered rule that does not match `event`: true when its own condition holds and a
// filter took the event out; `failed` is then that filter's place in info.filters (the first
// whose condition fails). False for an unfiltered rule.
bool unfiltered_match(const CompiledRule& rule, simdjson::dom::element event, std::size_t& failed);

// The first value at a dotted field path as text (strings as they are, numbers as written,
// true/false), walking arrays like the matcher does; "" when absent or null. For correlation
// group-by keys.
std::string field_text(simdjson::dom::element event, const std::vector<std::string>& path);

// Exposed for tests.
bool eval_condition(const CompiledRule& rule, const CondNode& node, simdjson::dom::element event);
// True when the record reports a failed call: errorCode or errorMessage present (not null),
// or responseElements.<eventName> == "Failure" (sign-in events).
bool event_failed(simdjson::dom::element event);
// Literal safe for a byte prefilter on raw JSON: printable ASCII without '"', '\\' or '/'.
bool literal_char_safe(unsigned char c);

}  // namespace rg::sigma
