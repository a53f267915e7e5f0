#include "respond/watch.h"

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "io/source.h"
#include "respond/alert.h"
#include "sigma/correlation.h"

namespace rg::respond {

namespace {

class Collect : public FindingSink {
 public:
  bool on_finding(const Finding& f) override {
    found.push_back(f);
    return true;
  }
  std::vector<Finding> found;
};

struct FileInfo {
  bool exists = false;
  std::int64_t size = 0;
  std::int64_t mtime_ms = 0;
};

FileInfo stat_file(const std::string& path) {
  struct stat st {};
  FileInfo fi;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return fi;
  fi.exists = true;
  fi.size = static_cast<std::int64_t>(st.st_size);
  fi.mtime_ms = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  return fi;
}

}  // namespace

Result<Watcher::Outcome> Watcher::process(const io::Source& src, bool settle, std::int64_t now_ms, Diagnostics& diag,
                                          PassReport& rep) {
  if (!fetch_set_) {
    correlator_.set_fetch([this](const std::string& ns, const std::string& key) -> Result<std::optional<std::string>> {
      if (Status l = store_.lock_state(ns, key); !l.ok()) return l.error();
      return store_.get_state(ns, key);
    });
    fetch_set_ = true;
  }
  auto done = store_.file_done(src.name);
  if (!done.ok()) return done.error();
  if (*done) return Outcome::AlreadyDone;
  FileInfo before;
  if (settle) {
    before = stat_file(src.name);
    if (!before.exists) return Outcome::Skipped;  // gone since the listing: nothing to do
    if (now_ms - before.mtime_ms < opts_.settle_ms) return Outcome::Waiting;
  }
  scan::Options so = opts_.scan;
  so.jobs = 1;
  so.progress = nullptr;
  so.correlator = &correlator_;
  so.reuse = &reuse_;
  std::optional<Outcome> not_done;
  std::uint64_t queued = 0, findings = 0;
  // Everything happens inside one transaction: the correlation groups the file touches are
  // read and locked as it is scanned, and written back with its alerts.
  Status st = store_.transaction([&]() -> Status {
    correlator_.begin();
    Collect found;
    scan::Report sr = scan::run({src}, rules_, so, found, diag);
    if (correlator_.error()) {
      const Error& e = *correlator_.error();
      if (e.kind == ErrorKind::Corrupt)
        return make_error(ErrorKind::Corrupt, store_.describe(),
                          "correlation state " + e.where + ": " + e.what +
                              " (the database is damaged; restore it from a backup, or move it aside to start "
                              "with no correlation history)");
      return e;
    }
    FileInfo after;
    after.size = static_cast<std::int64_t>(src.size_hint);
    if (settle) {
      after = stat_file(src.name);
      if (!after.exists) {
        diag.warning(src.name, "deleted while it was being read; skipped");
        not_done = Outcome::Skipped;
        return make_error(ErrorKind::Io, src.name, "not done");
      }
      if (after.size != before.size || after.mtime_ms != before.mtime_ms) {
        not_done = Outcome::Waiting;  // written to while scanned: scan it again once it settles
        return make_error(ErrorKind::Io, src.name, "not done");
      }
    } else if (sr.per_file.empty() || (sr.per_file[0].errors > 0 && sr.per_file[0].bytes_in == 0)) {
      not_done = Outcome::Unreadable;  // could not be fetched (reported): try again later
      return make_error(ErrorKind::Io, src.name, "not done");
    }
    for (const Finding& f : found.found) {
      const std::string key = alert_key(f);
      auto case_id = cases_.file(f, key, now_ms);
      if (!case_id.ok()) return case_id.error();
      auto added = outbox_.enqueue(make_alert(f, *case_id), now_ms);
      if (!added.ok()) return added.error();
      queued += static_cast<std::uint64_t>(*added);
    }
    for (const scan::Correlator::Change& ch : correlator_.changes()) {
      Status saved = ch.value ? store_.put_state(ch.ns, ch.key, *ch.value, now_ms) : store_.erase_state(ch.ns, ch.key);
      if (!saved.ok()) return saved;
    }
    findings = found.found.size();
    return store_.mark_file_done(FileMark{src.name, after.size, now_ms, found.found.size()});
  });
  if (!st.ok()) {
    correlator_.rollback();
    if (not_done) return *not_done;
    return st.error();
  }
  rep.findings += findings;
  rep.alerts_queued += queued;
  return Outcome::Done;
}

Result<PassReport> Watcher::pass(std::int64_t now_ms, Diagnostics& diag) {
  PassReport rep;
  const bool local = !opts_.list;
  io::TrailFilter recent;  // (io/trail_layout.h: the day before `since` is still walked)
  if (opts_.lookback_ms) recent.since_ms = now_ms - *opts_.lookback_ms;
  // A local directory is walked as it is worked through, a batch at a time, so that a folder
  // of a million files costs a batch of memory, not a list of them all.
  std::unique_ptr<io::SourceStream> sources;
  if (local)
    sources = std::make_unique<io::Walk>(std::vector<std::string>{opts_.dir}, io::Env::posix(), diag,
                                         opts_.lookback_ms ? &recent : nullptr, 4096, /*quiet_hidden=*/true);
  else
    sources = opts_.list(now_ms, diag);
  std::optional<Error> failed;
  io::for_each_source(*sources, [&](const io::Source& src) {
    ++rep.files_seen;
    auto outcome = process(src, local, now_ms, diag, rep);
    if (!outcome.ok()) {
      failed = outcome.error();
      return false;
    }
    if (*outcome == Outcome::Done) ++rep.files_scanned;
    if (*outcome == Outcome::Waiting) ++rep.files_waiting;
    return true;
  });
  if (failed) return *failed;  // (the walk stops with `sources`)
  auto delivered = outbox_.deliver_due(now_ms, diag);
  if (!delivered.ok()) return delivered.error();
  rep.delivery = *delivered;
  record(rep);
  return rep;
}

void Watcher::record(const PassReport& rep) {
  totals_.files_seen = rep.files_seen;
  totals_.files_waiting = rep.files_waiting;
  totals_.files_scanned += rep.files_scanned;
  totals_.findings += rep.findings;
  totals_.alerts_queued += rep.alerts_queued;
  totals_.delivery.sent += rep.delivery.sent;
  totals_.delivery.retried += rep.delivery.retried;
  totals_.delivery.rejected += rep.delivery.rejected;
}

}  // namespace rg::respond
