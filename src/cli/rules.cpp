// rootguard rules list|test|lint [DIR...]: show, exercise and check detection rules.
// Built-in rules are always included unless --no-builtin; each DIR (or file) adds user rules.
#include <cctype>
#include <cstdio>
#include <tuple>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/rule_flags.h"
#include "scan/correlate.h"
#include "sigma/lint.h"
#include "sigma/rule_docs.h"
#include "sigma/rule_tests.h"
#include "sigma/sql.h"
#include "cli/time_flags.h"
#include "core/strings.h"
#include "core/time.h"
#include "sigma/ruleset.h"

namespace rg::cli {
namespace {

struct RulesFlags {
  std::vector<std::string> dirs;
  std::vector<std::string> rules_flag;  // --rules, as scan and watch take them
  bool no_builtin = false;
  std::string config;
  // rules sql
  std::string dialect = "athena", table = "cloudtrail_logs", partitions = "none", since, until;
  std::vector<std::string> accounts, regions;
  std::string format = "text";
};

sigma::LoadOptions load_options(const RulesFlags& f, Diagnostics& diag) {
  RuleFlags r{f.dirs, f.no_builtin, f.config};
  r.dirs.insert(r.dirs.end(), f.rules_flag.begin(), f.rules_flag.end());
  return rule_load_options(r, diag);
}

void add_common(CLI::App* app, RulesFlags& f) {
  app->add_option("DIR", f.dirs, "Rule files or directories to load (*.yml, *.yaml, recursively)");
  app->add_option("--rules", f.rules_flag, "The same as DIR, as scan and watch take it (repeatable)");
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
  std::cout << counted(errors, "error") << ", " << counted(warnings, "warning") << "\n" << std::flush;
  return errors || diag.error_count() ? kExitError : kExitClean;
}

int run_sql(const RulesFlags& f) {
  Diagnostics diag;
  sigma::SqlOptions o;
  o.dialect = f.dialect == "trino" ? sigma::SqlDialect::Trino : f.dialect == "duckdb" ? sigma::SqlDialect::DuckDb
                                                                                    : sigma::SqlDialect::Athena;
  o.table = f.table;
  o.partitions = f.partitions == "region-date" ? sigma::SqlPartitions::RegionYearMonthDay
                 : f.partitions == "timestamp" ? sigma::SqlPartitions::Timestamp
                                               : sigma::SqlPartitions::None;
  if (!read_time_range("--since", f.since, "--until", f.until, o.since_ms, o.until_ms))
    return kExitError;
  for (const std::string& t : {f.table})
    for (char ch : t)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.')) {
        std::fprintf(stderr, "rootguard: error: --table: '%s' is not a table name (letters, digits, _ and .)\n", t.c_str());
        return kExitError;
      }
  o.accounts = f.accounts;
  o.regions = f.regions;
  sigma::RuleSet rules = sigma::load_rules(load_options(f, diag), diag);
  sigma::SqlQuery q = sigma::rules_to_sql(rules, o);
  for (const sigma::SqlSkipped& s : q.skipped)
    diag.note(s.file, s.id + " is not expressible in SQL: " + s.reason);
  std::cout << q.text << std::flush;
  return diag.error_count() ? kExitError : kExitClean;
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

  CLI::App* sql = c.app->add_subcommand("sql", "Print the rules as one SQL query over the CloudTrail table (Athena, Trino, DuckDB)");
  add_common(sql, *flags);
  sql->add_option("--dialect", flags->dialect, "athena (default), trino or duckdb")
      ->check(CLI::IsMember({"athena", "trino", "duckdb"}));
  sql->add_option("--table", flags->table, "Table name (default cloudtrail_logs)");
  sql->add_option("--partitions", flags->partitions,
                  "none (default), region-date (region, year, month, day) or timestamp (partition projection)")
      ->check(CLI::IsMember({"none", "region-date", "timestamp"}));
  sql->add_option("--since", flags->since, std::string("Only events at or after this time (") + kTimeFlagForms + "; prunes partitions)");
  sql->add_option("--until", flags->until, std::string("Only events before this time (") + kTimeFlagForms + "; prunes partitions)");
  sql->add_option("--account", flags->accounts, "Only this account id (repeatable)")->transform(account_id());
  sql->add_option("--region", flags->regions, "Only this region (repeatable; prunes the region partition)")
      ->check(region_name());
  sql->callback([which] { *which = "sql"; });

  c.run = [flags, which] {
    if (*which == "sql") return run_sql(*flags);
    if (*which == "list") return run_list(*flags);
    if (*which == "test") return run_test(*flags);
    if (*which == "lint") return run_lint(*flags);
    return kExitError;
  };
  return c;
}

}  // namespace rg::cli
