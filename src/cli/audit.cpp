// rootguard audit SNAPSHOT_DIR... : grade the root user of every account from a snapshot.
// rootguard audit --live [--org --role NAME] : collect first (into a private temporary
// directory, or --keep-snapshot DIR), then the same audit.
// Parses flags, calls posture::audit, maps the exit status. No logic lives here.
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/aws_flags.h"
#include "cli/command.h"
#include "cli/sink_flags.h"
#include "core/diagnostics.h"
#include "core/severity.h"
#include "core/strings.h"
#include "core/time.h"
#include "io/env.h"
#include "posture/audit.h"
#include "posture/catalog.h"
#include "posture/config.h"
#include "posture/report/report.h"
#include "respond/push.h"

namespace rg::cli {

namespace {

struct AuditFlags {
  std::vector<std::string> dirs;
  std::string config, format = "text", output, fail_on = "high", checks, now;
  bool live = false;
  std::string keep_snapshot;
  std::vector<std::string> sinks;
  AwsFlags aws;
};

// Passes everything on to the report, and keeps each account's findings for the sinks.
class KeepFindings : public posture::AuditReport {
 public:
  explicit KeepFindings(posture::AuditReport& report) : report_(report) {}
  void begin(const std::vector<const posture::Check*>& checks, const std::optional<posture::OrgInfo>& org,
             Severity fail_on) override {
    report_.begin(checks, org, fail_on);
  }
  void account(const posture::AccountResult& r) override {
    report_.account(r);
    findings.insert(findings.end(), r.findings.begin(), r.findings.end());
  }
  void end(const posture::AuditSummary& s) override { report_.end(s); }
  std::vector<Finding> findings;

 private:
  posture::AuditReport& report_;
};

// A private (0700) temporary directory, removed with everything in it when this goes.
class PrivateTempDir {
 public:
  PrivateTempDir() {
    std::string tmpl = io::temp_dir() + "/rootguard-live-XXXXXX";
    if (::mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~PrivateTempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

int run_audit(const AuditFlags& f) {
  Diagnostics diag;
  posture::AuditOptions opt;
  opt.fail_on = *parse_severity(f.fail_on);  // checked as the flag was read
  if (!f.checks.empty())
    for (auto& id : split(f.checks, ','))
      if (!trim(id).empty()) {
        std::string u(trim(id));
        for (auto& ch : u) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (!posture::find_check(u)) {  // a typo: no report of no checks
          std::cerr << "rootguard: error: --check: unknown check id '" << std::string(trim(id)) << "' (known: "
                    << posture::catalog().front()->meta.id << "-" << posture::catalog().back()->meta.id << ")\n";
          return kExitError;
        }
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
  if (f.live == !f.dirs.empty()) {
    std::cerr << "rootguard: error: audit: give SNAPSHOT_DIR... or --live, not both\n";
    return kExitError;
  }
  if (!f.live && (!f.keep_snapshot.empty() || f.aws.org))
    std::cerr << "rootguard: warning: --keep-snapshot and --org only apply with --live\n";
  posture::Config cfg;
  if (!f.config.empty()) cfg = posture::load_config(f.config, diag);

  // The sinks are made before anything is collected: a bad spec costs one line, not an audit
  // (nor an empty -o file).
  std::vector<std::unique_ptr<respond::Sink>> sinks;
  if (!f.sinks.empty()) {
    std::shared_ptr<aws::Client> client;
    if (sinks_call_aws(f.sinks)) {
      auto c = make_client(f.aws);
      if (!c.ok()) {
        std::cerr << "rootguard: error: " << c.error().str() << "\n";
        return kExitError;
      }
      client = *c;
    }
    const respond::SinkOptions so = sink_options(client);
    for (const std::string& spec : f.sinks) {
      auto s = respond::make_sink(spec, so);
      if (!s.ok()) {
        std::cerr << "rootguard: error: " << s.error().str() << "\n";
        return kExitError;
      }
      sinks.push_back(std::move(*s));
    }
  }
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
  KeepFindings kept(*report);
  std::vector<std::string> dirs = f.dirs;
  std::unique_ptr<PrivateTempDir> tmp;
  int collect_status = kExitClean;
  if (f.live) {
    std::string where = f.keep_snapshot;
    if (where.empty()) {
      tmp = std::make_unique<PrivateTempDir>();
      if (tmp->path().empty()) {
        std::cerr << "rootguard: error: audit --live: cannot create a temporary directory (set TMPDIR)\n";
        return kExitError;
      }
      where = tmp->path() + "/snapshot";
    }
    bool nothing = false;
    collect_status = run_collect(f.aws, where, diag, &nothing);
    if (nothing) return kExitError;  // told in one line; no report of an account nobody could read
    dirs = {where};
  }
  posture::AuditSummary s = posture::audit(dirs, cfg, opt, kept, diag);
  out->flush();
  const respond::PushReport pushed = respond::push_findings(sinks, kept.findings, diag);
  if (!f.output.empty() && !file) {  // standard output is checked at exit, for every command
    std::cerr << "rootguard: error: " << f.output << ": write failed; the report there is incomplete\n";
    return kExitError;
  }
  if (s.errors || diag.error_count() || collect_status != kExitClean || pushed.not_sent) return kExitError;
  return s.failed_at_or_above ? kExitFound : kExitClean;
}

}  // namespace

Command register_audit(CLI::App& root) {
  auto flags = std::make_shared<AuditFlags>();
  Command c;
  c.app = root.add_subcommand("audit", "Grade the root user of every account from a snapshot (docs/snapshot.md) or --live");
  c.app->add_option("SNAPSHOT_DIR", flags->dirs, "Account or Organization snapshot directories");
  c.app->add_flag("--live", flags->live, "Collect from AWS first (credentials as the AWS CLI resolves them), then audit");
  c.app->add_option("--keep-snapshot", flags->keep_snapshot, "With --live: collect into DIR and keep it (default: a private temporary directory, removed)");
  add_aws_flags(c.app, flags->aws, true);
  c.app->add_option("--config", flags->config, "rootguard.yaml: shared root mailboxes, phone, attestations");
  c.app->add_option("--format", flags->format, "text, json, csv, ocsf, asff, sarif or html")->default_str("text");
  c.app->add_option("-o,--output", flags->output, "Write the report to FILE instead of standard output");
  c.app->add_option("--fail-on", flags->fail_on, "Exit 1 when a check at or above this severity FAILs")
      ->default_str("high")
      ->check(severity_name());
  c.app->add_option("--check", flags->checks, "Run only these checks (comma-separated ids, e.g. R01,R02)");
  c.app->add_option("--now", flags->now, "Reference time for 'recent' root use (default: each credential report's GeneratedTime)");
  c.app->add_option("--sink", flags->sinks,
                    "Also send the findings (repeatable, as watch --sink): each FAIL; to securityhub:REGION:ACCOUNT "
                    "the PASSes too, which resolve earlier failures there");
  c.run = [flags] { return run_audit(*flags); };
  return c;
}

}  // namespace rg::cli
