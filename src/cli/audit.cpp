// rootguard audit SNAPSHOT_DIR... : grade the root user of every account from a snapshot.
// Parses flags, calls posture::audit, maps the exit status. No logic lives here.
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "core/diagnostics.h"
#include "core/severity.h"
#include "core/strings.h"
#include "core/time.h"
#include "posture/audit.h"
#include "posture/config.h"
#include "posture/report/report.h"

namespace rg::cli {

namespace {

struct AuditFlags {
  std::vector<std::string> dirs;
  std::string config, format = "text", output, fail_on = "high", checks, now;
};

int run_audit(const AuditFlags& f) {
  Diagnostics diag;
  posture::AuditOptions opt;
  auto sev = parse_severity(f.fail_on);
  if (!sev) {
    std::cerr << "rootguard: error: --fail-on: unknown severity '" << f.fail_on
              << "' (info, low, medium, high, critical)\n";
    return kExitError;
  }
  opt.fail_on = *sev;
  if (!f.checks.empty())
    for (auto& id : split(f.checks, ','))
      if (!trim(id).empty()) {
        std::string u(trim(id));
        for (auto& ch : u) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        opt.only_checks.push_back(u);
      }
  if (!f.now.empty()) {
    auto t = parse_iso8601_ms(f.now);
    if (!t) {
      std::cerr << "rootguard: error: --now: not an ISO-8601 time: " << f.now << "\n";
      return kExitError;
    }
    opt.now_ms = *t;
  }
  posture::Config cfg;
  if (!f.config.empty()) cfg = posture::load_config(f.config, diag);

  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!f.output.empty()) {
    file.open(f.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "rootguard: error: " << f.output << ": cannot open for writing\n";
      return kExitError;
    }
    out = &file;
  }
  posture::ReportOptions ro;
  ro.color = f.format == "text" && f.output.empty() && ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  ro.generated_ms = opt.now_ms ? opt.now_ms
                               : std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch()).count();
  auto report = posture::make_report(f.format, *out, ro);
  if (!report) {
    std::cerr << "rootguard: error: --format: unknown format '" << f.format << "' (text, json, csv, ocsf, asff, sarif, html)\n";
    return kExitError;
  }
  posture::AuditSummary s = posture::audit(f.dirs, cfg, opt, *report, diag);
  out->flush();
  if (s.errors || diag.error_count()) return kExitError;
  return s.failed_at_or_above ? kExitFound : kExitClean;
}

}  // namespace

Command register_audit(CLI::App& root) {
  auto flags = std::make_shared<AuditFlags>();
  Command c;
  c.app = root.add_subcommand("audit", "Grade the root user of every account from a snapshot (docs/snapshot.md)");
  c.app->add_option("SNAPSHOT_DIR", flags->dirs, "account or Organization snapshot directories")->required();
  c.app->add_option("--config", flags->config, "rootguard.yaml: shared root mailboxes, phone, attestations");
  c.app->add_option("--format", flags->format, "text, json, csv, ocsf, asff, sarif or html")->default_str("text");
  c.app->add_option("-o,--output", flags->output, "write the report to FILE instead of standard output");
  c.app->add_option("--fail-on", flags->fail_on, "exit 1 when a check at or above this severity FAILs")->default_str("high");
  c.app->add_option("--check", flags->checks, "run only these checks (comma-separated ids, e.g. R01,R02)");
  c.app->add_option("--now", flags->now, "reference time for 'recent' root use (default: each credential report's GeneratedTime)");
  c.run = [flags] { return run_audit(*flags); };
  return c;
}

}  // namespace rg::cli
