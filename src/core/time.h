// Time: ISO-8601 <-> Unix epoch milliseconds, UTC only. No clock is read here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rg {

// Accepts "2026-11-20T10:00:00Z", "...T10:00Z", "...T10:00:00.123Z", "+00:00"/"-05:00"
// offsets, a space instead of 'T', and a bare date "2026-11-20" (midnight UTC).
std::optional<std::int64_t> parse_iso8601_ms(std::string_view s);
// A length of time: "500ms", "60s", "5m", "2h", "7d", "2w", or plain seconds (at most 9 digits).
std::optional<std::int64_t> parse_duration_ms(std::string_view s);
// A time as a user gives it on the command line: ISO-8601 (as above), or a duration with its
// unit, meaning that long before now_ms ("24h": a day before it). A bare number is neither.
std::optional<std::int64_t> parse_time_or_ago_ms(std::string_view s, std::int64_t now_ms);
// "2026-11-20T10:00:00Z" (milliseconds shown only when non-zero).
std::string format_iso8601(std::int64_t ms);

}  // namespace rg
