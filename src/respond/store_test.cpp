// What every Store back-end must do, run against SQLite and against a real PostgreSQL server
// (the one ctest starts for the run): files, state, outbox, cases, transactions, schema
// versions; and for PostgreSQL, what several workers sharing it rely on.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <atomic>
#include <thread>

#include "pg_test_server.h"
#include "respond/pg_store.h"
#include "respond/store.h"
#include "test_util.h"

namespace rg::respond {
namespace {

using rg::test::TempDir;

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  // The spec of a new, empty store of the back-end under test (skips or fails the test when
  // PostgreSQL is not available, with the reason).
  std::string fresh_spec() {
    if (GetParam() == "sqlite") return (dir_ / ("s" + std::to_string(n_++))).string();
    rg::test::PgDatabase db = rg::test::fresh_pg_database();
    if (!db.skip.empty()) {
      skipped_ = db.skip;
      return "";
    }
    if (!db.error.empty()) ADD_FAILURE() << db.error;
    return db.uri;
  }
  std::unique_ptr<Store> open(const std::string& spec) {
    auto s = open_store(spec);
    if (!s.ok()) ADD_FAILURE() << s.error().str();
    return s.ok() ? std::move(s.value()) : nullptr;
  }
  // Runs SQL on the database behind the store's back.
  void raw(const std::string& spec, const std::string& sql) {
    if (GetParam() == "sqlite") {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open((spec + "/rootguard.db").c_str(), &db), SQLITE_OK);
      EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
      sqlite3_close(db);
    } else {
      PGconn* c = PQconnectdb(spec.c_str());
      PGresult* r = PQexec(c, sql.c_str());
      EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c);
      PQclear(r);
      PQfinish(c);
    }
  }
  // Sets the recorded schema version behind the store's back.
  void set_version(const std::string& spec, int v) {
    raw(spec, GetParam() == "sqlite" ? "PRAGMA user_version=" + std::to_string(v)
                                     : "UPDATE rootguard_schema SET version=" + std::to_string(v));
  }
  TempDir dir_;
  int n_ = 0;
  std::string skipped_;
};

#define FRESH(spec)                                   \
  const std::string spec = fresh_spec();              \
  if (!skipped_.empty()) GTEST_SKIP() << skipped_;    \
  ASSERT_FALSE(spec.empty())

TEST_P(StoreContract, KeepsDataAcrossReopenAndQueuesEachAlertOncePerSink) {
  FRESH(spec);
  {
    auto st = open(spec);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->schema_version(), 2);
    ASSERT_TRUE(st->mark_file_done({"trail/a.json.gz", 10, 5, 2}).ok());
    ASSERT_TRUE(st->mark_file_done({"trail/a.json.gz", 11, 6, 2}).ok()) << "marking again is not an error";
    ASSERT_TRUE(*st->enqueue("sink1", "D02:ev1", "{}", 100));
  }
  auto st = open(spec);
  ASSERT_TRUE(st);
  EXPECT_TRUE(*st->file_done("trail/a.json.gz"));
  EXPECT_FALSE(*st->file_done("trail/b.json.gz"));
  EXPECT_EQ(*st->files_done_count(), 1u);
  EXPECT_FALSE(*st->enqueue("sink1", "D02:ev1", "{}", 200)) << "the same alert is never queued twice";
  EXPECT_TRUE(*st->enqueue("sink2", "D02:ev1", "{}", 200)) << "but each sink gets it once";
}

TEST_P(StoreContract, RefusesANewerSchema) {
  FRESH(spec);
  { ASSERT_TRUE(open(spec)); }
  set_version(spec, 99);
  auto st = open_store(spec);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::Unsupported);
  EXPECT_NE(st.error().what.find("newer"), std::string::npos);
}

// A database written by the first schema (before the outbox's queue index) is brought up to
// date on open, with what it holds.
TEST_P(StoreContract, AnOlderSchemaIsMigratedKeepingItsData) {
  FRESH(spec);
  {
    auto st = open(spec);
    ASSERT_TRUE(st);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(*st->enqueue("s", "D02:ev" + std::to_string(i), "{}", 100));
    ASSERT_TRUE(st->mark_file_done({"f1", 1, 1, 1}).ok());
  }
  raw(spec, "DROP INDEX outbox_queue");
  set_version(spec, 1);
  auto st = open(spec);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->schema_version(), 2);
  EXPECT_TRUE(*st->file_done("f1"));
  auto due = st->due("s", 100, 3);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[0].alert_key, "D02:ev0");
  EXPECT_EQ((*due)[2].alert_key, "D02:ev2") << "in queue order";
}

TEST_P(StoreContract, FailedTransactionLeavesNothing) {
  FRESH(spec);
  auto st = open(spec);
  ASSERT_TRUE(st);
  Status s = st->transaction([&]() -> Status {
    (void)st->enqueue("s", "a", "{}", 1);
    (void)st->mark_file_done({"f1", 1, 1, 1});
    (void)st->put_state("ns", "k", "v", 1);
    return make_error(ErrorKind::Io, "test", "boom");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(*st->file_done("f1"));
  EXPECT_EQ(st->outbox_counts("s")->pending, 0u);
  EXPECT_FALSE(st->get_state("ns", "k")->has_value());
  // and the connection is usable afterwards
  EXPECT_TRUE(st->transaction([&]() -> Status { return st->mark_file_done({"f2", 1, 1, 0}); }).ok());
  EXPECT_TRUE(*st->file_done("f2"));
}

TEST_P(StoreContract, OutboxDueRetryAndReject) {
  FRESH(spec);
  auto st = open(spec);
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->next_due_ms("s")->has_value());
  ASSERT_TRUE(*st->enqueue("s", "a", "{\"n\":1}", 100));
  ASSERT_TRUE(*st->enqueue("s", "b", "{\"n\":2}", 100));
  auto due = st->due("s", 100, 10);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].payload, "{\"n\":1}");
  // One worker claims an item; a second claim of it (another worker) fails until the lease ends.
  EXPECT_TRUE(*st->claim((*due)[0].id, 100, 150));
  EXPECT_FALSE(*st->claim((*due)[0].id, 100, 150));
  EXPECT_TRUE(st->due("s", 149, 10)->size() == 1u);
  EXPECT_TRUE(*st->claim((*due)[1].id, 100, 100));
  ASSERT_TRUE(st->mark_retry((*due)[0].id, 1, 5000, "connection refused").ok());
  ASSERT_TRUE(st->mark_rejected((*due)[1].id, 1, 200, "HTTP 403").ok());
  EXPECT_TRUE(st->due("s", 4999, 10)->empty());
  EXPECT_EQ(**st->next_due_ms("s"), 5000);
  auto again = st->due("s", 5000, 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempts, 1);
  EXPECT_EQ((*again)[0].last_error, "connection refused");
  ASSERT_TRUE(st->mark_sent((*again)[0].id, 5001).ok());
  auto c = *st->outbox_counts("s");
  EXPECT_EQ(c.pending, 0u);
  EXPECT_EQ(c.sent, 1u);
  EXPECT_EQ(c.rejected, 1u);
  auto rej = *st->outbox_items("s", OutboxState::Rejected);
  ASSERT_EQ(rej.size(), 1u);
  EXPECT_EQ(rej[0].alert_key, "b");
  EXPECT_EQ(rej[0].last_error, "HTTP 403");
}

TEST_P(StoreContract, StateValues) {
  FRESH(spec);
  auto st = open(spec);
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->get_state("ns", "k")->has_value());
  ASSERT_TRUE(st->put_state("ns", "k", "v1\twith\ttabs\n", 1).ok());
  ASSERT_TRUE(st->put_state("ns", "k", "v2", 2).ok());
  ASSERT_TRUE(st->put_state("ns", "j", "w", 2).ok());
  ASSERT_TRUE(st->put_state("other", "k", "x", 2).ok());
  EXPECT_EQ(**st->get_state("ns", "k"), "v2");
  auto all = *st->list_state("ns");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], (std::pair<std::string, std::string>{"j", "w"}));
  ASSERT_TRUE(st->erase_state("ns", "k").ok());
  EXPECT_FALSE(st->get_state("ns", "k")->has_value());
  EXPECT_TRUE(st->transaction([&]() -> Status { return st->lock_state("ns", "k"); }).ok());
}

TEST_P(StoreContract, CasesFindingsHistoryAndChecks) {
  FRESH(spec);
  auto st = open(spec);
  ASSERT_TRUE(st);
  CaseRecord c;
  c.title = "Root login without MFA — 'quoted'";
  c.account = "111122223333";
  c.family = "D03";
  c.severity = "critical";
  c.status = "open";
  c.opened_ms = c.updated_ms = 10;
  auto id = st->create_case(c);
  ASSERT_TRUE(id.ok());
  auto id2 = st->create_case(c);
  ASSERT_TRUE(id2.ok());
  EXPECT_GT(*id2, *id);
  c.id = *id;
  c.step = 2;
  c.assignee = "alice";
  ASSERT_TRUE(st->update_case(c).ok());
  auto got = *st->get_case(*id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->title, c.title);
  EXPECT_EQ(got->step, 2);
  EXPECT_EQ(got->assignee, "alice");
  EXPECT_FALSE(st->get_case(*id2 + 100)->has_value());
  EXPECT_EQ(st->list_cases()->size(), 2u);
  EXPECT_TRUE(*st->add_case_finding(*id, {"D03:e2", "{\"b\":1}", 20}));
  EXPECT_TRUE(*st->add_case_finding(*id, {"D03:e1", "{\"a\":1}", 10}));
  EXPECT_FALSE(*st->add_case_finding(*id2, {"D03:e1", "{}", 10})) << "an alert belongs to one case";
  EXPECT_EQ(**st->case_of_alert("D03:e1"), *id);
  EXPECT_FALSE(st->case_of_alert("nope")->has_value());
  auto f = *st->case_findings(*id);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].alert_key, "D03:e1");
  ASSERT_TRUE(st->add_case_event(*id, {1, "alice", "opened", ""}).ok());
  ASSERT_TRUE(st->add_case_event(*id, {2, "bob", "note", "custodian confirmed"}).ok());
  auto ev = *st->case_events(*id);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].detail, "custodian confirmed");
  ASSERT_TRUE(st->set_check(*id, {1, 0, 5, "alice"}).ok());
  ASSERT_TRUE(st->set_check(*id, {1, 0, 6, "bob"}).ok()) << "checking twice keeps the first mark";
  ASSERT_TRUE(st->set_check(*id, {0, 2, 7, "bob"}).ok());
  auto ch = *st->checks(*id);
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_EQ(ch[0].step, 0);
  EXPECT_EQ(ch[1].who, "alice");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// ---- PostgreSQL: several workers on one store ----------------------------------------------

class PgStore : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = rg::test::fresh_pg_database();
    if (!db_.skip.empty()) GTEST_SKIP() << db_.skip;
    ASSERT_TRUE(db_.error.empty()) << db_.error;
  }
  rg::test::PgDatabase db_;
};

TEST_F(PgStore, WorkersOpeningAtOnceMigrateOnce) {
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    ts.emplace_back([&] {
      auto s = open_store(db_.uri);
      if (s.ok() && (*s)->schema_version() == 2) ++ok;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 8);
}

TEST_F(PgStore, TheSameAlertFromManyWorkersIsQueuedOnce) {
  { ASSERT_TRUE(open_store(db_.uri).ok()); }
  std::atomic<int> queued{0}, failed{0};
  std::vector<std::thread> ts;
  for (int w = 0; w < 6; ++w)
    ts.emplace_back([&] {
      auto s = open_store(db_.uri);
      if (!s.ok()) {
        ++failed;
        return;
      }
      for (int k = 0; k < 40; ++k) {
        Status st = (*s)->transaction([&]() -> Status {
          auto r = (*s)->enqueue("slack", "D03:ev" + std::to_string(k), "{}", k);
          if (!r.ok()) return r.error();
          if (*r) ++queued;
          return ok_status();
        });
        if (!st.ok()) ++failed;
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(queued.load(), 40);
  auto s = open_store(db_.uri);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->outbox_counts("slack")->pending, 40u);
}

TEST_F(PgStore, LockStateSerializesReadModifyWrite) {
  { ASSERT_TRUE(open_store(db_.uri).ok()); }
  std::vector<std::thread> ts;
  std::atomic<int> failed{0};
  for (int w = 0; w < 4; ++w)
    ts.emplace_back([&] {
      auto s = open_store(db_.uri);
      if (!s.ok()) {
        ++failed;
        return;
      }
      for (int k = 0; k < 25; ++k) {
        Status st = (*s)->transaction([&]() -> Status {
          if (Status l = (*s)->lock_state("corr:D04B", "acct=1"); !l.ok()) return l;
          auto v = (*s)->get_state("corr:D04B", "acct=1");
          if (!v.ok()) return v.error();
          const int n = v->has_value() ? std::stoi(**v) : 0;
          return (*s)->put_state("corr:D04B", "acct=1", std::to_string(n + 1), k);
        });
        if (!st.ok()) ++failed;
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(failed.load(), 0);
  auto s = open_store(db_.uri);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(**(*s)->get_state("corr:D04B", "acct=1"), "100") << "no update lost";
}

TEST_F(PgStore, AnUnreachableServerIsOneLineWithThePasswordRedacted) {
  auto s = open_store("postgresql://rootguard:hunter2secret@127.0.0.1:1/rootguard");
  ASSERT_FALSE(s.ok());
  const std::string line = s.error().str();
  EXPECT_EQ(line.find("hunter2secret"), std::string::npos) << line;
  EXPECT_NE(line.find("postgresql://rootguard:***@127.0.0.1:1/rootguard"), std::string::npos) << line;
  EXPECT_NE(line.find("cannot connect"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_EQ(redact_store_uri("postgres://h/db?user=u&password=p4ss&sslmode=require"),
            "postgres://h/db?user=u&password=***&sslmode=require");
}

TEST(OpenStore, UnknownSchemeIsRefusedByName) {
  auto st = open_store("mysql://db/rootguard");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::Unsupported);
  EXPECT_NE(st.error().what.find("postgresql://"), std::string::npos);
}

}  // namespace
}  // namespace rg::respond
