#include "sigma/literal.h"

#include <algorithm>
#include <bit>
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

// True when `x` is redundant beside `cover`: in every record a rule matches where `x` holds,
// `cover` holds too.
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

// Finding every "key" of a set in one pass. Candidates are the quotes followed by the first
// byte of some key (up to 4 different ones per pass); each is compared with the keys
// in full. ks holds the quoted keys ("\"key\"", at least 3 bytes), kq the same as words for
// the compare. on(i, k) is called for each offset i where ks[k] starts (in order); a scan
// stops when on() says true.

template <class F>
[[gnu::always_inline]] inline bool candidate(const char* p, std::size_t n, std::size_t i, const std::string* ks,
                                             const QuotedKey* kq, std::size_t nk, F& on) {
  if (i + 8 <= n) {  // the usual case: the first 8 bytes against every key at once, no calls
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    for (std::size_t k = 0; k < nk; ++k) {
      const QuotedKey& q = kq[k];
      if ((w & q.mask) != q.head || i + q.size > n) continue;
      if (q.size > 8) {
        std::uint64_t t;
        std::memcpy(&t, p + i + q.size - 8, 8);
        if (t != q.tail || (q.size > 16 && std::memcmp(p + i + 8, ks[k].data() + 8, q.size - 16) != 0)) continue;
      }
      if (on(i, k)) return true;
    }
    return false;
  }
  for (std::size_t k = 0; k < nk; ++k)
    if (i + ks[k].size() <= n && std::memcmp(p + i, ks[k].data(), ks[k].size()) == 0 && on(i, k)) return true;
  return false;
}

// A position the vector loops flagged: a quote that may open a key, or (ESC) a backslash,
// which passes the record when it starts a "\u" escape. Flagging backslashes with the quotes
// costs a loop one compare a block; records holding any are few.
template <bool ESC, class F>
[[gnu::always_inline]] inline bool candidate_or_escape(const char* p, std::size_t n, std::size_t i,
                                                       const std::string* ks, const QuotedKey* kq, std::size_t nk,
                                                       F& on) {
  if (ESC && p[i] == '\\') return i + 1 < n && p[i + 1] == 'u';
  return candidate(p, n, i, ks, kq, nk, on);
}

template <bool ESC, class F>
bool scan_scalar(const char* p, std::size_t n, std::size_t from, const std::string* ks, const QuotedKey* kq,
                 std::size_t nk, F& on) {
  for (std::size_t i = from; i + 1 < n; ++i) {
    if ((p[i] == '"' || (ESC && p[i] == '\\')) && candidate_or_escape<ESC>(p, n, i, ks, kq, nk, on)) return true;
  }
  return false;
}

#ifdef RG_LITERAL_X86
template <int NL, bool ESC, class F>
bool scan_sse2(const char* p, std::size_t n, const std::string* ks, const QuotedKey* kq, std::size_t nk,
               const char* leads, F& on) {
  const __m128i quote = _mm_set1_epi8('"');
  __m128i l[NL];
  for (int j = 0; j < NL; ++j) l[j] = _mm_set1_epi8(leads[j]);
  std::size_t i = 0;
  for (; i + 17 <= n; i += 16) {
    const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
    __m128i lead = _mm_cmpeq_epi8(v1, l[0]);
    for (int j = 1; j < NL; ++j) lead = _mm_or_si128(lead, _mm_cmpeq_epi8(v1, l[j]));
    __m128i hits = _mm_and_si128(_mm_cmpeq_epi8(v0, quote), lead);
    if (ESC) hits = _mm_or_si128(hits, _mm_cmpeq_epi8(v0, _mm_set1_epi8('\\')));
    for (unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(hits)); bits; bits &= bits - 1)
      if (candidate_or_escape<ESC>(p, n, i + static_cast<std::size_t>(__builtin_ctz(bits)), ks, kq, nk, on))
        return true;
  }
  return scan_scalar<ESC>(p, n, i, ks, kq, nk, on);
}

template <int NL, bool ESC, class F>
__attribute__((target("avx2"))) bool scan_avx2(const char* p, std::size_t n, const std::string* ks,
                                                const QuotedKey* kq, std::size_t nk, const char* leads, F& on) {
  const __m256i quote = _mm256_set1_epi8('"');
  __m256i l[NL];
  for (int j = 0; j < NL; ++j) l[j] = _mm256_set1_epi8(leads[j]);
  std::size_t i = 0;
  for (; i + 33 <= n; i += 32) {
    const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
    __m256i lead = _mm256_cmpeq_epi8(v1, l[0]);
    for (int j = 1; j < NL; ++j) lead = _mm256_or_si256(lead, _mm256_cmpeq_epi8(v1, l[j]));
    __m256i hits = _mm256_and_si256(_mm256_cmpeq_epi8(v0, quote), lead);
    if (ESC) hits = _mm256_or_si256(hits, _mm256_cmpeq_epi8(v0, _mm256_set1_epi8('\\')));
    for (unsigned bits = static_cast<unsigned>(_mm256_movemask_epi8(hits)); bits; bits &= bits - 1)
      if (candidate_or_escape<ESC>(p, n, i + static_cast<std::size_t>(__builtin_ctz(bits)), ks, kq, nk, on))
        return true;
  }
  return scan_scalar<ESC>(p, n, i, ks, kq, nk, on);
}

template <int NL, bool ESC, class F>
__attribute__((target("avx512f,avx512bw"))) bool scan_avx512(const char* p, std::size_t n, const std::string* ks,
                                                              const QuotedKey* kq, std::size_t nk, const char* leads,
                                                              F& on) {
  const __m512i quote = _mm512_set1_epi8('"'), backslash = _mm512_set1_epi8('\\');
  __m512i l[NL];
  for (int j = 0; j < NL; ++j) l[j] = _mm512_set1_epi8(leads[j]);
  std::size_t i = 0;
  for (; i + 65 <= n; i += 64) {
    const __m512i v0 = _mm512_loadu_si512(p + i);
    const __m512i v1 = _mm512_loadu_si512(p + i + 1);
    __mmask64 lead = _mm512_cmpeq_epi8_mask(v1, l[0]);
    for (int j = 1; j < NL; ++j) lead |= _mm512_cmpeq_epi8_mask(v1, l[j]);
    std::uint64_t bits = _mm512_mask_cmpeq_epi8_mask(lead, v0, quote);
    if (ESC) bits |= _mm512_cmpeq_epi8_mask(v0, backslash);
    for (; bits; bits &= bits - 1)
      if (candidate_or_escape<ESC>(p, n, i + static_cast<std::size_t>(__builtin_ctzll(bits)), ks, kq, nk, on))
        return true;
  }
  if (i + 1 >= n) return false;
  // The last 2 to 64 bytes: masked loads read nothing past the end (masked-off lanes are 0).
  const std::size_t r = n - i;
  const __mmask64 m0 = r >= 64 ? ~__mmask64{0} : (__mmask64{1} << r) - 1, m1 = m0 >> 1;
  const __m512i v0 = _mm512_maskz_loadu_epi8(m0, p + i);
  const __m512i v1 = _mm512_maskz_loadu_epi8(m1, p + i + 1);
  __mmask64 lead = _mm512_cmpeq_epi8_mask(v1, l[0]);
  for (int j = 1; j < NL; ++j) lead |= _mm512_cmpeq_epi8_mask(v1, l[j]);
  std::uint64_t bits = _mm512_mask_cmpeq_epi8_mask(lead & m1, v0, quote);
  if (ESC) bits |= _mm512_mask_cmpeq_epi8_mask(m1, v0, backslash);
  for (; bits; bits &= bits - 1)
    if (candidate_or_escape<ESC>(p, n, i + static_cast<std::size_t>(__builtin_ctzll(bits)), ks, kq, nk, on))
      return true;
  return false;
}

// The 64 bytes at p + at, those at or past n read as 0 (which no lead or anchor byte is).
[[gnu::always_inline]] __attribute__((target("avx512f,avx512bw"))) inline __m512i load_upto(const char* p,
                                                                                         std::size_t at,
                                                                                         std::size_t n) {
  if (at + 64 <= n) return _mm512_loadu_si512(p + at);
  return _mm512_maskz_loadu_epi8(at >= n ? 0 : (__mmask64{1} << (n - at)) - 1, p + at);
}

// One 64-byte block of the AVX-512 anchored search (below), at p + i; TAIL: the block may
// reach past n, and is read with masked loads.
template <int NK, bool ESC, bool TAIL, class F>
[[gnu::always_inline]] __attribute__((target("avx512f,avx512bw"))) inline bool anchored_block(
    const char* p, std::size_t n, std::size_t i, const std::string* ks, const QuotedKey* kq, const __m512i* lead,
    const __m512i* byte, const std::size_t* off, F& on) {
  const __m512i v0 = TAIL ? load_upto(p, i, n) : _mm512_loadu_si512(p + i);
  const __m512i v1 = TAIL ? load_upto(p, i + 1, n) : _mm512_loadu_si512(p + i + 1);
  __mmask64 lead_ok = 0;
  for (int j = 0; j < NK; ++j) {
    const __m512i va = TAIL ? load_upto(p, i + off[j], n) : _mm512_loadu_si512(p + i + off[j]);
    lead_ok |= _mm512_mask_cmpeq_epi8_mask(_mm512_cmpeq_epi8_mask(v1, lead[j]), va, byte[j]);
  }
  std::uint64_t bits = _mm512_mask_cmpeq_epi8_mask(lead_ok, v0, _mm512_set1_epi8('"'));
  if (ESC) {
    const __mmask64 live = !TAIL || n - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (n - i)) - 1;
    bits |= _mm512_mask_cmpeq_epi8_mask(live, v0, _mm512_set1_epi8('\\'));
  }
  for (; bits; bits &= bits - 1)
    if (candidate_or_escape<ESC>(p, n, i + static_cast<std::size_t>(__builtin_ctzll(bits)), ks, kq, NK, on))
      return true;
  return false;
}

// The AVX-512 search with a second test byte per key (KeyAnchor): a quote is a candidate
// when, for some key, the next byte is its first and the byte at its anchor offset is its
// anchor byte. A record of the bench corpus has about 13 quotes followed by 'e' or 't' and
// 3.5 where "eventName" or "type" stand; a candidate costs tens of cycles in mispredicted
// branches, six more compares a block cost a few.
template <int NK, bool ESC, class F>
__attribute__((target("avx512f,avx512bw"))) bool scan_avx512_anchored(const char* p, std::size_t n,
                                                                       const std::string* ks, const QuotedKey* kq,
                                                                       const KeyAnchor* an, F& on) {
  __m512i lead[NK], byte[NK];
  std::size_t off[NK], reach = 1;
  for (int j = 0; j < NK; ++j) {
    lead[j] = _mm512_set1_epi8(an[j].lead);
    byte[j] = _mm512_set1_epi8(an[j].byte);
    off[j] = an[j].offset;
    reach = std::max(reach, off[j]);
  }
  std::size_t i = 0;
  for (; i + 64 + reach <= n; i += 64)
    if (anchored_block<NK, ESC, false>(p, n, i, ks, kq, lead, byte, off, on)) return true;
  for (; i + 1 < n; i += 64)  // the last bytes
    if (anchored_block<NK, ESC, true>(p, n, i, ks, kq, lead, byte, off, on)) return true;
  return false;
}

// The same with AVX2, 32 bytes a step; the last 32 + 63 bytes at most go through the scalar
// loop (testing the first bytes alone there was no faster).
template <int NK, bool ESC, class F>
__attribute__((target("avx2"))) bool scan_avx2_anchored(const char* p, std::size_t n, const std::string* ks,
                                                         const QuotedKey* kq, const KeyAnchor* an, F& on) {
  const __m256i quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\');
  __m256i lead[NK], byte[NK];
  std::size_t off[NK], reach = 1;
  for (int j = 0; j < NK; ++j) {
    lead[j] = _mm256_set1_epi8(an[j].lead);
    byte[j] = _mm256_set1_epi8(an[j].byte);
    off[j] = an[j].offset;
    reach = std::max(reach, off[j]);
  }
  std::size_t i = 0;
  for (; i + 32 + reach <= n; i += 32) {
    const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
    __m256i lead_ok = _mm256_setzero_si256();
    for (int j = 0; j < NK; ++j) {
      const __m256i va = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + off[j]));
      lead_ok = _mm256_or_si256(lead_ok,
                                _mm256_and_si256(_mm256_cmpeq_epi8(v1, lead[j]), _mm256_cmpeq_epi8(va, byte[j])));
    }
    __m256i hits = _mm256_and_si256(_mm256_cmpeq_epi8(v0, quote), lead_ok);
    if (ESC) hits = _mm256_or_si256(hits, _mm256_cmpeq_epi8(v0, backslash));
    for (unsigned bits = static_cast<unsigned>(_mm256_movemask_epi8(hits)); bits; bits &= bits - 1)
      if (candidate_or_escape<ESC>(p, n, i + static_cast<std::size_t>(__builtin_ctz(bits)), ks, kq, NK, on))
        return true;
  }
  return scan_scalar<ESC>(p, n, i, ks, kq, NK, on);
}

const SimdLevel kLevel = simd_level();
#endif

template <int NL, bool ESC, class F>
bool scan_keys_n(const char* p, std::size_t n, const std::string* ks, const QuotedKey* kq, std::size_t nk,
                 const char* leads, F& on) {
#ifdef RG_LITERAL_X86
  switch (kLevel) {
    case SimdLevel::Avx512: return scan_avx512<NL, ESC>(p, n, ks, kq, nk, leads, on);
    case SimdLevel::Avx2: return scan_avx2<NL, ESC>(p, n, ks, kq, nk, leads, on);
    case SimdLevel::Baseline: break;
  }
  return scan_sse2<NL, ESC>(p, n, ks, kq, nk, leads, on);
#else
  (void)leads;
  return scan_scalar<ESC>(p, n, 0, ks, kq, nk, on);
#endif
}

// The anchored search when the machine has AVX-512 or AVX2 (nk is 1 to 4); false when it has
// neither (`ran` tells).
template <bool ESC, class F>
bool scan_anchored(const char* p, std::size_t n, const std::string* ks, const QuotedKey* kq, std::size_t nk,
                   const KeyAnchor* an, F& on, bool& ran) {
#ifdef RG_LITERAL_X86
  if (kLevel == SimdLevel::Avx512) {
    ran = true;
    switch (nk) {
      case 1: return scan_avx512_anchored<1, ESC>(p, n, ks, kq, an, on);
      case 2: return scan_avx512_anchored<2, ESC>(p, n, ks, kq, an, on);
      case 3: return scan_avx512_anchored<3, ESC>(p, n, ks, kq, an, on);
      default: return scan_avx512_anchored<4, ESC>(p, n, ks, kq, an, on);
    }
  }
  if (kLevel == SimdLevel::Avx2) {
    ran = true;
    switch (nk) {
      case 1: return scan_avx2_anchored<1, ESC>(p, n, ks, kq, an, on);
      case 2: return scan_avx2_anchored<2, ESC>(p, n, ks, kq, an, on);
      case 3: return scan_avx2_anchored<3, ESC>(p, n, ks, kq, an, on);
      default: return scan_avx2_anchored<4, ESC>(p, n, ks, kq, an, on);
    }
  }
#else
  (void)p, (void)n, (void)ks, (void)kq, (void)nk, (void)an, (void)on;
#endif
  ran = false;
  return false;
}

// leads: the keys' distinct first bytes (1 to 4 of them). esc: a "\u" anywhere passes too.
template <class F>
bool scan_keys(const char* p, std::size_t n, const std::string* ks, const QuotedKey* kq, std::size_t nk,
               const char* leads, std::size_t nleads, const KeyAnchor* an, bool esc, F& on) {
  if (an) {
    bool ran = false;
    const bool hit = esc ? scan_anchored<true>(p, n, ks, kq, nk, an, on, ran)
                         : scan_anchored<false>(p, n, ks, kq, nk, an, on, ran);
    if (ran) return hit;
  }
  if (esc) {
    switch (nleads) {
      case 1: return scan_keys_n<1, true>(p, n, ks, kq, nk, leads, on);
      case 2: return scan_keys_n<2, true>(p, n, ks, kq, nk, leads, on);
      case 3: return scan_keys_n<3, true>(p, n, ks, kq, nk, leads, on);
      default: return scan_keys_n<4, true>(p, n, ks, kq, nk, leads, on);
    }
  }
  switch (nleads) {
    case 1: return scan_keys_n<1, false>(p, n, ks, kq, nk, leads, on);
    case 2: return scan_keys_n<2, false>(p, n, ks, kq, nk, leads, on);
    case 3: return scan_keys_n<3, false>(p, n, ks, kq, nk, leads, on);
    default: return scan_keys_n<4, false>(p, n, ks, kq, nk, leads, on);
  }
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

#ifdef RG_LITERAL_X86
// string_stop() past its first 16 bytes, 64 bytes a step (with masked loads at the end).
__attribute__((target("avx512f,avx512bw"))) std::size_t string_stop_avx512(const char* b, std::size_t j,
                                                                            std::size_t n) {
  const __m512i quote = _mm512_set1_epi8('"'), backslash = _mm512_set1_epi8('\\');
  for (; j < n; j += 64) {
    const __m512i v = load_upto(b, j, n);
    const std::uint64_t m = _mm512_cmpeq_epi8_mask(v, quote) | _mm512_cmpeq_epi8_mask(v, backslash);
    if (m) return j + static_cast<std::size_t>(__builtin_ctzll(m));
  }
  return n;
}

// The '"' and '\\' among the 16 bytes at p, as bits.
inline unsigned quote_or_backslash16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')))));
}
#endif

// The first '"' or '\\' at or after j in b[0, n), or n. The first 16 bytes are looked at
// here, in line: most values (a type, an event name) end within them.
inline std::size_t string_stop(const char* b, std::size_t j, std::size_t n) {
#ifdef RG_LITERAL_X86
  for (const bool wide = kLevel == SimdLevel::Avx512; j + 16 <= n; j += 16) {
    if (const unsigned m = quote_or_backslash16(b + j)) return j + static_cast<std::size_t>(__builtin_ctz(m));
    if (wide) return string_stop_avx512(b, j + 16, n);  // the rest 64 bytes a step
  }
#endif
  while (j < n && b[j] != '"' && b[j] != '\\') ++j;
  return j;
}

}  // namespace

// The mask keeps a short key's bytes, the low ones of a word loaded from memory.
static_assert(std::endian::native == std::endian::little, "QuotedKey's words are little-endian");

QuotedKey QuotedKey::of(std::string_view quoted) {
  QuotedKey q;
  q.size = quoted.size();
  const std::size_t head = std::min<std::size_t>(quoted.size(), 8);
  std::memcpy(&q.head, quoted.data(), head);  // little-endian: the first byte is the low one
  q.mask = head == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * head)) - 1;
  if (quoted.size() > 8) std::memcpy(&q.tail, quoted.data() + quoted.size() - 8, 8);
  return q;
}

LiteralMatcher::LiteralMatcher(const Literals& lits) {
  std::vector<std::pair<std::string, Key>> keyed;  // quoted key -> its texts
  for (const Literal& l : lits) {
    if (l.is_plain()) {
      if (l.text == "\\u") unicode_escape_ = true;
      else plain_.push_back(l.text);
      continue;
    }
    std::string quoted = "\"" + l.key + "\"";
    auto it = std::find_if(keyed.begin(), keyed.end(), [&](const auto& k) { return k.first == quoted; });
    if (it == keyed.end()) it = keyed.insert(keyed.end(), {quoted, Key{}});
    Key& key = it->second;
    if (l.exact) {
      if (key.exact.size() <= l.text.size()) {
        key.exact.resize(l.text.size() + 1);
        key.exact_first.resize(l.text.size() + 1);
      }
      key.exact[l.text.size()].push_back(l.text);
      // ASCII case differs in bit 0x20 only, so equal-but-for-case first bytes agree on & 31
      if (!l.text.empty()) key.exact_first[l.text.size()] |= std::uint32_t{1} << (l.text[0] & 31);
    } else {
      key.contains.push_back(l.text);
    }
  }
  // Keys sharing first bytes go into one pass: at most 4 different first bytes per pass.
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first[1] < b.first[1]; });
  for (auto& [quoted, key] : keyed) {
    const char lead = quoted[1];
    Pass* last = passes_.empty() ? nullptr : &passes_.back();
    const bool known = last && std::memchr(last->leads, lead, last->nleads) != nullptr;
    if (last && (known || last->nleads < sizeof last->leads)) {
      if (!known) last->leads[last->nleads++] = lead;
      ++last->count;
    } else {
      Pass pass;
      pass.first = keys_.size();
      pass.count = 1;
      pass.leads[0] = lead;
      pass.nleads = 1;
      passes_.push_back(pass);
    }
    words_.push_back(QuotedKey::of(quoted));
    quoted_.push_back(std::move(quoted));
    keys_.push_back(std::move(key));
  }
  // A zero byte cannot be told from the masked-off lanes past a record's end.
  for (Pass& pass : passes_) {
    pass.anchored = pass.count <= 4;
    for (std::size_t k = 0; k < pass.count && pass.anchored; ++k) {
      const std::string& q = quoted_[pass.first + k];
      pass.anchors[k] = KeyAnchor::of(q);
      pass.anchored = q.size() >= 3 && pass.anchors[k].lead != 0 && pass.anchors[k].byte != 0;
    }
  }
}

KeyAnchor KeyAnchor::of(std::string_view quoted) {
  KeyAnchor a;
  if (quoted.size() < 3) return a;
  a.lead = quoted[1];
  std::size_t at = std::min<std::size_t>(quoted.size() - 1, 63);
  for (std::size_t i = 2; i < quoted.size() && i <= 63; ++i)
    if (quoted[i] >= 'A' && quoted[i] <= 'Z') {
      at = i;
      break;
    }
  a.byte = quoted[at];
  a.offset = static_cast<std::uint8_t>(at);
  return a;
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
  if (i + 1 < n && b[i] == ':' && b[i + 1] == '"') {
    ++i;  // compact JSON, as CloudTrail writes it: straight to the string
  } else {
    while (i < n && is_ws(b[i])) ++i;
    if (i >= n || b[i] != ':') return false;
    ++i;
    while (i < n && is_ws(b[i])) ++i;
    if (i >= n) return false;
  }
  std::string_view value;
  if (b[i] == '"') {
    const std::size_t j = string_stop(b.data(), ++i, n);
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
  if (value.size() < k.exact.size() &&
      (value.empty() || (k.exact_first[value.size()] >> (value[0] & 31) & 1)))
    for (const std::string& t : k.exact[value.size()])
      if (iequals(value, t)) return true;
  for (const std::string& c : k.contains)
    if (contains_icase(value, c)) return true;
  return false;
}

auto LiteralMatcher::value_test(const Pass& pass, std::string_view bytes) const {
  return [this, &pass, bytes](std::size_t i, std::size_t k) {
    return value_passes(keys_[pass.first + k], bytes, i + quoted_[pass.first + k].size());
  };
}

bool LiteralMatcher::pass_hit(const Pass& pass, std::string_view bytes, bool esc) const {
  auto on = value_test(pass, bytes);
  return scan_keys(bytes.data(), bytes.size(), quoted_.data() + pass.first, words_.data() + pass.first, pass.count,
                   pass.leads, pass.nleads, pass.anchored ? pass.anchors : nullptr, esc, on);
}

bool LiteralMatcher::quick_pass(std::string_view bytes) const {
  if (passes_.empty()) return unicode_escape_ && has_unicode_escape(bytes);
  for (std::size_t j = 0; j < passes_.size(); ++j)
    if (pass_hit(passes_[j], bytes, j == 0 && unicode_escape_)) return true;  // the first pass looks for "\u" too
  return false;
}

KeyProbe LiteralMatcher::probe() const {
  KeyProbe p;
  if (passes_.empty() || !passes_[0].anchored) return p;
  const Pass& pass = passes_[0];
  p.count = static_cast<int>(pass.count);
  for (std::size_t k = 0; k < pass.count; ++k) {
    p.lead[k] = pass.anchors[k].lead;
    p.byte[k] = pass.anchors[k].byte;
    p.offset[k] = pass.anchors[k].offset;
  }
  p.backslash = unicode_escape_;
  return p;
}

bool LiteralMatcher::quick_pass_probed(std::string_view bytes, std::uint64_t offset,
                                       std::span<const ProbeHit> hits) const {
  if (passes_.empty() || !passes_[0].anchored) return quick_pass(bytes);
  const Pass& pass = passes_[0];
  auto on = value_test(pass, bytes);
  const std::uint64_t end = offset + bytes.size();
  for (const ProbeHit& h : hits) {
    if (h.at >= end || h.at + 64 <= offset) continue;
    std::uint64_t bits = h.bits;
    if (h.at < offset) bits &= ~std::uint64_t{0} << (offset - h.at);
    if (end - h.at < 64) bits &= (std::uint64_t{1} << (end - h.at)) - 1;
    for (; bits; bits &= bits - 1) {
      const std::size_t i = static_cast<std::size_t>(h.at - offset) + static_cast<std::size_t>(std::countr_zero(bits));
      // a marked backslash (marked only when the set has "\u") or a marked quote
      if (candidate_or_escape<true>(bytes.data(), bytes.size(), i, quoted_.data() + pass.first,
                                    words_.data() + pass.first, pass.count, on))
        return true;
    }
  }
  for (std::size_t j = 1; j < passes_.size(); ++j)
    if (pass_hit(passes_[j], bytes, false)) return true;
  return false;
}

}  // namespace rg::sigma
