#include "harden/doc.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

namespace rg::harden {
namespace {

const std::vector<std::string>& hostile() {
  static const std::vector<std::string> v = {
      "plain", "", "with \"quotes\" and \\backslash", "line\nbreak\ttab\r", std::string("nul\0byte", 8),
      "\x01\x1f control", "del\x7f", "é ü 日本", "# not a comment", "key: value", "- not a list", "yes", "null", "~",
      "!Ref NotATag", "*alias", "&anchor", "%directive", "@at", "`tick`", "{ $.userIdentity.type = \"Root\" }",
      "${NamePrefix}", "  leading and trailing  ", "0x1F", "1e3", "true"};
  return v;
}

TEST(Doc, StringsRoundTripThroughYamlAndJson) {
  Doc d = Doc::object();
  Doc list = Doc::array();
  for (const auto& s : hostile()) list.push(s);
  d.set("values", list);
  int i = 0;
  Doc keyed = Doc::object();
  for (const auto& s : hostile()) keyed.set(s.empty() ? "empty" : s, i++);
  d.set("keys", keyed);
  d.set("nested", Doc::array({Doc::array({1, 2}), Doc::object().set("a", Doc::object()), Doc::array()}));

  YAML::Node y;
  ASSERT_NO_THROW(y = YAML::Load(d.to_yaml())) << d.to_yaml();
  simdjson::dom::parser p;
  simdjson::dom::element j;
  const std::string json = d.to_json();
  ASSERT_FALSE(p.parse(json).get(j)) << json;
  std::size_t k = 0;
  for (const auto& s : hostile()) {
    EXPECT_EQ(y["values"][k].as<std::string>(), s) << k;
    EXPECT_EQ(y["values"][k].Tag(), "!") << "every string is quoted, so never read as another type: " << s;
    EXPECT_EQ(std::string(j["values"].at(k).get_string().value()), s) << k;
    EXPECT_EQ(y["keys"][s.empty() ? "empty" : s].as<int>(), static_cast<int>(k)) << s;
    ++k;
  }
  EXPECT_EQ(y["nested"][0][1].as<int>(), 2);
  EXPECT_TRUE(y["nested"][1]["a"].IsMap());
  EXPECT_EQ(y["nested"][2].size(), 0u);
}

TEST(Doc, ObjectsKeepOrderAndReplaceInPlace) {
  Doc d = Doc::object();
  d.set("b", 1).set("a", 2).set("b", 3);
  EXPECT_EQ(d.to_compact_json(), R"({"b": 3, "a": 2})");
  EXPECT_EQ(d.to_yaml(), "b: 3\na: 2\n");
}

}  // namespace
}  // namespace rg::harden
