// The prebuilt YAML trees of the built-in rules: what the rule parser reads survives the trip,
// and damaged data is an error, never a crash.
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include "sigma/rule.h"
#include "sigma/yaml_tree.h"

namespace rg::sigma {
namespace {

YAML::Node round_trip(const YAML::Node& n) {
  Result<YAML::Node> back = decode_yaml_tree(encode_yaml_tree(n), "builtin:T.yml");
  EXPECT_TRUE(back) << back.error().str();
  return back ? *back : YAML::Node();
}

TEST(YamlTree, KeepsStructureOrderAndTheQuotedPlainDistinction) {
  const YAML::Node doc = YAML::Load(
      "b: 1\na: 'x'\nz: \"null\"\nn: null\nt: ~\ne:\nlist: [one, 'two', {k: v}]\n"
      "text: >-\n  folded line\n  and more\nempty: ''\nmap: {}\nseq: []\nutf8: \"r\\u00e9sum\\u00e9 \\\"q\\\"\"\n");
  const YAML::Node back = round_trip(doc);
  ASSERT_TRUE(back.IsMap());
  std::vector<std::string> keys;
  for (const auto& kv : back) keys.push_back(kv.first.Scalar());
  EXPECT_EQ(keys, (std::vector<std::string>{"b", "a", "z", "n", "t", "e", "list", "text", "empty", "map", "seq", "utf8"}));
  EXPECT_EQ(back["b"].Scalar(), "1");
  EXPECT_EQ(back["b"].Tag(), "?");  // plain: a number to the rule parser
  EXPECT_EQ(back["a"].Tag(), "!");  // quoted: a string
  EXPECT_EQ(back["z"].Scalar(), "null");
  EXPECT_EQ(back["z"].Tag(), "!");
  EXPECT_TRUE(back["n"].IsNull());
  EXPECT_TRUE(back["t"].IsNull());
  EXPECT_TRUE(back["e"].IsNull());
  ASSERT_TRUE(back["list"].IsSequence());
  ASSERT_EQ(back["list"].size(), 3u);
  EXPECT_EQ(back["list"][1].Scalar(), "two");
  EXPECT_EQ(back["list"][1].Tag(), "!");
  EXPECT_EQ(back["list"][2]["k"].Scalar(), "v");
  EXPECT_EQ(back["text"].Scalar(), "folded line and more");
  EXPECT_EQ(back["empty"].Scalar(), "");
  EXPECT_TRUE(back["map"].IsMap());
  EXPECT_EQ(back["map"].size(), 0u);
  EXPECT_TRUE(back["seq"].IsSequence());
  EXPECT_EQ(back["utf8"].Scalar(), "r\xc3\xa9sum\xc3\xa9 \"q\"");
  EXPECT_EQ(encode_yaml_tree(back), encode_yaml_tree(doc));
}

// A rule from its tree is the rule from its text, typed values and all; only positions are lost.
TEST(YamlTree, ARuleParsedFromItsTreeIsTheRuleFromItsText) {
  const std::string text =
      "title: Example\nid: 3f0c1f1e-2b6a-4f55-9c1d-8f7e6d5c4b3a\nlevel: high\n"
      "logsource: {product: aws, service: cloudtrail}\n"
      "detection:\n    sel:\n        a: 5\n        b: '5'\n        c: true\n        d: null\n        e: 'null'\n"
      "        f|contains|cased: [X, Y]\n    condition: sel\n";
  Result<Rule> from_text = parse_rule(text, "x.yml");
  Result<Rule> from_tree = parse_rule_tree(encode_yaml_tree(YAML::Load(text)), "x.yml");
  ASSERT_TRUE(from_text) << from_text.error().str();
  ASSERT_TRUE(from_tree) << from_tree.error().str();
  EXPECT_EQ(from_tree->info.title, "Example");
  EXPECT_EQ(from_tree->info.severity, Severity::High);
  ASSERT_EQ(from_tree->detections.size(), 1u);
  const auto& got = from_tree->detections[0].alternatives.at(0);
  const auto& want = from_text->detections[0].alternatives.at(0);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].field, want[i].field);
    EXPECT_EQ(got[i].modifiers, want[i].modifiers);
    ASSERT_EQ(got[i].values.size(), want[i].values.size());
    for (std::size_t v = 0; v < got[i].values.size(); ++v) {
      EXPECT_EQ(got[i].values[v].type, want[i].values[v].type) << got[i].field;
      EXPECT_EQ(got[i].values[v].text, want[i].values[v].text) << got[i].field;
    }
  }
  EXPECT_EQ(got[3].values[0].type, Value::Type::Null);
  EXPECT_EQ(got[4].values[0].type, Value::Type::String);
  EXPECT_EQ(from_tree->id_mark.line, 0);
  EXPECT_EQ(from_text->id_mark.line, 2);
}

TEST(YamlTree, DamagedDataIsAnErrorNotACrash) {
  const std::string good = encode_yaml_tree(YAML::Load("a: [1, 'b', {c: d}]\n"));
  ASSERT_TRUE(decode_yaml_tree(good, "builtin:T.yml"));
  for (std::size_t cut = 0; cut < good.size(); ++cut)
    EXPECT_FALSE(decode_yaml_tree(good.substr(0, cut), "builtin:T.yml")) << "cut at " << cut;
  EXPECT_FALSE(decode_yaml_tree(good + "s0 1 x", "builtin:T.yml"));            // trailing bytes
  EXPECT_FALSE(decode_yaml_tree("M1 s0 1 a", "builtin:T.yml"));                // a key without a value
  EXPECT_FALSE(decode_yaml_tree("s0 99999999999 x", "builtin:T.yml"));         // a length past the end
  EXPECT_FALSE(decode_yaml_tree("S1 Q", "builtin:T.yml"));                     // an unknown kind
  EXPECT_FALSE(decode_yaml_tree("M-1 ", "builtin:T.yml"));
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "S1 ";
  Result<YAML::Node> r = decode_yaml_tree(deep + "n0 ", "builtin:T.yml");  // nesting past the limit
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().str().find("malformed at byte"), std::string::npos) << r.error().str();
  EXPECT_FALSE(parse_rule_tree("M1 s0 ", "builtin:X.yml"));
}

}  // namespace
}  // namespace rg::sigma
