// rootguard scan, driven through the real binary: examples, formats, filters, exit statuses.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>
#include <sstream>

#include "core/time.h"
#include "test_util.h"

namespace rg::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::set<std::string> rule_ids_in(const std::string& jsonl) {
  std::set<std::string> ids;
  simdjson::dom::parser p;
  for (const std::string& l : lines_of(jsonl)) {
    simdjson::dom::element e;
    EXPECT_FALSE(p.parse(l).get(e)) << l;
    std::string_view id;
    EXPECT_FALSE(e["rule"].get_string().get(id)) << l;
    ids.insert(std::string(id));
  }
  return ids;
}

std::set<std::string> builtin_rule_ids() {
  std::set<std::string> ids;
  for (const auto& e : fs::directory_iterator(source_dir() / "rules"))
    if (e.path().extension() == ".yml") {
      const std::string name = e.path().filename().string();
      ids.insert(name.substr(0, name.find('_')));  // "D04B_root_login_brute_force.yml" -> D04B
    }
  return ids;
}

fs::path examples() { return source_dir() / "examples/cloudtrail"; }
fs::path clean_example() { return examples() / "clean"; }

TEST(ScanCli, EveryBuiltinRuleFiresOnTheExamples) {
  auto r = run_rootguard({"scan", "--format", "jsonl", examples().string()});
  EXPECT_EQ(r.status, 1) << r.err;
  std::set<std::string> want = builtin_rule_ids();
  ASSERT_EQ(want.size(), 24u);  // D01-D19 single-event, D04B D13N D20 D21 D22 correlations
  EXPECT_EQ(rule_ids_in(r.out), want);
  EXPECT_EQ(r.err.find("error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(", 0 errors"), std::string::npos) << r.err;
}

TEST(ScanCli, TheCleanExampleGivesNothing) {
  auto r = run_rootguard({"scan", clean_example().string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("scanned 1 file, 120 events"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("0 findings, 0 errors"), std::string::npos) << r.err;
}

TEST(ScanCli, TextLinesSayWhoWhatWhereAndWhatNext) {
  auto r = run_rootguard({"scan", "--color", "never", examples().string()});
  EXPECT_EQ(r.status, 1);
  bool seen = false;
  for (const std::string& l : lines_of(r.out)) {
    if (l.find(" D03 ") == std::string::npos) continue;
    seen = true;
    EXPECT_NE(l.find("2026-11-20T10:05:10Z  111122223333  us-east-1  CRITICAL  D03 "), std::string::npos) << l;
    EXPECT_NE(l.find("by arn:aws:iam::111122223333:root from 203.0.113.66"), std::string::npos) << l;
    EXPECT_NE(l.find("ConsoleLogin  MFA no"), std::string::npos) << l;
    EXPECT_NE(l.find("next: "), std::string::npos) << l;
  }
  EXPECT_TRUE(seen) << r.out;
  EXPECT_EQ(r.out.find("\x1b["), std::string::npos);
  auto c = run_rootguard({"scan", "--color", "always", examples().string()});
  EXPECT_NE(c.out.find("\x1b[1;31mCRITICAL\x1b[0m"), std::string::npos);
}

// The example Sigma filter (examples/filters) takes the planned break-glass sign-in out of the
// rules it names, and nothing else: the session's later calls and every other finding stay.
TEST(ScanCli, ASigmaFilterLeavesOutThePlannedSignInOnly) {
  const std::string config = (source_dir() / "examples/rootguard.yaml").string();
  auto plain = run_rootguard({"scan", "--color", "never", "--config", config, examples().string()});
  auto filtered = run_rootguard({"scan", "--color", "never", "--config", config, "--rules",
                                 (source_dir() / "examples/filters").string(), examples().string()});
  EXPECT_EQ(filtered.status, 1) << filtered.err;
  EXPECT_EQ(filtered.err.find("error:"), std::string::npos) << filtered.err;
  // D01, D02 and D20's part matched the sign-in; the filter says so.
  EXPECT_NE(filtered.err.find("mf_break_glass_drill.yml: Sigma filter '5b0f3c2e-8a41-4d7e-9c55-1e2f6a7b8c90' left out 3 "
                              "matches of the rules it names"),
            std::string::npos)
      << filtered.err;
  std::vector<std::string> gone;
  std::vector<std::string> kept = lines_of(filtered.out);
  for (const std::string& l : lines_of(plain.out))
    if (std::find(kept.begin(), kept.end(), l) == kept.end()) gone.push_back(l.substr(0, l.find("  by ")));
  EXPECT_EQ(gone, (std::vector<std::string>{
                      "2026-11-20T10:30:00Z  111122223333  us-east-1  HIGH  D02 Root console sign-in",
                      "2026-11-20T10:30:00Z  111122223333  us-east-1  HIGH  D20 Root sign-in from a new, untrusted source IP"}))
      << filtered.out;
  EXPECT_EQ(kept.size() + 2, lines_of(plain.out).size());
  EXPECT_NE(filtered.out.find("2026-11-20T10:31:15Z  111122223333  us-east-1  HIGH  D01 Root user activity"), std::string::npos);

  // A typo in the rules it names is one line naming the file, and exit status 2.
  rg::test::TempDir dir;
  rg::test::write_file(dir / "mf_typo.yml",
                       "title: typo\nlogsource: {product: aws}\nfilter:\n    rules: [D2]\n"
                       "    s: {sourceIPAddress: 198.51.100.24}\n    condition: not s\n");
  auto typo = run_rootguard({"scan", "--rules", dir.path().string(), examples().string()});
  EXPECT_EQ(typo.status, 2);
  EXPECT_NE(typo.err.find("mf_typo.yml:4:5: filter 'mf_typo' refers to unknown rule 'D2'"), std::string::npos) << typo.err;
}

// A repeatable flag takes one value each time: the paths after it are paths, not more rule
// folders or account ids (CLI11 gives a vector flag every word up to the next flag otherwise).
TEST(ScanCli, RepeatableFlagsTakeOneValueEach) {
  const std::string a = (examples() / "111122223333_CloudTrail_us-east-1_20261120T1020Z_3xQk9rTzWm1aBcDe.json.gz").string();
  const std::string b = (examples() / "222233334444_CloudTrail_us-east-1_20261121T2230Z_Bf7rQ2mZk9LwXy4T.json.gz").string();
  const std::string rules = (source_dir() / "bench/rules").string();
  auto r = run_rootguard({"scan", "--rules", rules, "--account", "111122223333", "--account", "222233334444",
                          "--region", "us-east-1", a, b, clean_example().string()});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("scanned 3 files, 141 events"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find(" 222233334444 "), std::string::npos);
  auto two = run_rootguard({"scan", "--account", "111122223333", "222233334444", a});
  EXPECT_EQ(two.status, 2) << "the second id is a path that does not exist: " << two.err;
  EXPECT_NE(two.err.find("222233334444"), std::string::npos) << two.err;
}

TEST(ScanCli, OutputIsTheSameWhateverTheJobs) {
  std::vector<std::string> paths{examples().string()};
  if (fs::exists(shared_testdata() / "cloudtrail-public")) paths.push_back((shared_testdata() / "cloudtrail-public").string());
  std::vector<std::string> a{"scan", "--format", "jsonl", "-j", "1"}, b{"scan", "--format", "jsonl", "-j", "2"};
  a.insert(a.end(), paths.begin(), paths.end());
  b.insert(b.end(), paths.begin(), paths.end());
  auto r1 = run_rootguard(a), r2 = run_rootguard(b);
  EXPECT_EQ(r1.status, r2.status);
  EXPECT_FALSE(r1.out.empty());
  EXPECT_EQ(r1.out, r2.out);
  // ordered by event time
  std::string prev;
  simdjson::dom::parser p;
  for (const std::string& l : lines_of(r1.out)) {
    simdjson::dom::element e;
    ASSERT_FALSE(p.parse(l).get(e));
    int64_t ms = 0;
    ASSERT_FALSE(e["event"]["time_ms"].get_int64().get(ms));
    std::string key = std::to_string(1000000000000000 + ms);
    EXPECT_LE(prev, key);
    prev = key;
  }
}

// The AVX-512, AVX2 and baseline code paths (framing, prefilter; core/cpu.h) give the same
// findings and the same errors, over the examples, the public trails and broken files.
TEST(ScanCli, OutputIsTheSameWithoutVectorCode) {
  std::vector<std::string> args{"scan", "--format", "jsonl", "-j", "1", examples().string()};
  if (fs::exists(shared_testdata() / "cloudtrail-public")) args.push_back((shared_testdata() / "cloudtrail-public").string());
  TempDir tmp;
  write_file(tmp.path() / "deep.json", "{\"Records\":[" + std::string(600, '[') + std::string(600, ']') + "," +
                                           "{\"eventName\":\"ConsoleLogin\",\"userIdentity\":{\"type\":\"Root\"}}]}");
  write_file(tmp.path() / "cut.json", "{\"Records\":[{\"userIdentity\":{\"type\":\"Root\"},\"a\":[{\"b\":\"}\\\"{\"}");
  // userIdentity's "type" key spelled with a \u escape, past the first vector blocks: only the
  // prefilter's "\u" lets the record through, at every level.
  write_file(tmp.path() / "escaped.json",
             "{\"Records\":[{\"eventVersion\":\"1.08\",\"userAgent\":\"" + std::string(150, 'a') +
                 "\",\"userIdentity\":{\"\\u0074ype\":\"Root\",\"arn\":\"arn:aws:iam::111122223333:root\"},"
                 "\"eventTime\":\"2026-11-20T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\","
                 "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"203.0.113.9\",\"eventID\":\"escaped-root-1\","
                 "\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"111122223333\"}]}");
  args.push_back(tmp.path().string());
  auto fast = run_rootguard(args);  // the best this machine has
  ASSERT_EQ(setenv("RG_SIMD", "avx2", 1), 0);
  auto avx2 = run_rootguard(args);
  ASSERT_EQ(setenv("RG_SIMD", "baseline", 1), 0);
  auto base = run_rootguard(args);
  unsetenv("RG_SIMD");
  EXPECT_EQ(fast.out, avx2.out);
  EXPECT_EQ(fast.status, 2);  // the broken files
  EXPECT_EQ(fast.status, base.status);
  EXPECT_FALSE(fast.out.empty());
  EXPECT_NE(fast.out.find("escaped-root-1"), std::string::npos);
  EXPECT_EQ(fast.out, base.out);
  auto errors = [](const std::string& err) {
    std::string out;
    for (const std::string& l : lines_of(err))
      if (l.find("error") != std::string::npos && l.find("scanned") == std::string::npos) out += l + "\n";
    return out;
  };
  EXPECT_NE(errors(fast.err), "");
  EXPECT_EQ(errors(fast.err), errors(base.err));
}

// A mistyped RG_SIMD is named in one warning line and ignored: the same findings, the same status.
TEST(ScanCli, UnknownSimdSettingIsAWarning) {
  std::vector<std::string> args{"scan", "--format", "jsonl", examples().string()};
  auto plain = run_rootguard(args);
  ASSERT_EQ(setenv("RG_SIMD", "sse9", 1), 0);
  auto typo = run_rootguard(args);
  unsetenv("RG_SIMD");
  EXPECT_EQ(typo.status, plain.status);
  EXPECT_EQ(typo.out, plain.out);
  std::size_t warnings = 0;
  for (const std::string& l : lines_of(typo.err))
    if (l.find("RG_SIMD") != std::string::npos) {
      ++warnings;
      EXPECT_NE(l.find("rootguard: warning: RG_SIMD: unknown value 'sse9'"), std::string::npos) << l;
    }
  EXPECT_EQ(warnings, 1u) << typo.err;
  EXPECT_EQ(plain.err.find("RG_SIMD"), std::string::npos);
}

TEST(ScanCli, StdinAndGzipByContent) {
  std::string gz = read_file(examples() / "111122223333_CloudTrail_us-east-1_20261120T1020Z_3xQk9rTzWm1aBcDe.json.gz");
  auto r = run_rootguard({"scan", "--format", "jsonl", "-"}, gz);
  EXPECT_EQ(r.status, 1) << r.err;
  auto ids = rule_ids_in(r.out);
  EXPECT_TRUE(ids.count("D03"));
  EXPECT_TRUE(ids.count("D10"));
  EXPECT_NE(r.out.find("\"input\":\"-:"), std::string::npos);
}

TEST(ScanCli, OcsfDetectionFindings) {
  auto r = run_rootguard({"scan", "--format", "ocsf", examples().string()});
  EXPECT_EQ(r.status, 1);
  auto ls = lines_of(r.out);
  ASSERT_FALSE(ls.empty());
  simdjson::dom::parser p;
  for (const std::string& l : ls) {
    simdjson::dom::element e;
    ASSERT_FALSE(p.parse(l).get(e)) << l;
    int64_t cls = 0, sev = 0, type = 0;
    EXPECT_FALSE(e["class_uid"].get_int64().get(cls));
    EXPECT_EQ(cls, 2004);
    EXPECT_FALSE(e["type_uid"].get_int64().get(type));
    EXPECT_EQ(type, 200401);
    EXPECT_FALSE(e["severity_id"].get_int64().get(sev));
    EXPECT_GE(sev, 1);
    EXPECT_LE(sev, 5);
    std::string_view uid, provider;
    EXPECT_FALSE(e["finding_info"]["analytic"]["uid"].get_string().get(uid));
    EXPECT_TRUE(uid.size() == 3u || uid.size() == 4u) << uid;  // D03, D04B
    EXPECT_FALSE(e["cloud"]["provider"].get_string().get(provider));
    EXPECT_EQ(provider, "AWS");
  }
}

// A usage error is one line naming the help to read; a command name with a typo says so
// rather than that a command is missing.
TEST(ScanCli, UsageErrorsAreOneLineNamingTheHelp) {
  auto typo = run_rootguard({"scna", examples().string()});
  EXPECT_EQ(typo.status, 2);
  EXPECT_EQ(typo.out, "");
  EXPECT_EQ(typo.err, "rootguard: error: unknown command 'scna'; one of: scan, rules, audit, harden, password, emails, "
                      "collect, case, timeline, watch (rootguard --help)\n");
  auto no_path = run_rootguard({"scan"});
  EXPECT_EQ(no_path.status, 2);
  EXPECT_EQ(no_path.err, "rootguard: error: PATH is required (rootguard scan --help)\n");
  auto bad_flag = run_rootguard({"rules", "sql", "--dialect", "oracle"});
  EXPECT_EQ(bad_flag.status, 2);
  EXPECT_EQ(std::count(bad_flag.err.begin(), bad_flag.err.end(), '\n'), 1) << bad_flag.err;
  EXPECT_NE(bad_flag.err.find("(rootguard rules sql --help)"), std::string::npos) << bad_flag.err;
  // A severity is checked as the flag is read, the same way by every command, and nothing is
  // begun on a typo: case import makes no state store.
  auto sev = run_rootguard({"scan", "--min-severity", "hgh", examples().string()});
  EXPECT_EQ(sev.status, 2);
  EXPECT_EQ(sev.err,
            "rootguard: error: --min-severity: 'hgh' is not a severity (info, low, medium, high, critical) "
            "(rootguard scan --help)\n");
  rg::test::TempDir t;
  auto imp = run_rootguard({"case", "--state", (t / "state").string(), "import", "--min-severity", "hgh", "x.jsonl"});
  EXPECT_EQ(imp.status, 2);
  EXPECT_NE(imp.err.find("'hgh' is not a severity"), std::string::npos) << imp.err;
  EXPECT_FALSE(std::filesystem::exists(t / "state"));
  EXPECT_EQ(run_rootguard({"audit", "--fail-on", "severe", examples().string()}).status, 2);
  EXPECT_EQ(run_rootguard({"scan", "--min-severity", "HIGH", examples().string()}).status, 1);
}

// --endpoint-url needs a scheme and a host, as the AWS CLI does; plain HTTP off this machine is
// taken with a warning; a password in the URL is never echoed.
TEST(ScanCli, EndpointUrlIsCheckedAndPlainHttpOffThisMachineIsWarnedOf) {
  auto no_scheme = run_rootguard({"scan", "--endpoint-url", "localhost:4566", examples().string()});
  EXPECT_EQ(no_scheme.status, 2);
  EXPECT_EQ(no_scheme.err,
            "rootguard: error: --endpoint-url: not an endpoint URL (http://HOST[:PORT] or https://HOST[:PORT]): "
            "localhost:4566 (rootguard scan --help)\n");
  auto secret = run_rootguard({"watch", "--once", "--endpoint-url", "http://admin:hunter2@minio.lan:9000", "."});
  EXPECT_EQ(secret.status, 2);
  EXPECT_EQ(secret.err.find("hunter2"), std::string::npos) << secret.err;
  auto local = run_rootguard({"scan", "--endpoint-url", "http://127.0.0.1:4566", examples().string()});
  EXPECT_EQ(local.status, 1) << local.err;
  EXPECT_EQ(local.err.find("warning"), std::string::npos) << "a local test endpoint is not warned of: " << local.err;
  auto lan = run_rootguard({"scan", "--endpoint-url", "http://minio.lan:9000", examples().string()});
  EXPECT_EQ(lan.status, 1) << lan.err;
  EXPECT_NE(lan.err.find("rootguard: warning: --endpoint-url http://minio.lan:9000 is plain HTTP"), std::string::npos)
      << lan.err;
  EXPECT_EQ(run_rootguard({"collect", "--endpoint-url", "ftp://x", "-o", "snap"}).status, 2);
}

TEST(ScanCli, Filters) {
  auto all = lines_of(run_rootguard({"scan", "--format", "jsonl", examples().string()}).out);
  auto since = run_rootguard({"scan", "--format", "jsonl", "--since", "2026-11-20T12:00:00Z", "--until", "2026-11-20T13:00Z", examples().string()});
  EXPECT_EQ(since.status, 1);
  EXPECT_EQ(rule_ids_in(since.out), (std::set<std::string>{"D10", "D15", "D16", "D17", "D18", "D19"}));
  auto acct = run_rootguard({"scan", "--format", "jsonl", "--account", "444455556666", examples().string()});
  EXPECT_EQ(rule_ids_in(acct.out), (std::set<std::string>{"D11", "D12", "D13", "D13N", "D14"}));
  auto crit = run_rootguard({"scan", "--format", "jsonl", "--min-severity", "critical", examples().string()});
  auto crit_lines = lines_of(crit.out);
  EXPECT_LT(crit_lines.size(), all.size());
  for (const std::string& l : crit_lines) EXPECT_NE(l.find("\"severity\":\"critical\""), std::string::npos) << l;
  auto none = run_rootguard({"scan", "--account", "000000000000", examples().string()});
  EXPECT_EQ(none.status, 0);
  EXPECT_EQ(none.out, "");
  // The console's way of writing an account id is the same account; what is no account id at
  // all is a usage error, not a filter that matches nothing.
  auto dashed = run_rootguard({"scan", "--format", "jsonl", "--account", "4444-5555-6666", examples().string()});
  EXPECT_EQ(dashed.out, acct.out);
  for (const char* bad : {"44445555666", "4444555566667", "44445555666x", "alice"}) {
    auto r = run_rootguard({"scan", "--account", bad, examples().string()});
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_EQ(r.out, "") << bad;
    EXPECT_EQ(r.err, std::string("rootguard: error: --account: not an AWS account id (12 digits, or 1111-2222-3333): ") +
                         bad + " (rootguard scan --help)\n");
  }
  for (const char* bad : {"us-east1", "us-east-1a", "US-EAST-1", "east"}) {
    auto r = run_rootguard({"scan", "--region", bad, examples().string()});
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_EQ(r.err, std::string("rootguard: error: --region: not an AWS region name (such as us-east-1): ") + bad +
                         " (rootguard scan --help)\n");
  }
  for (const char* good : {"us-gov-west-1", "cn-northwest-1", "us-isob-east-1", "eu-central-2"})
    EXPECT_EQ(run_rootguard({"scan", "--region", good, examples().string()}).status, 1) << good;
  EXPECT_EQ(run_rootguard({"scan", "--since", "yesterday", examples().string()}).status, 2);
  // A duration back from now: the examples are of 2026-11-20 and 21.
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const std::int64_t days_back = (now - *parse_iso8601_ms("2026-11-20")) / 86'400'000 + 1;
  auto recent = run_rootguard({"scan", "--format", "jsonl", "--since", std::to_string(days_back) + "d", examples().string()});
  EXPECT_EQ(recent.status, 1);
  EXPECT_EQ(lines_of(recent.out), all);
  auto until = run_rootguard({"scan", "--format", "jsonl", "--until", std::to_string(days_back) + "d", examples().string()});
  EXPECT_EQ(until.status, 0);
  EXPECT_EQ(until.out, "");
  if (days_back > 3) {  // the clock is past the examples' days
    auto last_hour = run_rootguard({"scan", "--since", "1h", examples().string()});
    EXPECT_EQ(last_hour.status, 0);
    EXPECT_EQ(last_hour.out, "");
  }
  auto bare = run_rootguard({"scan", "--since", "3600", examples().string()});  // seconds? epoch? neither
  EXPECT_EQ(bare.status, 2);
  EXPECT_NE(bare.err.find("--since: not an ISO-8601 time or a duration before now"), std::string::npos) << bare.err;
  EXPECT_EQ(run_rootguard({"scan", "--min-severity", "huge", examples().string()}).status, 2);
  // An end before its start is a mistake to tell, not an empty result (scan, timeline, rules sql).
  for (std::vector<std::string> args : {std::vector<std::string>{"scan", "--since", "2026-11-21", "--until", "2026-11-20"},
                                        {"timeline", "--from", "2026-11-21", "--to", "2026-11-20"},
                                        {"rules", "sql", "--since", "2026-11-21", "--until", "2026-11-20"}}) {
    if (args[0] != "rules") args.push_back(examples().string());
    auto swapped = run_rootguard(args);
    EXPECT_EQ(swapped.status, 2) << args[0];
    EXPECT_EQ(swapped.out, "") << args[0];
    EXPECT_NE(swapped.err.find("rootguard: error: " + args[args[0] == "rules" ? 2 : 1] + " 2026-11-21 is after " +
                               args[args[0] == "rules" ? 4 : 3] + " 2026-11-20"),
              std::string::npos)
        << swapped.err;
  }
  // --config naming a directory is an error, not an empty configuration.
  TempDir cfgdir;
  auto dir_config = run_rootguard({"scan", "--config", cfgdir.path().string(), examples().string()});
  EXPECT_EQ(dir_config.status, 2);
  EXPECT_NE(dir_config.err.find(cfgdir.path().string() + ": cannot read config file: is a directory, not a file"),
            std::string::npos)
      << dir_config.err;
  auto instant = run_rootguard({"scan", "--since", "2026-11-20T10:00:00Z", "--until", "2026-11-20T10:00:00Z", examples().string()});
  EXPECT_EQ(instant.status, 0) << instant.err;  // one instant is a window
}

// A copy of a trail bucket on disk (aws s3 sync) is pruned by its key layout, as an s3://
// listing is: the days, accounts and regions the filters rule out are not read, and the
// findings are those of the files that could hold them.
TEST(ScanCli, ACopyOfATrailBucketIsReadOnlyWhereTheFiltersLook) {
  test::TempDir dir;
  const std::string a = "111122223333_CloudTrail_us-east-1_20261120T1020Z_3xQk9rTzWm1aBcDe.json.gz";
  const fs::path layout = dir / "AWSLogs/o-abc123/111122223333/CloudTrail";
  for (const char* day : {"us-east-1/2026/11/20", "us-east-1/2026/11/21", "us-east-1/2026/10/02", "eu-west-1/2026/11/20"}) {
    fs::create_directories(layout / day);
    fs::copy_file(examples() / a, layout / day / a);
  }
  auto window = [&](std::vector<std::string> more) {
    std::vector<std::string> args = {"scan", "--format", "jsonl", "--since", "2026-11-20", "--until", "2026-11-20T23:00Z"};
    args.insert(args.end(), more.begin(), more.end());
    return run_rootguard(args);
  };
  const auto one = window({(layout / "us-east-1/2026/11/20" / a).string()});
  ASSERT_EQ(one.status, 1) << one.err;
  EXPECT_NE(one.err.find("scanned 1 file,"), std::string::npos) << one.err;
  // the day after the window is read too (a file delivered after midnight holds the evening before)
  const auto tree = window({"--region", "us-east-1", dir.path().string()});
  EXPECT_EQ(tree.status, 1) << tree.err;
  EXPECT_NE(tree.err.find("scanned 2 files,"), std::string::npos) << tree.err;
  EXPECT_EQ(rule_ids_in(tree.out), rule_ids_in(one.out));
  const auto regions = window({dir.path().string()});
  EXPECT_NE(regions.err.find("scanned 3 files,"), std::string::npos) << regions.err;
  const auto everything = run_rootguard({"scan", "--format", "jsonl", dir.path().string()});
  EXPECT_NE(everything.err.find("scanned 4 files,"), std::string::npos) << everything.err;
}

TEST(ScanCli, FailOnSetsTheThreshold) {
  fs::path f = examples() / "athena-export-dev.jsonl";  // critical D10/D16 present
  EXPECT_EQ(run_rootguard({"scan", "--fail-on", "critical", f.string()}).status, 1);
  auto r = run_rootguard({"scan", "--fail-on", "critical", "--min-severity", "low", "--account", "000000000000", f.string()});
  EXPECT_EQ(r.status, 0);
}

TEST(ScanCli, BadInputMeansExit2ButFindingsAreStillPrinted) {
  TempDir dir;
  write_file(dir / "broken.json.gz", gzip("{\"Records\":[{\"eventName\":\"x\"").substr(0, 20));
  write_file(dir / "empty.json", "");
  auto r = run_rootguard({"scan", "--format", "jsonl", (dir / "broken.json.gz").string(), (dir / "empty.json").string(),
                          (dir / "missing.json").string(), examples().string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(rule_ids_in(r.out), builtin_rule_ids());
  EXPECT_NE(r.err.find("broken.json.gz"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("empty.json: offset 0: empty input"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("missing.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("3 errors"), std::string::npos) << r.err;
}

// The inputs added later (CloudWatch Logs data, a byte order mark, UTF-16) damaged as they
// come: one line each naming the file and where, the other inputs still scanned, exit 2.
TEST(ScanCli, DamagedCloudWatchLogsAndUtf16InputsCostOneLineEach) {
  TempDir dir;
  const std::string env = R"({"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s",)";
  write_file(dir / "a-cut.json.gz", gzip(env + R"("logEvents":[{"id":"1","message":"{\"eventVersion)"));
  write_file(dir / "b-no-array.json", env + R"("logEvents":{"id":"1"}})");
  write_file(dir / "c-no-message.json", env + R"("logEvents":[{"id":"1","timestamp":1}]})");
  write_file(dir / "d-utf16.json", std::string("\xFF\xFE{\0}\0", 6));
  write_file(dir / "e-bom-cut.json", "\xEF\xBB{}");
  // logEvents well past the first bytes of a gzip file: the envelope is one record, parsed whole
  write_file(dir / "f-envelope.json.gz", gzip(env + R"("subscriptionFilters":[")" + std::string(100, 'x') +
                                               R"("],"logEvents":[{"id":"1","pad":")" + std::string(400, 'x') +
                                               R"(","message":}]})"));
  auto r = run_rootguard({"scan", "--format", "jsonl", dir.path().string(), examples().string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(rule_ids_in(r.out), builtin_rule_ids());
  for (const char* line : {"a-cut.json.gz: offset 86: input ends inside a record",
                           "b-no-array.json: offset 0: CloudWatch Logs data without a logEvents array, record skipped",
                           "c-no-message.json: offset 86: CloudWatch Logs event without a message string, record skipped",
                           "d-utf16.json: offset 0: UTF-16 text, not UTF-8 JSON",
                           "e-bom-cut.json: offset 0: not JSON",
                           "f-envelope.json.gz: offset 0: invalid JSON"})
    EXPECT_NE(r.err.find(line), std::string::npos) << line << "\n" << r.err;
  EXPECT_NE(r.err.find(", 6 errors"), std::string::npos) << r.err;
}

TEST(ScanCli, DigestFilesAreANoteNotAnError) {
  fs::path d = shared_testdata() / "cloudtrail-public/elastic_integrations/packages/aws/data_stream/cloudtrail/_dev/test/pipeline/test-cloudtrail-digest-json.log";
  RG_SKIP_WITHOUT_SHARED_TESTDATA(d);
  auto r = run_rootguard({"scan", d.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("note: "), std::string::npos);
  EXPECT_NE(r.err.find("digest"), std::string::npos);
}

TEST(ScanCli, UserRulesAndNoBuiltin) {
  TempDir dir;
  write_file(dir / "r.yml", R"(title: Mallory did something
id: 5d1c8c0e-0000-4000-8000-000000000001
status: experimental
level: low
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    userIdentity.userName: mallory
  condition: selection
)");
  auto r = run_rootguard({"scan", "--no-builtin", "--rules", (dir / "r.yml").string(), "--format", "jsonl", examples().string()});
  EXPECT_EQ(r.status, 1) << r.err;
  auto ls = lines_of(r.out);
  EXPECT_EQ(ls.size(), 4u);
  for (auto& l : ls) EXPECT_NE(l.find("Mallory did something"), std::string::npos);
}

}  // namespace
}  // namespace rg::test
