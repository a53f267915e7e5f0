// The correlation engine on user rules: value_count, chains with generate: false, aliases,
// state that round-trips through the store's text form, and rollback.
#include "scan/correlate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "scan/correlate_plain.h"
#include "scan/scan.h"
#include "sigma/correlation.h"
#include "test_util.h"

namespace rg::scan {
namespace {

namespace fs = std::filesystem;

const char* kRules = R"(title: failed login
id: 00000000-0000-4000-8000-0000000000f1
name: failed_login
logsource: {product: aws, service: cloudtrail}
detection:
    sel: {eventName: ConsoleLogin, responseElements.ConsoleLogin: Failure}
    condition: sel
level: low
---
title: successful login
id: 00000000-0000-4000-8000-0000000000f2
name: successful_login
logsource: {product: aws, service: cloudtrail}
detection:
    sel: {eventName: ConsoleLogin, responseElements.ConsoleLogin: Success}
    condition: sel
level: low
---
title: many failed logins
id: 00000000-0000-4000-8000-0000000000c1
name: multiple_failed_login
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [recipientAccountId]
    timespan: 10m
    condition: {gte: 3}
level: medium
---
title: failed logins then success
id: 00000000-0000-4000-8000-0000000000c2
correlation:
    type: temporal_ordered
    rules: [multiple_failed_login, successful_login]
    group-by: [recipientAccountId]
    timespan: 1h
level: critical
---
title: logins from many addresses
id: 00000000-0000-4000-8000-0000000000c3
correlation:
    type: value_count
    rules: [failed_login, successful_login]
    group-by: [recipientAccountId]
    timespan: 1h
    condition: {field: sourceIPAddress, gte: 3}
generate: false
level: high
)";

std::string login(int minute, const std::string& outcome, const std::string& ip, const std::string& id) {
  return std::string(R"({"eventName":"ConsoleLogin","eventTime":"2026-11-20T10:)") + (minute < 10 ? "0" : "") +
         std::to_string(minute) + R"(:00Z","userIdentity":{"type":"Root"},"responseElements":{"ConsoleLogin":")" +
         outcome + R"("},"sourceIPAddress":")" + ip + R"(","recipientAccountId":"111122223333","eventID":")" + id + "\"}";
}

struct Fixture {
  test::TempDir dir;
  sigma::RuleSet rules;
  Diagnostics diag{Diagnostics::silent()};
  simdjson::dom::parser parser;

  Fixture() {
    test::write_file(dir / "r.yml", kRules);
    sigma::LoadOptions o;
    o.builtin = false;
    o.dirs = {dir.path()};
    rules = sigma::load_rules(o, diag);
  }
  // Feeds one event; returns the ids of the findings that fired.
  std::vector<std::string> feed(Correlator& c, const std::string& json) {
    simdjson::padded_string padded(json);
    simdjson::dom::element e = parser.parse(padded).value();
    cloudtrail::EventView ev{e, json, "t", 0, 0};
    std::vector<sigma::Match> out, fed;
    rules.match(ev, out, &fed);
    std::vector<Finding> fired;
    for (const sigma::Match& m : fed) c.feed(observe(rules, m.rule, ev, make_finding(ev, rules.info(m.rule), m.severity)), fired);
    std::vector<std::string> ids;
    for (const Finding& f : fired) ids.push_back(f.id);
    return ids;
  }
};

TEST(Correlator, ChainsAndGenerateFalse) {
  Fixture f;
  ASSERT_EQ(f.diag.error_count(), 0u) << ::testing::PrintToString(f.diag.lines());
  ASSERT_EQ(f.rules.correlation_count(), 3u);
  // The chained correlation and the two rules the value_count hides are not reported alone;
  // failed_login is counted by a generate:false correlation only, successful_login too.
  EXPECT_FALSE(f.rules.emitted(sigma::SourceRef{false, 0}));
  EXPECT_FALSE(f.rules.emitted(sigma::SourceRef{false, 1}));
  EXPECT_FALSE(f.rules.emitted(sigma::SourceRef{true, 0}));
  EXPECT_TRUE(f.rules.emitted(sigma::SourceRef{true, 1}));
  Correlator c(f.rules);
  EXPECT_TRUE(f.feed(c, login(0, "Failure", "192.0.2.1", "a")).empty());
  EXPECT_TRUE(f.feed(c, login(1, "Failure", "192.0.2.1", "b")).empty());
  EXPECT_TRUE(f.feed(c, login(2, "Failure", "192.0.2.2", "c")).empty());  // fires the hidden burst
  // A success after the burst fires the chain; it is also the third address, which fires the
  // value_count (its generate:false hides the rules it counts, not itself).
  auto ids = f.feed(c, login(5, "Success", "192.0.2.3", "d"));
  EXPECT_EQ(ids, (std::vector<std::string>{"00000000-0000-4000-8000-0000000000c2",
                                           "00000000-0000-4000-8000-0000000000c3"}));
  // The same event again (a re-delivery) changes nothing.
  EXPECT_TRUE(f.feed(c, login(5, "Success", "192.0.2.3", "d")).empty());
}

TEST(Correlator, FindingSaysWhatWasCountedAndKeepsTheTriggeringEvent) {
  Fixture f;
  Correlator c(f.rules, true);
  f.feed(c, login(0, "Failure", "192.0.2.1", "a"));
  f.feed(c, login(1, "Failure", "192.0.2.1", "b"));
  simdjson::padded_string padded(login(2, "Failure", "192.0.2.9", "c"));
  std::string json = login(2, "Failure", "192.0.2.9", "c");
  simdjson::dom::element e = f.parser.parse(padded).value();
  cloudtrail::EventView ev{e, json, "t", 0, 0};
  std::vector<sigma::Match> out, fed;
  f.rules.match(ev, out, &fed);
  std::vector<Finding> fired;
  for (const sigma::Match& m : fed) c.feed(observe(f.rules, m.rule, ev, make_finding(ev, f.rules.info(m.rule), m.severity)), fired);
  ASSERT_EQ(fired.size(), 1u);
  const Finding& x = fired[0];
  EXPECT_EQ(x.title, "many failed logins");
  EXPECT_EQ(x.severity, Severity::Medium);
  EXPECT_EQ(x.event.event_id, "c");
  EXPECT_EQ(x.event.source_ip, "192.0.2.9");
  EXPECT_NE(x.reason.find("3 matches of 00000000-0000-4000-8000-0000000000f1 within 10m for recipientAccountId=111122223333"),
            std::string::npos)
      << x.reason;
  bool events = false;
  for (const auto& [k, v] : x.facets)
    if (k == "correlation.events") events = v == "a b c";
  EXPECT_TRUE(events);
}

TEST(Correlator, StateRoundTripsThroughTheStoreAndRollsBack) {
  Fixture f;
  Correlator c(f.rules);
  c.begin();
  f.feed(c, login(0, "Failure", "192.0.2.1", "a"));
  f.feed(c, login(1, "Failure", "192.0.2.1", "b\\tweird\\nid\\\\"));
  auto changes = c.changes();
  ASSERT_FALSE(changes.empty());
  // A second correlator restored from those values fires on the third failure.
  Correlator d(f.rules);
  for (const auto& ch : changes) {
    ASSERT_TRUE(ch.value.has_value());
    ASSERT_TRUE(d.load(ch.ns, ch.key, *ch.value).ok());
  }
  EXPECT_EQ(d.groups(), c.groups());
  d.begin();
  f.feed(d, login(2, "Failure", "192.0.2.1", "c"));
  d.rollback();  // the file was not done after all: as if never fed
  auto again = d.changes();
  EXPECT_TRUE(again.empty());
  // rollback restored the two failures: the third one arrives again, and the chain's first
  // stage is complete (the burst is hidden, so nothing is reported yet).
  EXPECT_TRUE(f.feed(d, login(2, "Failure", "192.0.2.1", "c")).empty());
  EXPECT_EQ(f.feed(d, login(3, "Success", "192.0.2.1", "s")),
            (std::vector<std::string>{"00000000-0000-4000-8000-0000000000c2"}));

  // Garbage state is refused, not half-loaded.
  EXPECT_FALSE(d.load(changes[0].ns, "k", "not\ta\tstate").ok());
  EXPECT_FALSE(d.load("corr:nothing", "k", "").ok());
  Correlator::Group g;
  g.entries.push_back(Correlator::Entry{5, 1, "x\ty", "a\\b\nc"});
  auto back = Correlator::decode(Correlator::encode(g));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->entries, g.entries);
}

TEST(Correlator, ExpiredGroupsAreErasedFromTheStore) {
  Fixture f;
  Correlator c(f.rules);
  c.begin();
  f.feed(c, login(0, "Failure", "192.0.2.1", "a"));
  auto first = c.changes();
  ASSERT_FALSE(first.empty());
  c.begin();
  // Two hours later, in another account: the first account's windows have all expired.
  std::string later = login(0, "Failure", "192.0.2.1", "z");
  later.replace(later.find("T10:"), 4, "T12:");
  later.replace(later.find("111122223333"), 12, "444455556666");
  f.feed(c, later);
  bool erased = false;
  for (const auto& ch : c.changes())
    if (ch.key.find("111122223333") != std::string::npos && !ch.value) erased = true;
  EXPECT_TRUE(erased);
}

// value_sum and value_avg over a numeric field of the events: root downloading a lot from S3
// in an hour, and an average.
const char* kValueRules = R"(title: root S3 read
id: 00000000-0000-4000-8000-0000000000d1
name: root_get
logsource: {product: aws, service: cloudtrail}
detection:
    sel: {eventName: GetObject, userIdentity.type: Root}
    condition: sel
level: low
---
title: root downloads a lot
id: 00000000-0000-4000-8000-0000000000d2
correlation:
    type: value_sum
    rules: [root_get]
    group-by: [recipientAccountId]
    timespan: 1h
    condition: {field: additionalEventData.bytesTransferredOut, gt: 1e9}
level: high
---
title: big average read
id: 00000000-0000-4000-8000-0000000000d3
correlation:
    type: value_avg
    rules: [root_get]
    group-by: [recipientAccountId]
    timespan: 1h
    condition: {field: additionalEventData.bytesTransferredOut, gte: 5e8}
level: medium
)";

std::string get_object(int minute, const std::string& bytes, const std::string& id) {
  return std::string(R"({"eventName":"GetObject","eventTime":"2026-11-20T10:)") + (minute < 10 ? "0" : "") +
         std::to_string(minute) + R"(:00Z","userIdentity":{"type":"Root"},"recipientAccountId":"111122223333",)" +
         R"("additionalEventData":{"bytesTransferredOut":)" + bytes + R"(},"eventID":")" + id + "\"}";
}

TEST(Correlator, ValueSumAndValueAvgAddUpANumericField) {
  test::TempDir dir;
  test::write_file(dir / "r.yml", kValueRules);
  Fixture f;
  f.rules = [&] {
    sigma::LoadOptions o;
    o.builtin = false;
    o.dirs = {dir.path()};
    return sigma::load_rules(o, f.diag);
  }();
  ASSERT_EQ(f.diag.error_count(), 0u) << ::testing::PrintToString(f.diag.lines());
  Correlator c(f.rules, true);
  const std::string sum_id = "00000000-0000-4000-8000-0000000000d2", avg_id = "00000000-0000-4000-8000-0000000000d3";
  EXPECT_EQ(f.feed(c, get_object(0, "400000000", "a")), std::vector<std::string>{}) << "sum 4e8, average 4e8";
  EXPECT_EQ(f.feed(c, get_object(5, R"("n/a")", "b")), std::vector<std::string>{}) << "not a number: left out";
  EXPECT_EQ(f.feed(c, get_object(10, "600000000", "c")), std::vector<std::string>{avg_id})
      << "the average is 5e8, at its bound; the sum 1e9, not above it";
  // The average fired and forgot its matches; the sum goes on: 4e8 + 6e8 + 3e8 > 1e9.
  simdjson::padded_string padded(get_object(20, R"("300000000")", "d"));
  std::string json = get_object(20, R"("300000000")", "d");
  cloudtrail::EventView ev{f.parser.parse(padded).value(), json, "t", 0, 0};
  std::vector<sigma::Match> out, fed;
  f.rules.match(ev, out, &fed);
  std::vector<Finding> fired;
  for (const sigma::Match& m : fed) c.feed(observe(f.rules, m.rule, ev, make_finding(ev, f.rules.info(m.rule), m.severity)), fired);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].id, sum_id);
  EXPECT_EQ(fired[0].reason,
            "sum additionalEventData.bytesTransferredOut 1300000000 (> 1000000000) over 3 of 4 matches of "
            "00000000-0000-4000-8000-0000000000d1 within 1h for recipientAccountId=111122223333 (from "
            "2026-11-20T10:00:00Z)");
  bool facet = false;
  for (const auto& [k, v] : fired[0].facets) facet |= k == "correlation.sum" && v == "1300000000";
  EXPECT_TRUE(facet);
  // The sum starts again after it fires.
  EXPECT_EQ(f.feed(c, get_object(25, "100", "e")), std::vector<std::string>{});
  // A group read back from the store (watch, after a restart) has its running sum again.
  Correlator::Group g;
  for (const char* v : {"5", "n/a", "2.5", ""}) g.add(Correlator::Entry{1, 0, std::string("e") + v, v});
  auto back = Correlator::decode(Correlator::encode(g));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->numbers(), 2u);
  EXPECT_DOUBLE_EQ(back->sum(), 7.5);
  back->drop_before(2);
  EXPECT_EQ(back->numbers(), 0u);
  EXPECT_EQ(back->sum(), 0.0);
}

TEST(Correlator, ValueSumAndValueAvgConditionsAreCheckedWhenLoaded) {
  auto load = [](const std::string& corr) {
    test::TempDir dir;
    test::write_file(dir / "r.yml", std::string(R"(title: r
id: 00000000-0000-4000-8000-0000000000e1
name: r
logsource: {product: aws, service: cloudtrail}
detection: {sel: {eventName: A}, condition: sel}
level: low
---
title: c
name: c
correlation: {rules: [r], group-by: [recipientAccountId], timespan: 1h, )") + corr + "}\nlevel: high\n");
    Diagnostics diag{Diagnostics::silent()};
    sigma::LoadOptions o;
    o.builtin = false;
    o.dirs = {dir.path()};
    sigma::RuleSet rules = sigma::load_rules(o, diag);
    return diag.error_count() ? diag.lines().at(0) : std::string("ok: ") + rules.correlation(0).condition.describe();
  };
  EXPECT_EQ(load("type: value_sum, condition: {field: bytes, gt: 1.5e3}"), "ok: > 1500");
  EXPECT_EQ(load("type: value_avg, condition: {field: bytes, gte: 2.5, lt: 10}"), "ok: >= 2.5 and < 10");
  EXPECT_NE(load("type: value_sum, condition: {gt: 5}").find("value_sum needs condition.field"), std::string::npos);
  EXPECT_NE(load("type: value_avg, condition: {field: bytes, gt: lots}").find("condition.gt must be a number, not 'lots'"),
            std::string::npos);
  EXPECT_NE(load("type: value_sum, condition: {field: bytes, gt: 5, lt: 5}").find("can never hold"), std::string::npos);
  EXPECT_NE(load("type: value_avg, condition: {field: bytes, lt: 5}").find("needs a lower bound"), std::string::npos);
  const std::string pct = load("type: value_percentile, condition: {field: bytes, lte: 1}");
  EXPECT_NE(pct.find("unsupported: correlation type value_percentile"), std::string::npos) << pct;
  EXPECT_NE(pct.find("r.yml"), std::string::npos) << "names the file: " << pct;
}

// ------------------------------------------------------------------ against a plain model
//
// The Correlator keeps each group's matches indexed so that a flood of matches in one group
// costs about log(n) a match. This compares it with the plain way of doing the same (every
// entry walked at each match, as it was first written) on random streams: times with many
// ties, matches out of order, re-delivered events, few values, two groups.

const char* kModelRules = R"(title: r0
id: 00000000-0000-4000-8000-0000000000a0
name: r0
logsource: {product: aws, service: cloudtrail}
detection: {sel: {eventName: A}, condition: sel}
level: low
---
title: r1
id: 00000000-0000-4000-8000-0000000000a1
name: r1
logsource: {product: aws, service: cloudtrail}
detection: {sel: {eventName: B}, condition: sel}
level: low
---
title: r2
id: 00000000-0000-4000-8000-0000000000a2
name: r2
logsource: {product: aws, service: cloudtrail}
detection: {sel: {eventName: C}, condition: sel}
level: low
---
title: ordered
id: 00000000-0000-4000-8000-0000000000b0
correlation: {type: temporal_ordered, rules: [r0, r1, r2], group-by: [recipientAccountId], timespan: 10m}
level: high
---
title: unordered
id: 00000000-0000-4000-8000-0000000000b1
correlation: {type: temporal, rules: [r0, r2], group-by: [recipientAccountId], timespan: 5m}
level: high
---
title: values
id: 00000000-0000-4000-8000-0000000000b2
correlation: {type: value_count, rules: [r1, r2], group-by: [recipientAccountId], timespan: 10m, condition: {field: sourceIPAddress, gte: 3}}
level: high
---
title: count
id: 00000000-0000-4000-8000-0000000000b3
correlation: {type: event_count, rules: [r0], group-by: [recipientAccountId], timespan: 3m, condition: {gte: 4}}
level: high
---
title: sum
id: 00000000-0000-4000-8000-0000000000b4
correlation: {type: value_sum, rules: [r0, r1], group-by: [recipientAccountId], timespan: 5m, condition: {field: bytes, gte: 400.5}}
level: high
---
title: average
id: 00000000-0000-4000-8000-0000000000b5
correlation: {type: value_avg, rules: [r2], group-by: [recipientAccountId], timespan: 10m, condition: {field: bytes, gt: 70, lt: 90}}
level: high
)";


TEST(Correlator, IndexedGroupsFireAsThePlainModelDoes) {
  test::TempDir dir;
  test::write_file(dir / "r.yml", kModelRules);
  Diagnostics diag{Diagnostics::silent()};
  sigma::LoadOptions lo;
  lo.builtin = false;
  lo.dirs = {dir.path()};
  sigma::RuleSet rules = sigma::load_rules(lo, diag);
  ASSERT_EQ(diag.error_count(), 0u) << ::testing::PrintToString(diag.lines());
  ASSERT_EQ(rules.correlation_count(), 6u);

  std::size_t fired = 0, long_lists = 0;
  std::map<std::string, std::size_t> by_title;
  for (std::uint32_t seed = 1; seed <= 30; ++seed) {
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    Correlator c(rules, true);
    PlainCorrelator m{rules, {}};
    std::int64_t clock = 0;
    std::vector<std::string> ids;
    for (int i = 0; i < 1500; ++i) {
      // time: mostly forward in steps of 0-40 s, sometimes back (late delivery): up to two
      // minutes, or up to 15 (past some timespans: such a match is gone at once)
      clock += 1000 * pick(40);
      const std::int64_t t = pick(10) == 0 ? clock - 1000 * pick(pick(3) == 0 ? 900 : 120) : clock;
      Observation o;
      o.source = sigma::SourceRef{false, static_cast<std::uint32_t>(pick(3))};
      o.time_ms = seed % 3 == 0 ? t / 60000 * 60000 : t;  // every third stream: many ties
      if (!ids.empty() && pick(12) == 0) o.event_id = ids[static_cast<std::size_t>(pick(static_cast<int>(ids.size())))];
      else o.event_id = ids.emplace_back("e" + std::to_string(i));
      const std::string group = pick(4) == 0 ? "b" : "a";
      for (std::uint32_t k = 0; k < rules.correlation_count(); ++k) {
        const auto type = rules.correlation(k).type;
        std::string value = pick(6) == 0 ? "" : "ip" + std::to_string(pick(4));
        if (type == sigma::CorrelationType::ValueSum || type == sigma::CorrelationType::ValueAvg)  // halves add up exactly
          value = pick(8) == 0 ? "n/a" : std::to_string(pick(120)) + (pick(2) ? ".5" : "");
        o.keys.push_back(Observation::Key{k, group, value});
      }
      o.finding.event.event_id = o.event_id;
      o.finding.event.time_ms = o.time_ms;
      std::vector<Finding> out;
      c.feed(o, out);
      std::vector<std::string> got;
      for (const Finding& f : out) {
        std::string ids_facet, matches;
        for (const auto& [k, v] : f.facets) {
          if (k == "correlation.events") ids_facet = v;
          if (k == "correlation.matches") matches = v;
        }
        got.push_back(f.id + " [" + ids_facet + "] " + matches);
        ++by_title[f.title];
        // a reason names 20 matches at most, and counts the rest
        const bool lists = f.title == "ordered" || f.title == "unordered";
        if (lists && std::stoul(matches) > 20) {
          EXPECT_NE(f.reason.find(", and " + std::to_string(std::stoul(matches) - 20) + " more"), std::string::npos)
              << f.reason;
          ++long_lists;
        }
      }
      const std::vector<std::string> want = m.fire(o);
      ASSERT_EQ(got, want) << "seed " << seed << ", match " << i;
      fired += got.size();
    }
  }
  EXPECT_GT(fired, 500u);  // the streams do make every kind fire, often
  for (const char* title : {"ordered", "unordered", "values", "count", "sum", "average"})
    EXPECT_GT(by_title[title], 20u) << title;
  EXPECT_GT(long_lists, 0u);
}

}  // namespace
}  // namespace rg::scan
