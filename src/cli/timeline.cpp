// rootguard timeline: the forensic timeline of a root session or an account (respond/timeline.h).
#include <cstdio>
#include <memory>

#include "cli/command.h"
#include "core/diagnostics.h"
#include "cli/time_flags.h"
#include "core/time.h"
#include "io/source.h"
#include "respond/timeline.h"

namespace rg::cli {

namespace {

struct TimelineFlags {
  std::vector<std::string> paths;
  std::string account, from, to, session, format = "text";
  bool root_only = false, no_prefilter = false;
  unsigned jobs = 0;
};

int run_timeline(const TimelineFlags& f) {
  respond::TimelineOptions o;
  o.account = f.account;
  o.session = f.session;
  o.root_only = f.root_only;
  o.prefilter = !f.no_prefilter;
  o.jobs = f.jobs;
  if (!read_time_range("--from", f.from, "--to", f.to, o.from_ms, o.to_ms)) return kExitError;
  Diagnostics diag;
  // A copy of a trail bucket is walked only on the window's days; not by --account, whose
  // AssumeRoot sessions began with a call recorded in another account.
  io::TrailFilter prune;
  prune.since_ms = o.from_ms;
  prune.until_ms = o.to_ms;
  io::Walk sources(f.paths, io::Env::posix(), diag, &prune);  // walked as it is read
  respond::Timeline t = respond::build_timeline(sources, o, diag);
  const auto write = [](std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); };
  if (f.format == "jsonl") respond::timeline_jsonl(t, write);
  else if (f.format == "html") respond::timeline_html(t, write);
  else respond::timeline_text(t, write);
  return diag.error_count() ? kExitError : kExitClean;
}

}  // namespace

Command register_timeline(CLI::App& root) {
  auto f = std::make_shared<TimelineFlags>();
  Command c;
  c.app = root.add_subcommand("timeline", "Forensic timeline of a root session or an account, grouped by session");
  c.app->add_option("PATH", f->paths, "CloudTrail files or directories (.json, .json.gz, JSON lines, '-')")->required();
  c.app->add_option("--account", f->account, "Only this account")->transform(account_id());
  c.app->add_option("--from", f->from, std::string("From this time, inclusive (") + kTimeFlagForms + ")");
  c.app->add_option("--to", f->to, std::string("To this time, exclusive (") + kTimeFlagForms + ")");
  c.app->add_option("--session", f->session, "Only this session: access key id or source IP");
  c.app->add_flag("--root", f->root_only, "Only root events (and the AssumeRoot calls behind them)");
  c.app->add_option("-j,--jobs", f->jobs, "Files read in parallel (default: one per CPU)");
  c.app->add_flag("--no-prefilter", f->no_prefilter, "Parse every record (slower; for checking the prefilter)");
  c.app->add_option("--format", f->format, "text|jsonl|html")->check(CLI::IsMember({"text", "jsonl", "html"}));
  c.run = [f] { return run_timeline(*f); };
  return c;
}

}  // namespace rg::cli
