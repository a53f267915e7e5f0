// The PostgreSQL back-end of respond::Store (store.h), for several watch workers sharing one
// state: `--store postgresql://user@host:port/db`.
//
// One libpq connection per Store, parameterized queries only. The schema is versioned in
// rootguard_schema; migrations run on open inside one transaction that first takes a
// transaction-level advisory lock, so workers starting together migrate once. Uniqueness that
// the outbox and the cases rely on (one row per sink and alert key, one case per alert) is
// enforced by UNIQUE constraints with ON CONFLICT DO NOTHING, so two workers that see the
// same event queue its alert once. lock_state() takes an advisory lock per correlation group
// for the rest of the transaction, so workers update a group one after the other.
#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>

#include "core/redact.h"
#include "respond/pg_store.h"

namespace rg::respond {
namespace {

const char* const kMigrations[] = {
    // 1: the first schema (the same tables as the SQLite back-end).
    R"SQL(
    CREATE TABLE files (
      key TEXT PRIMARY KEY, size BIGINT NOT NULL, done_ms BIGINT NOT NULL, findings BIGINT NOT NULL);
    CREATE TABLE state (
      ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_ms BIGINT NOT NULL,
      PRIMARY KEY (ns, key));
    CREATE TABLE outbox (
      id BIGSERIAL PRIMARY KEY, sink TEXT NOT NULL, alert_key TEXT NOT NULL,
      payload TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
      created_ms BIGINT NOT NULL, next_at_ms BIGINT NOT NULL, done_ms BIGINT NOT NULL DEFAULT 0,
      last_error TEXT NOT NULL DEFAULT '', UNIQUE (sink, alert_key));
    CREATE INDEX outbox_due ON outbox (sink, state, next_at_ms);
    CREATE TABLE cases (
      id BIGSERIAL PRIMARY KEY, title TEXT NOT NULL, account TEXT NOT NULL,
      family TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL, step INTEGER NOT NULL,
      assignee TEXT NOT NULL, close_reason TEXT NOT NULL, access_keys TEXT NOT NULL,
      source_ips TEXT NOT NULL, opened_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL,
      first_event_ms BIGINT NOT NULL, last_event_ms BIGINT NOT NULL);
    CREATE TABLE case_findings (
      case_id BIGINT NOT NULL REFERENCES cases(id), alert_key TEXT NOT NULL UNIQUE,
      finding TEXT NOT NULL, event_ms BIGINT NOT NULL);
    CREATE INDEX case_findings_case ON case_findings (case_id, event_ms);
    CREATE TABLE case_events (
      seq BIGSERIAL PRIMARY KEY, case_id BIGINT NOT NULL REFERENCES cases(id),
      at_ms BIGINT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
    CREATE INDEX case_events_case ON case_events (case_id, seq);
    CREATE TABLE case_checks (
      case_id BIGINT NOT NULL REFERENCES cases(id), step INTEGER NOT NULL, item INTEGER NOT NULL,
      at_ms BIGINT NOT NULL, who TEXT NOT NULL, PRIMARY KEY (case_id, step, item));
    )SQL",
    // 2: the outbox in queue order per sink and state, so a batch of the due alerts is read
    // from the front of a backlog instead of sorting all of it (100,000 queued alerts were read
    // whole for every batch of 200).
    R"SQL(
    CREATE INDEX outbox_queue ON outbox (sink, state, id);
    )SQL",
};
constexpr int kSchemaVersion = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
constexpr std::int64_t kMigrationLock = 0x726f6f74677561;  // "rootgua": one number every rootguard agrees on

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

class PgStore final : public Store {
 public:
  PgStore(PGconn* conn, std::string shown) : conn_(conn), shown_(std::move(shown)) {}
  ~PgStore() override { PQfinish(conn_); }

  std::string describe() const override { return shown_; }
  int schema_version() const override { return version_; }

  Status init() {
    if (Status s = command("SET client_min_messages TO warning"); !s.ok()) return s;
    return transaction([&]() -> Status {
      if (auto r = query("SELECT pg_advisory_xact_lock($1)", {std::to_string(kMigrationLock)}); !r.ok()) return r.error();
      if (Status s = command("CREATE TABLE IF NOT EXISTS rootguard_schema (version INTEGER NOT NULL)"); !s.ok()) return s;
      auto v = query("SELECT version FROM rootguard_schema");
      if (!v.ok()) return v.error();
      if (PQntuples(v->get()) == 0) {
        if (Status s = command("INSERT INTO rootguard_schema (version) VALUES (0)"); !s.ok()) return s;
        version_ = 0;
      } else {
        version_ = std::atoi(PQgetvalue(v->get(), 0, 0));
      }
      if (version_ > kSchemaVersion)
        return make_error(ErrorKind::Unsupported, shown_,
                          "state database schema version " + std::to_string(version_) +
                              " is newer than this rootguard knows (" + std::to_string(kSchemaVersion) +
                              "); use a newer rootguard");
      while (version_ < kSchemaVersion) {
        if (Status s = command(kMigrations[version_]); !s.ok()) return s;
        ++version_;
        if (auto r = query("UPDATE rootguard_schema SET version=$1", {std::to_string(version_)}); !r.ok())
          return r.error();
      }
      return ok_status();
    });
  }

  Status transaction(const std::function<Status()>& fn) override {
    if (Status s = command("BEGIN"); !s.ok()) return s;
    Status r = fn();
    if (!r.ok()) {
      (void)command("ROLLBACK");
      return r;
    }
    if (Status s = command("COMMIT"); !s.ok()) {
      (void)command("ROLLBACK");
      return s;
    }
    return ok_status();
  }

  Result<bool> file_done(std::string_view key) override {
    auto r = query("SELECT 1 FROM files WHERE key=$1", {std::string(key)});
    if (!r.ok()) return r.error();
    return PQntuples(r->get()) > 0;
  }
  Status mark_file_done(const FileMark& m) override {
    return run("INSERT INTO files (key, size, done_ms, findings) VALUES ($1,$2,$3,$4) "
               "ON CONFLICT (key) DO UPDATE SET size=EXCLUDED.size, done_ms=EXCLUDED.done_ms, findings=EXCLUDED.findings",
               {m.key, std::to_string(m.size), std::to_string(m.done_ms), std::to_string(m.findings)});
  }
  Result<std::uint64_t> files_done_count() override {
    auto r = query("SELECT count(*) FROM files");
    if (!r.ok()) return r.error();
    return static_cast<std::uint64_t>(std::strtoull(PQgetvalue(r->get(), 0, 0), nullptr, 10));
  }

  Result<std::optional<std::string>> get_state(std::string_view ns, std::string_view key) override {
    auto r = query("SELECT value FROM state WHERE ns=$1 AND key=$2", {std::string(ns), std::string(key)});
    if (!r.ok()) return r.error();
    if (PQntuples(r->get()) == 0) return std::optional<std::string>();
    return std::optional<std::string>(text(r->get(), 0, 0));
  }
  Status put_state(std::string_view ns, std::string_view key, std::string_view value, std::int64_t at_ms) override {
    return run("INSERT INTO state (ns, key, value, updated_ms) VALUES ($1,$2,$3,$4) "
               "ON CONFLICT (ns, key) DO UPDATE SET value=EXCLUDED.value, updated_ms=EXCLUDED.updated_ms",
               {std::string(ns), std::string(key), std::string(value), std::to_string(at_ms)});
  }
  Result<std::vector<std::pair<std::string, std::string>>> list_state(std::string_view ns) override {
    auto r = query("SELECT key, value FROM state WHERE ns=$1 ORDER BY key", {std::string(ns)});
    if (!r.ok()) return r.error();
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < PQntuples(r->get()); ++i) out.emplace_back(text(r->get(), i, 0), text(r->get(), i, 1));
    return out;
  }
  Status erase_state(std::string_view ns, std::string_view key) override {
    return run("DELETE FROM state WHERE ns=$1 AND key=$2", {std::string(ns), std::string(key)});
  }
  Status lock_state(std::string_view ns, std::string_view key) override {
    auto r = query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", {std::string(ns) + '\x1e' + std::string(key)});
    return r.ok() ? ok_status() : Status(r.error());
  }

  Result<bool> enqueue(std::string_view sink, std::string_view alert_key, std::string_view payload,
                       std::int64_t now_ms) override {
    auto r = query("INSERT INTO outbox (sink, alert_key, payload, created_ms, next_at_ms) VALUES ($1,$2,$3,$4,$4) "
                   "ON CONFLICT (sink, alert_key) DO NOTHING",
                   {std::string(sink), std::string(alert_key), std::string(payload), std::to_string(now_ms)});
    if (!r.ok()) return r.error();
    return std::strcmp(PQcmdTuples(r->get()), "1") == 0;
  }
  Result<std::vector<OutboxItem>> due(std::string_view sink, std::int64_t now_ms, std::size_t limit) override {
    return items(query(std::string(kOutboxSelect) + " WHERE sink=$1 AND state=0 AND next_at_ms<=$2 ORDER BY id LIMIT $3",
                       {std::string(sink), std::to_string(now_ms), std::to_string(limit)}));
  }
  Result<std::optional<std::int64_t>> next_due_ms(std::string_view sink) override {
    auto r = query("SELECT min(next_at_ms) FROM outbox WHERE sink=$1 AND state=0", {std::string(sink)});
    if (!r.ok()) return r.error();
    if (PQgetisnull(r->get(), 0, 0)) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(i64(r->get(), 0, 0));
  }
  Result<bool> claim(std::int64_t id, std::int64_t now_ms, std::int64_t until_ms) override {
    auto r = query("UPDATE outbox SET next_at_ms=$1 WHERE id=$2 AND state=0 AND next_at_ms<=$3",
                   {std::to_string(until_ms), std::to_string(id), std::to_string(now_ms)});
    if (!r.ok()) return r.error();
    return std::strcmp(PQcmdTuples(r->get()), "1") == 0;
  }
  Status mark_sent(std::int64_t id, std::int64_t now_ms) override {
    return run("UPDATE outbox SET state=1, done_ms=$1, attempts=attempts+1, last_error='' WHERE id=$2",
               {std::to_string(now_ms), std::to_string(id)});
  }
  Status mark_retry(std::int64_t id, int attempts, std::int64_t next_at_ms, std::string_view error) override {
    return run("UPDATE outbox SET attempts=$1, next_at_ms=$2, last_error=$3 WHERE id=$4",
               {std::to_string(attempts), std::to_string(next_at_ms), std::string(error), std::to_string(id)});
  }
  Status mark_rejected(std::int64_t id, int attempts, std::int64_t now_ms, std::string_view error) override {
    return run("UPDATE outbox SET state=2, attempts=$1, done_ms=$2, last_error=$3 WHERE id=$4",
               {std::to_string(attempts), std::to_string(now_ms), std::string(error), std::to_string(id)});
  }
  Result<OutboxCounts> outbox_counts(std::string_view sink) override {
    auto r = query("SELECT state, count(*) FROM outbox WHERE sink=$1 GROUP BY state", {std::string(sink)});
    if (!r.ok()) return r.error();
    OutboxCounts c;
    for (int i = 0; i < PQntuples(r->get()); ++i) {
      auto n = static_cast<std::uint64_t>(i64(r->get(), i, 1));
      switch (i64(r->get(), i, 0)) {
        case 0: c.pending = n; break;
        case 1: c.sent = n; break;
        default: c.rejected = n; break;
      }
    }
    return c;
  }
  Result<std::vector<OutboxItem>> outbox_items(std::string_view sink, OutboxState state) override {
    return items(query(std::string(kOutboxSelect) + " WHERE sink=$1 AND state=$2 ORDER BY id",
                       {std::string(sink), std::to_string(static_cast<int>(state))}));
  }

  Result<std::int64_t> create_case(const CaseRecord& c) override {
    auto r = query("INSERT INTO cases (title, account, family, severity, status, step, assignee, close_reason, "
                   "access_keys, source_ips, opened_ms, updated_ms, first_event_ms, last_event_ms) "
                   "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id",
                   case_params(c));
    if (!r.ok()) return r.error();
    return i64(r->get(), 0, 0);
  }
  Status update_case(const CaseRecord& c) override {
    auto p = case_params(c);
    p.push_back(std::to_string(c.id));
    return run("UPDATE cases SET title=$1, account=$2, family=$3, severity=$4, status=$5, step=$6, assignee=$7, "
               "close_reason=$8, access_keys=$9, source_ips=$10, opened_ms=$11, updated_ms=$12, first_event_ms=$13, "
               "last_event_ms=$14 WHERE id=$15",
               p);
  }
  Result<std::optional<CaseRecord>> get_case(std::int64_t id) override {
    auto r = query(std::string(kCaseSelect) + " WHERE id=$1", {std::to_string(id)});
    if (!r.ok()) return r.error();
    if (PQntuples(r->get()) == 0) return std::optional<CaseRecord>();
    return std::optional<CaseRecord>(read_case(r->get(), 0));
  }
  Result<std::vector<CaseRecord>> list_cases() override {
    auto r = query(std::string(kCaseSelect) + " ORDER BY id");
    if (!r.ok()) return r.error();
    std::vector<CaseRecord> out;
    for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(read_case(r->get(), i));
    return out;
  }
  Result<bool> add_case_finding(std::int64_t case_id, const CaseFindingRow& f) override {
    auto r = query("INSERT INTO case_findings (case_id, alert_key, finding, event_ms) VALUES ($1,$2,$3,$4) "
                   "ON CONFLICT (alert_key) DO NOTHING",
                   {std::to_string(case_id), f.alert_key, f.finding_json, std::to_string(f.event_ms)});
    if (!r.ok()) return r.error();
    return std::strcmp(PQcmdTuples(r->get()), "1") == 0;
  }
  Result<std::optional<std::int64_t>> case_of_alert(std::string_view alert_key) override {
    auto r = query("SELECT case_id FROM case_findings WHERE alert_key=$1", {std::string(alert_key)});
    if (!r.ok()) return r.error();
    if (PQntuples(r->get()) == 0) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(i64(r->get(), 0, 0));
  }
  Result<std::vector<CaseFindingRow>> case_findings(std::int64_t case_id) override {
    auto r = query("SELECT alert_key, finding, event_ms FROM case_findings WHERE case_id=$1 ORDER BY event_ms, alert_key",
                   {std::to_string(case_id)});
    if (!r.ok()) return r.error();
    std::vector<CaseFindingRow> out;
    for (int i = 0; i < PQntuples(r->get()); ++i)
      out.push_back({text(r->get(), i, 0), text(r->get(), i, 1), i64(r->get(), i, 2)});
    return out;
  }
  Status add_case_event(std::int64_t case_id, const CaseEvent& e) override {
    return run("INSERT INTO case_events (case_id, at_ms, who, action, detail) VALUES ($1,$2,$3,$4,$5)",
               {std::to_string(case_id), std::to_string(e.at_ms), e.who, e.action, e.detail});
  }
  Result<std::vector<CaseEvent>> case_events(std::int64_t case_id) override {
    auto r = query("SELECT at_ms, who, action, detail FROM case_events WHERE case_id=$1 ORDER BY seq",
                   {std::to_string(case_id)});
    if (!r.ok()) return r.error();
    std::vector<CaseEvent> out;
    for (int i = 0; i < PQntuples(r->get()); ++i)
      out.push_back({i64(r->get(), i, 0), text(r->get(), i, 1), text(r->get(), i, 2), text(r->get(), i, 3)});
    return out;
  }
  Status set_check(std::int64_t case_id, const CheckMark& m) override {
    return run("INSERT INTO case_checks (case_id, step, item, at_ms, who) VALUES ($1,$2,$3,$4,$5) "
               "ON CONFLICT (case_id, step, item) DO NOTHING",
               {std::to_string(case_id), std::to_string(m.step), std::to_string(m.item), std::to_string(m.at_ms), m.who});
  }
  Result<std::vector<CheckMark>> checks(std::int64_t case_id) override {
    auto r = query("SELECT step, item, at_ms, who FROM case_checks WHERE case_id=$1 ORDER BY step, item",
                   {std::to_string(case_id)});
    if (!r.ok()) return r.error();
    std::vector<CheckMark> out;
    for (int i = 0; i < PQntuples(r->get()); ++i)
      out.push_back({static_cast<int>(i64(r->get(), i, 0)), static_cast<int>(i64(r->get(), i, 1)), i64(r->get(), i, 2),
                     text(r->get(), i, 3)});
    return out;
  }

 private:
  static constexpr const char* kOutboxSelect =
      "SELECT id, sink, alert_key, payload, state, attempts, created_ms, next_at_ms, done_ms, last_error FROM outbox";
  static constexpr const char* kCaseSelect =
      "SELECT id, title, account, family, severity, status, step, assignee, close_reason, access_keys, source_ips, "
      "opened_ms, updated_ms, first_event_ms, last_event_ms FROM cases";

  static std::string text(const PGresult* r, int row, int col) {
    return std::string(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
  }
  static std::int64_t i64(const PGresult* r, int row, int col) { return std::strtoll(PQgetvalue(r, row, col), nullptr, 10); }

  static std::vector<std::string> case_params(const CaseRecord& c) {
    return {c.title, c.account, c.family, c.severity, c.status, std::to_string(c.step), c.assignee, c.close_reason,
            c.access_keys, c.source_ips, std::to_string(c.opened_ms), std::to_string(c.updated_ms),
            std::to_string(c.first_event_ms), std::to_string(c.last_event_ms)};
  }
  static CaseRecord read_case(const PGresult* r, int i) {
    CaseRecord c;
    c.id = i64(r, i, 0);
    c.title = text(r, i, 1);
    c.account = text(r, i, 2);
    c.family = text(r, i, 3);
    c.severity = text(r, i, 4);
    c.status = text(r, i, 5);
    c.step = static_cast<int>(i64(r, i, 6));
    c.assignee = text(r, i, 7);
    c.close_reason = text(r, i, 8);
    c.access_keys = text(r, i, 9);
    c.source_ips = text(r, i, 10);
    c.opened_ms = i64(r, i, 11);
    c.updated_ms = i64(r, i, 12);
    c.first_event_ms = i64(r, i, 13);
    c.last_event_ms = i64(r, i, 14);
    return c;
  }
  Result<std::vector<OutboxItem>> items(Result<ResultPtr> r) {
    if (!r.ok()) return r.error();
    std::vector<OutboxItem> out;
    const PGresult* p = r->get();
    for (int i = 0; i < PQntuples(p); ++i) {
      OutboxItem it;
      it.id = i64(p, i, 0);
      it.sink = text(p, i, 1);
      it.alert_key = text(p, i, 2);
      it.payload = text(p, i, 3);
      it.state = static_cast<OutboxState>(i64(p, i, 4));
      it.attempts = static_cast<int>(i64(p, i, 5));
      it.created_ms = i64(p, i, 6);
      it.next_at_ms = i64(p, i, 7);
      it.done_ms = i64(p, i, 8);
      it.last_error = text(p, i, 9);
      out.push_back(std::move(it));
    }
    return out;
  }

  // One statement with text parameters; an Error names the store (password redacted).
  Result<ResultPtr> query(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> values;
    for (const std::string& p : params) values.push_back(p.c_str());
    ResultPtr r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.empty() ? nullptr : values.data(), nullptr, nullptr, 0),
                &PQclear);
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    std::string msg = r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (msg.empty()) msg = PQerrorMessage(conn_);
    const char* code = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    ErrorKind kind = ErrorKind::Io;
    if (code && std::strncmp(code, "42501", 5) == 0) kind = ErrorKind::Denied;
    if (code && std::strncmp(code, "53100", 5) == 0) msg += " (disk full: free space and rootguard goes on)";
    if (PQstatus(conn_) != CONNECTION_OK) msg = "connection lost: " + msg;
    return make_error(kind, shown_, msg);
  }
  Status run(const std::string& sql, const std::vector<std::string>& params) {
    auto r = query(sql, params);
    return r.ok() ? ok_status() : Status(r.error());
  }
  // Several statements (no parameters), e.g. a migration.
  Status command(const char* sql) {
    ResultPtr r(PQexec(conn_, sql), &PQclear);
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return ok_status();
    std::string msg = r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return make_error(ErrorKind::Io, shown_, msg);
  }

  PGconn* conn_;
  std::string shown_;
  int version_ = 0;
};

}  // namespace

std::string redact_store_uri(std::string_view uri) {
  // postgresql://user:password@host/db -> postgresql://user:***@host/db; ?password=... too.
  std::string s(uri);
  const std::size_t scheme = s.find("://");
  if (scheme != std::string::npos) {
    const std::size_t at = s.find('@', scheme + 3);
    const std::size_t colon = s.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) s = s.substr(0, colon + 1) + "***" + s.substr(at);
  }
  for (const char* key : {"password=", "sslpassword="}) {
    std::size_t p = s.find(key);
    while (p != std::string::npos) {
      const std::size_t start = p + std::strlen(key);
      std::size_t end = s.find('&', start);
      if (end == std::string::npos) end = s.size();
      s = s.substr(0, start) + "***" + s.substr(end);
      p = s.find(key, start + 3);
    }
  }
  return s;
}

Result<std::unique_ptr<Store>> open_pg_store(std::string_view uri) {
  const std::string shown = redact_store_uri(uri);
  PGconn* conn = PQconnectdb(std::string(uri).c_str());
  if (!conn) return make_error(ErrorKind::Io, shown, "cannot allocate a PostgreSQL connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    for (char& c : msg)
      if (c == '\n') c = ' ';
    return make_error(ErrorKind::Io, shown, "cannot connect: " + msg);
  }
  auto store = std::make_unique<PgStore>(conn, shown);
  if (Status s = store->init(); !s.ok()) return s.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace rg::respond
