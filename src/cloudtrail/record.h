// Record: from a framed record's bytes to the bare CloudTrail event the rules see.
//
// Framing (cloudtrail/framing.h) finds records; this layer decides what each one holds and
// removes its envelope, so that rules only ever see CloudTrail field paths:
//   a bare event (S3 Records, arrays, JSON lines, a single pretty-printed object);
//   an EventBridge envelope ("detail-type" ... "detail": {event});
//   a lookup-events entry ("CloudTrailEvent": "<the event as a JSON string>"), unescaped;
//   a CloudWatch Logs log event ("message": "<the event as a JSON string>"), unescaped, and a
//   whole subscription envelope ({"messageType":..., "logEvents":[...]}, as Firehose delivers
//   them) holding a batch of them (the subscription's control messages are passed over);
//   a CloudTrail digest file (recognised so it can be skipped with a note).
// RecordParser owns one simdjson DOM parser and one unescape buffer, reused for every record
// (one per worker thread). Views it returns are valid until its next call.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "cloudtrail/event.h"
#include "cloudtrail/framing.h"

namespace rg::cloudtrail {

// The shape of a whole file, as reported to the user (scan summary, tests).
enum class Shape : std::uint8_t {
  Empty, S3Records, JsonArray, JsonLines, EventBridge, LookupEvents, CloudWatchLogs, SingleEvent, Digest, Invalid
};
const char* to_string(Shape s);  // "empty", "s3-records", "json-array", "json-lines", "eventbridge",
                                 // "lookup-events", "cloudwatch-logs", "single-event", "digest", "invalid"

enum class Kind : std::uint8_t { Event, EventBridge, Lookup, LogEvent, LogEnvelope, Digest };

// What a record holds, judged from its bytes without parsing (cheap: S3 records are taken as
// bare events; other containers are searched for the envelope keys).
Kind sniff(const RawRecord& r);

// The error text parse() returns for an event without userIdentity (reported once per file,
// with their count: anonymised exports strip the field from every event).
inline constexpr std::string_view kNoUserIdentity = "event without userIdentity, skipped";

// The events of one file that parse() refused for want of userIdentity: counted as they come,
// and told in one line when the file ends, at the first one's place.
class NoIdentityCount {
 public:
  void add(const RawRecord& r) {
    if (count_++ == 0) {
      offset_ = r.offset;
      line_ = r.line;
    }
  }
  void report(Framer& framer) const;  // after the file's run: one error line, if any

 private:
  std::uint64_t count_ = 0, offset_ = 0, line_ = 0;
};

class RecordParser {
 public:
  RecordParser();

  // The events record `r` holds (`kind` from sniff()), in order, one call of `each` per event:
  // with its text (the record's own bytes, or an event held as a JSON string, unescaped and
  // padded for parsing) or, when it cannot be had, with one line saying why (text empty). One
  // event usually; a CloudWatch Logs envelope holds a batch, a digest and a control message
  // none. `each` returns false to stop, and so does this. Views are valid during the call.
  using OnEvent = std::function<bool(std::string_view text, std::string_view error)>;
  bool for_each_event(const RawRecord& r, Kind kind, const OnEvent& each);

  // Parses `text` (the record's bytes, or the unwrapped lookup text) into the bare event.
  // `kind` from sniff(); an EventBridge envelope is also recognised here when sniff missed it.
  // Returns Kind::Digest (no event) for digest files. Errors: invalid JSON, not an object,
  // no eventName, no userIdentity (CloudTrail Insights events are exempt: they have none).
  Result<Kind> parse(std::string_view text, Kind kind, simdjson::dom::element& event);

 private:
  void release_if_large();
  // The text of a log event's message, unescaped into unescaped_; empty for a control message.
  Result<std::string_view> message_text(simdjson::dom::element log_event);
  Result<std::string_view> unwrap(const RawRecord& r, Kind kind);
  std::string_view hold(std::string_view inner);  // an event's text copied out and padded (unescaped_)
  simdjson::dom::parser parser_;
  simdjson::dom::parser envelope_parser_;  // a subscription envelope, while parser_ parses its events
  std::string unescaped_;
};

}  // namespace rg::cloudtrail
