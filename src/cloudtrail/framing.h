// Framer: cuts a stream of CloudTrail JSON into records (byte ranges), without parsing it.
//
// One Framer per input file. It reads decoded bytes from an io::Reader into one growing
// buffer and runs a quote- and escape-aware structural scan over it, 64 bytes at a time
// (SSE2 bitmasks, in the manner of simdjson's stage 1; a portable scalar path elsewhere).
// It recognises, from the structure alone:
//   {"Records":[ {...}, ... ]}       S3 delivery            -> each element, Container::RecordsArray
//   {"Events":[ {...}, ... ]}        lookup-events output   -> each element, Container::EventsArray
//   {"logEvents":[ {...}, ... ]}     CloudWatch Logs subscription data (Firehose, Lambda),
//   {"events":[ {...}, ... ]}        aws logs filter-log-events / get-log-events output
//                                                           -> each element, Container::LogEventsArray
//   [ {...}, {...} ]                 a JSON array           -> each element, Container::TopArray
//   {...}\n{...}\n                   JSON lines / one object -> each top-level object, Container::TopValue
// What the record holds (a bare event, an EventBridge envelope, a digest) is decided by the
// caller (cloudtrail/record.h). Bad input is reported to Diagnostics as one line naming the
// file and byte offset (or line, for JSON lines) and skipped: a non-object where a record
// should be, a record above max_record_bytes (skipped without buffering it), nesting deeper
// than max_depth (no recursion anywhere: depth is a counter), text that is not JSON, a
// record cut off by the end of input. A JSON-lines file resynchronises at the next line.
//
// With a key probe (core/key_probe.h), the same pass over each block also marks where the
// probe's keys may start, and each record carries the marks that fall in it.
//
// Memory: the buffer holds the current record plus one read chunk, so it stays below
// max_record_bytes + 2 * chunk_bytes whatever the input size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"
#include "core/key_probe.h"
#include "io/env.h"

namespace rg::cloudtrail {

enum class Container : std::uint8_t {
  TopValue,      // a top-level object (JSON lines, or a single pretty-printed object)
  TopArray,      // an element of a top-level array
  RecordsArray,  // an element of {"Records":[...]}
  EventsArray,   // an element of {"Events":[...]} (aws cloudtrail lookup-events)
  LogEventsArray,  // an element of {"logEvents":[...]} or {"events":[...]} (CloudWatch Logs)
};

struct RawRecord {
  std::string_view bytes;      // the object, '{' to '}'; valid until the callback returns.
                               // At least kRecordPadding readable bytes follow it.
  std::uint64_t offset = 0;    // byte offset of '{' in the decoded input
  std::uint64_t line = 0;      // 1-based line of '{'
  Container container = Container::TopValue;
  // With a key probe (Framer::set_probe) that this machine runs: every position of the record
  // the probe marks is in `hits` (which may reach past the record on either side).
  bool probed = false;
  std::span<const ProbeHit> hits;
};

inline constexpr std::size_t kRecordPadding = 64;  // >= SIMDJSON_PADDING
inline constexpr std::size_t kInPlaceTail = 64 + kRecordPadding;  // see Framer::run_in_place

struct FramerOptions {
  std::size_t max_record_bytes = 16u << 20;  // larger records are refused with one error line
  std::size_t chunk_bytes = 256u << 10;      // read size
  std::uint32_t max_depth = 512;             // deeper nesting is refused
  std::uint32_t max_errors = 20;             // error lines per file; more are counted, told in one line, and the file is still scanned
};

struct FramerStats {
  std::uint64_t records = 0;      // records handed to the callback
  std::uint64_t top_values = 0;   // top-level JSON values seen
  std::uint64_t bytes = 0;        // decoded bytes read
  std::uint32_t errors = 0;       // errors reported for this file (framing and read errors)
  bool json_lines = false;        // several top-level values, one per line
  bool read_failed = false;       // the reader reported an error (already reported)
  bool stopped = false;           // the callback asked to stop
};

// A buffer a worker lends to each Framer it makes in turn, so that framing many small files
// does not allocate a megabyte per file. Empty at first; the Framer grows it as it needs.
struct FrameBuffer {
  std::unique_ptr<char[]> data;
  std::size_t cap = 0;  // usable bytes; the allocation has 64 + kRecordPadding more
  std::vector<ProbeHit> hits;  // room for the key probe's marks
};

class Framer {
 public:
  // Returns false to stop reading (e.g. the output is gone).
  using OnRecord = std::function<bool(const RawRecord&)>;

  Framer(std::string name, Diagnostics& diag, FramerOptions opts = {}, FrameBuffer* reuse = nullptr);
  ~Framer();
  Framer(const Framer&) = delete;
  Framer& operator=(const Framer&) = delete;

  // Frames everything `in` yields, calling on_record for each record, in input order.
  void run(io::Reader& in, const OnRecord& on_record);
  // The same over bytes already in memory, framed where they lie (no copy). The caller lends
  // data[0, len + kInPlaceTail): the tail is written to, records point into data. With `src`
  // (io/env.h), the bytes are framed chunk_bytes at a time, src->used() is told of each piece
  // when the framer is done with it (src reads it again while it is still in cache), and
  // src->read() at the end says whether the input ends well: an error there is reported as a
  // read error would be, after the records before it.
  void run_in_place(char* data, std::size_t len, const OnRecord& on_record, io::InPlaceSource* src = nullptr);

  // Marks the probe's positions (core/key_probe.h) in every block framed from now on, for the
  // records' `hits`; ignored where the framer has no vector loop for it (then records are
  // not `probed`).
  void set_probe(const KeyProbe& probe);

  const FramerStats& stats() const { return stats_; }
  // Reports an error against this file (counted; during a run, shown only up to max_errors
  // like the framer's own, and the number of the others told in one line when the run ends).
  void error(std::uint64_t offset, std::uint64_t line, const std::string& what);

  struct State;

 private:
  void frame(io::Reader* in, io::InPlaceSource* src, char* data, std::size_t len, const OnRecord& on_record);
  void finish();  // the end of a run: how many errors were not shown

  std::string name_;
  Diagnostics& diag_;
  FramerOptions opts_;
  FramerStats stats_;
  FrameBuffer* reuse_;
  std::unique_ptr<State> st_;
  KeyProbe probe_;
};

}  // namespace rg::cloudtrail
