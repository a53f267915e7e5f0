// Prefilter literals: "no literal in the bytes" must never coincide with "a rule matches".
// Checked on every built-in test event, on all public CloudTrail data in the shared test
// data (framed simply here), and on hand-made tricky records.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sigma/compile.h"
#include "sigma/rule_tests.h"
#include "sigma/ruleset.h"
#include "sigma/testing.h"
#include "test_util.h"

namespace rg::sigma {
namespace {

namespace fs = std::filesystem;

RuleSet load(bool builtin, std::vector<fs::path> dirs = {}) {
  Diagnostics diag(Diagnostics::silent());
  LoadOptions opts;
  opts.builtin = builtin;
  opts.dirs = std::move(dirs);
  return load_rules(opts, diag);
}

std::vector<std::string> lits_of(const std::string& detection) {
  Result<CompiledRule> r = testing::compile_text(testing::rule_yaml(detection));
  EXPECT_TRUE(r) << (r ? "" : r.error().str());
  if (!r || !r->literals) return {"<none>"};
  return *r->literals;
}

using V = std::vector<std::string>;

TEST(PrefilterLiterals, Derivation) {
  // Equality, contains, startswith, endswith: their text, lower-cased.
  EXPECT_EQ(lits_of("    s:\n        eventName: ConsoleLogin\n    condition: s\n"), V{"consolelogin"});
  EXPECT_EQ(lits_of("    s:\n        a|endswith: '.AmazonAWS.com'\n    condition: s\n"), V{".amazonaws.com"});
  // Wildcards: the longest literal run.
  EXPECT_EQ(lits_of("    s:\n        a: 'Delete*LoggingTrail?x'\n    condition: s\n"), V{"loggingtrail"});
  // JSON-unsafe characters split the text: quote, backslash, slash, non-ASCII.
  EXPECT_EQ(lits_of("    s:\n        a: 'arn:aws:iam::aws:policy/root-task/S3Unlock'\n    condition: s\n"),
            V{"arn:aws:iam::aws:policy"});
  EXPECT_EQ(lits_of("    s:\n        a: 'ab\"cdef'\n    condition: s\n"), V{"cdef"});
  EXPECT_EQ(lits_of("    s:\n        a: 'caf\xc3\xa9-terrasse'\n    condition: s\n"), V{"-terrasse"});
  // AND keeps the alternative expected to pass the fewest records: long, specific literals;
  // a service endpoint counts only by its service name.
  EXPECT_EQ(lits_of("    s:\n        a: Root\n        b: [x1, x2]\n        c: ConsoleLogin\n    condition: s\n"),
            V{"consolelogin"});
  EXPECT_EQ(lits_of("    s:\n        eventSource: iam.amazonaws.com\n        eventName: [CreateAccessKey, "
                    "DeleteAccessKey]\n    condition: s\n"),
            (V{"createaccesskey", "deleteaccesskey"}));
  EXPECT_EQ(lits_of("    s:\n        eventSource: cloudtrail.amazonaws.com\n        readOnly: false\n    condition: s\n"),
            V{"cloudtrail.amazonaws.com"});
  // OR unions (minimised: a literal containing another one is dropped).
  EXPECT_EQ(lits_of("    s:\n        a: [StopLogging, DeleteTrail, StopLoggingNow]\n    condition: s\n"),
            (V{"deletetrail", "stoplogging"}));
  EXPECT_EQ(lits_of("    s1:\n        a: One\n    s2:\n        b: Two\n    condition: s1 or s2\n"), (V{"one", "two"}));
  // Booleans give their JSON text.
  EXPECT_EQ(lits_of("    s:\n        a: false\n    condition: s\n"), V{"false"});
  // No constraint: NOT, numbers, regex, cidr, exists, null, comparisons; OR with one of them.
  for (const char* det : {"    s:\n        a: x\n    condition: not s\n", "    s:\n        a: 5\n    condition: s\n",
                          "    s:\n        a|re: abc\n    condition: s\n", "    s:\n        a|cidr: 10.0.0.0/8\n    condition: s\n",
                          "    s:\n        a|exists: true\n    condition: s\n", "    s:\n        a: null\n    condition: s\n",
                          "    s:\n        a|gt: 3\n    condition: s\n", "    s:\n        a: ['x', 5]\n    condition: s\n",
                          "    s1:\n        a: x\n    s2:\n        b|re: y\n    condition: s1 or s2\n",
                          "    s:\n        a: '*/*'\n    condition: s\n"})
    EXPECT_EQ(lits_of(det), V{"<none>"}) << det;
  // ... but AND with a constrained part keeps that part.
  EXPECT_EQ(lits_of("    s:\n        a: Root\n    f:\n        b: x\n    condition: s and not f\n"), V{"root"});
}

TEST(PrefilterLiterals, BuiltinsYieldASetAndEveryTestEventPasses) {
  RuleSet rules = load(true);
  ASSERT_TRUE(rules.prefilter_literals().has_value());
  const auto& lits = *rules.prefilter_literals();
  EXPECT_FALSE(lits.empty());
  for (const std::string& l : lits)
    for (char c : l) EXPECT_FALSE(c >= 'A' && c <= 'Z') << l;
  std::size_t checked = 0;
  for (std::size_t i = 0; i < rules.size(); ++i)
    for (const RuleTest& t : rules.info(i).tests)
      if (t.must_match) {
        EXPECT_TRUE(prefilter_passes(lits, t.event_json)) << rules.info(i).id << ": " << t.name;
        ++checked;
      }
  EXPECT_GE(checked, 38u);
}

TEST(PrefilterLiterals, EscapedRecordsPass) {
  // A valid record may spell "Root" as "R\u006fot": the set keeps "\u" so such records pass.
  RuleSet rules = load(true);
  const std::string raw = R"({"userIdentity":{"type":"R\u006fot"},"eventName":"ListBuckets","eventType":"AwsApiCall"})";
  simdjson::dom::parser p;
  simdjson::padded_string ps(raw);
  cloudtrail::EventView ev{p.parse(ps).value(), raw, "t", 0, 0};
  std::vector<Match> out;
  rules.match(ev, out);
  ASSERT_FALSE(out.empty()) << "D01 matches the decoded value";
  EXPECT_TRUE(prefilter_passes(*rules.prefilter_literals(), raw));
}

// Splits a file of the public corpus into records (raw bytes each), the simple way.
void frame(const std::string& text, std::vector<std::string>& out) {
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

TEST(PrefilterLiterals, NeverRejectsAMatchingRecord) {
  fs::path corpus = rg::test::shared_testdata() / "cloudtrail-public";
  fs::path sigma = rg::test::shared_testdata() / "sigma-aws-cloudtrail";
  if (!fs::exists(corpus)) GTEST_SKIP() << "shared test data not present";
  RuleSet rules = load(true, {sigma});
  std::vector<std::string> records;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".json" && ext != ".jsonl" && ext != ".log")) continue;
    frame(rg::test::read_file(e.path()), records);
  }
  for (std::size_t i = 0; i < rules.size(); ++i)
    for (const RuleTest& t : rules.info(i).tests) records.push_back(t.event_json);
  EXPECT_GT(records.size(), 12000u);

  simdjson::dom::parser p;
  std::size_t parsed = 0, matches = 0, rules_with_lits = 0;
  for (std::size_t i = 0; i < rules.size(); ++i) rules_with_lits += rules.rule_literals(i).has_value();
  for (const std::string& raw : records) {
    simdjson::padded_string ps(raw);
    simdjson::dom::element e;
    if (p.parse(ps).get(e) || !e.is_object()) continue;
    ++parsed;
    cloudtrail::EventView ev{e, raw, "corpus", 0, 0};
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (!rules.evaluate(i, ev)) continue;
      ++matches;
      if (const auto& lits = rules.rule_literals(i)) {
        EXPECT_TRUE(prefilter_passes(*lits, raw)) << rules.info(i).file << " matches a record without its literals: "
                                                  << raw.substr(0, 300);
      }
    }
  }
  EXPECT_GT(parsed, 12000u);
  EXPECT_GT(matches, 200u);          // the check is exercised
  EXPECT_GT(rules_with_lits, 60u);   // and most rules serve the prefilter
}

}  // namespace
}  // namespace rg::sigma
