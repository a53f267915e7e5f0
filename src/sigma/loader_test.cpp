// YAML -> Rule (parse stage) and the loader: bad files cost one line each with file:line:col,
// good rules keep loading; SigmaHQ's CloudTrail rules load unchanged or are refused by name.
#include <gtest/gtest.h>

#include <filesystem>

#include "sigma/rule.h"
#include "sigma/ruleset.h"
#include "sigma/testing.h"
#include "test_util.h"

namespace rg::sigma {
namespace {

namespace fs = std::filesystem;
using testing::rule_yaml;

const std::string kGood = rule_yaml("    sel:\n        eventName: ConsoleLogin\n    condition: sel\n");

std::string bad(const std::string& detection) {
  return rule_yaml(detection, "", "00000000-0000-4000-8000-000000000009");
}

TEST(ParseRule, KeepsMetadataAndTypedValues) {
  Result<Rule> r = parse_rule(
      "title: Example\nid: 3f0c1f1e-2b6a-4f55-9c1d-8f7e6d5c4b3a\nstatus: test\ndescription: d\nlevel: critical\n"
      "tags: [attack.t1078]\nreferences:\n    - https://example.com\n"
      "logsource: {product: aws, service: cloudtrail}\n"
      "detection:\n    sel:\n        a: 5\n        b: '5'\n        c: true\n        d: null\n        e|contains|cased: X\n"
      "    condition: sel\n"
      "rootguard:\n    id: X01\n    practice: p\n    next_step: n\n    supersedes: [D01]\n"
      "    tests:\n        match:\n            - {name: one, event: {a: 5, b: '5', c: true, n: ~}}\n"
      "        no_match:\n            - event: '{\"a\": 6}'\n",
      "x.yml");
  ASSERT_TRUE(r) << r.error().str();
  EXPECT_EQ(r->info.id, "X01");
  EXPECT_EQ(r->info.uuid, "3f0c1f1e-2b6a-4f55-9c1d-8f7e6d5c4b3a");
  EXPECT_EQ(r->info.severity, Severity::Critical);
  EXPECT_EQ(r->info.supersedes, std::vector<std::string>{"D01"});
  ASSERT_EQ(r->detections.size(), 1u);
  const auto& items = r->detections[0].alternatives.at(0);
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].values[0].type, Value::Type::Number);
  EXPECT_EQ(items[1].values[0].type, Value::Type::String);
  EXPECT_EQ(items[2].values[0].type, Value::Type::Bool);
  EXPECT_EQ(items[3].values[0].type, Value::Type::Null);
  EXPECT_EQ(items[4].modifiers, (std::vector<std::string>{"contains", "cased"}));
  EXPECT_EQ(items[4].mark.line, 16);
  EXPECT_EQ(items[4].mark.col, 9);
  ASSERT_EQ(r->info.tests.size(), 2u);
  EXPECT_EQ(r->info.tests[0].name, "one");
  EXPECT_EQ(r->info.tests[0].event_json, R"({"a":5,"b":"5","c":true,"n":null})");
  EXPECT_FALSE(r->info.tests[1].must_match);
  EXPECT_EQ(r->info.tests[1].event_json, R"({"a": 6})");
}

// One bad rule: the error line for it, as load_rules reports it.
std::vector<std::string> load_errors(const std::string& text, std::size_t* loaded = nullptr) {
  rg::test::TempDir dir;
  rg::test::write_file(dir / "a_good.yml", kGood);
  rg::test::write_file(dir / "b_bad.yml", text);
  rg::test::write_file(dir / "c_good.yml", rule_yaml("    sel:\n        eventName: x\n    condition: sel\n", "",
                                                     "00000000-0000-4000-8000-000000000002"));
  Diagnostics diag(Diagnostics::silent());
  LoadOptions opts;
  opts.builtin = false;
  opts.dirs = {dir.path()};
  RuleSet rules = load_rules(opts, diag);
  if (loaded) *loaded = rules.size();
  std::vector<std::string> out;
  for (std::string l : diag.lines()) {
    auto pos = l.find("b_bad.yml");
    out.push_back(pos == std::string::npos ? l : l.substr(pos));
  }
  return out;
}

void expect_one_error(const std::string& text, const std::string& where, const std::string& what) {
  std::size_t loaded = 0;
  std::vector<std::string> lines = load_errors(text, &loaded);
  ASSERT_EQ(lines.size(), 1u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0].rfind(where, 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(what), std::string::npos) << lines[0];
  EXPECT_EQ(loaded, 2u) << "the other rules still load";
}

TEST(LoadRules, GoodFilesLoad) {
  std::size_t loaded = 0;
  EXPECT_TRUE(load_errors(rule_yaml("    sel:\n        eventName: y\n    condition: sel\n", "",
                                    "00000000-0000-4000-8000-000000000003"),
                          &loaded)
                  .empty());
  EXPECT_EQ(loaded, 3u);
}

TEST(LoadRules, InvalidYaml) {
  expect_one_error("title: [unclosed\nlevel: high\n", "b_bad.yml:2:", "invalid YAML");
}

// yaml-cpp's guard against deep nesting reports a "bad file"; the error says what it is.
TEST(LoadRules, YamlNestedTooDeeply) {
  expect_one_error("title: " + std::string(100000, '[') + std::string(100000, ']') + "\n", "b_bad.yml:1:",
                   "invalid YAML: nested too deeply");
}

TEST(LoadRules, UnknownModifier) {
  expect_one_error(bad("    sel:\n        eventName|contians: x\n    condition: sel\n"),
                   "b_bad.yml:9:9:", "unknown modifier 'contians'");
}

TEST(LoadRules, UnsupportedModifierIsNamed) {
  expect_one_error(bad("    sel:\n        cmd|base64offset|contains: x\n    condition: sel\n"),
                   "b_bad.yml:9:9:", "unsupported: modifier 'base64offset'");
}

TEST(LoadRules, DuplicateIdNamesBothFiles) {
  std::vector<std::string> lines = load_errors(kGood);  // same id as a_good.yml
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("b_bad.yml:2:5:", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("duplicate id '00000000-0000-4000-8000-000000000001'"), std::string::npos);
  EXPECT_NE(lines[0].find("a_good.yml"), std::string::npos) << lines[0];
}


TEST(LoadRules, UnknownConditionIdentifier) {
  expect_one_error(bad("    sel:\n        a: x\n    condition: sel and not filtre\n"), "b_bad.yml:10:28:",
                   "unknown detection identifier 'filtre'");
}

TEST(LoadRules, BadRegex) {
  expect_one_error(bad("    sel:\n        a|re: '([a-z'\n    condition: sel\n"), "b_bad.yml:9:15:", "bad regex");
}

TEST(LoadRules, BadCidr) {
  expect_one_error(bad("    sel:\n        ip|cidr: 10.0.0.0/33\n    condition: sel\n"), "b_bad.yml:9:18:",
                   "bad CIDR '10.0.0.0/33'");
}

TEST(LoadRules, OtherRefusals) {
  expect_one_error(bad("    sel:\n        a: x\n    condition: sel | count() > 5\n"), "b_bad.yml:10:20:",
                   "unsupported: aggregation");
  expect_one_error(bad("    sel:\n        a: x\n    timeframe: 5m\n    condition: sel\n"), "b_bad.yml:10:5:",
                   "unsupported: 'timeframe'");
  expect_one_error("title: t\nid: 00000000-0000-4000-8000-000000000009\n"
                   "logsource: {product: aws, service: cloudtrial}\ndetection: {sel: {a: 1}, condition: sel}\n",
                   "b_bad.yml:", "unsupported: logsource product 'aws' service 'cloudtrial'");
  expect_one_error("title: t\nid: 00000000-0000-4000-8000-000000000009\ncorrelation:\n    type: event_count\n",
                   "b_bad.yml:4:5:", "correlation.rules names no rule");
  expect_one_error("title: t\nid: 00000000-0000-4000-8000-000000000009\ncorrelation:\n    type: event_count\n"
                   "    rules: [nothing]\n    timespan: 5m\n    condition: {gte: 2}\n",
                   "b_bad.yml", "refers to unknown rule 'nothing'");
  // A second document with the same id as the first file's rule: that document alone is refused,
  // at its own line.
  expect_one_error("---\n" + kGood, "b_bad.yml:3:5:", "duplicate id");
  expect_one_error(bad("    sel:\n        a|exists: maybe\n    condition: sel\n"), "b_bad.yml:9:19:", "'exists' takes");
  expect_one_error(bad("    sel:\n        a|gt: x\n    condition: sel\n"), "b_bad.yml:9:15:", "take a number");
  expect_one_error(bad("    sel:\n        a|contains|startswith: x\n    condition: sel\n"), "b_bad.yml:9:9:",
                   "do not combine");
  expect_one_error(bad("    sel:\n        a: x\n"), "b_bad.yml:", "no 'condition'");
  std::string urgent = bad("    sel:\n        a: x\n    condition: sel\n");
  urgent.replace(urgent.find("level: high"), 11, "level: urgent");
  expect_one_error(urgent, "b_bad.yml:3:8:",
                   "invalid level 'urgent'");
  expect_one_error("", "b_bad.yml", "empty rule file");
  expect_one_error(std::string("\x00\xff\xfe garbage", 11), "b_bad.yml", "");
}

// A folder of Sigma rules for every log source (a SigmaHQ checkout) is a normal thing to point
// at: its rules for other products, the correlations over them and YAML that is no rule are left
// out with one note; .github and .git are not walked; a mistyped CloudTrail logsource is still an
// error, and so is a rule for another product named as a file.
TEST(LoadRules, RulesForOtherLogSourcesInAFolderAreCountedNotReported) {
  rg::test::TempDir dir;
  const fs::path d = dir / "sigma";
  fs::create_directories(d / "windows");
  fs::create_directories(d / ".github/workflows");
  fs::create_directories(d / "regression_data");
  rg::test::write_file(d / "a_aws.yml", kGood);
  rg::test::write_file(d / "windows/proc.yml",
                       "title: w\nid: 00000000-0000-4000-8000-0000000000a1\nname: win_proc\n"
                       "logsource: {product: windows, category: process_creation}\n"
                       "detection: {sel: {Image|endswith: '\\\\cmd.exe'}, condition: sel}\n");
  rg::test::write_file(d / "windows/windash.yml",
                       "title: w2\nlogsource: {product: windows, category: process_creation}\n"
                       "detection: {sel: {CommandLine|windash|contains: '-enc'}, condition: sel}\n");
  rg::test::write_file(d / "linux.yml",
                       "title: l\nlogsource: {product: linux, service: auditd}\ndetection: {sel: {a: 1}, condition: sel}\n");
  rg::test::write_file(d / "windows/corr.yml",
                       "title: c\ncorrelation:\n    type: event_count\n    rules: [win_proc]\n    timespan: 5m\n"
                       "    condition: {gte: 3}\n");
  rg::test::write_file(d / "regression_data/info.yml", "id: 1\ndescription: test data\n");
  rg::test::write_file(d / ".github/workflows/lint.yml", "on: push\njobs: {}\n");
  rg::test::write_file(d / "typo.yml", "title: t\nid: 00000000-0000-4000-8000-0000000000a2\n"
                                       "logsource: {product: aws, service: cloudtrial}\n"
                                       "detection: {sel: {a: 1}, condition: sel}\n");
  Diagnostics diag(Diagnostics::silent());
  LoadOptions opts;
  opts.builtin = false;
  opts.dirs = {d};
  RuleSet rules = load_rules(opts, diag);
  EXPECT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules.correlation_count(), 0u);
  std::vector<std::string> lines = diag.lines();
  ASSERT_EQ(lines.size(), 2u) << ::testing::PrintToString(lines);
  EXPECT_EQ(diag.error_count(), 1u);
  EXPECT_NE(lines[0].find("typo.yml:3:12: unsupported: logsource product 'aws' service 'cloudtrial'"), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find(d.string() + ": 3 rules for other log sources (windows 2, linux 1) and 1 correlation over them "
                                       "and 1 YAML file that is not a Sigma rule left out"),
            std::string::npos)
      << lines[1];

  // Named as a file, a rule for another product is refused as before.
  Diagnostics named(Diagnostics::silent());
  opts.dirs = {d / "linux.yml"};
  EXPECT_EQ(load_rules(opts, named).size(), 0u);
  ASSERT_EQ(named.error_count(), 1u);
  EXPECT_NE(named.lines()[0].find("unsupported: logsource product 'linux'"), std::string::npos) << named.lines()[0];
}

// yaml-cpp's LoadAll loops forever on these (found by fuzzing): they must fail fast.
TEST(ParseRule, MalformedStreamsEndWithAnError) {
  for (const char* text : {",itt`", ",a", "a: 1\n---\n,b"}) {
    Result<Rule> r = parse_rule(text, "f.yml");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().where.rfind("f.yml", 0), 0u);
  }
}

TEST(LoadRules, MissingPathAndSymlinkLoop) {
  rg::test::TempDir dir;
  fs::create_directories(dir / "d");
  rg::test::write_file(dir / "d" / "r.yml", kGood);
  fs::create_directory_symlink(dir.path(), dir / "d" / "loop");
  Diagnostics diag(Diagnostics::silent());
  LoadOptions opts;
  opts.builtin = false;
  opts.dirs = {dir / "d", dir / "missing"};
  RuleSet rules = load_rules(opts, diag);
  EXPECT_EQ(rules.size(), 1u);
  ASSERT_EQ(diag.lines().size(), 1u);
  EXPECT_NE(diag.lines()[0].find("missing: rules: no such file or directory"), std::string::npos);
}

// SigmaHQ's CloudTrail rules (57 in rules/, 1 in rules-placeholder/): every one loads
// unchanged (fieldref included); the placeholder rule says its placeholders have no values.
TEST(LoadRules, SigmaHQCloudTrailRules) {
  fs::path dir = rg::test::shared_testdata() / "sigma-aws-cloudtrail";
  RG_SKIP_WITHOUT_SHARED_TESTDATA(dir);
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().extension() == ".yml") ++files;
  EXPECT_EQ(files, 58u);
  Diagnostics diag(Diagnostics::silent());
  LoadOptions opts;
  opts.builtin = false;
  opts.dirs = {dir};
  RuleSet rules = load_rules(opts, diag);
  EXPECT_EQ(rules.size(), 58u);
  std::vector<std::string> lines = diag.lines();
  ASSERT_EQ(lines.size(), 2u) << ::testing::PrintToString(lines);
  EXPECT_EQ(diag.error_count(), 0u);
  // The placeholder rule loads; with no values for its placeholders it says so.
  EXPECT_NE(lines[0].find("aws_cloudtrail_console_login_success_from_susp_locations.yml: placeholder "
                          "%Legitimate_Countries% has no values"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("placeholder %Legitimate_IP_Ranges% has no values"), std::string::npos) << lines[1];
  EXPECT_EQ(rules.size(), files);
  // The fieldref rule: a password changed for another user fires, one's own does not.
  std::size_t i = 0;
  while (i < rules.size() && rules.info(i).uuid != "055fb148-60f8-462d-ad16-26926ce050f1") ++i;
  ASSERT_LT(i, rules.size());
  auto fires = [&](const std::string& json) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    return rules.evaluate(i, cloudtrail::EventView{parser.parse(padded).value(), json, "t", 0, 0}).has_value();
  };
  const std::string call = R"({"eventSource":"iam.amazonaws.com","eventName":"UpdateLoginProfile",)";
  EXPECT_TRUE(fires(call + R"("userIdentity":{"arn":"bob"},"requestParameters":{"userName":"alice"}})"));
  EXPECT_FALSE(fires(call + R"("userIdentity":{"arn":"alice"},"requestParameters":{"userName":"alice"}})"));
}

// Sigma placeholders: `field|expand: '%name%'` takes its values from the configuration; with
// none, the item matches nothing (so `not` of it matches everything).
TEST(LoadRules, PlaceholdersExpandFromTheConfiguration) {
  rg::test::TempDir dir;
  rg::test::write_file(dir / "p.yml", R"(title: from outside
id: 00000000-0000-4000-8000-00000000000a
logsource: {product: aws, service: cloudtrail}
detection:
    sel: {eventName: ConsoleLogin}
    trusted: {sourceIPAddress|expand|cidr: '%trusted_source_ips%'}
    condition: sel and not trusted
)");
  auto run = [&](const Placeholders& p, const char* ip) {
    Diagnostics diag(Diagnostics::silent());
    LoadOptions opts;
    opts.builtin = false;
    opts.dirs = {dir.path()};
    opts.placeholders = p;
    RuleSet rules = load_rules(opts, diag);
    EXPECT_EQ(rules.size(), 1u);
    std::string json = std::string(R"({"eventName":"ConsoleLogin","sourceIPAddress":")") + ip + "\"}";
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    cloudtrail::EventView ev{parser.parse(padded).value(), json, "t", 0, 0};
    return std::make_pair(rules.evaluate(0, ev).has_value(), diag.warning_count());
  };
  Placeholders office{{"trusted_source_ips", {"203.0.113.0/24", "2001:db8::/32"}}};
  EXPECT_EQ(run(office, "203.0.113.9"), std::make_pair(false, std::size_t{0}));
  EXPECT_EQ(run(office, "2001:db8::1"), std::make_pair(false, std::size_t{0}));
  EXPECT_EQ(run(office, "198.51.100.1"), std::make_pair(true, std::size_t{0}));
  EXPECT_EQ(run({}, "203.0.113.9"), std::make_pair(true, std::size_t{1})) << "unset: nothing is trusted, and a warning";
}

}  // namespace
}  // namespace rg::sigma
