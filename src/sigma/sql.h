// The loaded rules as one SQL query over the CloudTrail table AWS documents for Athena
// (`CREATE EXTERNAL TABLE cloudtrail_logs (eventversion STRING, useridentity STRUCT<...>, ...)`),
// for hunting years of history where it already lies: Athena, Trino, or DuckDB.
//
// Each rule that is reported on its own becomes one SELECT of the rows it matches, with the
// same semantics as the scan engine where SQL can hold them: case-insensitive strings (lower()
// on both sides) unless |cased, Sigma wildcards as LIKE with an escape character, numbers and
// comparisons through TRY_CAST, CIDRs as IPv4 ranges, supersedes as "and no superseding rule
// matches". Fields map to the table's columns: struct fields by dot, and paths inside the JSON
// text columns (requestParameters, responseElements, additionalEventData,
// serviceEventDetails) through the dialect's JSON function. `first_seen` correlations become a
// window function (LAG over the group); the counting correlations restart their count after
// each finding, which a window function cannot do, so they are listed as not expressible.
//
// Nothing is dropped silently: every rule or correlation that cannot be expressed is returned
// in `skipped` with the reason, and the query's header comment lists them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sigma/ruleset.h"

namespace rg::sigma {

enum class SqlDialect { Athena, Trino, DuckDb };

// How the table is partitioned (the two layouts AWS documents).
enum class SqlPartitions {
  None,            // no partition columns
  RegionYearMonthDay,  // PARTITIONED BY (region, year, month, day)
  Timestamp,       // partition projection: `timestamp` = 'yyyy/MM/dd'
};

struct SqlOptions {
  SqlDialect dialect = SqlDialect::Athena;
  std::string table = "cloudtrail_logs";
  SqlPartitions partitions = SqlPartitions::None;
  std::optional<std::int64_t> since_ms, until_ms;  // eventTime window (and partition pruning)
  std::vector<std::string> accounts;               // recipientAccountId
  std::vector<std::string> regions;                // awsRegion (and the region partition)
};

struct SqlSkipped {
  std::string id;
  std::string file;
  std::string reason;
};

struct SqlQuery {
  std::string text;                  // the whole query, with its header comment
  std::vector<std::string> rules;    // ids expressed, in output order
  std::vector<SqlSkipped> skipped;
};

SqlQuery rules_to_sql(const RuleSet& rules, const SqlOptions& opts);

}  // namespace rg::sigma
