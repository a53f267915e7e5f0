// A posture check: typed metadata plus a pure function of the collected data.
//
// One check lives in one file, src/posture/checks/<family>/<id>_<name>.cpp, with its test
// beside it and fixtures in tests/fixtures/posture/<id>/. The file defines a `Check` whose
// metadata is written with designated initializers (a misspelt field does not build), and the
// explicit list in catalog.cpp names every check. A check reads the Account (and the Org
// around it, null for a standalone account) and the Config; it does no I/O, reads no clock
// (the reference time comes in CheckInput), and returns one Finding per subject, each with a
// status and a one-line reason quoting the evidence.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"
#include "posture/account.h"
#include "posture/config.h"

namespace rg::posture {

// CIS AWS Foundations Benchmark ids by version ("" when the version lacks the control).
struct CisIds {
  const char* v1_2 = "";
  const char* v1_4 = "";  // v1.4 through v3.0 share numbering
  const char* v5_0 = "";
  const char* v6_0 = "";
  const char* v7_0 = "";
};

struct CheckMeta {
  const char* id = "";
  const char* title = "";
  Severity severity = Severity::Info;
  CisIds cis;
  const char* security_hub = "";
  const char* practice = "";                // the seed practice this check enforces
  std::vector<const char*> console;         // remediation: exact console steps
  std::vector<const char*> cli;             // remediation: AWS CLI commands
  std::vector<const char*> reads;           // snapshot files read (docs/snapshot.md)
  bool needs_config = false;                // decided from rootguard.yaml
};

// What a check sees besides the data: the audit's reference time (from the credential
// report's GeneratedTime, or the command line), so checks never read the clock.
struct CheckInput {
  const Account& account;
  const Org* org;          // null for a standalone account
  const Config& config;
  std::int64_t now_ms = 0;  // reference time for "recent" (0: use the report's GeneratedTime)
};

using CheckFn = std::vector<Finding> (*)(const CheckInput& in);

struct Check {
  CheckMeta meta;
  CheckFn run = nullptr;
};

// A Finding for `meta` about `in.account` with the given status and reason; resource defaults
// to the root user's ARN.
Finding make_finding(const CheckMeta& meta, const CheckInput& in, FindingStatus status, std::string reason);
// UNKNOWN from a lookup error, naming the file and what went wrong.
Finding unknown_finding(const CheckMeta& meta, const CheckInput& in, const Error& e);
// Adds a labelled fact to the finding's evidence.
void add_evidence(Finding& f, std::string key, std::string value);

}  // namespace rg::posture
