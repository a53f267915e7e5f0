// Test helpers for the sigma stages (used by the *_test.cpp files beside this header only).
#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "sigma/compile.h"
#include "sigma/rule.h"
#include "sigma/ruleset.h"

namespace rg::sigma::testing {

// A minimal valid rule around a detection block (indented by 4 spaces in `detection`).
inline std::string rule_yaml(const std::string& detection, const std::string& extra = "",
                             const std::string& id = "00000000-0000-4000-8000-000000000001") {
  return "title: t\nid: " + id + "\nlevel: high\n"
         "logsource:\n    product: aws\n    service: cloudtrail\ndetection:\n" +
         detection + extra;
}

inline Result<CompiledRule> compile_text(const std::string& yaml, const std::string& file = "t.yml") {
  Result<Rule> r = parse_rule(yaml, file);
  if (!r) return r.error();
  return compile_rule(*r);
}

// Detections whose keyed prefilter literals the randomized test and the fuzz target check:
// equality, contains, startswith/endswith, booleans, a number as text, nested paths, globs.
inline constexpr const char* kLiteralProbeRules[] = {
    "    s:\n        eventName: ConsoleLogin\n    condition: s\n",
    "    s:\n        userIdentity.type: Root\n    condition: s\n",
    "    s:\n        x|contains: ogin\n    condition: s\n",
    "    s:\n        flag: true\n    condition: s\n",
    "    s:\n        n: '5'\n    condition: s\n",
    "    s:\n        eventName|startswith: Stop\n        type|endswith: user\n    condition: s\n",
    "    s:\n        a.b.c: 'x*y'\n    condition: s\n",
};

// What RuleSet::match reports on one JSON event, as scan would: "D03:critical D10:critical".
inline std::string matches_of(const RuleSet& rules, simdjson::dom::parser& parser, const std::string& json) {
  simdjson::padded_string ps(json);
  simdjson::dom::element e = parser.parse(ps).value();
  std::vector<Match> out;
  rules.match(cloudtrail::EventView{e, json, "t", 0, 0}, out);
  std::string s;
  for (const Match& m : out) s += (s.empty() ? "" : " ") + rules.info(m.rule).id + ":" + std::string(to_string(m.severity));
  return s;
}

// Splits a file of the public corpus into records (raw bytes each), the simple way.
inline void frame(const std::string& text, std::vector<std::string>& out) {
  simdjson::ondemand::parser op;
  simdjson::dom::parser dp;
  auto take_array = [&](simdjson::padded_string& ps, const char* key) {
    auto doc = op.iterate(ps);
    simdjson::ondemand::array arr;
    bool ok = key ? !doc[key].get_array().get(arr) : !doc.get_array().get(arr);
    if (!ok) return false;
    for (auto item : arr) {
      simdjson::ondemand::object obj;
      std::string_view raw;
      if (!item.get_object().get(obj) && !obj.raw_json().get(raw)) out.emplace_back(raw);
    }
    return true;
  };
  simdjson::padded_string whole(text);
  simdjson::dom::element root;
  if (!dp.parse(whole).get(root)) {
    if (root.is_array()) {
      take_array(whole, nullptr);
    } else if (root.is_object() && root["Records"].is_array()) {
      take_array(whole, "Records");
    } else if (root.is_object() && root["Events"].is_array()) {
      for (auto e : root["Events"].get_array().value())
        if (std::string_view s; !e["CloudTrailEvent"].get_string().get(s)) out.emplace_back(s);
    } else if (root.is_object() && root["detail"].is_object()) {
      out.emplace_back(simdjson::minify(root["detail"]));
    } else {
      out.push_back(text);
    }
    return;
  }
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.find('{') != std::string::npos) out.push_back(line);
}

// Holds a compiled rule and matches JSON texts against it.
class Matcher {
 public:
  explicit Matcher(const std::string& detection) {
    Result<CompiledRule> r = compile_text(rule_yaml(detection));
    if (!r) {
      ADD_FAILURE() << r.error().str();
      return;
    }
    rule_ = std::make_unique<CompiledRule>(std::move(r).value());
  }
  bool operator()(const std::string& json) {
    if (!rule_) return false;
    simdjson::padded_string p(json);
    simdjson::dom::element e;
    if (parser_.parse(p).get(e)) {
      ADD_FAILURE() << "bad JSON in test: " << json;
      return false;
    }
    return rule_->matches(e);
  }
  const CompiledRule& rule() const { return *rule_; }

 private:
  std::unique_ptr<CompiledRule> rule_;
  simdjson::dom::parser parser_;
};

}  // namespace rg::sigma::testing
