// Sigma `condition` expressions: text -> syntax tree. No knowledge of the detection items;
// compile.h resolves identifiers and quantifiers against them.
//
// Grammar (EBNF; keywords are case-insensitive, whitespace separates tokens):
//
//   condition   = or_expr , [ "|" , aggregation ] ;      (* aggregation: refused *)
//   or_expr     = and_expr , { "or" , and_expr } ;
//   and_expr    = not_expr , { "and" , not_expr } ;
//   not_expr    = "not" , not_expr | primary ;
//   primary     = "(" , or_expr , ")" | quantified | identifier ;
//   quantified  = ( "1" | "any" | "all" ) , "of" , ( "them" | pattern ) ;
//   identifier  = name ;                                 (* a detection item *)
//   pattern     = name ;                                 (* may hold "*" wildcards *)
//   name        = namechar , { namechar } ;
//   namechar    = letter | digit | "_" | "-" | "." | "*" ;
//
// `not` binds tighter than `and`, which binds tighter than `or`. `them` stands for every
// detection item whose name does not start with "_". Nesting is limited (kMaxDepth) so a
// hostile rule cannot exhaust the stack. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace rg::sigma {

struct CondAst {
  enum class Kind { And, Or, Not, Ident, OneOf, AllOf };
  Kind kind = Kind::Ident;
  std::string name;            // Ident: the item; OneOf/AllOf: the pattern ("" when `them`)
  bool them = false;           // OneOf/AllOf over `them`
  std::size_t pos = 0;         // byte offset of the node's first token in the condition text
  std::vector<CondAst> kids;   // And/Or: two or more; Not: one
};

inline constexpr int kMaxConditionDepth = 64;

// Parses one condition. On failure the Error's `where` is empty and `what` names the
// problem and its byte offset; an aggregation ("| count() ...") gives ErrorKind::Unsupported.
Result<CondAst> parse_condition(std::string_view text);

// Byte offset of the problem in a parse error from parse_condition (0 when unknown).
std::size_t condition_error_offset(const Error& e);

// Renders a tree back to text with full parentheses (tests and debugging).
std::string to_string(const CondAst& ast);

// Sigma wildcard match for identifier patterns ("selection*"): '*' any run, '?' one char.
bool identifier_matches(std::string_view pattern, std::string_view name);

}  // namespace rg::sigma
