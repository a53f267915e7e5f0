// Every built-in rule loads, carries its metadata, and passes its own example events.
#include <gtest/gtest.h>

#include <set>

#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include "cloudtrail/event.h"
#include "scan/correlate.h"
#include "sigma/builtin.h"
#include "sigma/correlation.h"
#include "sigma/rule.h"
#include "sigma/rule_tests.h"
#include "sigma/ruleset.h"
#include "sigma/yaml_tree.h"

namespace rg::sigma {
namespace {

RuleSet builtins(Diagnostics& diag) {
  LoadOptions opts;
  opts.builtin = true;
  return load_rules(opts, diag);
}

// scan and watch load the built-ins without their test events, from the trees built into the
// binary (sigma/yaml_tree.h) instead of their YAML text: the same rules, literals, matches and
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
  auto same_info = [](const RuleInfo& a, const RuleInfo& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.uuid, b.uuid);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.title, b.title);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.file, b.file);
    EXPECT_EQ(a.severity, b.severity);
    EXPECT_EQ(a.practice, b.practice);
    EXPECT_EQ(a.next_step, b.next_step);
    EXPECT_EQ(a.tags, b.tags);
    EXPECT_EQ(a.references, b.references);
    EXPECT_EQ(a.supersedes, b.supersedes);
    EXPECT_EQ(a.builtin, b.builtin);
    EXPECT_EQ(a.severity_when_failed, b.severity_when_failed);
    EXPECT_EQ(a.severity_levels, b.severity_levels);
    EXPECT_EQ(a.conditions, b.conditions);
    EXPECT_TRUE(a.tests.empty());
  };
  std::vector<const RuleTest*> events;
  for (std::size_t i = 0; i < full.size(); ++i) {
    SCOPED_TRACE(full.info(i).file);
    same_info(lean.info(i), full.info(i));
    EXPECT_EQ(lean.rule_literals(i), full.rule_literals(i));
    EXPECT_EQ(lean.superseders(i), full.superseders(i));
    for (const RuleTest& t : full.info(i).tests) events.push_back(&t);
  }
  // Every rule on every test event of every rule: the same verdict and severity.
  std::size_t fired = 0;
  for (const RuleTest* t : events) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(t->event_json);
    simdjson::dom::element doc;
    ASSERT_FALSE(parser.parse(padded).get(doc)) << t->name;
    cloudtrail::EventView ev{doc, t->event_json, "test", 0, 0};
    for (std::size_t i = 0; i < full.size(); ++i) {
      const std::optional<Severity> want = full.evaluate(i, ev);
      EXPECT_EQ(lean.evaluate(i, ev), want) << full.info(i).id << " on " << t->name;
      fired += want.has_value();
    }
    std::vector<Match> a, b;
    full.match(ev, a);
    lean.match(ev, b);
    ASSERT_EQ(a.size(), b.size()) << t->name;
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].rule, b[k].rule) << t->name;
      EXPECT_EQ(a[k].severity, b[k].severity) << t->name;
    }
  }
  EXPECT_GT(events.size(), 100u);
  EXPECT_GT(fired, 50u);
  for (std::size_t c = 0; c < full.correlation_count(); ++c) {
    const Correlation &x = lean.correlation(c), &y = full.correlation(c);
    SCOPED_TRACE(y.info.file);
    same_info(x.info, y.info);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.rules, y.rules);
    EXPECT_EQ(x.group_by, y.group_by);
    EXPECT_EQ(x.aliases, y.aliases);
    EXPECT_EQ(x.timespan_ms, y.timespan_ms);
    EXPECT_EQ(x.condition.min, y.condition.min);
    EXPECT_EQ(x.condition.max, y.condition.max);
    EXPECT_EQ(x.condition.field, y.condition.field);
    EXPECT_EQ(x.generate, y.generate);
    EXPECT_EQ(lean.correlation_sources(c), full.correlation_sources(c));
    EXPECT_TRUE(x.tests.empty());
    EXPECT_FALSE(y.tests.empty());
  }
  EXPECT_EQ(lean.prefilter_literals(), full.prefilter_literals());
}

// The trees built into the binary are the rule files' documents as they are now (the build
// regenerates them when a rule changes), without their test events.
TEST(BuiltinRules, EmbeddedTreesAreTheFilesDocuments) {
  std::size_t compared = 0;
  for (const EmbeddedRule& e : builtin_rule_files()) {
    SCOPED_TRACE(std::string(e.file));
    const std::vector<std::string> docs = split_documents(e.text);
    ASSERT_EQ(e.docs.size(), docs.size());
    for (std::size_t d = 0; d < docs.size(); ++d) {
      YAML::Node doc = YAML::Load(docs[d]);
      const YAML::Node& view = doc;
      if (view["rootguard"] && view["rootguard"]["tests"]) doc["rootguard"]["tests"] = YAML::Node(YAML::NodeType::Map);
      EXPECT_EQ(e.docs[d].tree, encode_yaml_tree(doc));
      EXPECT_EQ(e.docs[d].correlation, static_cast<bool>(view["correlation"]));
      ++compared;
    }
  }
  EXPECT_GE(compared, 25u);
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
