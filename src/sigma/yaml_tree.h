// A YAML document as a flat string that rebuilds its node tree without scanning YAML text.
//
// The built-in rules are parsed once at build time (cmake/embed_rules.cpp) and embedded in
// this form as well as in their text: `scan` and `watch` rebuild their trees from it, which
// takes about a tenth of the time yaml-cpp spends parsing the text. What survives the round
// trip: maps (key order), sequences, scalars and nulls with their tags ("!" for a quoted
// scalar, "?" for a plain one), which is all the rule parser reads. What does not: positions
// (Mark), styles, anchors (aliases are expanded). Positions only ever appear in errors, and
// the built-in rules load without any (the suite checks both forms give the same rules).
//
// Grammar, one node: `M<n> ` then n key and value nodes | `S<n> ` then n nodes |
// `s<t> TAG<l> TEXT` a scalar | `n<t> TAG` a null; <n>, <t>, <l> in decimal.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace YAML {
class Node;
}

namespace rg::sigma {

std::string encode_yaml_tree(const YAML::Node& doc);

// The tree back, or an error (Corrupt, at `where`: the rule it is of) when `data` is not one
// whole encoded node.
Result<YAML::Node> decode_yaml_tree(std::string_view data, std::string_view where);

}  // namespace rg::sigma
