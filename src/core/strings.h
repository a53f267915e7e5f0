// Small string helpers shared across the library (ASCII only; CloudTrail enums are ASCII).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rg {

constexpr char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with_icase(std::string_view s, std::string_view prefix);
bool contains_icase(std::string_view haystack, std::string_view needle);
// Exact substring search, faster than memmem on JSON for a needle of 4 bytes or more (a SIMD
// test of two of its bytes, then a compare): the first offset, or npos.
std::size_t find(std::string_view haystack, std::string_view needle);
inline bool contains(std::string_view haystack, std::string_view needle) {
  return find(haystack, needle) != std::string_view::npos;
}
std::string_view trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
// JSON string escaping (quotes not included).
// Bytes a JSON string cannot hold as they are: the control characters, the quote and the
// backslash. Everything else, UTF-8 included, is copied.
constexpr bool json_needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }
std::string json_escape(std::string_view s);
// The same, appended to `out` (no string of its own: output of many findings).
void append_json_escaped(std::string& out, std::string_view s);
// HTML text and attribute escaping: & < > " and ' become entities, everything else is copied.
std::string html_escape(std::string_view s);
// A count and its noun, singular for one: counted(1, "event") is "1 event", counted(3, "event")
// "3 events"; `many` for a noun whose plural is not the singular and an s.
std::string counted(unsigned long long n, std::string_view one, std::string_view many = {});
// The longest prefix of s of at most max_bytes that does not end inside a UTF-8 character: for
// fields a receiver limits in bytes (Security Hub, Slack, syslog over UDP), which refuse a
// message whose text is cut in the middle of a character.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

}  // namespace rg
