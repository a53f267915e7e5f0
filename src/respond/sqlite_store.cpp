// The SQLite back-end of respond::Store (store.h).
//
// WAL journal, synchronous=FULL, one connection, opened without SQLite's own locking (a Store
// is used from one thread at a time, store.h), its statements prepared once. The schema is versioned: kMigrations[i]
// takes version i to i+1 and each runs in its own transaction on open. A database written
// by a newer rootguard (a version we do not know) is refused, not downgraded.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <unordered_map>

#include "respond/pg_store.h"
#include "respond/store.h"

namespace rg::respond {
namespace {

namespace fs = std::filesystem;

// Each entry moves the schema one version up. Never edit a shipped entry: add a new one.
const char* const kMigrations[] = {
    // 1: the first schema.
    R"SQL(
    CREATE TABLE files (
      key TEXT PRIMARY KEY, size INTEGER NOT NULL, done_ms INTEGER NOT NULL, findings INTEGER NOT NULL);
    CREATE TABLE state (
      ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_ms INTEGER NOT NULL,
      PRIMARY KEY (ns, key));
    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT, sink TEXT NOT NULL, alert_key TEXT NOT NULL,
      payload TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
      created_ms INTEGER NOT NULL, next_at_ms INTEGER NOT NULL, done_ms INTEGER NOT NULL DEFAULT 0,
      last_error TEXT NOT NULL DEFAULT '', UNIQUE (sink, alert_key));
    CREATE INDEX outbox_due ON outbox (sink, state, next_at_ms);
    CREATE TABLE cases (
      id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, account TEXT NOT NULL,
      family TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL, step INTEGER NOT NULL,
      assignee TEXT NOT NULL, close_reason TEXT NOT NULL, access_keys TEXT NOT NULL,
      source_ips TEXT NOT NULL, opened_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
      first_event_ms INTEGER NOT NULL, last_event_ms INTEGER NOT NULL);
    CREATE TABLE case_findings (
      case_id INTEGER NOT NULL REFERENCES cases(id), alert_key TEXT NOT NULL UNIQUE,
      finding TEXT NOT NULL, event_ms INTEGER NOT NULL);
    CREATE INDEX case_findings_case ON case_findings (case_id, event_ms);
    CREATE TABLE case_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES cases(id),
      at_ms INTEGER NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
    CREATE INDEX case_events_case ON case_events (case_id, seq);
    CREATE TABLE case_checks (
      case_id INTEGER NOT NULL REFERENCES cases(id), step INTEGER NOT NULL, item INTEGER NOT NULL,
      at_ms INTEGER NOT NULL, who TEXT NOT NULL, PRIMARY KEY (case_id, step, item));
    )SQL",
    // 2: the outbox in queue order per sink and state, so a batch of the due alerts is read
    // from the front of a backlog instead of sorting all of it (100,000 queued alerts were read
    // whole for every batch of 200).
    R"SQL(
    CREATE INDEX outbox_queue ON outbox (sink, state, id);
    )SQL",
};
constexpr int kSchemaVersion = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);

std::string recovery_hint(const std::string& path) {
  return "the state database is damaged; rootguard will not reset it. Stop rootguard, keep a copy, then either "
         "salvage it (sqlite3 '" + path + "' .recover | sqlite3 recovered.db, and use recovered.db) or move it "
         "aside to start afresh (log files will be rescanned; alerts already sent may be sent again)";
}

// One connection and the statements prepared on it, kept for reuse: preparing a statement
// cost more than running it (a flood of alerts spent a third of its time in
// sqlite3_prepare_v2). A statement is taken out while in use, so a nested use of the same SQL
// prepares a second one, which is then dropped.
class Conn {
 public:
  explicit Conn(sqlite3* db) : db_(db) {}
  ~Conn() {
    for (auto& [sql, st] : idle_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  operator sqlite3*() const { return db_; }

  sqlite3_stmt* take(const char* sql, int& rc) {
    auto it = idle_.find(sql);
    if (it != idle_.end()) {
      sqlite3_stmt* st = it->second;
      idle_.erase(it);
      rc = SQLITE_OK;
      return st;
    }
    sqlite3_stmt* st = nullptr;
    rc = sqlite3_prepare_v2(db_, sql, -1, &st, nullptr);
    return st;
  }
  void give_back(sqlite3_stmt* st) {
    if (!st) return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (!idle_.emplace(sqlite3_sql(st), st).second) sqlite3_finalize(st);
  }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> idle_;
};

class Stmt {
 public:
  Stmt(Conn& db, const char* sql) : db_(db) { st_ = db.take(sql, rc_); }
  Stmt(Conn& db, const std::string& sql) : Stmt(db, sql.c_str()) {}
  ~Stmt() {
    if (rc_ == SQLITE_OK) db_.give_back(st_);
    else sqlite3_finalize(st_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool prepared() const { return rc_ == SQLITE_OK; }
  Stmt& bind(int i, std::string_view s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return rc_ == SQLITE_OK ? sqlite3_step(st_) : rc_; }
  std::int64_t i64(int col) const { return sqlite3_column_int64(st_, col); }
  std::string text(int col) const {
    const unsigned char* p = sqlite3_column_text(st_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, col)))
             : std::string();
  }

 private:
  Conn& db_;
  sqlite3_stmt* st_ = nullptr;
  int rc_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  std::string describe() const override { return "sqlite:" + path_; }
  int schema_version() const override { return version_; }

  Status init() {
    // Damage is found here, before anything is written.
    if (Status s = exec("PRAGMA busy_timeout=10000"); !s.ok()) return s;
    {
      Stmt q(db_, "PRAGMA quick_check");
      int rc = q.step();
      if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT || !q.prepared())
        return corrupt(sqlite3_errmsg(db_));
      if (rc != SQLITE_ROW) return fail("quick_check");
      std::string first = q.text(0);
      if (first != "ok") return corrupt("integrity check: " + first);
    }
    if (Status s = exec("PRAGMA journal_mode=WAL"); !s.ok()) return s;
    if (Status s = exec("PRAGMA synchronous=FULL"); !s.ok()) return s;
    if (Status s = exec("PRAGMA foreign_keys=ON"); !s.ok()) return s;
    {
      Stmt v(db_, "PRAGMA user_version");
      if (v.step() != SQLITE_ROW) return fail("user_version");
      version_ = static_cast<int>(v.i64(0));
    }
    if (version_ > kSchemaVersion)
      return make_error(ErrorKind::Unsupported, path_,
                        "state database schema version " + std::to_string(version_) +
                            " is newer than this rootguard knows (" + std::to_string(kSchemaVersion) +
                            "); use a newer rootguard");
    while (version_ < kSchemaVersion) {
      const int next = version_ + 1;
      Status s = transaction([&]() -> Status {
        if (Status e = exec(kMigrations[version_]); !e.ok()) return e;
        return exec(("PRAGMA user_version=" + std::to_string(next)).c_str());
      });
      if (!s.ok()) return s;
      version_ = next;
    }
    return ok_status();
  }

  Status transaction(const std::function<Status()>& fn) override {
    if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    Status r = fn();
    if (!r.ok()) {
      (void)exec("ROLLBACK");
      return r;
    }
    if (Status s = exec("COMMIT"); !s.ok()) {
      (void)exec("ROLLBACK");
      return s;
    }
    return ok_status();
  }

  Result<bool> file_done(std::string_view key) override {
    Stmt q(db_, "SELECT 1 FROM files WHERE key=?");
    q.bind(1, key);
    int rc = q.step();
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return fail("files");
  }
  Status mark_file_done(const FileMark& m) override {
    Stmt q(db_, "INSERT OR REPLACE INTO files (key, size, done_ms, findings) VALUES (?,?,?,?)");
    q.bind(1, m.key).bind(2, m.size).bind(3, m.done_ms).bind(4, static_cast<std::int64_t>(m.findings));
    return done(q, "files");
  }
  Result<std::uint64_t> files_done_count() override {
    Stmt q(db_, "SELECT count(*) FROM files");
    if (q.step() != SQLITE_ROW) return fail("files");
    return static_cast<std::uint64_t>(q.i64(0));
  }

  Result<std::optional<std::string>> get_state(std::string_view ns, std::string_view key) override {
    Stmt q(db_, "SELECT value FROM state WHERE ns=? AND key=?");
    q.bind(1, ns).bind(2, key);
    int rc = q.step();
    if (rc == SQLITE_ROW) return std::optional<std::string>(q.text(0));
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    return fail("state");
  }
  Status put_state(std::string_view ns, std::string_view key, std::string_view value, std::int64_t at_ms) override {
    Stmt q(db_, "INSERT OR REPLACE INTO state (ns, key, value, updated_ms) VALUES (?,?,?,?)");
    q.bind(1, ns).bind(2, key).bind(3, value).bind(4, at_ms);
    return done(q, "state");
  }
  Result<std::vector<std::pair<std::string, std::string>>> list_state(std::string_view ns) override {
    Stmt q(db_, "SELECT key, value FROM state WHERE ns=? ORDER BY key");
    q.bind(1, ns);
    std::vector<std::pair<std::string, std::string>> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.emplace_back(q.text(0), q.text(1));
    if (rc != SQLITE_DONE) return fail("state");
    return out;
  }
  Status erase_state(std::string_view ns, std::string_view key) override {
    Stmt q(db_, "DELETE FROM state WHERE ns=? AND key=?");
    q.bind(1, ns).bind(2, key);
    return done(q, "state");
  }

  Result<bool> enqueue(std::string_view sink, std::string_view alert_key, std::string_view payload,
                       std::int64_t now_ms) override {
    Stmt q(db_,
           "INSERT OR IGNORE INTO outbox (sink, alert_key, payload, created_ms, next_at_ms) VALUES (?,?,?,?,?)");
    q.bind(1, sink).bind(2, alert_key).bind(3, payload).bind(4, now_ms).bind(5, now_ms);
    if (Status s = done(q, "outbox"); !s.ok()) return s.error();
    return sqlite3_changes(db_) > 0;
  }
  Result<std::vector<OutboxItem>> due(std::string_view sink, std::int64_t now_ms, std::size_t limit) override {
    Stmt q(db_,
           "SELECT id, sink, alert_key, payload, state, attempts, created_ms, next_at_ms, done_ms, last_error "
           "FROM outbox INDEXED BY outbox_queue WHERE sink=? AND state=0 AND next_at_ms<=? ORDER BY id LIMIT ?");
    q.bind(1, sink).bind(2, now_ms).bind(3, static_cast<std::int64_t>(limit));
    return items(q);
  }
  Result<std::optional<std::int64_t>> next_due_ms(std::string_view sink) override {
    Stmt q(db_, "SELECT min(next_at_ms) FROM outbox WHERE sink=? AND state=0");
    q.bind(1, sink);
    if (q.step() != SQLITE_ROW) return fail("outbox");
    if (q.text(0).empty()) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(q.i64(0));
  }
  Result<bool> claim(std::int64_t id, std::int64_t now_ms, std::int64_t until_ms) override {
    Stmt q(db_, "UPDATE outbox SET next_at_ms=? WHERE id=? AND state=0 AND next_at_ms<=?");
    q.bind(1, until_ms).bind(2, id).bind(3, now_ms);
    if (Status s = done(q, "outbox"); !s.ok()) return s.error();
    return sqlite3_changes(db_) > 0;
  }
  Status mark_sent(std::int64_t id, std::int64_t now_ms) override {
    Stmt q(db_, "UPDATE outbox SET state=1, done_ms=?, attempts=attempts+1, last_error='' WHERE id=?");
    q.bind(1, now_ms).bind(2, id);
    return done(q, "outbox");
  }
  Status mark_retry(std::int64_t id, int attempts, std::int64_t next_at_ms, std::string_view error) override {
    Stmt q(db_, "UPDATE outbox SET attempts=?, next_at_ms=?, last_error=? WHERE id=?");
    q.bind(1, static_cast<std::int64_t>(attempts)).bind(2, next_at_ms).bind(3, error).bind(4, id);
    return done(q, "outbox");
  }
  Status mark_rejected(std::int64_t id, int attempts, std::int64_t now_ms, std::string_view error) override {
    Stmt q(db_, "UPDATE outbox SET state=2, attempts=?, done_ms=?, last_error=? WHERE id=?");
    q.bind(1, static_cast<std::int64_t>(attempts)).bind(2, now_ms).bind(3, error).bind(4, id);
    return done(q, "outbox");
  }
  Result<OutboxCounts> outbox_counts(std::string_view sink) override {
    Stmt q(db_, "SELECT state, count(*) FROM outbox WHERE sink=? GROUP BY state");
    q.bind(1, sink);
    OutboxCounts c;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      auto n = static_cast<std::uint64_t>(q.i64(1));
      switch (q.i64(0)) {
        case 0: c.pending = n; break;
        case 1: c.sent = n; break;
        default: c.rejected = n; break;
      }
    }
    if (rc != SQLITE_DONE) return fail("outbox");
    return c;
  }
  Result<std::vector<OutboxItem>> outbox_items(std::string_view sink, OutboxState state) override {
    Stmt q(db_,
           "SELECT id, sink, alert_key, payload, state, attempts, created_ms, next_at_ms, done_ms, last_error "
           "FROM outbox WHERE sink=? AND state=? ORDER BY id");
    q.bind(1, sink).bind(2, static_cast<std::int64_t>(state));
    return items(q);
  }

  Result<std::int64_t> create_case(const CaseRecord& c) override {
    Stmt q(db_,
           "INSERT INTO cases (title, account, family, severity, status, step, assignee, close_reason, access_keys, "
           "source_ips, opened_ms, updated_ms, first_event_ms, last_event_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    bind_case(q, c);
    if (Status s = done(q, "cases"); !s.ok()) return s.error();
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
  }
  Status update_case(const CaseRecord& c) override {
    Stmt q(db_,
           "UPDATE cases SET title=?, account=?, family=?, severity=?, status=?, step=?, assignee=?, close_reason=?, "
           "access_keys=?, source_ips=?, opened_ms=?, updated_ms=?, first_event_ms=?, last_event_ms=? WHERE id=?");
    bind_case(q, c);
    q.bind(15, c.id);
    return done(q, "cases");
  }
  Result<std::optional<CaseRecord>> get_case(std::int64_t id) override {
    Stmt q(db_, (std::string(kCaseSelect) + " WHERE id=?").c_str());
    q.bind(1, id);
    int rc = q.step();
    if (rc == SQLITE_ROW) return std::optional<CaseRecord>(read_case(q));
    if (rc == SQLITE_DONE) return std::optional<CaseRecord>();
    return fail("cases");
  }
  Result<std::vector<CaseRecord>> list_cases() override {
    Stmt q(db_, (std::string(kCaseSelect) + " ORDER BY id").c_str());
    std::vector<CaseRecord> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_case(q));
    if (rc != SQLITE_DONE) return fail("cases");
    return out;
  }
  Result<bool> add_case_finding(std::int64_t case_id, const CaseFindingRow& f) override {
    Stmt q(db_, "INSERT OR IGNORE INTO case_findings (case_id, alert_key, finding, event_ms) VALUES (?,?,?,?)");
    q.bind(1, case_id).bind(2, f.alert_key).bind(3, f.finding_json).bind(4, f.event_ms);
    if (Status s = done(q, "case_findings"); !s.ok()) return s.error();
    return sqlite3_changes(db_) > 0;
  }
  Result<std::optional<std::int64_t>> case_of_alert(std::string_view alert_key) override {
    Stmt q(db_, "SELECT case_id FROM case_findings WHERE alert_key=?");
    q.bind(1, alert_key);
    int rc = q.step();
    if (rc == SQLITE_ROW) return std::optional<std::int64_t>(q.i64(0));
    if (rc == SQLITE_DONE) return std::optional<std::int64_t>();
    return fail("case_findings");
  }
  Result<std::vector<CaseFindingRow>> case_findings(std::int64_t case_id) override {
    Stmt q(db_, "SELECT alert_key, finding, event_ms FROM case_findings WHERE case_id=? ORDER BY event_ms, alert_key");
    q.bind(1, case_id);
    std::vector<CaseFindingRow> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.push_back({q.text(0), q.text(1), q.i64(2)});
    if (rc != SQLITE_DONE) return fail("case_findings");
    return out;
  }
  Status add_case_event(std::int64_t case_id, const CaseEvent& e) override {
    Stmt q(db_, "INSERT INTO case_events (case_id, at_ms, who, action, detail) VALUES (?,?,?,?,?)");
    q.bind(1, case_id).bind(2, e.at_ms).bind(3, e.who).bind(4, e.action).bind(5, e.detail);
    return done(q, "case_events");
  }
  Result<std::vector<CaseEvent>> case_events(std::int64_t case_id) override {
    Stmt q(db_, "SELECT at_ms, who, action, detail FROM case_events WHERE case_id=? ORDER BY seq");
    q.bind(1, case_id);
    std::vector<CaseEvent> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.push_back({q.i64(0), q.text(1), q.text(2), q.text(3)});
    if (rc != SQLITE_DONE) return fail("case_events");
    return out;
  }
  Status set_check(std::int64_t case_id, const CheckMark& m) override {
    Stmt q(db_, "INSERT OR IGNORE INTO case_checks (case_id, step, item, at_ms, who) VALUES (?,?,?,?,?)");
    q.bind(1, case_id).bind(2, static_cast<std::int64_t>(m.step)).bind(3, static_cast<std::int64_t>(m.item));
    q.bind(4, m.at_ms).bind(5, m.who);
    return done(q, "case_checks");
  }
  Result<std::vector<CheckMark>> checks(std::int64_t case_id) override {
    Stmt q(db_, "SELECT step, item, at_ms, who FROM case_checks WHERE case_id=? ORDER BY step, item");
    q.bind(1, case_id);
    std::vector<CheckMark> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      out.push_back({static_cast<int>(q.i64(0)), static_cast<int>(q.i64(1)), q.i64(2), q.text(3)});
    if (rc != SQLITE_DONE) return fail("case_checks");
    return out;
  }

  Status exec(const char* sql) {
    char* msg = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &msg);
    std::string m = msg ? msg : "";
    sqlite3_free(msg);
    if (rc == SQLITE_OK) return ok_status();
    return error_for(rc, m);
  }

 private:
  static constexpr const char* kCaseSelect =
      "SELECT id, title, account, family, severity, status, step, assignee, close_reason, access_keys, source_ips, "
      "opened_ms, updated_ms, first_event_ms, last_event_ms FROM cases";

  static void bind_case(Stmt& q, const CaseRecord& c) {
    q.bind(1, c.title).bind(2, c.account).bind(3, c.family).bind(4, c.severity).bind(5, c.status);
    q.bind(6, static_cast<std::int64_t>(c.step)).bind(7, c.assignee).bind(8, c.close_reason);
    q.bind(9, c.access_keys).bind(10, c.source_ips).bind(11, c.opened_ms).bind(12, c.updated_ms);
    q.bind(13, c.first_event_ms).bind(14, c.last_event_ms);
  }
  static CaseRecord read_case(const Stmt& q) {
    CaseRecord c;
    c.id = q.i64(0);
    c.title = q.text(1);
    c.account = q.text(2);
    c.family = q.text(3);
    c.severity = q.text(4);
    c.status = q.text(5);
    c.step = static_cast<int>(q.i64(6));
    c.assignee = q.text(7);
    c.close_reason = q.text(8);
    c.access_keys = q.text(9);
    c.source_ips = q.text(10);
    c.opened_ms = q.i64(11);
    c.updated_ms = q.i64(12);
    c.first_event_ms = q.i64(13);
    c.last_event_ms = q.i64(14);
    return c;
  }
  Result<std::vector<OutboxItem>> items(Stmt& q) {
    std::vector<OutboxItem> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      OutboxItem it;
      it.id = q.i64(0);
      it.sink = q.text(1);
      it.alert_key = q.text(2);
      it.payload = q.text(3);
      it.state = static_cast<OutboxState>(q.i64(4));
      it.attempts = static_cast<int>(q.i64(5));
      it.created_ms = q.i64(6);
      it.next_at_ms = q.i64(7);
      it.done_ms = q.i64(8);
      it.last_error = q.text(9);
      out.push_back(std::move(it));
    }
    if (rc != SQLITE_DONE) return fail("outbox");
    return out;
  }
  Status done(Stmt& q, const char* what) {
    int rc = q.step();
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return ok_status();
    return error_for(rc, std::string(what) + ": " + sqlite3_errmsg(db_));
  }
  Error fail(const char* what) { return error_for(sqlite3_errcode(db_), std::string(what) + ": " + sqlite3_errmsg(db_)); }
  Error corrupt(const std::string& what) {
    return make_error(ErrorKind::Corrupt, path_, what + "; " + recovery_hint(path_));
  }
  Error error_for(int rc, const std::string& what) {
    switch (rc & 0xff) {
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB: return corrupt(what);
      case SQLITE_FULL: return make_error(ErrorKind::Io, path_, what + " (disk full: free space and rootguard goes on)");
      case SQLITE_READONLY:
      case SQLITE_PERM:
      case SQLITE_AUTH: return make_error(ErrorKind::Denied, path_, what);
      default: return make_error(ErrorKind::Io, path_, what);
    }
  }

  Conn db_;
  std::string path_;
  int version_ = 0;
};

Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, const StoreOptions& opts) {
  // Create the file ourselves so it is 0600 from its first byte; SQLite gives its -wal and
  // -shm files the database file's mode.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(errno == EACCES ? ErrorKind::Denied : ErrorKind::Io, path, std::strerror(errno));
  struct stat st{};
  if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) (void)fchmod(fd, 0600);
  ::close(fd);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close_v2(db);
    return make_error(ErrorKind::Io, path, msg);
  }
  auto store = std::make_unique<SqliteStore>(db, path);
  if (Status s = store->init(); !s.ok()) return s.error();
  if (opts.max_bytes > 0) {
    std::string pragma = "PRAGMA max_page_count=" + std::to_string(std::max<std::int64_t>(1, opts.max_bytes / 4096));
    if (Status s = store->exec(pragma.c_str()); !s.ok()) return s.error();
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace

const char* to_string(OutboxState s) {
  switch (s) {
    case OutboxState::Pending: return "pending";
    case OutboxState::Sent: return "sent";
    case OutboxState::Rejected: return "rejected";
  }
  return "pending";
}

Result<std::unique_ptr<Store>> open_store(std::string_view spec, const StoreOptions& opts) {
  std::string s(spec);
  if (s.rfind("sqlite:", 0) == 0) {
    std::string path = s.substr(7);
    if (path.empty()) return make_error(ErrorKind::Invalid, s, "sqlite: needs a path");
    std::error_code ec;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    return open_sqlite(path, opts);
  }
  if (s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0) return open_pg_store(s);
  if (s.find("://") != std::string::npos)
    return make_error(ErrorKind::Unsupported, redact_store_uri(s),
                      "unknown store (sqlite:PATH, a state directory, or postgresql://user@host/db)");
  if (s.empty()) return make_error(ErrorKind::Invalid, "", "empty state location");
  std::error_code ec;
  fs::create_directories(s, ec);
  if (ec) return make_error(ErrorKind::Io, s, ec.message());
  fs::permissions(s, fs::perms::owner_all, fs::perm_options::replace, ec);
  return open_sqlite((fs::path(s) / "rootguard.db").string(), opts);
}

std::string default_state_dir(const char* xdg_state_home, const char* home) {
  if (xdg_state_home && *xdg_state_home) return (fs::path(xdg_state_home) / "rootguard").string();
  if (home && *home) return (fs::path(home) / ".local" / "state" / "rootguard").string();
  return ".rootguard-state";
}

}  // namespace rg::respond
