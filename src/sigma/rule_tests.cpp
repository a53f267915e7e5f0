#include "sigma/rule_tests.h"

#include <simdjson.h>

#include "core/strings.h"

namespace rg::sigma {

bool prefilter_passes(const Literals& lits, std::string_view bytes) { return LiteralMatcher(lits).passes(bytes); }

namespace {

// Runs `check(test, event, fail)` on each of `tests` (of the rule or filter `id` in `file`),
// whose event parses; `check` returns an empty string when the test passes, else what failed.
template <class Check>
void run_each(const std::vector<RuleTest>& tests, const std::string& id, const std::string& file,
              simdjson::dom::parser& parser, TestReport& report, Check check) {
  for (const RuleTest& t : tests) {
    std::string failed;
    simdjson::padded_string json(t.event_json);
    simdjson::dom::element event;
    if (auto err = parser.parse(json).get(event); err) {
      failed = std::string("test event is not valid JSON: ") + simdjson::error_message(err);
    } else {
      failed = check(t, cloudtrail::EventView{event, t.event_json, file, 0, 0});
    }
    if (failed.empty()) ++report.passed;
    else report.failures.push_back({id, file, t.name, std::move(failed)});
  }
}

}  // namespace

TestReport run_rule_tests(const RuleSet& rules) {
  TestReport report;
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& info = rules.info(i);
    run_each(info.tests, info.id, info.file, parser, report, [&](const RuleTest& t, const cloudtrail::EventView& ev) {
      std::optional<Severity> got = rules.evaluate(i, ev);
      if (t.must_match && !got) {
        std::string by;
        for (const std::string& f : info.filters) by += (by.empty() ? " (filters applied: " : ", ") + f;
        return "expected a match, got none" + by + (by.empty() ? "" : ")");
      }
      if (!t.must_match && got) return std::string("expected no match, but the rule matched");
      if (t.must_match && t.severity && *got != *t.severity)
        return "expected severity " + std::string(to_string(*t.severity)) + ", got " + std::string(to_string(*got));
      if (t.must_match && rules.rule_literals(i) && !prefilter_passes(*rules.rule_literals(i), t.event_json))
        return std::string("the event matches but none of the rule's prefilter literals occurs in it");
      return std::string();
    });
  }
  // A filter's examples: what it lets through (kept) and what it leaves out, each an event some
  // rule it names matches before filters (else the example shows nothing: a typo in the names,
  // say).
  for (std::size_t f = 0; f < rules.filter_count(); ++f) {
    const FilterInfo& fi = rules.filter(f);
    run_each(fi.tests, fi.id, fi.file, parser, report, [&](const RuleTest& t, const cloudtrail::EventView& ev) {
      const std::optional<bool> lets = rules.filter_lets_through(f, ev);
      bool named_match = false;
      for (std::uint32_t r : fi.rules) named_match = named_match || rules.matches_before_filters(r, ev);
      if (!lets) return "the filter applies to no loaded rule";
      if (!named_match) return "none of the rules the filter names matches this event, so it shows nothing the filter does";
      if (t.must_match && !*lets) return "expected the filter to keep this event, but it leaves it out";
      if (!t.must_match && *lets) return "expected the filter to leave this event out, but it keeps it";
      return "";
    });
  }
  return report;
}

}  // namespace rg::sigma
