#include "sigma/literal.h"

#include <algorithm>
#include <cstring>

#include "core/cpu.h"
#include "core/strings.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define RG_LITERAL_X86 1
#endif

namespace rg::sigma {

std::string to_string(const Literal& l) {
  if (l.is_plain()) return l.text;
  return l.key + (l.exact ? "=" : "~") + l.text;
}

namespace {

// True when every record that `a` lets through is let through by `b` as well... in the
// direction that matters: when `cover` holds for a record a rule matches, so does `x`.
bool covers(const Literal& cover, const Literal& x) {
  if (cover == x) return true;
  if (cover.is_plain()) return x.text.find(cover.text) != std::string::npos;
  if (x.is_plain() || cover.key != x.key || cover.exact) return false;
  return x.text.find(cover.text) != std::string::npos;
}

}  // namespace

void minimize_literals(Literals& v) {
  std::sort(v.begin(), v.end(), [](const Literal& a, const Literal& b) {
    if (a.text.size() != b.text.size()) return a.text.size() < b.text.size();
    if (a.is_plain() != b.is_plain()) return a.is_plain();  // plain ones first: they cover more
    if (a.exact != b.exact) return !a.exact;
    return a < b;
  });
  v.erase(std::unique(v.begin(), v.end()), v.end());
  Literals out;
  for (Literal& l : v) {
    bool covered = false;
    for (const Literal& k : out) covered = covered || covers(k, l);
    if (!covered) out.push_back(std::move(l));
  }
  std::sort(out.begin(), out.end());
  v = std::move(out);
}

// ---- finding "key" in raw bytes ---------------------------------------------------------

namespace {

// Finding every "key" of a set in one pass. on(i, k) is called for each offset i where the
// quoted form of key k starts (in no particular order); a scan stops when on() says true.
struct KeyPattern {
  const char* q;  // "\"key\"", at least 3 bytes
  std::size_t len;
};
constexpr std::size_t kKeysPerPass = 4;

template <class F>
bool scan_scalar(const char* p, std::size_t n, std::size_t from, const KeyPattern* ks, std::size_t nk, F& on) {
  for (std::size_t i = from; i < n; ++i) {
    const void* hit = std::memchr(p + i, '"', n - i);
    if (!hit) return false;
    i = static_cast<std::size_t>(static_cast<const char*>(hit) - p);
    for (std::size_t k = 0; k < nk; ++k)
      if (i + ks[k].len <= n && std::memcmp(p + i, ks[k].q, ks[k].len) == 0 && on(i, k)) return true;
  }
  return false;
}

#ifdef RG_LITERAL_X86
// Candidates: a quote, then the key's first byte, and its last byte and closing quote at the
// right distance; then the whole quoted key is compared.
template <class F>
bool scan_sse2(const char* p, std::size_t n, const KeyPattern* ks, std::size_t nk, F& on) {
  std::size_t longest = 0;
  __m128i first[kKeysPerPass], last[kKeysPerPass];
  for (std::size_t k = 0; k < nk; ++k) {
    longest = std::max(longest, ks[k].len);
    first[k] = _mm_set1_epi8(ks[k].q[1]);
    last[k] = _mm_set1_epi8(ks[k].q[ks[k].len - 2]);
  }
  const __m128i quote = _mm_set1_epi8('"');
  std::size_t i = 0;
  for (; i + 16 + longest <= n; i += 16) {
    const char* s = p + i;
    const __m128i q0 = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s)), quote);
    if (_mm_movemask_epi8(q0) == 0) continue;
    const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 1));
    for (std::size_t k = 0; k < nk; ++k) {
      const std::size_t L = ks[k].len;
      const __m128i m = _mm_and_si128(
          _mm_and_si128(q0, _mm_cmpeq_epi8(v1, first[k])),
          _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + L - 2)), last[k]),
                        _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + L - 1)), quote)));
      for (unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(m)); bits; bits &= bits - 1) {
        std::size_t j = i + static_cast<std::size_t>(__builtin_ctz(bits));
        if (std::memcmp(p + j, ks[k].q, L) == 0 && on(j, k)) return true;
      }
    }
  }
  return scan_scalar(p, n, i, ks, nk, on);
}

template <class F>
__attribute__((target("avx2"))) bool scan_avx2(const char* p, std::size_t n, const KeyPattern* ks, std::size_t nk,
                                                F& on) {
  std::size_t longest = 0;
  __m256i first[kKeysPerPass], last[kKeysPerPass];
  for (std::size_t k = 0; k < nk; ++k) {
    longest = std::max(longest, ks[k].len);
    first[k] = _mm256_set1_epi8(ks[k].q[1]);
    last[k] = _mm256_set1_epi8(ks[k].q[ks[k].len - 2]);
  }
  const __m256i quote = _mm256_set1_epi8('"');
  std::size_t i = 0;
  for (; i + 32 + longest <= n; i += 32) {
    const char* s = p + i;
    const __m256i q0 = _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(s)), quote);
    if (_mm256_testz_si256(q0, q0)) continue;
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + 1));
    for (std::size_t k = 0; k < nk; ++k) {
      const std::size_t L = ks[k].len;
      const __m256i m = _mm256_and_si256(
          _mm256_and_si256(q0, _mm256_cmpeq_epi8(v1, first[k])),
          _mm256_and_si256(
              _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + L - 2)), last[k]),
              _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + L - 1)), quote)));
      for (unsigned bits = static_cast<unsigned>(_mm256_movemask_epi8(m)); bits; bits &= bits - 1) {
        std::size_t j = i + static_cast<std::size_t>(__builtin_ctz(bits));
        if (std::memcmp(p + j, ks[k].q, L) == 0 && on(j, k)) return true;
      }
    }
  }
  return scan_scalar(p, n, i, ks, nk, on);
}

const bool kHaveAvx2 = use_avx2();
#endif

template <class F>
bool scan_keys(const char* p, std::size_t n, const KeyPattern* ks, std::size_t nk, F& on) {
#ifdef RG_LITERAL_X86
  return kHaveAvx2 ? scan_avx2(p, n, ks, nk, on) : scan_sse2(p, n, ks, nk, on);
#else
  return scan_scalar(p, n, 0, ks, nk, on);
#endif
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

LiteralMatcher::LiteralMatcher(const Literals& lits) {
  for (const Literal& l : lits) {
    if (l.is_plain()) {
      if (l.text == "\\u") unicode_escape_ = true;
      else plain_.push_back(l.text);
      continue;
    }
    std::string quoted = "\"" + l.key + "\"";
    auto it = std::find_if(keys_.begin(), keys_.end(), [&](const Key& k) { return k.quoted == quoted; });
    if (it == keys_.end()) {
      keys_.push_back(Key{quoted, {}, {}});
      it = keys_.end() - 1;
    }
    if (l.exact) {
      it->exact.insert(l.text);
      it->exact_sizes |= std::uint64_t{1} << std::min<std::size_t>(l.text.size(), 63);
      max_exact_ = std::max(max_exact_, l.text.size());
    } else {
      it->contains.push_back(l.text);
    }
  }
}

bool LiteralMatcher::has_unicode_escape(std::string_view bytes) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  while (p < end) {
    const void* hit = std::memchr(p, '\\', static_cast<std::size_t>(end - p));
    if (!hit) return false;
    p = static_cast<const char*>(hit) + 1;
    if (p < end && *p == 'u') return true;
    ++p;  // the escaped character
  }
  return false;
}

bool LiteralMatcher::plain_pass(std::string_view bytes) const {
  for (const std::string& l : plain_)
    if (contains_icase(bytes, l)) return true;
  return false;
}

// `after_key` is just past the key's closing quote. Not a member (the quoted text was a
// value): false. Values that could read differently once decoded: true.
bool LiteralMatcher::value_passes(const Key& k, std::string_view b, std::size_t i) const {
  const std::size_t n = b.size();
  while (i < n && is_ws(b[i])) ++i;
  if (i >= n || b[i] != ':') return false;
  ++i;
  while (i < n && is_ws(b[i])) ++i;
  if (i >= n) return false;
  std::string_view value;
  if (b[i] == '"') {
    std::size_t j = ++i;
    while (j < n && b[j] != '"' && b[j] != '\\') ++j;
    if (j >= n || b[j] == '\\') return true;
    value = b.substr(i, j - i);
  } else if (b[i] == '[') {
    return true;  // any element may match
  } else if (b[i] == '{') {
    return false;  // a string, number or boolean test never matches an object
  } else {
    std::size_t j = i;
    while (j < n && !is_ws(b[j]) && b[j] != ',' && b[j] != '}' && b[j] != ']') ++j;
    value = b.substr(i, j - i);  // number, true, false, null: compared as their text
  }
  if ((k.exact_sizes >> std::min<std::size_t>(value.size(), 63) & 1) && value.size() <= max_exact_) {
    char buf[256];
    std::string lowered;
    char* out = buf;
    if (value.size() > sizeof buf) {
      lowered.resize(value.size());
      out = lowered.data();
    }
    for (std::size_t t = 0; t < value.size(); ++t) {
      char c = value[t];
      out[t] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    }
    if (k.exact.find(std::string_view(out, value.size())) != k.exact.end()) return true;
  }
  for (const std::string& c : k.contains)
    if (contains_icase(value, c)) return true;
  return false;
}

bool LiteralMatcher::keyed_pass(std::string_view bytes) const {
  for (std::size_t first = 0; first < keys_.size(); first += kKeysPerPass) {
    const std::size_t nk = std::min(kKeysPerPass, keys_.size() - first);
    KeyPattern ks[kKeysPerPass];
    for (std::size_t k = 0; k < nk; ++k) ks[k] = {keys_[first + k].quoted.data(), keys_[first + k].quoted.size()};
    auto on = [&](std::size_t i, std::size_t k) {
      const Key& key = keys_[first + k];
      return value_passes(key, bytes, i + key.quoted.size());
    };
    if (scan_keys(bytes.data(), bytes.size(), ks, nk, on)) return true;
  }
  return false;
}

}  // namespace rg::sigma
