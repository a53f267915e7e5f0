// `rootguard rules lint`: small validators over rule files, one concern each.
//
// Each validator looks at one parsed rule (and, for duplicate ids, at those before it) and
// reports issues with a severity: an error means the rule cannot be trusted as written
// (exit status 2), a warning is advice. Rules that do not parse or compile are reported by
// the "load" check with the loader's own line. The validators are an explicit list in
// lint.cpp (see lint_checks()).
#pragma once

#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "sigma/ruleset.h"

namespace rg::sigma {

struct LintIssue {
  bool error = false;
  std::string where;  // file[:line:col]
  std::string what;
  std::string check;  // the validator's name
  std::string str() const;  // "where: error|warning: what [check]"
};

// Names of the validators, in the order they run.
std::vector<std::string> lint_checks();

// Reads every rule the options name (reading errors go to diag) and lints each.
std::vector<LintIssue> lint_rules(const LoadOptions& opts, Diagnostics& diag);

}  // namespace rg::sigma
