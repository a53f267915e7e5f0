// Store: rootguard's durable state for `watch` and `case`, behind one interface.
//
// What it holds: which log files are done, the detection (correlation) state, the alert
// outbox (one row per alert and sink, never two), and the incident cases with their
// findings, checklist marks and change log. The embedded back-end is SQLite
// (sqlite_store.cpp); the interface names no SQL so another back-end (PostgreSQL) can be
// added beside it and chosen by open_store()'s spec.
//
// Crash safety: transaction() runs a function inside one transaction and commits only when
// it returns ok; a kill at any moment leaves either all of it or none. Callers group "this
// file's alerts are queued" with "this file is done" so a restart neither loses nor repeats.
//
// Threads: a Store is used from one thread at a time (watch is single-threaded around it);
// processes share a PostgreSQL store through its transactions and unique constraints.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace rg::respond {

// A log file that has been scanned and whose alerts are safely queued.
struct FileMark {
  std::string key;            // the file's path (or s3://bucket/key)
  std::int64_t size = 0;      // bytes when scanned
  std::int64_t done_ms = 0;   // when (wall clock)
  std::uint64_t findings = 0; // how many findings it gave
};

enum class OutboxState { Pending, Sent, Rejected };
const char* to_string(OutboxState s);  // "pending", "sent", "rejected"

// One alert for one sink.
struct OutboxItem {
  std::int64_t id = 0;
  std::string sink;           // the sink's id (a hash of its spec; never the secret URL)
  std::string alert_key;      // rule id + ":" + event id (see alert.h)
  std::string payload;        // the alert as JSON (alert.h)
  OutboxState state = OutboxState::Pending;
  int attempts = 0;
  std::int64_t created_ms = 0;
  std::int64_t next_at_ms = 0;  // pending: not before this time
  std::int64_t done_ms = 0;     // sent or rejected: when
  std::string last_error;       // redacted
};

struct OutboxCounts {
  std::uint64_t pending = 0, sent = 0, rejected = 0;
};

// An incident case (cases.h gives the meaning of each field).
struct CaseRecord {
  std::int64_t id = 0;
  std::string title;
  std::string account;
  std::string family;          // the rule id that opened it ("D03")
  std::string severity;        // highest severity among its findings ("critical")
  std::string status;          // "open" | "closed"
  int step = 0;                // index into the six steps (0 verify .. 5 review; 6 = all done)
  std::string assignee;
  std::string close_reason;    // "benign" | "malicious" | ...
  std::string access_keys;     // session keys seen, comma-separated (join rule, cases.h)
  std::string source_ips;      // comma-separated
  std::int64_t opened_ms = 0;  // wall clock
  std::int64_t updated_ms = 0;
  std::int64_t first_event_ms = 0;  // event time of its first and last finding
  std::int64_t last_event_ms = 0;
};

struct CaseFindingRow {
  std::string alert_key;
  std::string finding_json;    // alert.h JSON of the Finding
  std::int64_t event_ms = 0;
};

// One line of a case's history: who did what, when.
struct CaseEvent {
  std::int64_t at_ms = 0;
  std::string who;
  std::string action;          // "opened", "joined", "advanced", "assigned", "note", "check", "closed"
  std::string detail;
};

struct CheckMark {
  int step = 0;
  int item = 0;
  std::int64_t at_ms = 0;
  std::string who;
};

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite:PATH" (for messages).
  virtual std::string describe() const = 0;
  virtual int schema_version() const = 0;

  // Runs fn in one transaction; commits when fn returns ok, rolls back otherwise (and on a
  // failed commit). Not re-entrant.
  virtual Status transaction(const std::function<Status()>& fn) = 0;

  // Files.
  virtual Result<bool> file_done(std::string_view key) = 0;
  virtual Status mark_file_done(const FileMark& m) = 0;
  virtual Result<std::uint64_t> files_done_count() = 0;

  // Detection state: small values by namespace and key (correlation windows, seen pairs).
  virtual Result<std::optional<std::string>> get_state(std::string_view ns, std::string_view key) = 0;
  virtual Status put_state(std::string_view ns, std::string_view key, std::string_view value, std::int64_t at_ms) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> list_state(std::string_view ns) = 0;
  virtual Status erase_state(std::string_view ns, std::string_view key) = 0;
  // Serializes updates of one state value between processes sharing the store: held until
  // the current transaction ends. SQLite has one writer at a time already (a no-op there).
  virtual Status lock_state(std::string_view ns, std::string_view key) {
    (void)ns;
    (void)key;
    return ok_status();
  }

  // Outbox. enqueue returns false when (sink, alert_key) is already there: the alert was
  // queued before (a rescan after a crash, or an addendum re-delivery) and is not repeated.
  virtual Result<bool> enqueue(std::string_view sink, std::string_view alert_key, std::string_view payload,
                               std::int64_t now_ms) = 0;
  virtual Result<std::vector<OutboxItem>> due(std::string_view sink, std::int64_t now_ms, std::size_t limit) = 0;
  virtual Result<std::optional<std::int64_t>> next_due_ms(std::string_view sink) = 0;
  // Takes a due pending item for one delivery attempt: true when this caller got it (its
  // next_at_ms moves to until_ms, so other workers on the same store skip it until then).
  virtual Result<bool> claim(std::int64_t id, std::int64_t now_ms, std::int64_t until_ms) = 0;
  virtual Status mark_sent(std::int64_t id, std::int64_t now_ms) = 0;
  virtual Status mark_retry(std::int64_t id, int attempts, std::int64_t next_at_ms, std::string_view error) = 0;
  virtual Status mark_rejected(std::int64_t id, int attempts, std::int64_t now_ms, std::string_view error) = 0;
  virtual Result<OutboxCounts> outbox_counts(std::string_view sink) = 0;
  virtual Result<std::vector<OutboxItem>> outbox_items(std::string_view sink, OutboxState state) = 0;

  // Cases.
  virtual Result<std::int64_t> create_case(const CaseRecord& c) = 0;  // returns the new id
  virtual Status update_case(const CaseRecord& c) = 0;
  virtual Result<std::optional<CaseRecord>> get_case(std::int64_t id) = 0;
  virtual Result<std::vector<CaseRecord>> list_cases() = 0;             // by id
  virtual Result<bool> add_case_finding(std::int64_t case_id, const CaseFindingRow& f) = 0;  // false: already there
  virtual Result<std::optional<std::int64_t>> case_of_alert(std::string_view alert_key) = 0;
  virtual Result<std::vector<CaseFindingRow>> case_findings(std::int64_t case_id) = 0;  // by event time
  virtual Status add_case_event(std::int64_t case_id, const CaseEvent& e) = 0;
  virtual Result<std::vector<CaseEvent>> case_events(std::int64_t case_id) = 0;        // in order
  virtual Status set_check(std::int64_t case_id, const CheckMark& m) = 0;
  virtual Result<std::vector<CheckMark>> checks(std::int64_t case_id) = 0;
};

// Opens (creating when absent) the store named by spec:
//   "sqlite:PATH"  the SQLite database at PATH
//   "DIR"          DIR/rootguard.db (the directory is created, mode 0700)
//   "postgresql://user@host:port/db" (or postgres://)  a PostgreSQL database shared by
//                  several workers (pg_store.h)
// Schema migrations run on open. A damaged database is reported (ErrorKind::Corrupt) with a
// recovery hint; it is never reset or overwritten.
struct StoreOptions {
  // Upper bound on the database size in bytes (0: none). A write beyond it fails exactly as
  // on a full disk (ErrorKind::Io, "disk full"), which is how tests exercise that path.
  std::int64_t max_bytes = 0;
};
Result<std::unique_ptr<Store>> open_store(std::string_view spec, const StoreOptions& opts = {});

// The default state directory: $XDG_STATE_HOME/rootguard, else $HOME/.local/state/rootguard.
// The caller (cli/) passes the two variables: the library reads no environment.
std::string default_state_dir(const char* xdg_state_home, const char* home);

}  // namespace rg::respond
