// scan s3:// sources against a real S3 endpoint (fauxqs from npm) holding a generated
// CloudTrail tree: the listing is pruned by account, region and day before anything else
// is listed (checked on the requests the endpoint received), and objects read back whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include "aws/s3.h"
#include "core/strings.h"
#include "core/time.h"
#include "node_tools.h"
#include "test_util.h"

namespace fs = std::filesystem;
using namespace rg::aws;

namespace {
bool fauxqs_ready() {
  return rg::test::node_ready() && fs::exists(rg::test::node_dir() / "node_modules" / "fauxqs");
}

const fs::path& example_trail_file() {
  static const fs::path p =
      rg::test::source_dir() / "examples/cloudtrail/111122223333_CloudTrail_us-east-1_20261120T1020Z_3xQk9rTzWm1aBcDe.json.gz";
  return p;
}

// A bucket "org-trail" on a real S3 endpoint holding the example trail file under each of
// `dirs` (key prefixes), with the requests it receives logged, and the environment of an AWS
// CLI user pointed at nothing else.
struct TrailBucket {
  rg::test::TempDir tree, dir;
  std::unique_ptr<rg::test::NodeServer> s3;
  std::vector<std::string> env;
  explicit TrailBucket(const std::vector<std::string>& dirs, std::vector<std::string> extra = {}) {
    for (const std::string& d : dirs) {
      fs::create_directories(tree / d);
      fs::copy_file(example_trail_file(), tree / d / example_trail_file().filename());
    }
    std::vector<std::string> args = {"--bucket", "org-trail", "--from", tree.path().string(), "--log",
                                     (dir / "requests.log").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    s3 = std::make_unique<rg::test::NodeServer>("s3_server.mjs", args);
    env = {"HOME=" + dir.path().string(), "PATH=/usr/bin:/bin", "AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
           "AWS_SECRET_ACCESS_KEY=secretsecretsecret", "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true"};
  }
  std::string requests() const { return rg::test::read_file(dir / "requests.log"); }
};
}  // namespace

TEST(S3Scan, ParsesUrls) {
  auto l = parse_s3_url("s3://org-trail/AWSLogs/o-abc123/");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->bucket, "org-trail");
  EXPECT_EQ(l->prefix, "AWSLogs/o-abc123/");
  EXPECT_FALSE(parse_s3_url("s3:///x").ok());
  EXPECT_FALSE(parse_s3_url("/local/path").ok());
}

TEST(S3Scan, ListingIsPrunedByCloudTrailKeyLayoutAndObjectsReadBack) {
  if (!fauxqs_ready()) GTEST_SKIP() << "node or fauxqs (tests/node) absent";
  rg::test::TempDir dir;
  rg::test::NodeServer s3("s3_server.mjs", {"--bucket", "org-trail", "--accounts", "111111111111,222222222222",
                                            "--regions", "us-east-1,eu-west-1", "--days",
                                            "2026-10-31,2026-11-01,2026-11-02,2026-11-03,2026-12-01", "--per-day", "2",
                                            "--log", (dir / "requests.log").string()});
  ASSERT_TRUE(s3.ok());
  Settings settings;
  settings.endpoint_flag = s3.url();
  settings.region = "us-east-1";
  auto client = std::make_shared<Client>(
      [] { return rg::Result<Credentials>(Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"}); }, settings,
      ClientOptions{});
  TrailFilter f;
  f.since_ms = rg::parse_iso8601_ms("2026-11-01T00:00:00Z");
  f.until_ms = rg::parse_iso8601_ms("2026-11-02T23:59:59Z");
  f.accounts = {"222222222222"};
  f.regions = {"eu-west-1"};
  rg::Diagnostics diag(rg::Diagnostics::silent());
  S3Listing listing = list_trail_objects(*client, {"org-trail", "AWSLogs/o-test/"}, f, diag);
  EXPECT_EQ(diag.error_count(), 0u);
  // 2 days x 2 objects, and the day after: a file delivered just after midnight holds the last
  // minutes of the day before (the key's day is the day of delivery)
  ASSERT_EQ(listing.objects.size(), 6u);
  for (const auto& o : listing.objects) {
    EXPECT_NE(o.key.find("/222222222222/CloudTrail/eu-west-1/2026/11/0"), std::string::npos) << o.key;
    EXPECT_GT(o.size, 0u);
  }
  EXPECT_NE(listing.objects.back().key.find("/2026/11/03/"), std::string::npos) << listing.objects.back().key;
  // Pruned: nothing under the other account, the other region, or other months/days was listed.
  std::string log = rg::test::read_file(dir / "requests.log");
  EXPECT_EQ(log.find("111111111111%2FCloudTrail"), std::string::npos) << log;
  EXPECT_EQ(log.find("us-east-1%2F"), std::string::npos) << log;
  EXPECT_EQ(log.find("2026%2F10%2F"), std::string::npos) << log;
  EXPECT_EQ(log.find("2026%2F12%2F"), std::string::npos) << log;
  EXPECT_LE(listing.list_calls, 11);

  // Every object opens and reads back whole (gzip bytes, as uploaded).
  auto sources = s3_sources(client, "org-trail", listing.objects);
  ASSERT_EQ(sources.size(), 6u);
  for (auto& src : sources) {
    EXPECT_TRUE(src.name.starts_with("s3://org-trail/AWSLogs/"));
    auto reader = src.open();
    ASSERT_TRUE(reader.ok()) << reader.error().str();
    std::string bytes;
    char buf[4096];
    for (;;) {
      auto n = (*reader)->read(buf, sizeof buf);
      ASSERT_TRUE(n.ok());
      if (*n == 0) break;
      bytes.append(buf, *n);
    }
    EXPECT_EQ(bytes.size(), src.size_hint);
    ASSERT_GE(bytes.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x1f);  // gzip magic
  }
}

// The listing runs depth first a page at a time, yet its objects come in key order: prefixes
// sort among the objects beside them ("a-b/" before "a.json" before "a/" before "a0.json").
// A trail's layout listed in one-key pages gives the same objects. (Only the layout: the test
// endpoint pages a level that holds both objects and prefixes unlike S3, resuming after the
// page's last object even when a prefix sorts after it.) Stopping the emitter stops the
// listing.
TEST(S3Scan, ListingComesInKeyOrderPageByPage) {
  if (!fauxqs_ready()) GTEST_SKIP() << "node or fauxqs (tests/node) absent";
  rg::test::TempDir tree;
  const std::vector<std::string> keys = {"x/a0.json", "x/a/b.json", "x/a.json", "x/a-b/c.json", "x/a/a/z.json",
                                         "x/AWSLogs/o-test/111122223333/CloudTrail/us-east-1/2026/11/20/f.json.gz",
                                         "x/AWSLogs/o-test/111122223333/CloudTrail/us-east-1/2026/11/20/e.json.gz",
                                         "x/AWSLogs/o-test/111122223333/CloudTrail/us-east-1/2026/11/21/d.json.gz",
                                         "x/AWSLogs/o-test/111122223333/CloudTrail/eu-west-1/2026/11/21/c.json.gz",
                                         "x/AWSLogs/o-test/444455556666/CloudTrail/us-east-1/2026/11/21/b.json.gz"};
  for (const std::string& k : keys) {
    fs::create_directories((tree / k).parent_path());
    rg::test::write_file(tree / k, k);
  }
  for (const char* page : {"1000", "1"}) {
    SCOPED_TRACE(std::string("pages of ") + page);
    const std::string prefix = std::string(page) == "1" ? "x/AWSLogs/" : "x/";
    std::vector<std::string> want;
    for (const std::string& k : keys)
      if (k.starts_with(prefix)) want.push_back(k);
    std::sort(want.begin(), want.end());
    rg::test::NodeServer s3("s3_server.mjs", {"--bucket", "org-trail", "--from", tree.path().string(), "--max-keys", page});
    ASSERT_TRUE(s3.ok());
    Settings settings;
    settings.endpoint_flag = s3.url();
    settings.region = "us-east-1";
    Client client([] { return rg::Result<Credentials>(Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"}); },
                  settings, ClientOptions{});
    rg::Diagnostics diag(rg::Diagnostics::silent());
    S3Listing listing = list_trail_objects(client, {"org-trail", prefix}, TrailFilter{}, diag);
    EXPECT_EQ(diag.error_count(), 0u);
    std::vector<std::string> got;
    for (const S3Object& o : listing.objects) {
      got.push_back(o.key);
      EXPECT_EQ(o.size, o.key.size());
    }
    EXPECT_EQ(got, want);
    if (std::string(page) == "1") {
      EXPECT_GE(listing.list_calls, static_cast<int>(want.size()) * 2);
    }

    std::vector<std::string> first;
    int calls = 0;
    EXPECT_FALSE(each_trail_object(client, {"org-trail", prefix}, TrailFilter{}, diag, [&](S3Object&& o) {
      first.push_back(o.key);
      return first.size() < 2;
    }, &calls));
    EXPECT_EQ(first, std::vector<std::string>(want.begin(), want.begin() + 2));
    EXPECT_LT(calls, listing.list_calls);
  }
}

// `rootguard scan s3://...` through the binary: the same findings as scanning the same files on
// disk, with the listing pruned (other regions and days are neither listed nor fetched), and a
// missing bucket reported as one line naming it.
TEST(S3Scan, CliFindsTheSameAsTheLocalFilesAndPrunes) {
  if (!fauxqs_ready()) GTEST_SKIP() << "node or fauxqs (tests/node) absent";
  const std::string base = "AWSLogs/o-test/111122223333/CloudTrail/";
  TrailBucket b({base + "us-east-1/2026/11/20", base + "eu-west-1/2026/11/20", base + "us-east-1/2026/11/25"});
  ASSERT_TRUE(b.s3->ok());
  const rg::test::TempDir& tree = b.tree;
  const std::vector<std::string>& env = b.env;
  const std::vector<std::string> window = {"--since", "2026-11-20T00:00:00Z", "--until", "2026-11-21T00:00:00Z",
                                           "--format", "jsonl"};
  std::vector<std::string> remote = {RG_BINARY, "scan", "s3://org-trail/AWSLogs/o-test/", "--endpoint-url", b.s3->url(),
                                     "--region", "us-east-1", "--account", "111122223333"};
  remote.insert(remote.end(), window.begin(), window.end());
  auto r = rg::test::run_with_env(remote, env);
  ASSERT_EQ(r.status, 1) << r.err;  // findings
  std::vector<std::string> here = {RG_BINARY, "scan", (tree / (base + "us-east-1/2026/11/20")).string(), "--account",
                                   "111122223333"};
  here.insert(here.end(), window.begin(), window.end());
  auto l = rg::test::run_with_env(here, env);
  ASSERT_EQ(l.status, 1) << l.err;
  ASSERT_FALSE(l.out.empty());
  auto normal = [](std::string s, const std::string& from) {
    for (auto p = s.find(from); p != std::string::npos; p = s.find(from)) s.replace(p, from.size(), "<input>/");
    return s;
  };
  EXPECT_EQ(normal(r.out, "s3://org-trail/" + base + "us-east-1/2026/11/20/"),
            normal(l.out, (tree / (base + "us-east-1/2026/11/20")).string() + "/"));
  EXPECT_NE(r.err.find("scanned 1 file"), std::string::npos) << r.err;
  std::string log = b.requests();
  EXPECT_EQ(log.find("eu-west-1%2F"), std::string::npos) << log;
  EXPECT_EQ(log.find("2026/11/25"), std::string::npos) << log;
  EXPECT_EQ(log.find("eu-west-1/2026"), std::string::npos) << log;

  // A connection dropped in the middle of every object's first transfer: the retry resumes the
  // stream where it stopped, and the findings are the same.
  rg::test::NodeServer flaky("s3_server.mjs", {"--bucket", "org-trail", "--from", tree.path().string(), "--cut-once", "700"});
  ASSERT_TRUE(flaky.ok());
  auto again = remote;
  again[4] = flaky.url();
  auto f = rg::test::run_with_env(again, env);
  EXPECT_EQ(f.status, 1) << f.err;
  EXPECT_EQ(f.out, r.out);

  auto missing = rg::test::run_with_env({RG_BINARY, "scan", "s3://no-such-bucket/AWSLogs/", "--endpoint-url", b.s3->url()}, env);
  EXPECT_EQ(missing.status, 2) << missing.err;
  EXPECT_NE(missing.err.find("s3://no-such-bucket/AWSLogs/: NoSuchBucket"), std::string::npos) << missing.err;
}

// `rootguard watch s3://...`: each poll lists only the days within --lookback and scans the
// objects it has not seen; a second poll finds nothing new.
TEST(S3Watch, PollsRecentDaysAndScansEachObjectOnce) {
  if (!fauxqs_ready()) GTEST_SKIP() << "node or fauxqs (tests/node) absent";
  auto day_path = [](std::int64_t ms) {
    std::string iso = rg::format_iso8601(ms);  // YYYY-MM-DDT...
    return iso.substr(0, 4) + "/" + iso.substr(5, 2) + "/" + iso.substr(8, 2);
  };
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const std::string base = "AWSLogs/o-test/111122223333/CloudTrail/us-east-1/";
  const std::string today = day_path(now), old = day_path(now - 10 * 86400000LL);
  TrailBucket b({base + today, base + old});
  ASSERT_TRUE(b.s3->ok());
  const rg::test::TempDir& dir = b.dir;
  const std::vector<std::string>& env = b.env;
  const fs::path& example = example_trail_file();
  const std::vector<std::string> watch = {RG_BINARY, "watch", "s3://org-trail/AWSLogs/o-test/", "--endpoint-url", b.s3->url(),
                                          "--state", (dir / "state").string(), "--sink",
                                          "file:" + (dir / "alerts.jsonl").string(), "--once"};
  auto w = rg::test::run_with_env(watch, env);
  ASSERT_EQ(w.status, 0) << w.err;
  EXPECT_NE(w.err.find("1 files done (1 since last)"), std::string::npos) << w.err;
  auto local = rg::test::run_with_env({RG_BINARY, "scan", example.string(), "--format", "jsonl"}, env);
  const std::string alerts = rg::test::read_file(dir / "alerts.jsonl");
  auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  EXPECT_EQ(lines(alerts), lines(local.out));
  EXPECT_GT(lines(alerts), 0);
  std::string log = b.requests();
  std::string old_encoded = old;
  for (auto p = old_encoded.find('/'); p != std::string::npos; p = old_encoded.find('/')) old_encoded.replace(p, 1, "%2F");
  EXPECT_EQ(log.find(old), std::string::npos) << "days outside --lookback are not listed:\n" << log;
  EXPECT_EQ(log.find(old_encoded), std::string::npos) << "days outside --lookback are not listed:\n" << log;
  EXPECT_NE(log.find(today.substr(0, 4)), std::string::npos) << log;
  auto again = rg::test::run_with_env(watch, env);
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.err.find("1 files done (0 since last)"), std::string::npos) << again.err;
  EXPECT_EQ(rg::test::read_file(dir / "alerts.jsonl"), alerts);

  // A bucket that is not there: one line naming it, exit status 2, nothing marked done.
  auto missing = rg::test::run_with_env({RG_BINARY, "watch", "s3://no-such-bucket/AWSLogs/", "--endpoint-url",
                                         b.s3->url(), "--state", (dir / "state2").string(), "--sink", "stdout", "--once"},
                                        env);
  EXPECT_EQ(missing.status, 2) << missing.err;
  EXPECT_NE(missing.err.find("s3://no-such-bucket/AWSLogs/: NoSuchBucket"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("0 files done"), std::string::npos) << missing.err;
}
