// Time flags (--since, --until, --from, --to): an ISO-8601 time, or a duration back from now
// ("24h": events of the last day), as users type them.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "core/time.h"

namespace rg::cli {

// For the flags' help text.
inline constexpr const char* kTimeFlagForms = "ISO-8601, or a duration before now: 90m, 24h, 7d";

// Reads `text` into `out` (an empty text leaves it alone). When it is neither form, prints one
// line naming the flag and returns false.
inline bool read_time_flag(const char* flag, const std::string& text, std::optional<std::int64_t>& out) {
  if (text.empty()) return true;
  using namespace std::chrono;
  const std::int64_t now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  out = parse_time_or_ago_ms(text, now);
  if (out) return true;
  std::fprintf(stderr, "rootguard: error: %s: not an ISO-8601 time or a duration before now (90m, 24h, 7d): %s\n", flag,
               text.c_str());
  return false;
}

// Both ends of a window (--since/--until, --from/--to): each read as above, and an end before
// its start is one line naming both, as no event could fall between them.
inline bool read_time_range(const char* start_flag, const std::string& start, const char* end_flag,
                            const std::string& end, std::optional<std::int64_t>& lo, std::optional<std::int64_t>& hi) {
  if (!read_time_flag(start_flag, start, lo) || !read_time_flag(end_flag, end, hi)) return false;
  if (!lo || !hi || *lo <= *hi) return true;
  std::fprintf(stderr, "rootguard: error: %s %s is after %s %s (%s > %s): no event can fall between them\n", start_flag,
               start.c_str(), end_flag, end.c_str(), format_iso8601(*lo).c_str(), format_iso8601(*hi).c_str());
  return false;
}

}  // namespace rg::cli
