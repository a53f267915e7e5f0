#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>

#include "respond/store.h"
#include "test_util.h"

namespace rg::respond {
namespace {

using rg::test::TempDir;

std::unique_ptr<Store> open_ok(const std::string& spec, const StoreOptions& o = {}) {
  auto s = open_store(spec, o);
  if (!s.ok()) ADD_FAILURE() << s.error().str();
  return s.ok() ? std::move(s.value()) : nullptr;
}

// SQLite only: file modes, damage, a full disk. What every back-end must do is in store_test.cpp.
TEST(SqliteStore, ADirectoryIsPrivateAndSqlitePathOpensTheSameDatabase) {
  TempDir d;
  {
    auto st = open_ok((d / "state").string());
    ASSERT_TRUE(st);
    ASSERT_TRUE(st->mark_file_done({"trail/a.json.gz", 10, 5, 2}).ok());
  }
  struct stat sb{};
  ASSERT_EQ(stat((d / "state" / "rootguard.db").c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((d / "state").c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0700u);
  auto st = open_ok("sqlite:" + (d / "state" / "rootguard.db").string());
  ASSERT_TRUE(st);
  EXPECT_TRUE(*st->file_done("trail/a.json.gz"));
}

TEST(SqliteStore, GarbageFileIsReportedAsCorruptWithAHintAndLeftAlone) {
  TempDir d;
  std::string path = (d / "x.db").string();
  std::string junk(8192, 'z');
  rg::test::write_file(path, junk);
  auto st = open_store("sqlite:" + path);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::Corrupt);
  EXPECT_NE(st.error().str().find(".recover"), std::string::npos) << st.error().str();
  EXPECT_NE(st.error().str().find("will not reset"), std::string::npos);
  EXPECT_EQ(rg::test::read_file(path), junk) << "never reset";
}

TEST(SqliteStore, DamagedPageIsFoundByQuickCheck) {
  TempDir d;
  std::string path = (d / "x.db").string();
  {
    auto st = open_ok("sqlite:" + path);
    ASSERT_TRUE(st);
    ASSERT_TRUE(st->transaction([&]() -> Status {
      for (int i = 0; i < 400; ++i)
        if (auto r = st->enqueue("s", "k" + std::to_string(i), std::string(200, 'p'), i); !r.ok()) return r.error();
      return ok_status();
    }).ok());
  }
  // Fold the WAL into the main file, then overwrite the middle of the file with junk.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 3);
    std::string junk(4096 * 4, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto st = open_store("sqlite:" + path);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::Corrupt) << st.error().str();
}



TEST(SqliteStore, FullDiskIsAnErrorNotACrashAndNothingHalfWritten) {
  TempDir d;
  auto st = open_ok((d / "s").string(), StoreOptions{.max_bytes = 64 * 1024});
  ASSERT_TRUE(st);
  Status s = st->transaction([&]() -> Status {
    for (int i = 0; i < 2000; ++i)
      if (auto r = st->enqueue("s", "k" + std::to_string(i), std::string(500, 'x'), i); !r.ok()) return r.error();
    return st->mark_file_done({"big", 1, 1, 2000});
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Io);
  EXPECT_NE(s.error().what.find("disk full"), std::string::npos) << s.error().str();
  EXPECT_FALSE(*st->file_done("big"));
  EXPECT_EQ(st->outbox_counts("s")->pending, 0u);
  // Small writes still work once there is room.
  EXPECT_TRUE(*st->enqueue("s", "small", "{}", 1));
}




}  // namespace
}  // namespace rg::respond
