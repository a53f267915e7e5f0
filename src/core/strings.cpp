#include "core/strings.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rg {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_ascii(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  return true;
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool contains_icase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return lower_ascii(a) == lower_ascii(b); });
  return it != haystack.end();
}

std::size_t find(std::string_view haystack, std::string_view needle) {
  const std::size_t m = needle.size(), n = haystack.size();
  if (m > n) return std::string_view::npos;
  if (m < 4) return haystack.find(needle);
  // Its second and next-to-last bytes (not the quotes around a key), tested at 16 offsets at
  // a time; each offset where both are right is compared in full.
  const std::size_t a = 1, b = m - 2;
  const char* p = haystack.data();
  const char* w = needle.data();
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(w[a]), vb = _mm_set1_epi8(w[b]);
  for (; i + m + 15 <= n; i += 16) {  // every offset tested here has its m bytes in the haystack
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + a));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + b));
    for (unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(y, vb))));
         bits; bits &= bits - 1) {
      const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(bits));
      if (std::memcmp(p + at, w, m) == 0) return at;
    }
  }
#endif
  for (; i + m <= n; ++i)
    if (p[i + a] == w[a] && p[i + b] == w[b] && std::memcmp(p + i, w, m) == 0) return i;
  return std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return s.substr(b, e - b);
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      break;
    }
    out.emplace_back(s.substr(start, p - start));
    start = p + 1;
  }
  return out;
}

void append_json_escaped(std::string& out, std::string_view s) {
  const char* p = s.data();
  const std::size_t n = s.size();
  std::size_t plain = 0, i = 0;  // plain: the start of the run of bytes that need no escape
  for (;;) {
#if defined(__SSE2__)
    // 16 bytes at a time to the next byte to escape: findings are mostly runs of plain text
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
    for (; i + 16 <= n; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl);  // unsigned v <= 0x1f
      const __m128i hit = _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
      if (const auto bits = static_cast<unsigned>(_mm_movemask_epi8(hit))) {
        i += static_cast<std::size_t>(__builtin_ctz(bits));
        break;
      }
    }
#endif
    while (i < n && !json_needs_escape(static_cast<unsigned char>(p[i]))) ++i;
    if (i == n) break;
    out.append(p + plain, i - plain);
    const auto c = static_cast<unsigned char>(p[i]);
    plain = ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(p + plain, n - plain);
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  append_json_escaped(out, s);
  return out;
}

std::string html_escape(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t n = max_bytes;
  // Back off over continuation bytes (10xxxxxx) to the first byte of the character that
  // does not fit, and cut before it.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string counted(unsigned long long n, std::string_view one, std::string_view many) {
  std::string o = std::to_string(n) + ' ';
  if (n == 1)
    o += one;
  else if (!many.empty())
    o += many;
  else
    (o += one) += 's';
  return o;
}

}  // namespace rg
