// The flags every command that loads detection rules shares (scan, watch, rules):
// --rules DIR (repeatable), --no-builtin, --config rootguard.yaml (Sigma placeholders such as
// %trusted_source_ips% take their values from it).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/diagnostics.h"
#include "sigma/ruleset.h"

namespace rg::cli {

struct RuleFlags {
  std::vector<std::string> dirs;
  bool no_builtin = false;
  std::string config;
};

// Adds --no-builtin and --config; `--rules` too unless the command takes rule paths itself.
void add_rule_flags(CLI::App* app, RuleFlags& f, bool with_rules_option = true);

// The load options, with the placeholders read from --config (its problems go to diag).
sigma::LoadOptions rule_load_options(const RuleFlags& f, Diagnostics& diag);

}  // namespace rg::cli
