// rootguard scan PATH...: find root activity and tampering in CloudTrail logs.
// PATH may be s3://bucket/prefix: listed with CloudTrail's key layout pruned by --since,
// --until, --account and --region, each object fetched when a worker takes it.
// Parses flags, loads the rules, calls scan::run, prints the summary and maps the exit status.
#include <stdio_ext.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "aws/client.h"
#include "aws/s3.h"
#include "cli/aws_flags.h"
#include "cli/command.h"
#include "core/cpu.h"
#include "cli/rule_flags.h"
#include "core/severity.h"
#include "core/strings.h"
#include "cli/time_flags.h"
#include "core/time.h"
#include "io/source.h"
#include "respond/format/format.h"
#include "scan/scan.h"
#include "sigma/ruleset.h"

namespace rg::cli {
namespace {

struct ScanFlags {
  std::vector<std::string> paths;
  RuleFlags rules;
  std::string format = "text";
  std::string since, until;
  std::vector<std::string> accounts;
  std::string min_severity = "info";
  std::string fail_on = "info";
  unsigned jobs = 0;
  std::string color = "auto";
  bool no_prefilter = false;
  std::vector<std::string> regions;  // s3://: only these trail regions
  AwsFlags aws;                      // s3://: profile, bucket region, endpoint
};

// Lists every s3:// input and turns its objects into sources; one error line per bad URL or
// failed listing, the rest goes on.
void add_s3_sources(const ScanFlags& f, const scan::Options& opts, io::ChainStream& sources, Diagnostics& diag) {
  std::shared_ptr<aws::Client> client;
  for (const std::string& p : f.paths) {
    if (p.rfind("s3://", 0) != 0) continue;
    auto loc = aws::parse_s3_url(p);
    if (!loc) {
      diag.error(loc.error());
      continue;
    }
    if (!client) {
      auto c = make_client(f.aws);
      if (!c) {
        diag.error(c.error());
        return;
      }
      client = *c;
    }
    aws::TrailFilter filter;
    filter.since_ms = opts.since_ms;
    filter.until_ms = opts.until_ms;
    filter.accounts = f.accounts;
    filter.regions = f.regions;
    auto listed = aws::s3_stream(client, *loc, filter, diag);
    listed->release();  // the rules are loaded: its lines may come as they come
    sources.add(std::move(listed));
  }
}

std::string human_bytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

std::string summary(const scan::Report& r) {
  std::string s = "rootguard: scanned " + counted(r.files, "file") + ", " + counted(r.records, "event") + " (" + human_bytes(static_cast<double>(r.bytes_in)) + " read, " +
                  human_bytes(static_cast<double>(r.bytes_out)) + " decoded) in ";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f s (%.0f MB/s): ", r.elapsed_s, r.throughput_mb_s());
  s += buf;
  s += counted(r.findings, "finding");
  std::string parts;
  for (int i = 4; i >= 0; --i) {
    if (!r.by_severity[static_cast<std::size_t>(i)]) continue;
    if (!parts.empty()) parts += ", ";
    parts += std::to_string(r.by_severity[static_cast<std::size_t>(i)]) + " " + std::string(to_string(static_cast<Severity>(i)));
  }
  if (!parts.empty()) s += " (" + parts + ")";
  s += ", " + counted(r.errors, "error");
  return s;
}

int usage(const std::string& what) {
  std::fprintf(stderr, "rootguard: error: %s\n", what.c_str());
  return kExitError;
}

int run_scan(const ScanFlags& f) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout becomes a write error we handle quietly
  auto fmt = respond::format::parse_format(f.format);
  if (!fmt) return usage("--format must be text, jsonl or ocsf");
  scan::Options opts;
  opts.jobs = f.jobs;
  opts.prefilter = !f.no_prefilter;
  opts.accounts = f.accounts;
  opts.temp_dir = io::temp_dir();  // findings past the memory budget are spilled there
  if (!read_time_range("--since", f.since, "--until", f.until, opts.since_ms, opts.until_ms))
    return kExitError;
  opts.min_severity = *parse_severity(f.min_severity);  // both checked as the flags were read
  const Severity fail_on = *parse_severity(f.fail_on);

  const bool err_tty = ::isatty(STDERR_FILENO) == 1;
  bool progress_shown = false;
  Diagnostics diag([&](Diagnostics::Level level, const std::string& line) {
    const char* tag = level == Diagnostics::Level::Error ? "error" : level == Diagnostics::Level::Warning ? "warning" : "note";
    std::fprintf(stderr, "%srootguard: %s: %s\n", progress_shown ? "\r\x1b[K" : "", tag, line.c_str());
  });
  if (auto w = simd_setting_warning()) diag.warning("RG_SIMD", *w);
  if (err_tty) {
    opts.progress = [&](const scan::Progress& p) {
      if (p.elapsed_s < 2.0) return;
      progress_shown = true;
      std::fprintf(stderr, "\r\x1b[Krootguard: %llu/%llu%s files, %llu events, %s decoded (%.0f MB/s)",
                   static_cast<unsigned long long>(p.files_done), static_cast<unsigned long long>(p.files_total),
                   p.files_listed ? "" : "+",
                   static_cast<unsigned long long>(p.records), human_bytes(static_cast<double>(p.bytes_out)).c_str(),
                   p.elapsed_s > 0 ? static_cast<double>(p.bytes_out) / 1e6 / p.elapsed_s : 0.0);
      std::fflush(stderr);
    };
  }

  std::vector<std::string> local;
  bool s3 = false;
  for (const std::string& p : f.paths) {
    if (p.rfind("s3://", 0) == 0) s3 = true;
    else local.push_back(p);
  }
  // The local paths are walked while the rules load, and as the scan goes: their files are
  // scanned a batch at a time as the walk finds them, never listed whole. The rules' lines
  // come first, then the walk's.
  // Copies of a trail bucket on disk are pruned by its key layout, as s3:// listings are.
  io::TrailFilter prune;
  prune.since_ms = opts.since_ms;
  prune.until_ms = opts.until_ms;
  prune.accounts = f.accounts;
  prune.regions = f.regions;
  io::ChainStream sources;
  sigma::RuleSet rules;
  {
    std::unique_ptr<io::Walk> walk;
    if (!local.empty()) walk = std::make_unique<io::Walk>(local, io::Env::posix(), diag, &prune);
    sigma::LoadOptions lo = rule_load_options(f.rules, diag);
    lo.tests = false;
    rules = sigma::load_rules(lo, diag);
    if (walk) {
      walk->release();
      sources.add(std::move(walk));
    }
  }
  if (s3) {
    add_s3_sources(f, opts, sources, diag);
    // Objects are fetched by the workers: more of them keep more requests in flight.
    if (f.jobs == 0) opts.jobs = 16;
  }

  respond::format::FormatOptions fo;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  fo.color = f.color == "always" ||
             (f.color == "auto" && ::isatty(STDOUT_FILENO) == 1 && !(no_color && *no_color) &&
              !(term && std::string(term) == "dumb"));
  fo.product_version = RG_VERSION;
  // Findings go out together at the end: into a pipe or a file, in 64 KiB writes rather than
  // the default 4 KiB (a TTY keeps its line buffering).
  // (glibc sizes a buffer it allocates itself by the file's block size, whatever it is asked.)
  static char out_buffer[1u << 16];
  if (::isatty(STDOUT_FILENO) != 1) std::setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
  auto sink = respond::format::make_sink(*fmt, stdout, fo);

  scan::Report report = scan::run(sources, rules, opts, *sink, diag);
  if (progress_shown) std::fprintf(stderr, "\r\x1b[K");
  if (sink->broken()) {
    // told here (or not at all) and dropped, so that the check at exit does not tell it again
    ::__fpurge(stdout);
    std::clearerr(stdout);
    if (sink->write_errno() == EPIPE) return diag.error_count() ? kExitError : kExitClean;  // the reader went away: quietly
    std::fprintf(stderr, "rootguard: error: standard output: write failed: %s; the findings from there on were not written\n",
                 sink->write_errno() ? std::strerror(sink->write_errno()) : "the stream refused them");
    return kExitError;
  }
  report.errors = diag.error_count();  // rule and path errors count too
  // What each Sigma filter took out, so that a filter broader than meant does not hide
  // findings unseen.
  for (std::size_t i = 0; i < rules.filter_count(); ++i) {
    const std::uint64_t n = rules.filter_left_out(i);
    diag.note(rules.filter(i).file, "Sigma filter '" + rules.filter(i).id + "' left out " +
                                        counted(n, "match", "matches") + " of the rules it names");
  }
  std::fprintf(stderr, "%s\n", summary(report).c_str());

  if (diag.error_count()) return kExitError;
  for (int s = static_cast<int>(fail_on); s <= static_cast<int>(Severity::Critical); ++s)
    if (report.by_severity[static_cast<std::size_t>(s)]) return kExitFound;
  return kExitClean;
}

}  // namespace

Command register_scan(CLI::App& root) {
  auto flags = std::make_shared<ScanFlags>();
  Command c;
  CLI::App* app = root.add_subcommand("scan", "Find root activity and tampering in CloudTrail logs");
  c.app = app;
  app->add_option("PATH", flags->paths, "Log files or directories (recursive; .gz by content; - for stdin; s3://bucket/prefix)")->required();
  add_rule_flags(app, flags->rules);
  app->add_option("--format", flags->format, "Output: text, jsonl or ocsf")->check(CLI::IsMember({"text", "jsonl", "ocsf"}));
  app->add_option("--since", flags->since, std::string("Only events at or after this time (") + kTimeFlagForms + ")");
  app->add_option("--until", flags->until, std::string("Only events before this time (") + kTimeFlagForms + ")");
  app->add_option("--account", flags->accounts, "Only this account id (repeatable)")->transform(account_id());
  app->add_option("--min-severity", flags->min_severity, "Drop findings below: info, low, medium, high, critical")
      ->check(severity_name());
  app->add_option("--fail-on", flags->fail_on, "Exit 1 when a finding is at least this severity (default: any)")
      ->check(severity_name());
  app->add_option("-j,--jobs", flags->jobs, "Files scanned in parallel (default: one per CPU); a thread left over inflates a gzip file ahead");
  app->add_option("--color", flags->color, "Colour: auto, always or never")->check(CLI::IsMember({"auto", "always", "never"}));
  app->add_flag("--no-prefilter", flags->no_prefilter, "Parse every record (slower; for checking the prefilter)");
  app->add_option("--region", flags->regions, "Only logs of this trail region (repeatable), by the key layout of s3:// listings and of copies of a trail bucket on disk")
      ->check(region_name());
  app->add_option("--profile", flags->aws.profile, "s3://: AWS CLI profile (default: AWS_PROFILE, else default)");
  app->add_option("--bucket-region", flags->aws.region, "s3://: the bucket's region (default: AWS_REGION, the profile's)")
      ->check(region_name());
  app->add_option("--endpoint-url", flags->aws.endpoint_url, "s3://: send requests to this URL instead of AWS's")
      ->check(endpoint_url());
  c.run = [flags] { return run_scan(*flags); };
  return c;
}

}  // namespace rg::cli
