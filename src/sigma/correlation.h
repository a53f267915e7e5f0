// Sigma correlation rules (the Sigma correlation specification, version 2): the rule model
// and its parser. A correlation rule is a YAML document with a top-level `correlation:`
// mapping instead of `detection:`:
//
//   title: Root sign-in brute force
//   id: 3c0a...                      # Sigma id; rootguard.id gives the short id ("D04B")
//   correlation:
//     type: event_count              # event_count | value_count | value_sum | value_avg | temporal | temporal_ordered
//     rules: [D04]                   # the rules (or correlations) it counts: id, Sigma id or name
//     group-by: [recipientAccountId]
//     timespan: 15m                  # s, m, h, d
//     condition: {gte: 5}            # gt|gte|lt|lte|eq, two of them for a range
//     generate: true                 # also report the referenced rules' own findings
//   level: high
//
// rootguard adds one type, `first_seen` (a value of the group-by fields not seen by the
// referenced rules in the timespan before; like "new terms" rules elsewhere), and the same
// `rootguard:` block as single-event rules (id, practice, next_step, tests), whose tests are
// sequences of events that must (or must not) make the correlation fire.
//
// value_sum and value_avg compare the sum or the average of a numeric field (condition.field)
// over the group's matches in the timespan with a threshold that may have a fraction
// ({field: additionalEventData.bytesTransferredOut, gt: 1e9}); matches whose field is absent or
// not a number add nothing to the sum and are left out of the average. value_percentile is
// refused: the specification does not say what it computes (its one example reads as the share
// of events with a value, not a percentile of the values).
//
// Evaluation (scan/correlate.h) is streaming, in event-time order, so a condition needs a
// lower bound (gt, gte or eq): "fewer than N" would need the end of each window.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/result.h"
#include "core/severity.h"
#include "sigma/ruleset.h"

namespace rg::sigma {

enum class CorrelationType { EventCount, ValueCount, ValueSum, ValueAvg, Temporal, TemporalOrdered, FirstSeen };
const char* to_string(CorrelationType t);  // as written in YAML: "event_count", ...

// A count condition: lower bound (gt/gte/eq) and optional upper bound (lt/lte/eq). value_sum and
// value_avg compare a number instead (`numeric`): their bounds keep any fraction and whether
// they are strict.
struct CorrelationCondition {
  std::int64_t min = 1;                 // the count must be >= min
  std::optional<std::int64_t> max;      // and <= max
  std::string field;                    // value_count: the field whose distinct values are counted;
                                        // value_sum, value_avg: the numeric field
  bool holds(std::int64_t n) const { return n >= min && (!max || n <= *max); }

  struct Bound {
    double value = 0;
    bool strict = false;                // gt / lt
  };
  bool numeric = false;
  Bound low;                            // numeric: the value must be above (or at) low
  std::optional<Bound> high;            // and below (or at) high
  bool holds_value(double x) const {
    if (low.strict ? !(x > low.value) : !(x >= low.value)) return false;
    return !high || (high->strict ? x < high->value : x <= high->value);
  }
  std::string describe() const;         // ">= 5", "between 3 and 7", "> 1000000.5"
};

// A correlation test: these events, in this order, must (or must not) make it fire.
struct SequenceTest {
  std::string name;
  std::vector<std::string> events;  // CloudTrail records as JSON text
  bool must_fire = true;
};

struct Correlation {
  RuleInfo info;                      // id, uuid, title, description, file, severity, practice, next_step
  std::string name;                   // Sigma `name` (for references and aliases)
  CorrelationType type = CorrelationType::EventCount;
  std::vector<std::string> rules;     // referenced ids or names, in order (temporal_ordered)
  std::vector<std::string> group_by;  // dotted CloudTrail field paths, or alias names
  // alias name -> referenced rule (id or name) -> field path in that rule's events
  std::map<std::string, std::map<std::string, std::string>> aliases;
  std::int64_t timespan_ms = 0;
  std::string timespan_text;          // as written ("15m")
  bool has_condition = false;
  CorrelationCondition condition;     // temporal: how many of the rules (default: all)
  bool generate = false;              // also report the referenced rules' own findings
  std::vector<SequenceTest> tests;
};

// A value_sum / value_avg field's value as a number: a JSON number, or a string that is one
// whole ("1024", "2.5e3"); nullopt for anything else (absent, "n/a", "12 MB", inf, nan).
std::optional<double> correlation_number(std::string_view text);
// A number as the correlation findings print it: shortest of up to 15 significant digits.
std::string correlation_number_text(double v);

// "30s", "10m", "1h", "2d" -> milliseconds; an Error for anything else.
Result<std::int64_t> parse_timespan(const std::string& text);

// True when the document has a top-level `correlation:` key.
bool is_correlation(const YAML::Node& doc);

// Parses one YAML document holding `correlation:`. Errors name the file and the feature
// ("unknown correlation type 'burst'", "value_count needs condition.field", ...).
Result<Correlation> parse_correlation(const YAML::Node& doc, const std::string& file);

}  // namespace rg::sigma
