#include "sigma/correlation.h"

#include <gtest/gtest.h>

namespace rg::sigma {
namespace {

Result<Correlation> parse(const std::string& yaml) { return parse_correlation(YAML::Load(yaml), "c.yml"); }

TEST(Correlation, EventCountAsTheSpecificationWritesIt) {
  auto c = parse(R"(
title: Root console login brute force
id: D04-burst
correlation:
  type: event_count
  rules: [D04]
  group-by: [recipientAccountId, sourceIPAddress]
  timespan: 10m
  condition: {gte: 5}
level: high
)");
  ASSERT_TRUE(c.ok()) << c.error().str();
  EXPECT_EQ(c->type, CorrelationType::EventCount);
  EXPECT_EQ(c->rules, std::vector<std::string>{"D04"});
  EXPECT_EQ(c->group_by.size(), 2u);
  EXPECT_EQ(c->timespan_ms, 600000);
  EXPECT_TRUE(c->condition.holds(5));
  EXPECT_FALSE(c->condition.holds(4));
  EXPECT_EQ(c->info.severity, Severity::High);
  EXPECT_EQ(c->info.id, "D04-burst");
  EXPECT_FALSE(c->generate);
}

TEST(Correlation, ValueCountNeedsItsField) {
  auto ok = parse("title: t\ncorrelation: {type: value_count, rules: [a], timespan: 1h, condition: {gt: 3, field: sourceIPAddress}}");
  ASSERT_TRUE(ok.ok()) << ok.error().str();
  EXPECT_EQ(ok->condition.field, "sourceIPAddress");
  EXPECT_TRUE(ok->condition.holds(4));
  EXPECT_FALSE(ok->condition.holds(3));
  auto bad = parse("title: t\ncorrelation: {type: value_count, rules: [a], timespan: 1h, condition: {gt: 3}}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().str().find("condition.field"), std::string::npos);
}

TEST(Correlation, TemporalOrderedKeepsRuleOrderAndTakesNoCondition) {
  auto c = parse("title: t\ncorrelation: {type: temporal_ordered, rules: [D02, D09], group-by: [recipientAccountId], timespan: 1h}");
  ASSERT_TRUE(c.ok()) << c.error().str();
  EXPECT_EQ(c->rules, (std::vector<std::string>{"D02", "D09"}));
  auto bad = parse("title: t\ncorrelation: {type: temporal_ordered, rules: [a, b], timespan: 1h, condition: {gte: 2}}");
  EXPECT_FALSE(bad.ok());
  // temporal: all of its rules unless a condition says how many
  auto all = parse("title: t\ncorrelation: {type: temporal, rules: [a, b, c], timespan: 1h}");
  ASSERT_TRUE(all.ok()) << all.error().str();
  EXPECT_EQ(all->condition.min, 3);
  auto two = parse("title: t\ncorrelation: {type: temporal, rules: [a, b, c], timespan: 1h, condition: {gte: 2}}");
  ASSERT_TRUE(two.ok()) << two.error().str();
  EXPECT_EQ(two->condition.min, 2);
}

TEST(Correlation, RangesAndTheSpecificationsOtherSpellings) {
  auto c = parse("title: t\nname: burst\ncorrelation: {type: event_count, rules: [a], timeframe: 2h, condition: {gt: 100, lte: 200}}\ngenerate: true");
  ASSERT_TRUE(c.ok()) << c.error().str();
  EXPECT_EQ(c->info.id, "burst");  // no id: the name
  EXPECT_EQ(c->timespan_ms, 7'200'000);
  EXPECT_FALSE(c->condition.holds(100));
  EXPECT_TRUE(c->condition.holds(101));
  EXPECT_TRUE(c->condition.holds(200));
  EXPECT_FALSE(c->condition.holds(201));
  EXPECT_TRUE(c->generate);
}

TEST(Correlation, SequenceTestsAreListsOfEvents) {
  auto c = parse(R"(
title: t
id: X1
correlation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 2}}
rootguard:
  practice: p
  next_step: n
  tests:
    match:
      - name: two
        events:
          - {eventID: "1", eventTime: "2026-11-20T10:00:00Z"}
          - '{"eventID": "2"}'
    no_match:
      - events: [{eventID: "3"}]
)");
  ASSERT_TRUE(c.ok()) << c.error().str();
  ASSERT_EQ(c->tests.size(), 2u);
  EXPECT_EQ(c->tests[0].name, "two");
  EXPECT_TRUE(c->tests[0].must_fire);
  ASSERT_EQ(c->tests[0].events.size(), 2u);
  EXPECT_NE(c->tests[0].events[0].find("\"eventID\":\"1\""), std::string::npos) << c->tests[0].events[0];
  EXPECT_EQ(c->tests[0].events[1], "{\"eventID\": \"2\"}");
  EXPECT_FALSE(c->tests[1].must_fire);
  auto bad = parse("title: t\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 2}}\nrootguard: {tests: {match: [{name: x}]}}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().str().find("need 'events'"), std::string::npos) << bad.error().str();
}

TEST(Correlation, EveryMistakeIsOneErrorNamingTheFileAndTheFeature) {
  struct Case {
    const char* yaml;
    const char* says;
  } cases[] = {
      {"title: t\ncorrelation: {type: burst, rules: [a], timespan: 1m, condition: {gte: 1}}", "unknown correlation type 'burst'"},
      {"title: t\ncorrelation: {type: event_count, rules: [], timespan: 1m, condition: {gte: 1}}", "names no rule"},
      {"title: t\ncorrelation: {type: event_count, rules: [a], timespan: 10x, condition: {gte: 1}}", "unit must be s, m, h or d"},
      {"title: t\ncorrelation: {type: event_count, rules: [a], condition: {gte: 1}}", "timespan is missing"},
      {"title: t\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {most: 1}}", "condition.most is not supported"},
      {"title: t\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 1, gt: 4}}", "two bounds on the same side"},
      {"title: t\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {lte: 4}}", "needs a lower bound"},
      {"title: t\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 5, lt: 5}}", "can never hold"},
      {"title: t\ncorrelation: {type: temporal, rules: [a], timespan: 1m}", "at least two rules"},
      {"title: t\ncorrelation: {type: first_seen, rules: [a], timespan: 7d}", "first_seen needs group-by"},
      {"title: t\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 2}}\nrootguard: {supersedes: [x]}", "does not apply to a correlation"},
      {"title: t\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 1}, window: 2}", "correlation.window is not supported"},
      {"correlation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 1}}", "needs a title"},
      {"title: t\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: many}}", "must be a whole number, not 'many'"},
  };
  for (const auto& k : cases) {
    auto r = parse(k.yaml);
    ASSERT_FALSE(r.ok()) << k.yaml;
    EXPECT_NE(r.error().str().find("c.yml"), std::string::npos) << r.error().str();
    EXPECT_NE(r.error().str().find(k.says), std::string::npos) << r.error().str();
  }
}

}  // namespace
}  // namespace rg::sigma
