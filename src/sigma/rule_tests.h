// Running the example events that rules carry (rootguard.tests): used by `rootguard rules
// test` and by the test suite. A must-match event passes when the rule alone matches it
// (supersedes play no part) with the expected severity, if one is given, and when the
// rule's prefilter literals occur in the event's bytes; a must-not-match event passes when
// the rule does not match it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sigma/ruleset.h"

namespace rg::sigma {

struct TestFailure {
  std::string rule_id;
  std::string file;
  std::string test;  // the test's name
  std::string what;  // one line: what went wrong
};

struct TestReport {
  std::size_t passed = 0;
  std::vector<TestFailure> failures;
};

TestReport run_rule_tests(const RuleSet& rules);

// True when some literal of `lits` occurs in `bytes`, ignoring ASCII case (lits are lower-case).
bool prefilter_passes(const Literals& lits, std::string_view bytes);

}  // namespace rg::sigma
