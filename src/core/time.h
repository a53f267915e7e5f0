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
// "2026-11-20T10:00:00Z" (milliseconds shown only when non-zero).
std::string format_iso8601(std::int64_t ms);

}  // namespace rg
