#include "sigma/rule_tests.h"

#include <simdjson.h>

#include "core/strings.h"

namespace rg::sigma {

bool prefilter_passes(const Literals& lits, std::string_view bytes) { return LiteralMatcher(lits).passes(bytes); }

TestReport run_rule_tests(const RuleSet& rules) {
  TestReport report;
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& info = rules.info(i);
    for (const RuleTest& t : info.tests) {
      auto fail = [&](std::string what) { report.failures.push_back({info.id, info.file, t.name, std::move(what)}); };
      simdjson::padded_string json(t.event_json);
      simdjson::dom::element event;
      if (auto err = parser.parse(json).get(event); err) {
        fail(std::string("test event is not valid JSON: ") + simdjson::error_message(err));
        continue;
      }
      cloudtrail::EventView ev{event, t.event_json, info.file, 0, 0};
      std::optional<Severity> got = rules.evaluate(i, ev);
      if (t.must_match && !got) {
        std::string by;
        for (const std::string& f : info.filters) by += (by.empty() ? " (filters applied: " : ", ") + f;
        fail("expected a match, got none" + by + (by.empty() ? "" : ")"));
      } else if (!t.must_match && got) {
        fail("expected no match, but the rule matched");
      } else if (t.must_match && t.severity && *got != *t.severity) {
        fail("expected severity " + std::string(to_string(*t.severity)) + ", got " + std::string(to_string(*got)));
      } else if (t.must_match && rules.rule_literals(i) && !prefilter_passes(*rules.rule_literals(i), t.event_json)) {
        fail("the event matches but none of the rule's prefilter literals occurs in it");
      } else {
        ++report.passed;
      }
    }
  }
  // A filter's examples: what it lets through (kept) and what it leaves out, each an event some
  // rule it names matches before filters (else the example shows nothing: a typo in the names,
  // say).
  for (std::size_t f = 0; f < rules.filter_count(); ++f) {
    const FilterInfo& fi = rules.filter(f);
    for (const RuleTest& t : fi.tests) {
      auto fail = [&](std::string what) { report.failures.push_back({fi.id, fi.file, t.name, std::move(what)}); };
      simdjson::padded_string json(t.event_json);
      simdjson::dom::element event;
      if (auto err = parser.parse(json).get(event); err) {
        fail(std::string("test event is not valid JSON: ") + simdjson::error_message(err));
        continue;
      }
      cloudtrail::EventView ev{event, t.event_json, fi.file, 0, 0};
      const std::optional<bool> lets = rules.filter_lets_through(f, ev);
      bool named_match = false;
      for (std::uint32_t r : fi.rules) named_match = named_match || rules.matches_before_filters(r, ev);
      if (!lets) {
        fail("the filter applies to no loaded rule");
      } else if (!named_match) {
        fail("none of the rules the filter names matches this event, so it shows nothing the filter does");
      } else if (t.must_match && !*lets) {
        fail("expected the filter to keep this event, but it leaves it out");
      } else if (!t.must_match && *lets) {
        fail("expected the filter to leave this event out, but it keeps it");
      } else {
        ++report.passed;
      }
    }
  }
  return report;
}

}  // namespace rg::sigma
