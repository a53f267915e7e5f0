// RuleSet: the loaded, compiled detection rules, and the one call the scan engine makes.
//
// Rules are Sigma YAML (logsource product aws, service cloudtrail). Built-in rules come from
// the binary (sigma/builtin.h); users add directories with --rules. Loading reports every
// bad rule to Diagnostics (file:line:col: what) and keeps the good ones. A RuleSet is
// immutable after loading (but for the Sigma filters' atomic counts) and safe to share
// between threads; match() allocates nothing when given a reused output vector.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cloudtrail/event.h"
#include "core/diagnostics.h"
#include "core/severity.h"
#include "sigma/literal.h"

namespace rg::sigma {

// An example event shipped with a rule: it must (or must not) match.
struct RuleTest {
  std::string name;        // short label, for `rules test` output
  std::string event_json;  // one CloudTrail record (bare, no envelope)
  bool must_match = true;
  std::optional<Severity> severity;  // when set, the match must carry this severity
};

struct RuleInfo {
  std::string id;           // user-facing id: "D02" for built-ins; the Sigma id for others
  std::string uuid;         // Sigma `id` (may equal id for user rules)
  std::string name;         // Sigma `name` (optional; correlations may refer to it)
  std::string title;
  std::string description;  // for built-ins: includes the decision taken where sources disagree
  std::string file;         // where it was loaded from ("builtin:D02_root_console_login.yml" or a path)
  Severity severity = Severity::Medium;   // Sigma `level`
  std::string practice;     // the seed practice it protects (built-ins always have one)
  std::string next_step;    // what to do next (built-ins always have one)
  std::vector<std::string> tags;
  std::vector<std::string> references;
  std::vector<std::string> supersedes;    // ids this rule replaces when both match one event
  std::vector<RuleTest> tests;
  bool builtin = false;
  // How match() derives a match's severity (docs and `rules list`): severity_when_failed
  // applies to failed calls; else the first (condition, level) of severity_levels that holds.
  std::optional<Severity> severity_when_failed;
  std::vector<std::pair<std::string, Severity>> severity_levels;
  std::vector<std::string> conditions;   // the rule's detection condition(s), as written
  std::vector<std::string> filters;      // ids of the Sigma filters ANDed into it, in load order

  // True when `ref` names this rule: its id, Sigma id or `name`, the ways correlations and
  // filters refer to rules. And those names (the non-empty ones).
  bool answers_to(std::string_view ref) const { return !ref.empty() && (ref == id || ref == uuid || ref == name); }
  std::vector<std::string> refs() const {
    std::vector<std::string> out;
    for (const std::string* s : {&id, &uuid, &name})
      if (!s->empty()) out.push_back(*s);
    return out;
  }
};

// A Sigma filter as loaded: the rules whose condition it narrows (sigma/compile.h add_filter).
struct FilterInfo {
  std::string id;                     // its Sigma id, else its file's name
  std::string title;
  std::string file;
  std::string condition;              // as written
  std::vector<std::uint32_t> rules;   // indices of the rules it applies to
  // Its examples (rootguard.tests): must_match = kept (it lets the event through), else
  // left_out; either way some rule it names must match the event before filters.
  std::vector<RuleTest> tests;
};

// One rule matching one event; severity may differ from the rule's level (e.g. a failed
// attempt at tampering is reported one level lower).
struct Match {
  std::uint32_t rule = 0;   // index into the RuleSet
  Severity severity = Severity::Medium;
};

struct Correlation;   // sigma/correlation.h
struct CompiledRule;  // sigma/compile.h

// Separates the "field=value" parts of a correlation group key.
inline constexpr char kGroupSeparator = '\x1f';

// What a correlation counts: a rule, or (chained) another correlation.
struct SourceRef {
  bool correlation = false;
  std::uint32_t index = 0;  // into the rules, or into the correlations
  bool operator==(const SourceRef&) const = default;
};

class RuleSet {
 public:
  RuleSet();
  ~RuleSet();
  RuleSet(RuleSet&&) noexcept;
  RuleSet& operator=(RuleSet&&) noexcept;

  std::size_t size() const;
  const RuleInfo& info(std::size_t i) const;

  // Literals (sigma/literal.h) such that every event any loaded rule can match shows at
  // least one of them in its raw bytes; the set holds the plain "\u" too. nullopt when some
  // rule offers no literal: then the prefilter must let every record through.
  // False positives are fine; a false negative is a bug.
  const std::optional<Literals>& prefilter_literals() const;

  // Appends to `out` the rules that match `ev`, in rule order, with superseded ones removed
  // (when rules A and B both match and A supersedes B, directly or through a chain, only A
  // is reported). Each Match carries the severity for this event: the rule's
  // severity_when_failed when the call failed (errorCode/errorMessage present, or
  // responseElements.<eventName> == "Failure"), else its first matching severity_levels
  // entry, else its level.
  //
  // With `feed`, also appends every match (before supersedes and hidden rules are removed) of
  // the rules that correlations count, for the correlation engine (scan/correlate.h). Rules
  // referenced only by correlations with `generate: false` are not reported in `out`.
  //
  // Rules are looked up first by the event's eventName, eventSource or userIdentity.type
  // (CompiledRule::dispatch): only those it may match are evaluated.
  void match(const cloudtrail::EventView& ev, std::vector<Match>& out,
             std::vector<Match>* feed = nullptr) const;
  // With false, match() evaluates every rule on every event: the same answers, slower. For
  // tests and benchmarks; set before matching starts.
  void set_dispatch(bool on);

  // Rule i as compiled (for translators such as sigma/sql.h), and the rules that supersede it
  // (directly or through a chain).
  const CompiledRule& compiled(std::size_t i) const;
  std::vector<std::uint32_t> superseders(std::size_t i) const;

  // Sigma filters, in load order.
  std::size_t filter_count() const;
  const FilterInfo& filter(std::size_t f) const;
  // How many matches filter f has taken out of the rules it names in match() since loading
  // (events the rule alone matches and the filter does not let through; counted for the first
  // filter of a rule that fails). Counted from any thread; a running total.
  std::uint64_t filter_left_out(std::size_t f) const;

  // Correlation rules, resolved against the rules (see sigma/correlation.h).
  std::size_t correlation_count() const;
  const Correlation& correlation(std::size_t c) const;
  const std::vector<SourceRef>& correlation_sources(std::size_t c) const;  // in the order written
  // The correlations that count source s directly.
  const std::vector<std::uint32_t>& consumers(SourceRef s) const;
  // The correlations rule r feeds, directly or through chains; empty for most rules.
  const std::vector<std::uint32_t>& feeds(std::size_t rule) const;
  // False for a rule or correlation only counted by correlations with `generate: false`.
  bool emitted(SourceRef s) const;
  // Correlation c's group of an event matched by rule r: the group-by values (aliases
  // resolved for r), each "field=value", joined by ", ". "" when it has no group-by.
  std::string group_key(std::size_t c, std::size_t rule, const cloudtrail::EventView& ev) const;
  // value_count: the counted field's value in that event ("" when absent).
  std::string count_value(std::size_t c, std::size_t rule, const cloudtrail::EventView& ev) const;

  // Rule i alone on ev (ignoring supersedes): the severity it would report, or nullopt when
  // it does not match. For `rules test` and tests.
  std::optional<Severity> evaluate(std::size_t i, const cloudtrail::EventView& ev) const;
  // Rule i before its Sigma filters: whether its own condition holds on ev.
  bool matches_before_filters(std::size_t i, const cloudtrail::EventView& ev) const;
  // Whether Sigma filter f lets ev through (its condition holds); nullopt when it applies to
  // no loaded rule.
  std::optional<bool> filter_lets_through(std::size_t f, const cloudtrail::EventView& ev) const;
  // Rule i's own prefilter literals (nullopt: the rule offers none).
  const std::optional<Literals>& rule_literals(std::size_t i) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  friend RuleSet load_rules(const struct LoadOptions&, Diagnostics&);
};

// Sigma placeholders (`field|expand: '%name%'`): name -> values, from rootguard.yaml.
using Placeholders = std::map<std::string, std::vector<std::string>>;

struct LoadOptions {
  bool builtin = true;                       // include the built-in rules
  std::vector<std::filesystem::path> dirs;   // user rule files or directories (recursive, *.yml|*.yaml)
  Placeholders placeholders;                 // e.g. trusted_source_ips
  bool tests = true;                         // read the built-in rules' test events (rules test,
                                             // lint); scan and watch skip them, and load the
                                             // built-ins from their prebuilt trees (sigma/builtin.h)
};

// Every invalid rule is reported to diag (one line: "file:line:col: what", or naming the
// unsupported feature) and skipped; the rest are returned. Duplicate ids: the later one is
// refused with an error naming both files. Sigma filters found among the rules are applied
// once every rule is loaded, whatever the order of the files; a reference to a rule that is
// not loaded (or to a correlation) is an error naming the filter's file, and the filter still
// applies to the rules it does name.
RuleSet load_rules(const LoadOptions& opts, Diagnostics& diag);

}  // namespace rg::sigma
