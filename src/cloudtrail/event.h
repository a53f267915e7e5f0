// EventView: one CloudTrail event, as the rules see it.
//
// Framing (cloudtrail/framing.h) removes every envelope (S3 `Records`, EventBridge `detail`,
// lookup-events' `CloudTrailEvent` string) so `event` is always the bare CloudTrail record
// object. A view borrows: `event` points into the parser that produced it and `raw` into the
// decompression buffer; both are valid only until the next record is framed. Copy what you
// keep (a Finding owns copies).
#pragma once

#include <cstdint>
#include <string_view>

#include <simdjson.h>

namespace rg::cloudtrail {

struct EventView {
  simdjson::dom::element event;  // the CloudTrail record object
  std::string_view raw;          // the record's bytes as read (for keyword search and prefilter)
  std::string_view input;        // the file (or "-") it came from
  std::uint64_t offset = 0;      // byte offset of the record in the decompressed input
  std::uint64_t line = 0;        // 1-based line for JSON-lines inputs, 0 otherwise
};

}  // namespace rg::cloudtrail
