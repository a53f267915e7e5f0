// `rootguard rules sql`: the DuckDB query, run by DuckDB over the sample trails loaded into the
// table AWS documents for Athena, returns exactly the findings `scan` returns for every rule
// it expresses; the Athena and Trino queries match their golden files and parse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "core/strings.h"
#include "node_tools.h"
#include "test_util.h"

namespace rg::test {
namespace {

namespace fs = std::filesystem;

using Pairs = std::set<std::pair<std::string, std::string>>;  // (rule, eventID)

Pairs pairs_in(const std::string& jsonl, const std::regex& rule, const std::regex& event) {
  Pairs out;
  for (const std::string& line : split(jsonl, '\n')) {
    std::smatch r, e;
    if (std::regex_search(line, r, rule) && std::regex_search(line, e, event)) out.emplace(r[1], e[1]);
  }
  return out;
}

std::vector<std::string> inputs() {
  std::vector<std::string> v{(source_dir() / "examples/cloudtrail").string()};
  const fs::path pub = shared_testdata() / "cloudtrail-public";
  for (const char* d : {"DataDog_stratus-red-team", "OTRF_Security-Datasets", "invictus-ir_Sigma-AWS",
                        "awsdocs_aws-cloudtrail-user-guide", "flosell_trailscraper"})
    if (fs::exists(pub / d)) v.push_back((pub / d).string());
  return v;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::vector<std::string> env() {
  std::vector<std::string> e;
  if (const char* p = std::getenv("PATH")) e.push_back(std::string("PATH=") + p);
  if (const char* h = std::getenv("HOME")) e.push_back(std::string("HOME=") + h);
  return e;
}

// Runs the DuckDB query of the rules (built-ins plus `rules`) and `scan` with the same rules
// over the inputs: the (rule, eventID) pairs they give.
void expect_duckdb_equals_scan(const std::vector<std::string>& rules, Pairs* found = nullptr) {
  TempDir t;
  std::vector<std::string> sql_args{"rules", "sql", "--dialect", "duckdb"};
  sql_args.insert(sql_args.end(), rules.begin(), rules.end());
  auto sql = run_rootguard(sql_args);
  ASSERT_EQ(sql.status, 0) << sql.err;
  write_file(t / "q.sql", sql.out);
  // What the query leaves out is named, in the header and on stderr.
  std::set<std::string> skipped;
  static const std::regex skip_line(R"(^--   (\S+) \()");
  for (const std::string& line : split(sql.out, '\n')) {
    std::smatch m;
    if (std::regex_search(line, m, skip_line)) skipped.insert(m[1]);
  }
  EXPECT_EQ(skipped, (std::set<std::string>{"D04B", "D21", "D22"})) << sql.out.substr(0, 800);
  for (const std::string& id : skipped) EXPECT_NE(sql.err.find(id + " is not expressible in SQL"), std::string::npos);

  std::vector<std::string> argv{"/usr/bin/env", "node", (node_dir() / "duckdb_sql.mjs").string(), (t / "q.sql").string()};
  std::vector<std::string> scan_args{"scan", "--format", "jsonl"};
  for (const std::string& r : rules) scan_args.insert(scan_args.end(), {"--rules", r});
  for (const std::string& in : inputs()) {
    argv.push_back(in);
    scan_args.push_back(in);
  }
  CommandResult duck = run_with_env(argv, env());
  ASSERT_EQ(duck.status, 0) << duck.err;
  RunResult scan = run_rootguard(scan_args);
  ASSERT_LE(scan.status, 2) << scan.err;

  // Both read the same events.
  std::smatch loaded, scanned;
  ASSERT_TRUE(std::regex_search(duck.err, loaded, std::regex(R"((\d+) events loaded)"))) << duck.err;
  ASSERT_TRUE(std::regex_search(scan.err, scanned, std::regex(R"(, (\d+) events)"))) << scan.err;
  EXPECT_EQ(loaded[1], scanned[1]);

  Pairs got = pairs_in(duck.out, std::regex(R"re("rule":"([^"]+)")re"), std::regex(R"re("event":"([^"]+)")re"));
  Pairs all = pairs_in(scan.out, std::regex(R"re("rule":"([^"]+)")re"), std::regex(R"re("event":\{"id":"([^"]+)")re"));
  Pairs want;
  for (const auto& p : all)
    if (!skipped.count(p.first)) want.insert(p);
  EXPECT_GT(want.size(), have_shared_testdata() ? 40u : 20u);  // the examples alone fire every built-in rule
  EXPECT_EQ(got, want);
  std::set<std::string> ids;
  for (const auto& p : got) ids.insert(p.first);
  EXPECT_TRUE(ids.count("D20") && ids.count("D13N")) << "first_seen correlations run as window functions";
  if (found) *found = got;
}

TEST(RulesSql, DuckDbReturnsExactlyTheFindingsScanReturns) {
  if (!node_ready()) GTEST_SKIP() << "node or tests/node/node_modules not present";
  Pairs plain, filtered;
  expect_duckdb_equals_scan({}, &plain);
  // With the example Sigma filter, both leave out the same findings: the drill's sign-in.
  expect_duckdb_equals_scan({(source_dir() / "examples/filters").string()}, &filtered);
  Pairs gone;
  for (const auto& p : plain)
    if (!filtered.count(p)) gone.insert(p);
  EXPECT_EQ(gone.size(), 2u);
  for (const auto& p : gone) EXPECT_TRUE(p.first == "D02" || p.first == "D20") << p.first;
  for (const auto& p : filtered) EXPECT_TRUE(plain.count(p)) << "a filter only leaves findings out";
}

// Rules comparing two fields of an event (`fieldref`, with endswith, contains|cased and
// startswith under `not`): DuckDB's SQL finds exactly what scan finds.
TEST(RulesSql, FieldReferencesInSqlMatchScan) {
  if (!node_ready()) GTEST_SKIP() << "node or tests/node/node_modules not present";
  Pairs found;
  expect_duckdb_equals_scan({(source_dir() / "tests/fixtures/rules-fieldref").string()}, &found);
  std::map<std::string, int> per_rule;
  for (const auto& p : found) ++per_rule[p.first];
  for (const char* id : {"FR1", "FR2", "FR3", "FR4"}) EXPECT_GT(per_rule[id], 0) << id;
}

// Rules with `neq` (a list of regions, a number, another field, a cased type): DuckDB's SQL
// finds exactly what scan finds.
TEST(RulesSql, NotEqualInSqlMatchesScan) {
  if (!node_ready()) GTEST_SKIP() << "node or tests/node/node_modules not present";
  Pairs found;
  expect_duckdb_equals_scan({(source_dir() / "tests/fixtures/rules-neq").string()}, &found);
  std::map<std::string, int> per_rule;
  for (const auto& p : found) ++per_rule[p.first];
  for (const char* id : {"NQ1", "NQ2", "NQ3", "NQ4"}) EXPECT_GT(per_rule[id], 0) << id;
}

TEST(RulesSql, AthenaAndTrinoMatchTheirGoldenFilesAndParse) {
  const fs::path dir = source_dir() / "tests/fixtures/sql";
  struct Case {
    const char* file;
    std::vector<std::string> args;
  } cases[] = {
      {"athena.sql", {"rules", "sql", "--dialect", "athena"}},
      {"trino-partitioned.sql",
       {"rules", "sql", "--dialect", "trino", "--partitions", "timestamp", "--since", "2026-11-01T00:00:00Z", "--until",
        "2026-12-01T00:00:00Z", "--account", "111122223333", "--table", "org_trail"}},
  };
  for (const Case& c : cases) {
    auto r = run_rootguard(c.args);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, read_file(dir / c.file))
        << c.file << " is stale: regenerate it with `rootguard " << joined(c.args) << " > tests/fixtures/sql/"
        << c.file << "`";
  }
  const std::string trino = read_file(dir / "trino-partitioned.sql");
  EXPECT_NE(trino.find("\"timestamp\" >= '2026/11/01' AND \"timestamp\" <= '2026/11/30'"), std::string::npos);
  EXPECT_NE(trino.find("FROM org_trail"), std::string::npos);
  // first_seen looks back its timespan before --since (D13N: 7 days).
  EXPECT_NE(trino.find("eventtime >= '2026-10-25T00:00:00Z'"), std::string::npos);
  if (!node_ready()) GTEST_SKIP() << "node or tests/node/node_modules not present";
  CommandResult parsed = run_with_env({"/usr/bin/env", "node", (node_dir() / "duckdb_parse.mjs").string(), (dir / "athena.sql").string(),
                                       (dir / "trino-partitioned.sql").string()},
                                      env());
  EXPECT_EQ(parsed.status, 0) << parsed.out << parsed.err;
  EXPECT_EQ(std::count(parsed.out.begin(), parsed.out.end(), '\n'), 2) << parsed.out;
}

TEST(RulesSql, WhatCannotBeExpressedIsListedWithItsReason) {
  TempDir t;
  write_file(t / "r.yml", R"(title: keyword
id: 00000000-0000-4000-8000-0000000000a1
logsource: {product: aws, service: cloudtrail}
detection:
    words: ['mimikatz']
    condition: words
level: high
---
title: ipv6 range
id: 00000000-0000-4000-8000-0000000000a2
logsource: {product: aws, service: cloudtrail}
detection:
    sel: {sourceIPAddress|cidr: '2001:db8::/32'}
    condition: sel
level: high
---
title: not a column
id: 00000000-0000-4000-8000-0000000000a3
logsource: {product: aws, service: cloudtrail}
detection:
    sel: {managementEvent: false}
    condition: sel
level: high
---
title: "it's 50% of a_b"
id: 00000000-0000-4000-8000-0000000000a4
logsource: {product: aws, service: cloudtrail}
detection:
    sel: {eventName|contains: "50%_it's"}
    condition: sel
level: low
)");
  auto r = run_rootguard({"rules", "sql", "--no-builtin", "--dialect", "duckdb", t.path().string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("-- rootguard rules sql --dialect duckdb: 1 rule over cloudtrail_logs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("keyword search (no field) needs the raw record"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("IPv6 CIDR"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("field 'managementEvent' is not a column of the CloudTrail table"), std::string::npos) << r.out;
  // Quotes are doubled and LIKE's wildcards escaped.
  EXPECT_NE(r.out.find("'it''s 50% of a_b' AS title"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lower(eventname) LIKE '%50\\%\\_it''s%' ESCAPE '\\'"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << r.err;

  auto bad = run_rootguard({"rules", "sql", "--since", "yesterday"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--since: not an ISO-8601 time or a duration before now (90m, 24h, 7d): yesterday"), std::string::npos) << bad.err;
  bad = run_rootguard({"rules", "sql", "--table", "x; DROP TABLE y"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("is not a table name"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace rg::test
