// Forensic timeline: every event of a root session, or of an account in a time window, in
// order, grouped by session, each classified (read / create / change / delete / sign-in),
// failed calls flagged, and AssumeRoot sessions linked to what they did in the member
// account (the member account's events carry the access key the AssumeRoot call issued).
//
// A session is the access key id when the event has one (ASIA.../AKIA...), else the source
// IP and user agent (console sign-ins carry no key). Events are read with the same sources
// and framing as scan (io/, cloudtrail/); bad input costs one line in Diagnostics.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"
#include "io/source.h"

namespace rg::respond {

struct TimelineOptions {
  std::string account;                  // events of this account (recipientAccountId / userIdentity.accountId); "" = all
  std::optional<std::int64_t> from_ms;  // eventTime >= from
  std::optional<std::int64_t> to_ms;    // eventTime < to
  std::string session;                  // only this session: an access key id or a source IP
  bool root_only = false;               // only root events (and the AssumeRoot calls that lead to them)
  // Records that cannot be shown are passed over unparsed, by a byte-level test of one of the
  // above (scan/prefilter.h); false parses every record (for checking it).
  bool prefilter = true;
  unsigned jobs = 0;  // files read in parallel; 0: one per CPU
};

struct TimelineEvent {
  std::int64_t time_ms = 0;
  std::string time, event_id, name, source, account, region;
  std::string identity_type, principal, access_key, source_ip, user_agent;
  std::string action;      // "read", "create", "change", "delete", "sign-in"
  bool failed = false;
  std::string error;       // errorCode / errorMessage / "Failure"
  std::string input;       // file:offset
  std::string issued_key;  // AssumeRoot: responseElements.credentials.accessKeyId
  std::string target;      // AssumeRoot: requestParameters.targetPrincipal
  std::string task_policy; // AssumeRoot: requestParameters.taskPolicyArn.arn
};

struct TimelineSession {
  std::string key;          // access key id, or "ip|user agent"
  std::string access_key, source_ip, user_agent, account, principal;
  std::int64_t first_ms = 0, last_ms = 0;
  std::vector<std::size_t> events;  // indexes into Timeline::events, in time order
  std::size_t reads = 0, creates = 0, changes = 0, deletes = 0, signins = 0, failures = 0;
  // Set when an AssumeRoot call issued this session's key: who called it, from which account.
  std::string assumed_by, assumed_from_account, assume_event_id, task_policy;
};

struct Timeline {
  std::vector<TimelineEvent> events;      // by time, then event id
  std::vector<TimelineSession> sessions;  // by first event
};

// "read" | "create" | "change" | "delete" | "sign-in", from the event name (and readOnly).
std::string classify_action(std::string_view event_source, std::string_view event_name, bool read_only);

// Reads `sources` as they come (a walk of a bucket copy of millions of files is never listed
// whole).
Timeline build_timeline(io::SourceStream& sources, const TimelineOptions& opts, Diagnostics& diag);

// The renderings, handed to `emit` a session at a time (a timeline of many events is never
// held a second time as text).
using TimelineEmit = std::function<void(std::string_view)>;
void timeline_text(const Timeline& t, const TimelineEmit& emit);
void timeline_jsonl(const Timeline& t, const TimelineEmit& emit);
void timeline_html(const Timeline& t, const TimelineEmit& emit);  // self-contained

}  // namespace rg::respond
