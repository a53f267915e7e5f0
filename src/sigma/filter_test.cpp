// Sigma filters (a `filter:` document ANDed into the rules it names): loading, what they
// leave out of the built-in rules, their errors, and how list, test, lint and sql show them.
#include <gtest/gtest.h>

#include <algorithm>

#include "sigma/lint.h"
#include "sigma/rule_docs.h"
#include "sigma/rule_tests.h"
#include "sigma/ruleset.h"
#include "sigma/sql.h"
#include "sigma/testing.h"
#include "test_util.h"

namespace rg::sigma {
namespace {

// A root console sign-in with MFA from `ip` (D02 matches it; D01 would, were D02 not to).
std::string root_login(const std::string& ip) {
  return R"({"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":""},"eventTime":"2026-11-20T10:07:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":")" +
         ip +
         R"(","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"eventType":"AwsConsoleSignIn","additionalEventData":{"MFAUsed":"Yes"}})";
}

const std::string kKeyCreated =
    R"({"userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root","accessKeyId":"AKIAEXAMPLEKEY000001"},"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","sourceIPAddress":"198.51.100.24","requestParameters":null,"eventType":"AwsApiCall"})";

std::string filter_yaml(const std::string& rules, const std::string& body, const std::string& extra = "") {
  return "title: Break-glass drill\nid: 7d1c1b56-1f0e-4c4b-9d7a-2f6f7e0f4a11\ndescription: d\n"
         "logsource:\n    product: aws\n    service: cloudtrail\nfilter:\n    rules: " +
         rules + "\n" + body + extra;
}

const std::string kOffice = "    office:\n        sourceIPAddress: 198.51.100.24\n    condition: not office\n";

class Filtered : public ::testing::Test {
 protected:
  // Loads the built-ins plus the files written into dir_.
  void load(LoadOptions opts = {}) {
    diag_ = std::make_unique<Diagnostics>(Diagnostics::silent());
    opts.dirs = {dir_.path()};
    rules_ = load_rules(opts, *diag_);
  }
  // "D02:high" for the matches on json, as scan reports them.
  std::string run(const std::string& json) { return testing::matches_of(rules_, parser_, json); }
  const RuleInfo* rule(const std::string& id) {
    for (std::size_t i = 0; i < rules_.size(); ++i)
      if (rules_.info(i).id == id) return &rules_.info(i);
    return nullptr;
  }
  std::string diag_text() {
    std::string s;
    for (const std::string& l : diag_->lines()) s += l + "\n";
    return s;
  }
  rg::test::TempDir dir_;
  RuleSet rules_;
  std::unique_ptr<Diagnostics> diag_;
  simdjson::dom::parser parser_;
};

TEST_F(Filtered, LeavesOutWhatItMatchesFromTheRulesItNamesOnly) {
  rg::test::write_file(dir_ / "mf_drill.yml", filter_yaml("[D02, D03]", kOffice));
  load();
  EXPECT_EQ(diag_->error_count(), 0u) << diag_text();
  EXPECT_EQ(run(root_login("203.0.113.7")), "D02:high");
  EXPECT_EQ(rules_.filter_left_out(0), 0u);
  // D02 no longer takes the drill's sign-in, so D01, which it supersedes, reports it.
  EXPECT_EQ(run(root_login("198.51.100.24")), "D01:high");
  EXPECT_EQ(rules_.filter_left_out(0), 1u) << "D02's match, counted; D03 did not match at all";
  EXPECT_EQ(run(kKeyCreated), "D09:critical D10:critical") << "rules it does not name are untouched";
  ASSERT_EQ(rules_.filter_count(), 1u);
  EXPECT_EQ(rules_.filter(0).id, "7d1c1b56-1f0e-4c4b-9d7a-2f6f7e0f4a11");
  ASSERT_TRUE(rule("D02") && rule("D01"));
  EXPECT_EQ(rule("D02")->filters, std::vector<std::string>{"7d1c1b56-1f0e-4c4b-9d7a-2f6f7e0f4a11"});
  EXPECT_TRUE(rule("D01")->filters.empty());
}

TEST_F(Filtered, NamingTheSupersededRuleOrAnyLeavesTheEventOut) {
  rg::test::write_file(dir_ / "mf_drill.yml", filter_yaml("[D01, D02, D03]", kOffice));
  load();
  EXPECT_EQ(run(root_login("198.51.100.24")), "");
  EXPECT_EQ(run(root_login("203.0.113.7")), "D02:high");

  rg::test::write_file(dir_ / "mf_drill.yml", filter_yaml("any", kOffice));
  load();
  EXPECT_EQ(run(root_login("198.51.100.24")), "");
  EXPECT_EQ(run(kKeyCreated), "") << "every rule is filtered, the key's creation from the office too";
  EXPECT_EQ(rules_.filter_left_out(0), 6u) << "D01, D02 and D20a on the sign-in; D01, D09 and D10 on the key";
  EXPECT_EQ(rules_.filter(0).rules.size(), rules_.size());

  rg::test::write_file(dir_ / "mf_drill.yml", filter_yaml("[]", kOffice));
  load();
  EXPECT_EQ(rules_.filter(0).rules.size(), rules_.size()) << "an empty list is 'any', as in pySigma";
}

TEST_F(Filtered, TheConditionIsAndedAsWrittenAndItsNamesAreItsOwn) {
  // A user rule whose detection is also called `s`; the filter's `s` and `1 of sel*` are the
  // filter's own. Without `not`, a filter narrows the rule to what it matches (pySigma's
  // semantics: `(rule) and (filter)`).
  rg::test::write_file(dir_ / "r.yml",
                       "title: t\nid: 00000000-0000-4000-8000-000000000001\nlevel: high\n"
                       "logsource: {product: aws, service: cloudtrail}\n"
                       "detection:\n    s:\n        x: alpha\n    condition: s\nrootguard: {id: R}\n");
  rg::test::write_file(dir_ / "a_filter.yml",
                       filter_yaml("R", "    s:\n        y: beta\n    sel_a:\n        z: gamma\n    condition: s and 1 of sel*\n"));
  LoadOptions opts;
  opts.builtin = false;
  load(opts);
  EXPECT_EQ(diag_->error_count(), 0u) << diag_text();
  EXPECT_EQ(run(R"({"x":"alpha","y":"beta","z":"gamma"})"), "R:high");
  EXPECT_EQ(run(R"({"x":"alpha","y":"beta"})"), "");
  EXPECT_EQ(run(R"({"y":"beta","z":"gamma"})"), "");
  // The filter file sorts before the rule it names: it is applied all the same.
  ASSERT_EQ(rules_.filter_count(), 1u);
  EXPECT_EQ(rules_.filter(0).rules, std::vector<std::uint32_t>{0});
  // The prefilter stays sound: an event the filtered rule matches passes it.
  ASSERT_TRUE(rules_.prefilter_literals());
  EXPECT_TRUE(prefilter_passes(*rules_.prefilter_literals(), R"({"x":"alpha","y":"beta","z":"gamma"})"));
}

TEST_F(Filtered, PlaceholdersAndNamesResolve) {
  rg::test::write_file(dir_ / "mf_drill.yml",
                       filter_yaml("[root-login-sigma-name, D03]",
                                   "    trusted:\n        sourceIPAddress|expand: '%trusted_source_ips%'\n"
                                   "    condition: not trusted\n"));
  rg::test::write_file(dir_ / "named.yml",
                       "title: named\nname: root-login-sigma-name\nid: 00000000-0000-4000-8000-000000000002\n"
                       "level: low\nlogsource: {product: aws, service: cloudtrail}\n"
                       "detection:\n    s:\n        eventName: ConsoleLogin\n    condition: s\n");
  LoadOptions opts;
  opts.placeholders["trusted_source_ips"] = {"198.51.100.24"};
  load(opts);
  EXPECT_EQ(diag_->error_count(), 0u) << diag_text();
  const RuleInfo* named = rule("00000000-0000-4000-8000-000000000002");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->filters.size(), 1u);
  EXPECT_EQ(run(root_login("198.51.100.24")), "D02:high") << "D03 is filtered, D02 is not named";
}

TEST_F(Filtered, BadReferencesAreOneLineEachAndTheRestStillApplies) {
  rg::test::write_file(dir_ / "mf_drill.yml", filter_yaml("[D2, D22, D02]", kOffice));
  load();
  ASSERT_EQ(diag_->error_count(), 2u) << diag_text();
  const std::string text = diag_text();
  EXPECT_NE(text.find("mf_drill.yml:8:5: filter '7d1c1b56-1f0e-4c4b-9d7a-2f6f7e0f4a11' refers to unknown rule 'D2'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("names correlation 'D22'"), std::string::npos) << text;
  EXPECT_EQ(run(root_login("198.51.100.24")), "D01:high") << "D02 is still filtered";
}

TEST_F(Filtered, MalformedFiltersAreRefusedByName) {
  struct Case {
    std::string text, message;
  };
  const Case cases[] = {
      {"title: f\nlogsource: {product: aws, service: guardduty}\nfilter:\n    rules: any\n    s: {x: 1}\n    condition: not s\n",
       "unsupported: logsource"},
      {"title: f\nlogsource: {product: aws}\nfilter:\n    s: {x: 1}\n    condition: not s\n", "filter has no 'rules'"},
      {"title: f\nlogsource: {product: aws}\nfilter:\n    rules: any\n    s: {x: 1}\n", "filter has no 'condition'"},
      {"title: f\nlogsource: {product: aws}\nfilter:\n    rules: any\n    s: {x: 1}\n    condition: not t\n",
       "unknown"},
      {"title: f\nlogsource: {product: aws}\nfilter:\n    rules: any\n    s: {x|base64: 1}\n    condition: not s\n",
       "base64"},
      {"title: f\nlogsource: {product: aws}\nfilter:\n    rules: any\n    s: {x: 1}\n    condition: [not s, s]\n",
       "exactly one condition"},
      {"title: f\nlogsource: {product: aws}\nfilter: [D01]\n", "'filter' must be a mapping"},
      {"title: f\nlogsource: {product: aws}\nfilter:\n    rules: any\n    s: {x: 1}\n    condition: not s\n"
       "rootguard: {id: F1}\n",
       "unsupported: rootguard.id in a filter (only tests)"},
      {"title: f\nlogsource: {product: aws}\nfilter:\n    rules: any\n    s: {x: 1}\n    condition: not s\n"
       "rootguard: {tests: {match: [{x: 1}]}}\n",
       "a filter's rootguard.tests is a mapping with kept/left_out"},
      {"title: f\nlogsource: {product: aws}\nfilter:\n    rules: any\n    s: {x: 1}\n    condition: not s\n"
       "detection:\n    s: {x: 1}\n    condition: s\n",
       "cannot also have a detection"},
  };
  for (const Case& c : cases) {
    rg::test::write_file(dir_ / "mf_bad.yml", c.text);
    load();
    EXPECT_EQ(diag_->error_count(), 1u) << c.text << diag_text();
    EXPECT_NE(diag_text().find("mf_bad.yml"), std::string::npos) << diag_text();
    EXPECT_NE(diag_text().find(c.message), std::string::npos) << c.message << " in " << diag_text();
    EXPECT_EQ(rules_.filter_count(), 0u);
    EXPECT_EQ(run(root_login("198.51.100.24")), "D02:high") << "the built-ins run as they are";
  }
}

TEST_F(Filtered, RuleTestsNameTheFilterThatHidesAnExample) {
  // D02's own examples sign in from 203.0.113.10.
  rg::test::write_file(dir_ / "mf_drill.yml",
                       filter_yaml("D02", "    office:\n        sourceIPAddress: 203.0.113.10\n    condition: not office\n"));
  load();
  TestReport report = run_rule_tests(rules_);
  ASSERT_FALSE(report.failures.empty());
  for (const TestFailure& f : report.failures) {
    EXPECT_EQ(f.rule_id, "D02");
    EXPECT_NE(f.what.find("filters applied: 7d1c1b56-1f0e-4c4b-9d7a-2f6f7e0f4a11"), std::string::npos) << f.what;
  }
}

// A filter's own examples (rootguard.tests.kept / left_out) run with the rules' tests: each
// passes when the filter keeps or leaves out the event as said, and some rule it names matches
// the event before filters; each failure names the filter, the example and what went wrong.
TEST_F(Filtered, FilterExamplesRunWithTheRuleTests) {
  auto example = [](const std::string& name, const std::string& json) {
    return "            - name: " + name + "\n              event: '" + json + "'\n";
  };
  const std::string good = "rootguard:\n    tests:\n        left_out:\n" + example("drill", root_login("198.51.100.24")) +
                           "        kept:\n" + example("elsewhere", root_login("203.0.113.9"));
  rg::test::write_file(dir_ / "mf_drill.yml", filter_yaml("[D02, D03]", kOffice, good));
  load();
  EXPECT_EQ(diag_->error_count(), 0u) << diag_text();
  ASSERT_EQ(rules_.filter_count(), 1u);
  ASSERT_EQ(rules_.filter(0).tests.size(), 2u);
  const std::size_t builtin_passed = [] {
    Diagnostics quiet(Diagnostics::silent());
    return run_rule_tests(load_rules(LoadOptions{}, quiet)).passed;
  }();
  TestReport report = run_rule_tests(rules_);
  EXPECT_TRUE(report.failures.empty()) << report.failures.front().what;
  EXPECT_EQ(report.passed, builtin_passed + 2);

  // Wrong either way, and an example none of the named rules matches (D03 alone: MFA was used).
  const std::string bad = "rootguard:\n    tests:\n        kept:\n" + example("drill", root_login("198.51.100.24")) +
                          "        left_out:\n" + example("elsewhere", root_login("203.0.113.9")) +
                          example("a user", R"({"userIdentity":{"type":"IAMUser"},"eventName":"ConsoleLogin","sourceIPAddress":"198.51.100.24"})");
  rg::test::write_file(dir_ / "mf_drill.yml", filter_yaml("[D03]", kOffice, bad));
  load();
  report = run_rule_tests(rules_);
  ASSERT_EQ(report.failures.size(), 3u);
  for (const TestFailure& f : report.failures) {
    EXPECT_EQ(f.rule_id, "7d1c1b56-1f0e-4c4b-9d7a-2f6f7e0f4a11");
    EXPECT_NE(f.file.find("mf_drill.yml"), std::string::npos);
  }
  EXPECT_EQ(report.failures[0].test, "drill");
  EXPECT_NE(report.failures[0].what.find("none of the rules the filter names matches"), std::string::npos)
      << report.failures[0].what << " (D03 wants a sign-in without MFA)";
  rg::test::write_file(dir_ / "mf_drill.yml", filter_yaml("[D02]", kOffice, bad));
  load();
  report = run_rule_tests(rules_);
  ASSERT_EQ(report.failures.size(), 3u);
  EXPECT_EQ(report.failures[0].what, "expected the filter to keep this event, but it leaves it out");
  EXPECT_EQ(report.failures[1].test, "elsewhere");
  EXPECT_EQ(report.failures[1].what, "expected the filter to leave this event out, but it keeps it");
  EXPECT_EQ(report.failures[2].test, "a user");
  EXPECT_NE(report.failures[2].what.find("none of the rules the filter names matches"), std::string::npos);
}

TEST_F(Filtered, ListAndSqlShowThem) {
  rg::test::write_file(dir_ / "mf_drill.yml", filter_yaml("[D02, D03]", kOffice));
  load();
  const std::string json = render_rules(rules_, ListFormat::Json);
  EXPECT_NE(json.find(R"({"id":"7d1c1b56-1f0e-4c4b-9d7a-2f6f7e0f4a11","type":"filter","title":"Break-glass drill")"
                      R"(,"file":")"),
            std::string::npos);
  EXPECT_NE(json.find(R"("condition":"not office","rules":["D02","D03"]})"), std::string::npos);
  EXPECT_NE(json.find(R"("filters":["7d1c1b56-1f0e-4c4b-9d7a-2f6f7e0f4a11"])"), std::string::npos);
  const std::string text = render_rules(rules_, ListFormat::Text);
  EXPECT_NE(text.find("filter            Break-glass drill (on D02, D03)"), std::string::npos) << text;
  // The SQL of a filtered rule leaves the office out.
  SqlOptions o;
  SqlQuery q = rules_to_sql(rules_, o);
  EXPECT_NE(q.text.find("198.51.100.24"), std::string::npos);
}

TEST_F(Filtered, LintWarnsWhereAFilterDoesLessThanItSeems) {
  rg::test::write_file(dir_ / "mf_drill.yml",
                       filter_yaml("[D02, D03, D9, D22]", "    office:\n        sourceIPAddress: 1.2.3.4\n    condition: office\n"));
  Diagnostics diag(Diagnostics::silent());
  LoadOptions opts;
  opts.dirs = {dir_.path()};
  std::vector<LintIssue> issues = lint_rules(opts, diag);
  std::string text;
  for (const LintIssue& i : issues)
    if (i.check == "filter") text += i.str() + "\n";
  EXPECT_NE(text.find("error: filter '7d1c1b56-1f0e-4c4b-9d7a-2f6f7e0f4a11' refers to unknown rule 'D9'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("error: filter '7d1c1b56-1f0e-4c4b-9d7a-2f6f7e0f4a11' names correlation 'D22'"), std::string::npos)
      << text;
  EXPECT_NE(text.find("warning: the filter's condition has no 'not'"), std::string::npos) << text;
  EXPECT_NE(text.find("still reported by D01, which those rules supersede; add it"), std::string::npos) << text;
  EXPECT_EQ(std::count_if(issues.begin(), issues.end(),
                          [](const LintIssue& i) {
                            return i.check == "tests" && i.str().find("mf_drill.yml") != std::string::npos &&
                                   i.str().find("rootguard.tests.left_out") != std::string::npos;
                          }),
            1);
  // A filter naming the whole chain, leaving events out, with an example: nothing to say.
  rg::test::write_file(dir_ / "mf_drill.yml",
                       filter_yaml("[D01, D02, D03]", kOffice,
                                   "rootguard:\n    tests:\n        left_out:\n            - '" +
                                       root_login("198.51.100.24") + "'\n"));
  issues = lint_rules(opts, diag);
  for (const LintIssue& i : issues) {
    if (i.str().find("mf_drill.yml") != std::string::npos) ADD_FAILURE() << i.str();
  }
}

}  // namespace
}  // namespace rg::sigma
