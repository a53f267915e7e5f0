// rootguard rules list|test|lint [DIR...]: show, exercise and check detection rules.
// Built-in rules are always included unless --no-builtin; each DIR (or file) adds user rules.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/rule_flags.h"
#include "scan/correlate.h"
#include "sigma/lint.h"
#include "sigma/rule_docs.h"
#include "sigma/rule_tests.h"
#include "sigma/ruleset.h"

namespace rg::cli {
namespace {

struct RulesFlags {
  std::vector<std::string> dirs;
  bool no_builtin = false;
  std::string config;
  std::string format = "text";
};

sigma::LoadOptions load_options(const RulesFlags& f, Diagnostics& diag) {
  RuleFlags r{f.dirs, f.no_builtin, f.config};
  return rule_load_options(r, diag);
}

void add_common(CLI::App* app, RulesFlags& f) {
  app->add_option("DIR", f.dirs, "Rule files or directories to load (*.yml, *.yaml, recursively)");
  app->add_flag("--no-builtin", f.no_builtin, "Leave out the built-in rules");
  app->add_option("--config", f.config, "rootguard.yaml: values of rule placeholders (%trusted_source_ips%)");
}

int run_list(const RulesFlags& f) {
  Diagnostics diag;
  sigma::RuleSet rules = sigma::load_rules(load_options(f, diag), diag);
  sigma::ListFormat fmt = f.format == "json" ? sigma::ListFormat::Json
                          : f.format == "md" ? sigma::ListFormat::Markdown
                                             : sigma::ListFormat::Text;
  std::cout << sigma::render_rules(rules, fmt) << std::flush;
  return diag.error_count() ? kExitError : kExitClean;
}

int run_test(const RulesFlags& f) {
  Diagnostics diag;
  sigma::RuleSet rules = sigma::load_rules(load_options(f, diag), diag);
  sigma::TestReport report = sigma::run_rule_tests(rules);
  sigma::TestReport seq = scan::run_correlation_tests(rules);
  report.passed += seq.passed;
  report.failures.insert(report.failures.end(), seq.failures.begin(), seq.failures.end());
  for (const sigma::TestFailure& t : report.failures)
    std::cout << "FAIL " << t.rule_id << " (" << t.file << "): " << t.test << ": " << t.what << "\n";
  std::cout << report.passed << " passed, " << report.failures.size() << " failed\n" << std::flush;
  if (diag.error_count()) return kExitError;
  return report.failures.empty() ? kExitClean : kExitFound;
}

int run_lint(const RulesFlags& f) {
  Diagnostics diag;
  std::vector<sigma::LintIssue> issues = sigma::lint_rules(load_options(f, diag), diag);
  std::size_t errors = 0, warnings = 0;
  for (const sigma::LintIssue& i : issues) {
    std::cout << i.str() << "\n";
    (i.error ? errors : warnings)++;
  }
  std::cout << errors << " errors, " << warnings << " warnings\n" << std::flush;
  return errors || diag.error_count() ? kExitError : kExitClean;
}

}  // namespace

Command register_rules(CLI::App& root) {
  auto flags = std::make_shared<RulesFlags>();
  auto which = std::make_shared<std::string>();
  Command c;
  c.app = root.add_subcommand("rules", "List, test and lint detection rules (Sigma, aws/cloudtrail)");
  c.app->require_subcommand(1);

  CLI::App* list = c.app->add_subcommand("list", "List the loaded rules");
  add_common(list, *flags);
  list->add_option("--format", flags->format, "Output format")->check(CLI::IsMember({"text", "json", "md"}));
  list->callback([which] { *which = "list"; });

  CLI::App* test = c.app->add_subcommand("test", "Run every rule's must-match and must-not-match events");
  add_common(test, *flags);
  test->callback([which] { *which = "test"; });

  CLI::App* lint = c.app->add_subcommand("lint", "Check rules for duplicate ids, levels, logsource, tests, metadata");
  add_common(lint, *flags);
  lint->callback([which] { *which = "lint"; });

  c.run = [flags, which] {
    if (*which == "list") return run_list(*flags);
    if (*which == "test") return run_test(*flags);
    if (*which == "lint") return run_lint(*flags);
    return kExitError;
  };
  return c;
}

}  // namespace rg::cli
