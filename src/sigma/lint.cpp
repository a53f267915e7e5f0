#include "sigma/lint.h"

#include <algorithm>
#include <regex>

#include "sigma/compile.h"
#include "sigma/condition.h"
#include "sigma/loader.h"

namespace rg::sigma {
namespace {

struct Seen {
  std::string id, uuid, file;
};

struct Context {
  const Rule& rule;
  const CompiledRule* compiled;   // null when the rule did not compile
  const std::vector<Seen>& before;
  const std::vector<std::string>& all_ids;
  std::vector<LintIssue>& out;
  void issue(bool error, Mark m, std::string what, const char* check) const {
    out.push_back(LintIssue{error, where(rule.info.file, m), std::move(what), check});
  }
};

using Check = void (*)(const Context&);

void check_duplicate_id(const Context& c) {
  for (const Seen& s : c.before)
    for (const std::string& a : {c.rule.info.id, c.rule.info.uuid})
      if (!a.empty() && (a == s.id || a == s.uuid)) {
        c.issue(true, c.rule.id_mark, "duplicate id '" + a + "' (already used by " + s.file + ")", "duplicate-id");
        return;
      }
}

void check_level(const Context& c) {
  if (c.rule.level_text.empty())
    c.issue(true, {}, "missing 'level' (informational, low, medium, high or critical)", "level");
  else if (!c.rule.has_level)
    c.issue(true, c.rule.level_mark, "invalid level '" + c.rule.level_text + "'", "level");
}

void check_logsource(const Context& c) {
  if (!logsource_supported(c.rule))
    c.issue(true, c.rule.logsource_mark,
            "logsource is product '" + c.rule.logsource_product + "' service '" + c.rule.logsource_service +
                "', expected product aws, service cloudtrail",
            "logsource");
}

void check_tests(const Context& c) {
  std::size_t match = 0, no_match = 0;
  for (const RuleTest& t : c.rule.info.tests) (t.must_match ? match : no_match)++;
  // Built-ins must bring evidence; for user rules it is advice.
  const bool error = c.rule.info.builtin;
  if (match == 0) c.issue(error, {}, "no must-match test events (rootguard.tests.match)", "tests");
  if (no_match == 0) c.issue(error, {}, "no must-not-match test events (rootguard.tests.no_match)", "tests");
}

void check_builtin_metadata(const Context& c) {
  if (!c.rule.info.builtin) return;
  if (c.rule.info.practice.empty()) c.issue(true, {}, "built-in rule without rootguard.practice", "builtin-metadata");
  if (c.rule.info.next_step.empty()) c.issue(true, {}, "built-in rule without rootguard.next_step", "builtin-metadata");
}

void check_title_description(const Context& c) {
  if (!c.rule.has_title) c.issue(true, {}, "missing 'title'", "title");
  if (c.rule.info.description.empty()) c.issue(false, {}, "missing 'description'", "description");
}

void check_id_format(const Context& c) {
  static const std::regex uuid("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  if (c.rule.info.uuid.empty())
    c.issue(false, {}, "missing 'id' (Sigma rules carry a UUID)", "id");
  else if (!std::regex_match(c.rule.info.uuid, uuid))
    c.issue(false, c.rule.id_mark, "id '" + c.rule.info.uuid + "' is not a UUID", "id");
}

void check_supersedes(const Context& c) {
  for (const std::string& s : c.rule.info.supersedes) {
    bool known = false;
    for (const std::string& id : c.all_ids) known = known || id == s;
    if (!known) c.issue(true, {}, "supersedes unknown rule '" + s + "'", "supersedes");
  }
}

void check_prefilter(const Context& c) {
  if (c.compiled && !c.compiled->literals)
    c.issue(false, {}, "the rule offers no prefilter literal, so every record must be parsed while it is loaded",
            "prefilter");
}

void check_index(const Context& c) {
  if (c.compiled && !c.compiled->dispatch)
    c.issue(false, {},
            "the rule is matched against every parsed event: its condition pins none of eventName, eventSource "
            "and userIdentity.type down to exact values, by which other rules are looked up",
            "index");
}

// True when the condition tree holds a `not` somewhere.
bool has_not(const CondAst& a) {
  if (a.kind == CondAst::Kind::Not) return true;
  return std::any_of(a.kids.begin(), a.kids.end(), has_not);
}

// A Sigma filter: what it names exists and is a detection rule; its condition leaves events
// out (a condition without `not` keeps only what it matches); and the rules it names do not
// hand what it leaves out to a rule they supersede.
void check_filter(const Rule& f, const std::vector<const Rule*>& rules, const std::vector<std::string>& correlation_ids,
                  std::vector<LintIssue>& out) {
  auto issue = [&](bool error, std::string what) {
    out.push_back(LintIssue{error, where(f.info.file, f.filter_mark), std::move(what), "filter"});
  };
  std::vector<const Rule*> named;
  for (const std::string& ref : f.filter_rules) {
    std::size_t before = named.size();
    for (const Rule* r : rules)
      if (r->info.answers_to(ref)) named.push_back(r);
    if (named.size() > before) continue;
    if (std::find(correlation_ids.begin(), correlation_ids.end(), ref) != correlation_ids.end())
      issue(true, "filter '" + f.info.id + "' names correlation '" + ref +
                      "': a filter applies to detection rules (name the rules it counts)");
    else
      issue(true, "filter '" + f.info.id + "' refers to unknown rule '" + ref + "'");
  }
  if (Result<CondAst> ast = parse_condition(f.conditions.front()); ast && !has_not(*ast))
    issue(false, "the filter's condition has no 'not': the rules it names will report only the events it matches "
                 "(to leave those events out, write 'not " + f.conditions.front() + "')");
  if (f.filter_all) return;
  // Rules superseded by a named rule, directly or through a chain, that the filter does not name.
  std::vector<std::string> missing;
  std::vector<const Rule*> stack = named;
  std::vector<const Rule*> seen;
  while (!stack.empty()) {
    const Rule* r = stack.back();
    stack.pop_back();
    for (const std::string& sid : r->info.supersedes)
      for (const Rule* s : rules) {
        if (!s->info.answers_to(sid) || std::find(seen.begin(), seen.end(), s) != seen.end()) continue;
        seen.push_back(s);
        stack.push_back(s);
        if (std::find(named.begin(), named.end(), s) == named.end()) missing.push_back(s->info.id);
      }
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
    issue(false, "events this filter leaves out of the rules it names are still reported by " + list +
                     ", which those rules supersede; add " + (missing.size() > 1 ? "them" : "it") +
                     " to its rules (or use 'rules: any')");
  }
}

struct Named {
  const char* name;
  Check check;
};
constexpr Named kChecks[] = {
    {"duplicate-id", check_duplicate_id}, {"level", check_level},
    {"logsource", check_logsource},       {"tests", check_tests},
    {"builtin-metadata", check_builtin_metadata}, {"title", check_title_description},
    {"id", check_id_format},              {"supersedes", check_supersedes},
    {"prefilter", check_prefilter},       {"index", check_index},
};

}  // namespace

std::string LintIssue::str() const {
  return (where.empty() ? std::string() : where + ": ") + (error ? "error: " : "warning: ") + what + " [" + check + "]";
}

std::vector<std::string> lint_checks() {
  std::vector<std::string> out{"load", "correlation", "filter"};
  for (const Named& n : kChecks) out.push_back(n.name);
  return out;
}

std::vector<LintIssue> lint_rules(const LoadOptions& opts, Diagnostics& diag) {
  std::vector<LintIssue> out;
  std::vector<RuleSource> sources = rule_sources(opts, diag);
  std::vector<Result<Rule>> parsed;
  std::vector<Result<Correlation>> correlations;
  std::vector<std::string> ids;
  for (const RuleSource& src : sources) {
    if (src.correlation) {
      correlations.push_back(parse_correlation_source(src));
      if (correlations.back())
        for (std::string& id : correlations.back()->info.refs()) ids.push_back(std::move(id));
      continue;
    }
    parsed.push_back(parse_rule(src.text, src.file));
    if (parsed.back() && !parsed.back()->filter)
      for (std::string& id : parsed.back()->info.refs()) ids.push_back(std::move(id));
  }
  // Issues come out in file order.
  std::vector<Seen> before;
  std::vector<const Rule*> rules;
  for (const Result<Rule>& r : parsed)
    if (r && !r->filter) rules.push_back(&r.value());
  std::vector<std::string> correlation_ids;
  for (const Result<Correlation>& c : correlations)
    if (c)
      for (std::string& id : c->info.refs()) correlation_ids.push_back(std::move(id));
  for (const Result<Rule>& r : parsed) {
    if (!r) {
      out.push_back(LintIssue{true, r.error().where, r.error().what, "load"});
      continue;
    }
    Rule expanded = *r;
    expand_placeholders(expanded, opts.placeholders);
    Result<CompiledRule> compiled = compile_rule(expanded);
    if (!compiled) out.push_back(LintIssue{true, compiled.error().where, compiled.error().what, "load"});
    Context c{*r, compiled ? &compiled.value() : nullptr, before, ids, out};
    if (r->filter) {  // no level, tests, supersedes or literals of its own
      check_logsource(c);
      check_title_description(c);
      check_id_format(c);
      check_filter(*r, rules, correlation_ids, out);
      if (std::none_of(r->info.tests.begin(), r->info.tests.end(), [](const RuleTest& t) { return !t.must_match; }))
        c.issue(false, {}, "no example of what the filter leaves out (rootguard.tests.left_out)", "tests");
      continue;
    }
    for (const Named& n : kChecks) n.check(c);
    before.push_back(Seen{r->info.id, r->info.uuid, r->info.file});
  }
  for (const Result<Correlation>& c : correlations) {
    if (!c) {
      out.push_back(LintIssue{true, c.error().where, c.error().what, "load"});
      continue;
    }
    for (const std::string& ref : c->rules)
      if (ref.empty() || std::find(ids.begin(), ids.end(), ref) == ids.end())
        out.push_back(LintIssue{true, c->info.file, "correlation '" + c->info.id + "' refers to unknown rule '" + ref + "'",
                                "correlation"});
    if (c->type == CorrelationType::FirstSeen && !c->info.builtin)
      out.push_back(LintIssue{false, c->info.file,
                              "correlation '" + c->info.id + "': type first_seen is a rootguard extension; other Sigma "
                              "tools will refuse it", "correlation"});
    if (c->info.builtin && (c->info.practice.empty() || c->info.next_step.empty() || c->tests.empty()))
      out.push_back(LintIssue{true, c->info.file, "built-in correlation '" + c->info.id + "' needs practice, next_step and tests",
                              "builtin-metadata"});
  }
  return out;
}

}  // namespace rg::sigma
