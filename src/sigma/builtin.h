// The built-in rules, embedded in the binary at build time from rules/*.yml
// (see cmake/embed_rules.cpp). Read-only, valid for the life of the process.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace rg::sigma {

// One YAML document of a rule file, without its test events, as a prebuilt tree
// (sigma/yaml_tree.h).
struct EmbeddedDoc {
  std::string_view tree;
  bool correlation = false;  // a top-level `correlation:` key
};

struct EmbeddedRule {
  std::string_view file;              // "D01_root_activity.yml"
  std::string_view text;              // the YAML as written in rules/
  std::span<const EmbeddedDoc> docs;  // its documents, in order
};

const std::vector<EmbeddedRule>& builtin_rule_files();

}  // namespace rg::sigma
