#include "sigma/condition.h"

#include <gtest/gtest.h>

namespace rg::sigma {
namespace {

std::string parsed(std::string_view text) {
  Result<CondAst> r = parse_condition(text);
  if (!r) return "ERROR " + r.error().what + " @" + r.error().where;
  return to_string(*r);
}

TEST(Condition, Precedence) {
  EXPECT_EQ(parsed("a or b and c"), "(a or (b and c))");
  EXPECT_EQ(parsed("a and b or c"), "((a and b) or c)");
  EXPECT_EQ(parsed("not a and b"), "(not a and b)");
  EXPECT_EQ(parsed("not (a and b)"), "not (a and b)");
  EXPECT_EQ(parsed("a and not not b"), "(a and not not b)");
  EXPECT_EQ(parsed("(a or b) and c"), "((a or b) and c)");
}

TEST(Condition, KeywordsIgnoreCase) {
  EXPECT_EQ(parsed("a AND NOT b OR c"), "((a and not b) or c)");
  EXPECT_EQ(parsed("1 OF sel* and ALL of filter_*"), "(1 of sel* and all of filter_*)");
}

TEST(Condition, Quantifiers) {
  EXPECT_EQ(parsed("1 of them"), "1 of them");
  EXPECT_EQ(parsed("all of them"), "all of them");
  EXPECT_EQ(parsed("any of sel*"), "1 of sel*");
  EXPECT_EQ(parsed("selection and not 1 of filter*"), "(selection and not 1 of filter*)");
}

TEST(Condition, IdentifiersMayHoldDotsAndDashes) {
  EXPECT_EQ(parsed("sel-1 and sel.2 and Sel_3"), "(sel-1 and sel.2 and Sel_3)");
}

TEST(Condition, ErrorsNameTheOffset) {
  Result<CondAst> r = parse_condition("a and (b or c");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("missing ')'"), std::string::npos);
  EXPECT_EQ(condition_error_offset(r.error()), 13u);
  r = parse_condition("a b");
  ASSERT_FALSE(r);
  EXPECT_EQ(condition_error_offset(r.error()), 2u);
  EXPECT_FALSE(parse_condition(""));
  EXPECT_FALSE(parse_condition("a and"));
  EXPECT_FALSE(parse_condition("and a"));
  EXPECT_FALSE(parse_condition("a )"));
  EXPECT_FALSE(parse_condition("sel*"));  // wildcards only after 'of'
  EXPECT_FALSE(parse_condition("1 of"));
  EXPECT_FALSE(parse_condition("a = b"));
}

TEST(Condition, AggregationAndOtherCountsAreUnsupported) {
  Result<CondAst> r = parse_condition("selection | count() by sourceIPAddress > 5");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Unsupported);
  EXPECT_NE(r.error().what.find("aggregation"), std::string::npos);
  r = parse_condition("2 of sel*");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Unsupported);
}

TEST(Condition, DeepNestingIsRefusedNotCrashed) {
  std::string deep(10000, '(');
  deep += "a";
  deep += std::string(10000, ')');
  Result<CondAst> r = parse_condition(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("nested too deeply"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "not ";
  EXPECT_FALSE(parse_condition(nots + "a"));
  // Reasonable nesting is fine.
  EXPECT_TRUE(parse_condition("((((a))))"));
}

TEST(Condition, IdentifierPatterns) {
  EXPECT_TRUE(identifier_matches("sel*", "selection"));
  EXPECT_TRUE(identifier_matches("sel*", "sel"));
  EXPECT_TRUE(identifier_matches("*_ok", "filter_ok"));
  EXPECT_TRUE(identifier_matches("s?l", "sel"));
  EXPECT_FALSE(identifier_matches("sel*", "filter"));
  EXPECT_FALSE(identifier_matches("sel", "selection"));
}

}  // namespace
}  // namespace rg::sigma
