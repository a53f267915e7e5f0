// RuleSet: the loaded, compiled detection rules, and the one call the scan engine makes.
//
// Rules are Sigma YAML (logsource product aws, service cloudtrail). Built-in rules come from
// the binary (sigma/builtin.h); users add directories with --rules. Loading reports every
// bad rule to Diagnostics (file:line:col: what) and keeps the good ones. A RuleSet is
// immutable after loading and safe to share between threads; match() allocates nothing
// when given a reused output vector.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cloudtrail/event.h"
#include "core/diagnostics.h"
#include "core/severity.h"

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
};

// One rule matching one event; severity may differ from the rule's level (e.g. a failed
// attempt at tampering is reported one level lower).
struct Match {
  std::uint32_t rule = 0;   // index into the RuleSet
  Severity severity = Severity::Medium;
};

class RuleSet {
 public:
  RuleSet();
  ~RuleSet();
  RuleSet(RuleSet&&) noexcept;
  RuleSet& operator=(RuleSet&&) noexcept;

  std::size_t size() const;
  const RuleInfo& info(std::size_t i) const;

  // Lower-case literals such that every event any loaded rule can match contains at least
  // one of them, compared without regard to ASCII case, in its raw bytes. nullopt when some
  // rule offers no such literal: then the prefilter must let every record through.
  // False positives are fine; a false negative is a bug.
  const std::optional<std::vector<std::string>>& prefilter_literals() const;

  // Appends to `out` the rules that match `ev`, in rule order, with superseded ones removed
  // (when rules A and B both match and A supersedes B, directly or through a chain, only A
  // is reported). Each Match carries the severity for this event: the rule's
  // severity_when_failed when the call failed (errorCode/errorMessage present, or
  // responseElements.<eventName> == "Failure"), else its first matching severity_levels
  // entry, else its level.
  void match(const cloudtrail::EventView& ev, std::vector<Match>& out) const;

  // Rule i alone on ev (ignoring supersedes): the severity it would report, or nullopt when
  // it does not match. For `rules test` and tests.
  std::optional<Severity> evaluate(std::size_t i, const cloudtrail::EventView& ev) const;
  // Rule i's own prefilter literals (nullopt: the rule offers none).
  const std::optional<std::vector<std::string>>& rule_literals(std::size_t i) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  friend RuleSet load_rules(const struct LoadOptions&, Diagnostics&);
};

struct LoadOptions {
  bool builtin = true;                       // include the built-in rules
  std::vector<std::filesystem::path> dirs;   // user rule files or directories (recursive, *.yml|*.yaml)
};

// Every invalid rule is reported to diag (one line: "file:line:col: what", or naming the
// unsupported feature) and skipped; the rest are returned. Duplicate ids: the later one is
// refused with an error naming both files.
RuleSet load_rules(const LoadOptions& opts, Diagnostics& diag);

}  // namespace rg::sigma
