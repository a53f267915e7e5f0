#include "respond/watch.h"

#include <sys/stat.h>

#include <filesystem>
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

Status Watcher::load_state() {
  for (std::size_t c = 0; c < rules_.correlation_count(); ++c) {
    const std::string ns = scan::Correlator::state_namespace(rules_.correlation(c).info.id);
    auto rows = store_.list_state(ns);
    if (!rows.ok()) return rows.error();
    for (const auto& [key, value] : *rows) {
      Status st = correlator_.load(ns, key, value);
      if (!st.ok())
        return make_error(ErrorKind::Corrupt, store_.describe(),
                          "correlation state " + st.error().where + ": " + st.error().what +
                              " (the database is damaged; restore it from a backup, or move it aside to start "
                              "with no correlation history)");
    }
  }
  state_loaded_ = true;
  return {};
}

Result<PassReport> Watcher::pass(std::int64_t now_ms, Diagnostics& diag) {
  PassReport rep;
  if (!state_loaded_) {
    Status st = load_state();
    if (!st.ok()) return st.error();
  }
  const bool local = !opts_.list;
  std::vector<io::Source> sources = local ? io::expand({opts_.dir}, io::Env::posix(), diag) : opts_.list(now_ms, diag);
  scan::Options so = opts_.scan;
  so.jobs = 1;
  so.progress = nullptr;
  so.correlator = &correlator_;
  for (io::Source& src : sources) {
    ++rep.files_seen;
    auto done = store_.file_done(src.name);
    if (!done.ok()) return done.error();
    if (*done) continue;
    FileInfo before;
    if (local) {
      before = stat_file(src.name);
      if (!before.exists) continue;  // gone since the listing: nothing to do
      if (now_ms - before.mtime_ms < opts_.settle_ms) {
        ++rep.files_waiting;
        continue;
      }
    }
    Collect found;
    correlator_.begin();
    scan::Report sr = scan::run({src}, rules_, so, found, diag);
    FileInfo after;
    after.size = static_cast<std::int64_t>(src.size_hint);
    if (local) {
      after = stat_file(src.name);
      if (!after.exists) {
        diag.warning(src.name, "deleted while it was being read; skipped");
        correlator_.rollback();
        continue;
      }
      if (after.size != before.size || after.mtime_ms != before.mtime_ms) {
        ++rep.files_waiting;  // written to while scanned: scan it again once it settles
        correlator_.rollback();
        continue;
      }
    } else if (sr.per_file.empty() || (sr.per_file[0].errors > 0 && sr.per_file[0].bytes_in == 0)) {
      correlator_.rollback();
      continue;  // could not be fetched (reported): try again at the next pass
    }
    std::uint64_t queued = 0;
    Status st = store_.transaction([&]() -> Status {
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
      return store_.mark_file_done(FileMark{src.name, after.size, now_ms, found.found.size()});
    });
    if (!st.ok()) return st.error();
    ++rep.files_scanned;
    rep.findings += found.found.size();
    rep.alerts_queued += queued;
  }
  auto delivered = outbox_.deliver_due(now_ms, diag);
  if (!delivered.ok()) return delivered.error();
  rep.delivery = *delivered;

  totals_.files_seen = rep.files_seen;
  totals_.files_waiting = rep.files_waiting;
  totals_.files_scanned += rep.files_scanned;
  totals_.findings += rep.findings;
  totals_.alerts_queued += rep.alerts_queued;
  totals_.delivery.sent += rep.delivery.sent;
  totals_.delivery.retried += rep.delivery.retried;
  totals_.delivery.rejected += rep.delivery.rejected;
  return rep;
}

}  // namespace rg::respond
