// Finding: the one type where rootguard's two halves meet.
//
// `scan`/`watch` make Findings from CloudTrail events that a rule matched; `audit` makes them
// from posture checks. Everything downstream (printing, alerting, cases, remediation) takes
// Findings and knows nothing of where they came from. A Finding owns all of its data (no
// views into parse buffers), so it may be queued, stored and sent to other threads.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/severity.h"

namespace rg {

// What a Finding says about its subject. Detections (scan) are always Fail ("seen").
// (Named FindingStatus: rg::Status is Result<void>, core/result.h; both must be usable in one file.)
enum class FindingStatus {
  Fail,           // the practice is broken (or: the detection fired)
  Pass,           // checked and fine
  NotApplicable,  // does not apply here (e.g. member account for an org-only check)
  Unknown,        // could not be decided: data not collected, denied, or unreadable
  Attest,         // cannot be checked by API; a person must attest (config says who)
};
const char* to_string(FindingStatus s);  // "FAIL", "PASS", "N_A", "UNKNOWN", "ATTEST"

// The CloudTrail event a detection fired on (empty for posture findings).
struct EventRef {
  std::string event_id;
  std::string event_time;       // as in the record, ISO-8601 UTC
  std::int64_t time_ms = 0;     // eventTime as Unix milliseconds (0 if unparsable)
  std::string event_name;
  std::string event_source;     // "signin.amazonaws.com"
  std::string event_type;       // "AwsConsoleSignIn", "AwsApiCall", ...
  std::string identity_type;    // userIdentity.type
  std::string principal;        // userIdentity.arn (or a best substitute)
  std::string access_key_id;    // userIdentity.accessKeyId (an id, not a secret)
  std::string source_ip;
  std::string user_agent;
  std::string mfa;              // "yes" / "no" / "" (unknown)
  std::string error_code;       // errorCode, or "Failure" for sign-in failures
  std::string input;            // "trail/x.json.gz:1234" (file and byte offset or line)
  bool read_only = false;
};

struct Finding {
  std::string id;           // rule id ("D02") or check id ("R01")
  std::string title;
  Severity severity = Severity::Info;
  FindingStatus status = FindingStatus::Fail;
  std::string reason;       // one line, quoting the evidence
  std::string practice;     // the seed practice this protects
  std::string next_step;    // what to do now
  std::string account;      // 12-digit account id (may be empty if unknown)
  std::string region;
  std::string resource;     // ARN or name of what it is about
  EventRef event;           // set for detections
  std::vector<std::pair<std::string, std::string>> facets;  // extra labelled facts, in order
};

// Detections sort by event time, then event id; posture findings by account, then id.
bool finding_less(const Finding& a, const Finding& b);

}  // namespace rg
