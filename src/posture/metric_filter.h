// CloudWatch Logs JSON metric filter patterns: parse, evaluate against a CloudTrail event,
// and decide whether a pattern is an acceptable CIS root-usage filter (check R06).
//
// Grammar (the JSON form of CloudWatch Logs filter patterns; whitespace is free between tokens):
//
//   pattern   := '{' expr '}'
//   expr      := and_expr ( '||' and_expr )*          // '&&' binds tighter than '||'
//   and_expr  := term ( '&&' term )*
//   term      := '(' expr ')'
//              | selector 'NOT' 'EXISTS'
//              | selector 'IS' ( 'NULL' | 'TRUE' | 'FALSE' )
//              | selector op value
//   selector  := '$' ( '.' name | '[' digits ']' )*     // name: [A-Za-z0-9_@:-]+
//   op        := '=' | '!=' | '<' | '<=' | '>' | '>='
//   value     := '"' chars '"' | bare                  // bare: up to space, '&', '|', ')', '}'
//
// Semantics (as CloudWatch Logs documents them): '=' and '!=' compare strings exactly, with
// '*' in the value matching any run of characters; when the value is a number and the field
// is a number they compare numerically; '<' '<=' '>' '>=' are numeric only. A comparison on a
// field the event does not have is false (for '!=' too); 'NOT EXISTS' is true exactly then.
// 'IS NULL' is true when the field is present and JSON null.
//
// Pure functions: no I/O, no globals, safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/result.h"

namespace rg::posture {

// One parsed node. Leaves are comparisons; inner nodes are And/Or over children.
struct FilterNode {
  enum class Kind { And, Or, Compare, NotExists, IsNull, IsTrue, IsFalse };
  enum class Op { Eq, Ne, Lt, Le, Gt, Ge };
  Kind kind = Kind::Compare;
  std::string selector;            // "$.userIdentity.type" (canonical: as written, no spaces)
  std::vector<std::string> path;   // {"userIdentity", "type"}; array indexes as "[0]"
  Op op = Op::Eq;
  std::string value;               // unquoted
  bool quoted = false;
  std::vector<FilterNode> children;
};

struct MetricFilter {
  FilterNode root;
};

// Parses a JSON metric filter pattern. Errors say what was expected at which byte offset.
Result<MetricFilter> parse_metric_filter(std::string_view pattern);

// Whether the parsed filter matches the event (a CloudTrail record as JSON).
bool filter_matches(const MetricFilter& filter, simdjson::dom::element event);

// Convenience: parse then match. An unparsable pattern is an error, never a match.
Result<bool> filter_matches(std::string_view pattern, simdjson::dom::element event);

// The verdict on a pattern as a CIS root-usage filter (CIS v1.2-v3.0 quoted form, v5.0+
// unquoted form). Acceptable iff the pattern is a conjunction of exactly these clauses, in any
// order, quoted or not, with any spacing and parentheses:
//   $.userIdentity.type = Root  &&  $.userIdentity.invokedBy NOT EXISTS
//   &&  $.eventType != AwsServiceEvent
// Any '||' (it admits events that are not root use, and Security Hub refuses it), any extra
// '&&' term (it narrows the filter so some root use raises no alarm), a missing clause, a
// wildcard or different value is refused, with the reason.
struct CisVerdict {
  bool acceptable = false;
  std::string reason;  // one line: why accepted ("all three CIS clauses") or refused
};
CisVerdict check_cis_root_filter(std::string_view pattern);

}  // namespace rg::posture
