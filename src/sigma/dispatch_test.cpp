// RuleSet::match() looks rules up by the event's eventName, eventSource or userIdentity.type
// (CompiledRule::dispatch) instead of evaluating each: what each rule is indexed on, and that
// the answers are those of evaluating every rule, on the public logs with SigmaHQ's rules and
// the built-ins, and on random records that stress the lookup (case, numbers, arrays, null).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "sigma/compile.h"
#include "sigma/ruleset.h"
#include "sigma/testing.h"
#include "test_util.h"

namespace rg::sigma {
namespace {

namespace fs = std::filesystem;

// "field: v1 v2" for a detection's dispatch, "none" when it is evaluated on every event.
std::string dispatch_of(const std::string& detection) {
  Result<CompiledRule> r = testing::compile_text(testing::rule_yaml(detection));
  EXPECT_TRUE(r) << (r ? "" : r.error().str());
  if (!r || !r->dispatch) return "none";
  std::string out;
  for (const std::string& step : dispatch_fields().at(r->dispatch->field)) out += (out.empty() ? "" : ".") + step;
  out += ":";
  for (const std::string& v : r->dispatch->values) out += " " + v;
  return out;
}

TEST(RuleDispatch, EachRuleIsIndexedOnAFieldItsConditionPinsDown) {
  EXPECT_EQ(dispatch_of("    s:\n        eventName: ConsoleLogin\n    condition: s\n"), "eventName: consolelogin");
  EXPECT_EQ(dispatch_of("    s:\n        eventSource: cloudtrail.amazonaws.com\n        eventName:\n"
                        "            - StopLogging\n            - DeleteTrail\n    condition: s\n"),
            "eventName: deletetrail stoplogging");
  EXPECT_EQ(dispatch_of("    s:\n        eventName|cased: ConsoleLogin\n    condition: s\n"), "eventName: consolelogin");
  // Not pinned down by eventName: the next field that is.
  EXPECT_EQ(dispatch_of("    s:\n        eventName|contains: Login\n        eventSource: S3.amazonaws.com\n    condition: s\n"),
            "eventSource: s3.amazonaws.com");
  EXPECT_EQ(dispatch_of("    s:\n        userIdentity.type: Root\n    condition: s\n"), "userIdentity.type: root");
  // OR: the union, and only when every branch pins the field down.
  EXPECT_EQ(dispatch_of("    a:\n        eventName: A\n    b:\n        eventName: B\n    condition: a or b\n"),
            "eventName: a b");
  EXPECT_EQ(dispatch_of("    sel1:\n        eventName: A\n    sel2:\n        eventName: B\n    condition: 1 of sel*\n"),
            "eventName: a b");
  EXPECT_EQ(dispatch_of("    a:\n        eventName: A\n    b:\n        userIdentity.type: Root\n    condition: a or b\n"),
            "none");
  EXPECT_EQ(dispatch_of("    s:\n        - eventName: A\n        - sourceIPAddress: 192.0.2.1\n    condition: s\n"), "none");
  // AND: any part that pins it down; NOT pins nothing down.
  EXPECT_EQ(dispatch_of("    a:\n        eventName: A\n    b:\n        eventName: B\n    condition: a and not b\n"),
            "eventName: a");
  EXPECT_EQ(dispatch_of("    a:\n        eventName: A\n    condition: not a\n"), "none");
  // What is not an exact string leaves the field open.
  EXPECT_EQ(dispatch_of("    s:\n        eventName: 'Console*'\n    condition: s\n"), "none");
  EXPECT_EQ(dispatch_of("    s:\n        eventName:\n            - ConsoleLogin\n            - 'Stop*'\n    condition: s\n"),
            "none");
  EXPECT_EQ(dispatch_of("    s:\n        eventName|neq: ConsoleLogin\n    condition: s\n"), "none");
  EXPECT_EQ(dispatch_of("    s:\n        eventName: 5\n    condition: s\n"), "none");
  EXPECT_EQ(dispatch_of("    s:\n        eventName|re: '^Stop'\n    condition: s\n"), "none");
  EXPECT_EQ(dispatch_of("    keywords:\n        - ConsoleLogin\n    condition: keywords\n"), "none");
  EXPECT_EQ(dispatch_of("    s:\n        eventName: '" + std::string(kMaxDispatchValue + 1, 'a') + "'\n    condition: s\n"),
            "none");
}

// Two loads of the same rules, one matching through the index and one evaluating every rule.
struct Pair {
  RuleSet indexed, every;
  explicit Pair(std::vector<fs::path> dirs) {
    Diagnostics diag(Diagnostics::silent());
    LoadOptions opts;
    opts.dirs = std::move(dirs);
    indexed = load_rules(opts, diag);
    every = load_rules(opts, diag);
    every.set_dispatch(false);
  }
  // "rule:severity ..." of both matches and feeds; the same, or the test says where not.
  std::size_t compare(simdjson::dom::element e, const std::string& raw) {
    cloudtrail::EventView ev{e, raw, "t", 0, 0};
    std::vector<Match> a, b, fa, fb;
    indexed.match(ev, a, &fa);
    every.match(ev, b, &fb);
    auto text = [](const std::vector<Match>& v) {
      std::string s;
      for (const Match& m : v) s += std::to_string(m.rule) + ":" + std::string(to_string(m.severity)) + " ";
      return s;
    };
    EXPECT_EQ(text(a), text(b)) << raw.substr(0, 400);
    EXPECT_EQ(text(fa), text(fb)) << raw.substr(0, 400);
    return a.size();
  }
  void compare_filters() {
    ASSERT_EQ(indexed.filter_count(), every.filter_count());
    for (std::size_t f = 0; f < indexed.filter_count(); ++f)
      EXPECT_EQ(indexed.filter_left_out(f), every.filter_left_out(f)) << indexed.filter(f).id;
  }
};

// A filter on every rule that pins eventName down (so that a rule indexed by what its filter
// needs, rather than by its own condition, would miss what the filter leaves out), and one
// that does not.
void write_filters(const fs::path& dir) {
  rg::test::write_file(dir / "calls.yml",
                       "title: Only some calls\nid: 0d9a3c52-6b2e-4f7d-9a11-5c3e8f0b7a21\nlogsource:\n    product: aws\n"
                       "    service: cloudtrail\nfilter:\n    rules: any\n    calls:\n        eventName:\n"
                       "            - ConsoleLogin\n            - GetCallerIdentity\n            - ListBuckets\n"
                       "    condition: calls\n");
  rg::test::write_file(dir / "office.yml",
                       "title: Office\nid: 6f2b8e14-3c5a-4d9e-b7f0-1a2c3d4e5f60\nlogsource:\n    product: aws\n"
                       "    service: cloudtrail\nfilter:\n    rules: any\n    office:\n"
                       "        sourceIPAddress: 198.51.100.24\n    condition: not office\n");
}

TEST(RuleDispatch, SameMatchesAsEveryRuleOnThePublicLogs) {
  const fs::path corpus = rg::test::shared_testdata() / "cloudtrail-public";
  const fs::path sigma = rg::test::shared_testdata() / "sigma-aws-cloudtrail";
  RG_SKIP_WITHOUT_SHARED_TESTDATA(corpus);
  std::vector<std::string> records;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".json" || ext == ".jsonl" || ext == ".log"))
      testing::frame(rg::test::read_file(e.path()), records);
  }
  for (int filtered = 0; filtered < 2; ++filtered) {
    rg::test::TempDir filters;
    if (filtered) write_filters(filters.path());
    Pair rules({sigma, filters.path()});
    std::size_t indexed = 0;
    for (std::size_t i = 0; i < rules.indexed.size(); ++i) indexed += rules.indexed.compiled(i).dispatch.has_value();
    EXPECT_GT(indexed, 60u) << "most SigmaHQ rules name their calls";
    std::vector<std::string> all = records;
    for (std::size_t i = 0; i < rules.indexed.size(); ++i)
      for (const RuleTest& t : rules.indexed.info(i).tests) all.push_back(t.event_json);
    simdjson::dom::parser p;
    std::size_t parsed = 0, matches = 0;
    for (const std::string& raw : all) {
      simdjson::padded_string ps(raw);
      simdjson::dom::element e;
      if (p.parse(ps).get(e)) continue;
      ++parsed;
      matches += rules.compare(e, raw);
    }
    EXPECT_GT(parsed, 12000u);
    EXPECT_GT(matches, filtered ? 100u : 400u);
    rules.compare_filters();
    if (filtered) {
      std::uint64_t left_out = 0;
      for (std::size_t f = 0; f < rules.indexed.filter_count(); ++f) left_out += rules.indexed.filter_left_out(f);
      EXPECT_GT(left_out, 100u);
    }
  }
}

// Random records whose dispatch fields take every form the matcher reads: any case, numbers
// and booleans (matched as text), arrays on the way or at the end, null, objects, escapes,
// absent, very long.
TEST(RuleDispatch, SameMatchesAsEveryRuleOnRandomRecords) {
  rg::test::TempDir dir;
  const std::vector<std::string> detections = {
      "    s:\n        eventName: ConsoleLogin\n    condition: s\n",
      "    s:\n        eventName|cased: ListBuckets\n    condition: s\n",
      "    s:\n        eventName: '5'\n    condition: s\n",
      "    s:\n        eventName: 'true'\n    condition: s\n",
      "    s:\n        eventName:\n            - StopLogging\n            - A\n        eventSource: S3.amazonaws.com\n"
      "    condition: s\n",
      "    s:\n        eventSource: s3.amazonaws.com\n    condition: s\n",
      "    s:\n        userIdentity.type: Root\n    condition: s\n",
      "    s:\n        userIdentity.type: Root\n        eventName: ConsoleLogin\n    condition: s\n",
      "    a:\n        eventName: A\n    b:\n        eventName: B\n    condition: a and not b\n",
      "    s:\n        eventName|contains: ogin\n    condition: s\n",
      "    s:\n        eventName: '" + std::string(kMaxDispatchValue, 'x') + "'\n    condition: s\n",
  };
  for (std::size_t i = 0; i < detections.size(); ++i) {
    const std::string id = "00000000-0000-4000-8000-0000000001" + std::to_string(10 + i);
    rg::test::write_file(dir / ("r" + std::to_string(i) + ".yml"), testing::rule_yaml(detections[i], "", id));
  }
  Pair rules({dir.path()});
  std::size_t loaded = 0;
  for (std::size_t i = 0; i < rules.indexed.size(); ++i) loaded += rules.indexed.info(i).file.starts_with(dir.path().string());
  ASSERT_EQ(loaded, detections.size());
  const std::string long_x = "\"" + std::string(kMaxDispatchValue, 'X') + "\"";
  const std::vector<std::string> names = {
      "\"ConsoleLogin\"", "\"CONSOLELOGIN\"", "\"consolelogin\"", "\"Console\\u004cogin\"", "\"ListBuckets\"",
      "\"listbuckets\"", "\"StopLogging\"", "\"a\"", "\"B\"", "5", "\"5\"", "5.0", "true", "\"TRUE\"", "null",
      "[\"x\", \"ConsoleLogin\"]", "[5]", "{\"a\":1}", "\"\"", long_x, long_x.substr(0, long_x.size() - 2) + "XX\""};
  const std::vector<std::string> sources = {"\"s3.amazonaws.com\"", "\"S3.AMAZONAWS.COM\"", "[\"s3.amazonaws.com\"]",
                                            "null", "\"iam.amazonaws.com\"", "7"};
  const std::vector<std::string> identities = {"{\"type\":\"Root\"}",  "{\"type\":\"ROOT\"}", "{\"type\":\"IAMUser\"}",
                                               "[{\"type\":\"Root\"}]", "{\"type\":[\"Root\"]}", "{}",
                                               "\"Root\"",              "null",               "{\"type\":null}"};
  std::mt19937 rng(11);
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& { return v[rng() % v.size()]; };
  simdjson::dom::parser p;
  std::size_t matches = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string raw = "{\"x\":1";
    if (rng() % 5) raw += ",\"eventName\":" + pick(names);
    if (rng() % 3) raw += ",\"eventSource\":" + pick(sources);
    if (rng() % 3) raw += ",\"userIdentity\":" + pick(identities);
    raw += "}";
    simdjson::padded_string ps(raw);
    simdjson::dom::element e;
    ASSERT_FALSE(p.parse(ps).get(e)) << raw;
    matches += rules.compare(e, raw);
  }
  EXPECT_GT(matches, 5000u);
  // A record that is no object is read by every rule as it is.
  for (const char* raw : {"[{\"eventName\":\"ConsoleLogin\"}]", "\"ConsoleLogin\"", "5"}) {
    simdjson::padded_string ps{std::string(raw)};
    rules.compare(p.parse(ps).value(), raw);
  }
}

}  // namespace
}  // namespace rg::sigma
