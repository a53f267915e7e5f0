// The audit engine: snapshot directories in, Findings out, one account at a time.
//
// audit() reads each snapshot directory (a standalone account, or an Organization with one
// sub-directory per account), runs the catalog's checks on each account, hands the account's
// findings to the report, and drops the account before reading the next: memory stays
// proportional to one account plus the Organization's account list. Bad input is reported to
// Diagnostics (one line each) and the rest goes on; the checks that needed it say UNKNOWN.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "core/finding.h"
#include "posture/account.h"
#include "posture/check.h"
#include "posture/config.h"

namespace rg::posture {

struct AuditOptions {
  std::vector<std::string> only_checks;  // --check R01,R02 (empty: all)
  Severity fail_on = Severity::High;
  std::int64_t now_ms = 0;               // reference time (0: each report's GeneratedTime)
};

struct OrgInfo {
  std::string id, management_account, feature_set;
  std::size_t member_count = 0;
};

struct AccountResult {
  std::string account, name, role, snapshot;
  std::vector<Finding> findings;  // failing first, then by severity (high first), then id
};

struct StatusCounts {
  std::size_t pass = 0, fail = 0, na = 0, unknown = 0, attest = 0;
  void add(FindingStatus s);
  std::size_t total() const { return pass + fail + na + unknown + attest; }
};

struct AuditSummary {
  std::size_t accounts = 0, findings = 0, failed_at_or_above = 0, errors = 0;
  StatusCounts counts;
  std::optional<int> score;  // mean of account scores
};

// What the engine feeds: a report in one format. Called from one thread, in this order:
// begin, account (once per account), end.
class AuditReport {
 public:
  virtual ~AuditReport() = default;
  virtual void begin(const std::vector<const Check*>& checks, const std::optional<OrgInfo>& org,
                     Severity fail_on) = 0;
  virtual void account(const AccountResult& result) = 0;
  virtual void end(const AuditSummary& summary) = 0;
};

// Score of one account's findings (docs/audit-json.md "Scoring"); nullopt if nothing scored.
std::optional<int> score(const std::vector<Finding>& findings);
StatusCounts count(const std::vector<Finding>& findings);

// Runs the checks on one account (used by audit() and by tests).
std::vector<Finding> run_checks(const std::vector<const Check*>& checks, const Account& account, const Org* org,
                                const Config& config, std::int64_t now_ms);

// The checks selected by options.only_checks; unknown ids are reported to diag.
std::vector<const Check*> select_checks(const AuditOptions& options, Diagnostics& diag);

// Audits every snapshot directory, feeding `report`. Returns the totals (errors = diag errors).
AuditSummary audit(const std::vector<std::string>& snapshot_dirs, const Config& config,
                   const AuditOptions& options, AuditReport& report, Diagnostics& diag);

}  // namespace rg::posture
