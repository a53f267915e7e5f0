// Watcher: the loop body of `rootguard watch DIR`. Each pass lists the directory (recursively,
// sorted), scans every settled log file the store has not seen, and for each file, in ONE
// store transaction, files its findings into cases, queues their alerts in the outbox and
// marks the file done; then it offers the due alerts to the sinks. A kill at any moment leaves
// a file either wholly done (its alerts queued) or not at all (scanned again after restart),
// and the outbox never queues one alert key twice, so nothing is lost or repeated.
//
// A file is "settled" once its modification time is settle_ms in the past: a log still being
// written is left for a later pass. A file deleted between listing and reading costs one line
// and is not marked done. Correlation rules (brute force, new source IP, ...) keep their state
// in the store, saved in the same transaction as the file's alerts. The caller decides when passes run (inotify wake-ups, a timer) and
// owns signals; the clock is passed in.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "io/source.h"
#include "respond/cases.h"
#include "respond/outbox.h"
#include "respond/store.h"
#include "scan/correlate.h"
#include "scan/scan.h"
#include "sigma/ruleset.h"

namespace rg::respond {

struct WatchOptions {
  std::string dir;                 // the directory followed (when `list` is not set)
  std::int64_t settle_ms = 5000;   // a local file unchanged this long is complete
  scan::Options scan;              // filters; jobs is forced to 1
  // A local directory holding a copy of a trail bucket: at each pass only the days of
  // CloudTrail's key layout within this are walked (files outside the layout always are);
  // nullopt: everything, every pass.
  std::optional<std::int64_t> lookback_ms;
  // Another place to follow (S3): lists the candidate sources at each pass, as a stream that
  // the pass takes a batch at a time (an Organization's day of objects is never held whole).
  // Its sources are taken as complete as listed (S3 objects appear whole), so no settling
  // applies. The stream may report to `diag` until it is destroyed, within the pass.
  std::function<std::unique_ptr<io::SourceStream>(std::int64_t now_ms, Diagnostics& diag)> list;
};

struct PassReport {
  std::uint64_t files_seen = 0;     // log files listed
  std::uint64_t files_scanned = 0;  // scanned and marked done in this pass
  std::uint64_t files_waiting = 0;  // not settled yet
  std::uint64_t findings = 0;
  std::uint64_t alerts_queued = 0;  // new outbox rows
  DeliveryReport delivery;
};

class Watcher {
 public:
  Watcher(Store& store, Outbox& outbox, CaseBook& cases, const sigma::RuleSet& rules, WatchOptions options)
      : store_(store),
        outbox_(outbox),
        cases_(cases),
        rules_(rules),
        opts_(std::move(options)),
        correlator_(rules),
        reuse_(opts_.scan.whole_file_budget) {}

  // One pass (see above). An Error means the store failed (the caller stops: a disk that is
  // full or a database that went bad must not be papered over); bad log files are reported
  // to diag and the pass goes on.
  Result<PassReport> pass(std::int64_t now_ms, Diagnostics& diag);

  // Totals since start, for the health line.
  const PassReport& totals() const { return totals_; }

  // One log file or object, as a pass handles each (SQS workers call it per notified
  // object): scanned and, in ONE store transaction, its findings filed, alerts queued,
  // correlation state saved and the file marked done. `settle` applies the settle time and
  // the changed-while-read check to a local file. An Error means the store failed.
  enum class Outcome { Done, AlreadyDone, Waiting, Skipped, Unreadable };
  Result<Outcome> process(const io::Source& src, bool settle, std::int64_t now_ms, Diagnostics& diag,
                          PassReport& rep);
  // Adds a pass's counts to the totals.
  void record(const PassReport& rep);
  // Offers the due alerts to the sinks.
  Result<DeliveryReport> deliver(std::int64_t now_ms, Diagnostics& diag) { return outbox_.deliver_due(now_ms, diag); }

 private:
  Store& store_;
  Outbox& outbox_;
  CaseBook& cases_;
  const sigma::RuleSet& rules_;
  WatchOptions opts_;
  PassReport totals_;
  // Correlation state: each group is read from the store (and locked there) when a file
  // first touches it, and saved in the same transaction as the file's alerts, so a kill
  // leaves it matching the files marked done and several workers on one store agree.
  scan::Correlator correlator_;
  // The scan's buffers, kept from file to file (a fresh set per file cost more than the file).
  scan::Reuse reuse_;
  bool fetch_set_ = false;
};

}  // namespace rg::respond
