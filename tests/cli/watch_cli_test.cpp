// `rootguard watch` through the binary: each new file scanned once, alerts delivered exactly
// once even when watch is killed with SIGKILL at random moments and restarted, a clean stop on
// SIGTERM, files still being written left until they settle, a damaged state database refused.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "core/strings.h"
#include "core/time.h"
#include "pg_test_server.h"
#include "respond/sink_test_server.h"
#include "test_util.h"

extern char** environ;

namespace rg::test {
namespace {

namespace fs = std::filesystem;



// The example JSON-lines events with their eventIDs made unique to file `n`.
std::string events_for(int n) {
  static const std::string base = read_file(source_dir() / "examples/cloudtrail/athena-export-dev.jsonl");
  static const std::regex id(R"re("eventID": "([^"]+)")re");
  return std::regex_replace(base, id, "\"eventID\": \"f" + std::to_string(n) + "-$1\"");
}

// Writes file n into dir the way log shippers do: to a temporary name, then renamed in.
void drop_file(const fs::path& dir, int n) {
  fs::path tmp = dir / ".incoming";
  fs::create_directories(tmp);
  write_file(tmp / ("f" + std::to_string(n)), events_for(n));
  fs::create_directories(dir / "2026/11/20");
  fs::rename(tmp / ("f" + std::to_string(n)), dir / "2026/11/20" / ("events-" + std::to_string(n) + ".jsonl"));
}


TEST(WatchCli, KilledAtRandomAndRestartedEveryAlertArrivesExactlyOnce) {
  TempDir t;
  fs::path logs = t / "logs", state = t / "state", alerts = t / "alerts.jsonl", log = t / "watch.log";
  fs::create_directories(logs);
  const std::vector<std::string> args = {"watch", logs.string(), "--state", state.string(), "--sink",
                                         "file:" + alerts.string(), "--settle", "0s", "--interval", "200ms",
                                         "--case-min-severity", "critical"};
  std::mt19937 rng(20261122);
  int next = 0;
  const int kCycles = 12;
  // Waits until the log says `n` runs have started following the logs (5 s at most).
  auto wait_for_starts = [&](int n) {
    for (int i = 0; i < 200; ++i) {
      const std::string text = fs::exists(log) ? read_file(log) : "";
      int starts = 0;
      for (auto p = text.find("watch: following"); p != std::string::npos; p = text.find("watch: following", p + 1))
        ++starts;
      if (starts >= n) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  };
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    pid_t pid = spawn_rootguard(args, log);
    ASSERT_GT(pid, 0);
    for (int k = 0; k < 2; ++k) drop_file(logs, next++);
    // Once it is running (rules loaded, store open), kill it at a random moment of its work.
    wait_for_starts(cycle + 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 300)(rng)));
    ::kill(pid, SIGKILL);
    EXPECT_EQ(wait_exit(pid), 128 + SIGKILL);
  }
  // The killed runs did real work (they were not all killed before starting).
  ASSERT_TRUE(fs::exists(alerts)) << read_file(log);
  EXPECT_GT(alert_keys(read_file(alerts)).size(), 0u);
  // A last clean run delivers what is left, and stops on SIGTERM with status 0 (sent once it
  // runs: its signal handlers are in place by then).
  pid_t pid = spawn_rootguard(args, log);
  ASSERT_GT(pid, 0);
  wait_for_starts(kCycles + 1);
  for (int i = 0; i < 100 && alert_keys(fs::exists(alerts) ? read_file(alerts) : "").size() <
                                  scan_keys(run_rootguard({"scan", logs.string(), "--format", "jsonl"}).out).size();
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 0) << read_file(log);
  EXPECT_NE(read_file(log).find("stopped by SIGTERM"), std::string::npos);

  auto expected = scan_keys(run_rootguard({"scan", logs.string(), "--format", "jsonl"}).out);
  ASSERT_GT(expected.size(), 2u * kCycles);  // several findings per file, all files present
  auto got = alert_keys(read_file(alerts));
  EXPECT_EQ(got.size(), expected.size());
  for (const auto& [k, count] : expected) {
    EXPECT_EQ(count, 1) << "scan reports " << k << " once";
    EXPECT_EQ(got.count(k), 1u) << "missing alert " << k;
    if (got.count(k)) {
      EXPECT_EQ(got[k], 1) << "alert " << k << " delivered " << got[k] << " times";
    }
  }
  // The store knows every file, once.
  auto again = run_rootguard({"watch", logs.string(), "--state", state.string(), "--sink", "file:" + alerts.string(),
                              "--settle", "0s", "--once"});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.err.find(std::to_string(next) + " files done (0 since last)"), std::string::npos) << again.err;
  EXPECT_EQ(alert_keys(read_file(alerts)).size(), expected.size());
}

// A failed root sign-in as one JSON line.
std::string failed_login(int minute, const std::string& id) {
  return R"({"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-11-20T10:0)" +
         std::to_string(minute) +
         R"(:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","responseElements":{"ConsoleLogin":"Failure"},"errorMessage":"Failed authentication","eventID":")" +
         id + R"(","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"})" + "\n";
}

// Correlation state lives in the store: three failed sign-ins in one file, watch stops, two more
// arrive in another file, and the restarted watch raises the brute-force alert (D04B) once.
TEST(WatchCli, CorrelationStateSurvivesARestart) {
  TempDir t;
  fs::path logs = t / "logs", alerts = t / "alerts.jsonl";
  fs::create_directories(logs);
  const std::vector<std::string> args = {"watch", logs.string(), "--state", (t / "state").string(), "--sink",
                                         "file:" + alerts.string(), "--settle", "0s", "--once"};
  write_file(logs / "a.jsonl", failed_login(0, "e0") + failed_login(1, "e1") + failed_login(2, "e2"));
  auto r = run_rootguard(args);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(alert_keys(read_file(alerts)).count("D04B:e4"), 0u);
  EXPECT_EQ(alert_keys(read_file(alerts)).size(), 3u) << read_file(alerts);  // three D04
  write_file(logs / "b.jsonl", failed_login(3, "e3") + failed_login(4, "e4"));
  r = run_rootguard(args);
  EXPECT_EQ(r.status, 0) << r.err;
  auto got = alert_keys(read_file(alerts));
  EXPECT_EQ(got["D04B:e4"], 1) << read_file(alerts);
  // One scan over both files agrees.
  auto expected = scan_keys(run_rootguard({"scan", logs.string(), "--format", "jsonl"}).out);
  EXPECT_EQ(expected.size(), got.size());
  for (const auto& [k, n] : expected) EXPECT_EQ(got[k], 1) << k;
}

// watch and case on a shared PostgreSQL store: two watchers over the same logs (two machines
// reading one mirror) queue every alert once between them, and `case list` reads the cases.
TEST(WatchCli, TwoWatchersShareOnePostgresStore) {
  PgDatabase db = fresh_pg_database();
  if (!db.skip.empty()) GTEST_SKIP() << db.skip;
  ASSERT_TRUE(db.error.empty()) << db.error;
  TempDir t;
  fs::path logs = t / "logs";
  fs::create_directories(logs);
  for (int n = 0; n < 4; ++n) drop_file(logs, n);
  auto run = [&](const std::string& sink) {
    return run_rootguard({"watch", logs.string(), "--store", db.uri, "--sink", "file:" + (t / sink).string(), "--settle",
                          "0s", "--once", "--case-min-severity", "critical"});
  };
  auto a = run("a.jsonl");
  EXPECT_EQ(a.status, 0) << a.err;
  auto b = run("a.jsonl");  // the second sees every file done already
  EXPECT_EQ(b.status, 0) << b.err;
  EXPECT_NE(b.err.find("4 files done (0 since last)"), std::string::npos) << b.err;
  auto expected = scan_keys(run_rootguard({"scan", logs.string(), "--format", "jsonl"}).out);
  auto got = alert_keys(read_file(t / "a.jsonl"));
  EXPECT_EQ(got.size(), expected.size());
  for (const auto& [k, n] : got) EXPECT_EQ(n, 1) << k;
  auto cases = run_rootguard({"case", "list", "--store", db.uri});
  EXPECT_EQ(cases.status, 0) << cases.err;
  EXPECT_NE(cases.out.find("#1  critical"), std::string::npos) << cases.out;
  auto bad = run_rootguard({"case", "list", "--store", "postgresql://rootguard:s3cret@127.0.0.1:1/x"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err.find("s3cret"), std::string::npos) << bad.err;
}

// The lines of `text`, without the empty one after its last newline.
std::vector<std::string> split_lines(const std::string& text) {
  auto v = split(text, '\n');
  if (!v.empty() && v.back().empty()) v.pop_back();
  return v;
}

// `case import` files a file sink's alerts into another store's cases: each alert once, bad
// lines told (the first 20, then one line for the rest) while the good ones are still filed,
// and a directory given by mistake is an error, never "0 findings filed".
TEST(WatchCli, CaseImportFilesTheAlertsOfAFileSink) {
  TempDir t;
  fs::path logs = t / "logs";
  fs::create_directories(logs);
  for (int n = 0; n < 2; ++n) drop_file(logs, n);
  auto w = run_rootguard({"watch", logs.string(), "--state", (t / "w").string(), "--sink",
                          "file:" + (t / "a.jsonl").string(), "--settle", "0s", "--once"});
  ASSERT_EQ(w.status, 0) << w.err;
  const std::string alerts = read_file(t / "a.jsonl");
  const auto keys = alert_keys(alerts);
  ASSERT_GT(keys.size(), 2u);
  const std::string st = (t / "cases").string();
  std::size_t high = 0, all = split_lines(alerts).size();
  for (const auto& line : split_lines(alerts))
    high += line.find("\"severity\":\"critical\"") != std::string::npos ||
            line.find("\"severity\":\"high\"") != std::string::npos;
  ASSERT_GT(high, 0u);
  ASSERT_LT(high, all);
  const std::string below = std::to_string(all - high) + " below high)\n";

  auto first = run_rootguard({"case", "--state", st, "import", (t / "a.jsonl").string()});
  EXPECT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(first.out, std::to_string(high) + " findings filed into cases (0 filed before, " + below);
  auto again = run_rootguard({"case", "--state", st, "import", (t / "a.jsonl").string()});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out, "0 findings filed into cases (" + std::to_string(high) + " filed before, " + below);

  // 30 bad lines, then the alerts again under new keys: 21 error lines, every alert filed.
  std::string mixed;
  for (int i = 0; i < 30; ++i) mixed += "{\"not\": \"an alert\"}\n";
  mixed += std::regex_replace(alerts, std::regex(R"re("key":")re"), "\"key\":\"copy-");
  write_file(t / "mixed.jsonl", mixed);
  auto m = run_rootguard({"case", "--state", st, "import", (t / "mixed.jsonl").string()});
  EXPECT_EQ(m.status, 2);
  EXPECT_EQ(m.out, std::to_string(high) + " findings filed into cases (0 filed before, " + below);
  const auto err = split_lines(m.err);
  ASSERT_EQ(err.size(), 21u) << m.err;
  EXPECT_NE(err[0].find("mixed.jsonl:1: "), std::string::npos) << err[0];
  EXPECT_NE(err[19].find("mixed.jsonl:20: "), std::string::npos) << err[19];
  EXPECT_NE(err[20].find("10 more errors in this file, not shown (the first 20 are above)"), std::string::npos)
      << err[20];

  auto dir = run_rootguard({"case", "--state", st, "import", logs.string()});
  EXPECT_EQ(dir.status, 2);
  EXPECT_EQ(dir.out, "");
  EXPECT_NE(dir.err.find("is a directory"), std::string::npos) << dir.err;
}

// Sixty log files of root activity in `logs`, and the alert keys a plain scan of them finds.
std::map<std::string, int> sixty_files(const fs::path& logs) {
  fs::create_directories(logs);
  for (int n = 0; n < 60; ++n) drop_file(logs, n);
  return scan_keys(run_rootguard({"scan", logs.string(), "--format", "jsonl"}).out);
}

// --once (run from cron, say) delivers every alert that is due before it exits, not the one
// batch of 200 a pass offers each sink; a sink that is down keeps them for the next run.
TEST(WatchCli, OnceDeliversEveryDueAlertNotOneBatch) {
  TempDir t;
  const fs::path logs = t / "logs";
  const auto expected = sixty_files(logs);
  ASSERT_GT(expected.size(), 250u);
  auto r = run_rootguard({"watch", logs.string(), "--state", (t / "state").string(), "--sink",
                          "file:" + (t / "a.jsonl").string(), "--settle", "0s", "--once"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(alert_keys(read_file(t / "a.jsonl")).size(), expected.size());
  EXPECT_NE(r.err.find("alerts " + std::to_string(expected.size()) + " sent, 0 pending"), std::string::npos) << r.err;
  auto down = run_rootguard({"watch", logs.string(), "--state", (t / "state2").string(), "--sink",
                             "webhook:http://127.0.0.1:1/hook", "--settle", "0s", "--once"});
  EXPECT_EQ(down.status, 0) << down.err;
  EXPECT_NE(down.err.find("alerts 0 sent, " + std::to_string(expected.size()) + " pending"), std::string::npos)
      << down.err;
}

// --sink securityhub: every alert reaches Security Hub once, as an ASFF finding, at most 100 a
// call; while Security Hub refuses (not enabled) the alerts wait in the outbox, and the next run
// delivers them.
TEST(WatchCli, SecurityHubGetsEveryAlertOnceAHundredACall) {
  TempDir t;
  const fs::path logs = t / "logs";
  const auto expected = sixty_files(logs);
  ASSERT_GT(expected.size(), 250u);
  rg::test::SinkTestServer srv;
  srv.set_status(403);
  srv.set_body(R"({"__type": "InvalidAccessException", "message": "Account 999988887777 is not subscribed to AWS Security Hub"})");
  rg::test::FakeAwsCredentials creds(t.path());
  const std::vector<std::string> args = {"watch", logs.string(), "--state", (t / "state").string(), "--sink",
                                         "securityhub:us-east-1:999988887777", "--endpoint-url",
                                         "http://127.0.0.1:" + std::to_string(srv.port()), "--settle", "0s", "--once"};
  auto down = run_rootguard(args);
  EXPECT_EQ(down.status, 0) << down.err;
  EXPECT_NE(down.err.find("alerts 0 sent, " + std::to_string(expected.size()) + " pending"), std::string::npos)
      << down.err;
  EXPECT_NE(down.err.find("Security Hub InvalidAccessException"), std::string::npos) << down.err;
  EXPECT_EQ(down.err.find(rg::test::FakeAwsCredentials::kSecret), std::string::npos);
  const std::size_t refused_calls = srv.count();
  EXPECT_EQ(refused_calls, 1u) << "a refusal pauses the sink: one call, not one per batch";

  srv.set_status(200);
  srv.set_body(R"({"FailedCount": 0, "SuccessCount": 100, "FailedFindings": []})");
  // The alert that was tried waits out its backoff (1-2 s for a first retry); the rest were
  // given back untried and are due at once.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto up = run_rootguard(args);
  EXPECT_EQ(up.status, 0) << up.err;
  EXPECT_NE(up.err.find("alerts " + std::to_string(expected.size()) + " sent, 0 pending"), std::string::npos) << up.err;
  std::map<std::string, int> ids;
  simdjson::dom::parser p;
  const auto reqs = srv.requests();
  for (std::size_t i = refused_calls; i < reqs.size(); ++i) {
    simdjson::dom::element body;
    ASSERT_EQ(p.parse(reqs[i].body).get(body), simdjson::SUCCESS);
    simdjson::dom::array list = body["Findings"].get_array().value();
    EXPECT_LE(list.size(), 100u);
    for (simdjson::dom::element f : list) ++ids[std::string(f["Id"].get_string().value())];
  }
  ASSERT_EQ(ids.size(), expected.size());
  for (const auto& [key, n] : expected) EXPECT_EQ(ids["rootguard/" + key], 1) << key;
}

TEST(WatchCli, FileStillBeingWrittenWaitsUntilItSettles) {
  TempDir t;
  fs::path logs = t / "logs";
  fs::create_directories(logs);
  write_file(logs / "live.jsonl", events_for(1));  // modified just now
  std::vector<std::string> args = {"watch", logs.string(), "--state", (t / "state").string(), "--sink",
                                   "file:" + (t / "a.jsonl").string(), "--settle", "1h", "--once"};
  auto r = run_rootguard(args);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("0 files done (0 since last), 1 waiting to settle"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(t / "a.jsonl") && !read_file(t / "a.jsonl").empty());
  args[7] = "0s";
  r = run_rootguard(args);
  EXPECT_NE(r.err.find("1 files done (1 since last), 0 waiting"), std::string::npos) << r.err;
  EXPECT_FALSE(read_file(t / "a.jsonl").empty());
}

// A local copy of a trail bucket: with --lookback, each pass walks only the recent days of
// CloudTrail's key layout (and what lies outside the layout); without it, everything.
TEST(WatchCli, LookbackWalksOnlyTheRecentDaysOfATrailCopy) {
  TempDir t;
  const fs::path trail = t / "logs/AWSLogs/111122223333/CloudTrail/us-east-1";
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string today = rg::format_iso8601(now_ms).substr(0, 10);  // YYYY-MM-DD
  const fs::path recent = trail / today.substr(0, 4) / today.substr(5, 2) / today.substr(8, 2);
  fs::create_directories(recent);
  fs::create_directories(trail / "2020/01/01");
  write_file(recent / "recent.jsonl", events_for(1));
  write_file(trail / "2020/01/01/old.jsonl", events_for(1));
  write_file(t / "logs/beside.jsonl", events_for(1));
  auto watch = [&](const std::string& state, std::vector<std::string> extra) {
    std::vector<std::string> args = {"watch", (t / "logs").string(), "--state", (t / state).string(), "--sink",
                                     "file:" + (t / (state + ".jsonl")).string(), "--settle", "0s", "--once"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_rootguard(args);
  };
  auto r = watch("pruned", {"--lookback", "48h"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("2 files done (2 since last)"), std::string::npos) << r.err;
  r = watch("whole", {});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("3 files done (3 since last)"), std::string::npos) << r.err;
}

TEST(WatchCli, DamagedStateDatabaseIsRefusedWithAHint) {
  TempDir t;
  fs::create_directories(t / "logs");
  fs::create_directories(t / "state");
  write_file(t / "state/rootguard.db", std::string(4096, 'x'));
  auto r = run_rootguard({"watch", (t / "logs").string(), "--state", (t / "state").string(), "--sink", "stdout",
                          "--once"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("rootguard.db"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("will not reset"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(t / "state/rootguard.db"), std::string(4096, 'x')) << "never silently reset";
}

TEST(WatchCli, BadFlagsAreOneLine) {
  TempDir t;
  auto r = run_rootguard({"watch", (t / "nope").string(), "--sink", "stdout", "--state", (t / "s").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("not a directory"), std::string::npos) << r.err;
  r = run_rootguard({"watch", t.path().string(), "--state", (t / "s").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--sink"), std::string::npos) << r.err;
  r = run_rootguard({"watch", t.path().string(), "--sink", "stdout", "--interval", "soon", "--state", (t / "s").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--interval"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rg::test
