// Rendering the loaded rules for people and programs: `rootguard rules list` in text, JSON
// and Markdown. docs/rules.md is exactly the Markdown rendering of the built-in rules (a
// test keeps it so).
#pragma once

#include <string>

#include "sigma/ruleset.h"

namespace rg::sigma {

enum class ListFormat { Text, Json, Markdown };

std::string render_rules(const RuleSet& rules, ListFormat format);

}  // namespace rg::sigma
