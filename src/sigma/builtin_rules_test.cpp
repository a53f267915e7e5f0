// Every built-in rule loads, carries its metadata, and passes its own example events.
#include <gtest/gtest.h>

#include <set>

#include "scan/correlate.h"
#include "sigma/builtin.h"
#include "sigma/correlation.h"
#include "sigma/rule.h"
#include "sigma/rule_tests.h"
#include "sigma/ruleset.h"

namespace rg::sigma {
namespace {

RuleSet builtins(Diagnostics& diag) {
  LoadOptions opts;
  opts.builtin = true;
  return load_rules(opts, diag);
}

// scan and watch load the built-ins without their test events: the same rules, literals and
// correlations, nothing else lost, no diagnostics.
TEST(BuiltinRules, LoadingWithoutTestsGivesTheSameRules) {
  Diagnostics d1(Diagnostics::silent()), d2(Diagnostics::silent());
  RuleSet full = builtins(d1);
  LoadOptions opts;
  opts.tests = false;
  RuleSet lean = load_rules(opts, d2);
  for (const std::string& l : d2.lines()) ADD_FAILURE() << l;
  ASSERT_EQ(lean.size(), full.size());
  ASSERT_EQ(lean.correlation_count(), full.correlation_count());
  std::size_t tests = 0;
  for (std::size_t i = 0; i < full.size(); ++i) {
    EXPECT_EQ(lean.info(i).id, full.info(i).id);
    EXPECT_EQ(lean.info(i).title, full.info(i).title);
    EXPECT_EQ(lean.info(i).severity, full.info(i).severity);
    EXPECT_EQ(lean.info(i).next_step, full.info(i).next_step);
    EXPECT_EQ(lean.rule_literals(i), full.rule_literals(i)) << full.info(i).id;
    EXPECT_TRUE(lean.info(i).tests.empty());
    tests += full.info(i).tests.size();
  }
  for (std::size_t c = 0; c < full.correlation_count(); ++c) {
    EXPECT_EQ(lean.correlation(c).rules, full.correlation(c).rules);
    EXPECT_EQ(lean.correlation(c).timespan_ms, full.correlation(c).timespan_ms);
    EXPECT_TRUE(lean.correlation(c).tests.empty());
    tests += full.correlation(c).tests.size();
  }
  EXPECT_GT(tests, 100u);
  EXPECT_EQ(lean.prefilter_literals(), full.prefilter_literals());
}

// The built-ins are parsed in one walk (parse_rule's `trusted`), without the document count a
// user's file gets first: the same rule either way, marks (line numbers) included.
TEST(BuiltinRules, TrustedParseGivesTheSameRule) {
  std::size_t compared = 0;
  for (const EmbeddedRule& e : builtin_rule_files())
    for (const std::string& doc : split_documents(e.text)) {
      if (doc.find("\ncorrelation:") != std::string::npos || doc.starts_with("correlation:")) continue;
      const std::string file = "builtin:" + std::string(e.file);
      Result<Rule> checked = parse_rule(doc, file), trusted = parse_rule(doc, file, true);
      ASSERT_TRUE(checked) << checked.error().str();
      ASSERT_TRUE(trusted) << trusted.error().str();
      EXPECT_EQ(trusted->info.id, checked->info.id);
      EXPECT_EQ(trusted->info.title, checked->info.title);
      EXPECT_EQ(trusted->info.next_step, checked->info.next_step);
      EXPECT_EQ(trusted->info.tests.size(), checked->info.tests.size());
      EXPECT_EQ(trusted->level_text, checked->level_text);
      EXPECT_EQ(trusted->conditions, checked->conditions);
      EXPECT_EQ(trusted->detections.size(), checked->detections.size());
      EXPECT_EQ(trusted->logsource_mark.line, checked->logsource_mark.line);
      EXPECT_EQ(trusted->id_mark.line, checked->id_mark.line);
      ++compared;
    }
  EXPECT_GE(compared, 19u);
}

TEST(BuiltinRules, AllLoadWithoutDiagnostics) {
  Diagnostics diag(Diagnostics::silent());
  RuleSet rules = builtins(diag);
  EXPECT_EQ(diag.error_count(), 0u);
  EXPECT_EQ(diag.warning_count(), 0u);
  for (const std::string& l : diag.lines()) ADD_FAILURE() << l;
  // Every document of every file is a rule or a correlation.
  std::size_t documents = 0;
  for (const EmbeddedRule& e : builtin_rule_files()) documents += split_documents(e.text).size();
  EXPECT_EQ(rules.size() + rules.correlation_count(), documents);
  EXPECT_GE(rules.correlation_count(), 5u);
  // D01-D19: all nineteen single-event detections are built in.
  std::set<std::string> ids;
  for (std::size_t i = 0; i < rules.size(); ++i) ids.insert(rules.info(i).id);
  for (int d = 1; d <= 19; ++d) {
    char id[8];
    std::snprintf(id, sizeof id, "D%02d", d);
    EXPECT_TRUE(ids.count(id)) << id;
  }
}

TEST(BuiltinRules, MetadataIsComplete) {
  Diagnostics diag(Diagnostics::silent());
  RuleSet rules = builtins(diag);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& r = rules.info(i);
    SCOPED_TRACE(r.file);
    EXPECT_TRUE(r.builtin);
    EXPECT_EQ(r.file.rfind("builtin:" + r.id.substr(0, 3), 0), 0u) << "file name starts with the id";
    EXPECT_EQ(r.uuid.size(), 36u);
    EXPECT_FALSE(r.title.empty());
    EXPECT_FALSE(r.description.empty());
    EXPECT_FALSE(r.practice.empty());
    EXPECT_FALSE(r.next_step.empty());
    EXPECT_FALSE(r.references.empty());
    std::size_t match = 0, no_match = 0;
    for (const RuleTest& t : r.tests) (t.must_match ? match : no_match)++;
    EXPECT_GE(match, 2u);
    EXPECT_GE(no_match, 2u);
    EXPECT_TRUE(rules.rule_literals(i).has_value()) << "every built-in rule serves the prefilter";
  }
}

TEST(BuiltinRules, PassTheirOwnTests) {
  Diagnostics diag(Diagnostics::silent());
  RuleSet rules = builtins(diag);
  TestReport report = run_rule_tests(rules);
  for (const TestFailure& f : report.failures) ADD_FAILURE() << f.file << ": " << f.test << ": " << f.what;
  EXPECT_GE(report.passed, 19u * 4u);
}

TEST(BuiltinCorrelations, MetadataIsCompleteAndTheyPassTheirOwnSequences) {
  Diagnostics diag(Diagnostics::silent());
  RuleSet rules = builtins(diag);
  std::set<std::string> ids;
  for (std::size_t c = 0; c < rules.correlation_count(); ++c) {
    const Correlation& k = rules.correlation(c);
    SCOPED_TRACE(k.info.file);
    ids.insert(k.info.id);
    EXPECT_EQ(k.info.file.rfind("builtin:" + k.info.id, 0), 0u) << "file name starts with the id";
    EXPECT_EQ(k.info.uuid.size(), 36u);
    EXPECT_FALSE(k.info.description.empty());
    EXPECT_FALSE(k.info.practice.empty());
    EXPECT_FALSE(k.info.next_step.empty());
    std::size_t fire = 0, quiet = 0;
    for (const SequenceTest& t : k.tests) (t.must_fire ? fire : quiet)++;
    EXPECT_GE(fire, 2u);
    EXPECT_GE(quiet, 2u);
    EXPECT_TRUE(rules.emitted(SourceRef{true, static_cast<std::uint32_t>(c)}));
  }
  // The four stateful detections: brute force, new AssumeRoot pair, new/untrusted
  // source IP, sign-in followed by a key or an MFA change.
  for (const char* id : {"D04B", "D13N", "D20", "D21", "D22"}) EXPECT_TRUE(ids.count(id)) << id;
  TestReport report = scan::run_correlation_tests(rules);
  for (const TestFailure& f : report.failures) ADD_FAILURE() << f.rule_id << ": " << f.test << ": " << f.what;
  EXPECT_GE(report.passed, 5u * 4u);
}

}  // namespace
}  // namespace rg::sigma
