// scan::run: the detection engine's one front door.
//
//   sources (io/source.h) -> decode (gzip by magic) -> frame (cloudtrail/framing.h)
//     -> prefilter (bytes) -> parse survivors -> rules -> Finding -> sort -> FindingSink
//                                                     \-> matches correlations count -> sort
//                                                          -> correlate (scan/correlate.h) -> Finding
//
// Files are scanned in parallel (Options::jobs workers, each with its own buffers, simdjson
// parser and prefilter scratch); findings are collected (past a memory budget, in sorted
// runs on disk), ordered by rg::finding_less (eventTime, then eventID), de-duplicated and
// handed to the sink from the calling thread only, so output is the same whatever the
// number of jobs. Bad input is reported to
// Diagnostics (one line each, naming file and offset or line) and skipped; the scan goes on.
// Nothing here reads the environment or the clock except to time the run.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cloudtrail/event.h"
#include "cloudtrail/record.h"
#include "core/diagnostics.h"
#include "core/severity.h"
#include "core/sink.h"
#include "cloudtrail/framing.h"
#include "io/gzip.h"
#include "io/source.h"
#include "sigma/ruleset.h"

namespace rg::scan {

// One worker's buffers, kept by a caller that runs many scans of one file each (watch): the
// whole-file gzip buffers are 2 MiB huge pages the kernel zeroes when first touched, and a
// run that made its own each time spent more on that than on the file.
struct Reuse {
  explicit Reuse(std::size_t whole_file_budget) : whole(whole_file_budget) {}
  io::WholeFile whole;
  cloudtrail::FrameBuffer frames;
};

class Correlator;  // scan/correlate.h

// Live counters for a progress line (read from another thread while the scan runs).
struct Progress {
  std::uint64_t files_done = 0, files_total = 0;  // files_total: listed so far
  bool files_listed = false;                       // every file is listed (files_total is the total)
  std::uint64_t bytes_in = 0, bytes_out = 0, records = 0;
  double elapsed_s = 0;
};

struct Options {
  unsigned jobs = 0;                          // workers; 0 = one per hardware thread
  std::optional<std::int64_t> since_ms;       // keep events with eventTime >= since
  std::optional<std::int64_t> until_ms;       // keep events with eventTime <  until
  std::vector<std::string> accounts;          // keep only these accounts (recipientAccountId or
                                              // userIdentity.accountId); empty = all
  Severity min_severity = Severity::Info;     // drop findings below this
  bool prefilter = true;                      // false: parse and evaluate every record
  cloudtrail::FramerOptions framing;          // record size cap, depth limit, ...
  // Decoded bytes all workers together may hold to inflate a gzip file in one call (faster
  // than streaming; see io/gzip.h), shared out evenly; bigger files stream. 0: always stream.
  std::size_t whole_file_budget = 64u << 20;
  // Bytes of findings (and of matches correlations count) held in memory for ordering; past
  // it, sorted runs go to a temporary file in temp_dir and are merged back at the end (see
  // scan/spill.h), so memory stays bounded however many findings a scan makes.
  std::size_t findings_budget = 32u << 20;
  std::string temp_dir = "/tmp";
  // Sources taken from a stream at a time (a few MB of names and openers), scheduled biggest
  // first among themselves.
  std::size_t stream_batch = 4096;
  // Correlation state to continue (watch keeps one across files); null: a fresh one per run.
  Correlator* correlator = nullptr;
  // Buffers kept across runs, used by a run with one worker (the caller's own; never shared by
  // two runs at once). Null: the worker makes its own. With it, whole_file_budget gives way to
  // the budget the Reuse was made with.
  Reuse* reuse = nullptr;
  // Called about every 250 ms from a monitor thread while the scan runs (optional).
  std::function<void(const Progress&)> progress;
};

// What the engine needs from the rules. sigma::RuleSet is the real one (the overload of run()
// below adapts it); tests and fuzzers may bring their own.
class Detector {
 public:
  virtual ~Detector() = default;
  virtual const std::optional<sigma::Literals>& prefilter_literals() const = 0;
  virtual void match(const cloudtrail::EventView& ev, std::vector<sigma::Match>& out) const = 0;
  virtual const sigma::RuleInfo& info(std::size_t rule) const = 0;
  // Correlation rules: the rule set that holds them (null: none), and match() that also
  // reports the matches correlations count (sigma::RuleSet::match's `feed`).
  virtual const sigma::RuleSet* correlations() const { return nullptr; }
  virtual void match_feed(const cloudtrail::EventView& ev, std::vector<sigma::Match>& out,
                          std::vector<sigma::Match>& feed) const {
    (void)feed;
    match(ev, out);
  }
};

struct FileReport {
  std::string name;
  cloudtrail::Shape shape = cloudtrail::Shape::Empty;
  bool gzip = false;
  std::uint64_t bytes_in = 0;    // as read (compressed size for gzip)
  std::uint64_t bytes_out = 0;   // decoded
  std::uint64_t records = 0;     // events framed (envelopes removed; a CloudWatch Logs batch counts its events)
  std::uint64_t parsed = 0;      // records that passed the prefilter and were parsed
  std::uint32_t errors = 0;      // error lines reported for this file
};

struct Report {
  std::uint64_t files = 0;
  std::uint64_t records = 0;
  std::uint64_t parsed = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t findings = 0;                 // after filters and de-duplication
  std::array<std::uint64_t, 5> by_severity{}; // indexed by Severity
  std::uint64_t errors = 0;                   // input errors reported during the scan
  double elapsed_s = 0;
  bool stopped = false;                       // the sink asked to stop (e.g. closed pipe)
  std::vector<FileReport> per_file;           // in source order; for a run over a list only (a
                                              // run over a stream keeps no list of its inputs)

  // Decoded megabytes (10^6 bytes) per second.
  double throughput_mb_s() const { return elapsed_s > 0 ? static_cast<double>(bytes_out) / 1e6 / elapsed_s : 0; }
};

Report run(const std::vector<io::Source>& sources, const Detector& rules, const Options& opts, FindingSink& sink,
           Diagnostics& diag);
// The same over sources as they come (io::Walk, a listing): they are taken a batch of a few
// thousand at a time, biggest first within the batch, so memory stays bounded however many
// files there are. The findings and their order are those of the run over the same list.
Report run(io::SourceStream& sources, const Detector& rules, const Options& opts, FindingSink& sink,
           Diagnostics& diag);

// The front door: scan with the loaded Sigma rules.
Report run(const std::vector<io::Source>& sources, const sigma::RuleSet& rules, const Options& opts,
           FindingSink& sink, Diagnostics& diag);
Report run(io::SourceStream& sources, const sigma::RuleSet& rules, const Options& opts, FindingSink& sink,
           Diagnostics& diag);

// The Finding for one rule match on one event (exposed for watch and tests).
// Finding::event.input is "file:line" when ev.line is set (JSON lines), else "file:offset".
Finding make_finding(const cloudtrail::EventView& ev, const sigma::RuleInfo& rule, Severity severity);
// make_finding in two halves, so that the findings of several rules on one event read it
// once: what the event says (everything but the rule's fields), then the rule's fields.
// `addendum` (optional) is set to whether the record has an addendum (a late re-delivery).
Finding event_finding(const cloudtrail::EventView& ev, bool* addendum = nullptr);
void set_rule(Finding& f, const sigma::RuleInfo& rule, Severity severity);
// set_rule in two halves as well: the rule's id and the severity (what orders and sorts out
// findings), then its texts (title, practice, next step), which are the same in every finding
// of the rule, so the engine adds them only to the findings it prints.
void set_rule_key(Finding& f, const sigma::RuleInfo& rule, Severity severity);
void set_rule_texts(Finding& f, const sigma::RuleInfo& rule);

}  // namespace rg::scan
