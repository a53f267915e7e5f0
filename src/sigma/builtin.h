// The built-in rules, embedded in the binary at build time from rules/*.yml
// (see cmake/embed_rules.cmake). Read-only, valid for the life of the process.
#pragma once

#include <string_view>
#include <vector>

namespace rg::sigma {

struct EmbeddedRule {
  std::string_view file;  // "D01_root_activity.yml"
  std::string_view text;  // the YAML as written in rules/
};

const std::vector<EmbeddedRule>& builtin_rule_files();

}  // namespace rg::sigma
