// Prefilter literals: byte-level facts that every record a rule matches must show.
//
// A Literal is either plain (its text occurs somewhere in the record's raw JSON, without
// regard to ASCII case) or keyed (some member named `key` has a value whose text contains,
// or for `exact` equals, the literal's text). Keyed literals come from field tests (the key
// is the last step of the field path) and are both more selective and cheaper to check than
// plain ones: a record is searched for a handful of `"key"` spellings instead of dozens of
// case-insensitive words.
//
// Soundness: a keyed check reads the value's raw bytes. Where they could differ from the
// decoded text (a backslash escape in the value, an array value) the check passes. A \uXXXX
// escape elsewhere (in a key, or in the middle of a plain literal) is covered by the plain
// literal "\u" that a rule set's union always carries.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/key_probe.h"

namespace rg::sigma {

struct Literal {
  std::string text;  // lower case
  std::string key;   // empty: anywhere in the record
  bool exact = false;

  static Literal plain(std::string text) { return Literal{std::move(text), {}, false}; }
  static Literal keyed(std::string key, std::string text, bool exact) {
    return Literal{std::move(text), std::move(key), exact};
  }
  bool is_plain() const { return key.empty(); }
  auto operator<=>(const Literal&) const = default;
};

using Literals = std::vector<Literal>;

// "text" (plain), "key=text" (exact), "key~text" (contains): for tests and diagnostics.
std::string to_string(const Literal& l);

// Sorts, removes duplicates and every literal another one implies (a plain "login" covers
// keyed eventName=consolelogin; keyed eventName~delete covers eventName~deletetrail).
void minimize_literals(Literals& v);

// A quoted key ("\"key\"") as the key search compares it: its first 8 bytes (fewer, masked,
// when it is shorter) in one word, and its last 8 when it is longer. Little-endian words.
struct QuotedKey {
  std::uint64_t head = 0, mask = 0, tail = 0;
  std::size_t size = 0;
  static QuotedKey of(std::string_view quoted);
};

// Where the key search tests a quoted key besides its opening quote and first byte: a byte
// at a fixed offset (2 to 63) from the quote that most other keys sharing the first byte lack
// (its first capital letter, else its closing quote: "eventName" -> 'N' at 6, "type" -> '"' at 5).
struct KeyAnchor {
  char lead = 0, byte = 0;
  std::uint8_t offset = 0;
  static KeyAnchor of(std::string_view quoted);
};

// A compiled literal set. passes() is the answer; the scan prefilter uses quick_pass() as it
// is and matches plain() with a faster engine.
class LiteralMatcher {
 public:
  explicit LiteralMatcher(const Literals& lits);

  // True when `bytes` (one record's raw JSON) may hold an event that some rule matches.
  bool passes(std::string_view bytes) const {
    return quick_pass(bytes) || plain_pass(bytes);
  }
  // A keyed literal holds, or (when the set has the plain "\u") the bytes hold "\u": one pass.
  bool quick_pass(std::string_view bytes) const;
  bool plain_pass(std::string_view bytes) const;
  // The key probe (core/key_probe.h) that marks what quick_pass() searches first (its first
  // key pass, with "\u"), for the framer to run; count 0 when that pass has no anchors.
  KeyProbe probe() const;
  // quick_pass() for a record at `offset` of the framed input whose positions that probe
  // marks are all in `hits`: those are compared as quick_pass() compares the ones it finds.
  bool quick_pass_probed(std::string_view bytes, std::uint64_t offset, std::span<const ProbeHit> hits) const;

  // Plain literals other than "\u" (lower case).
  const std::vector<std::string>& plain() const { return plain_; }

  static bool has_unicode_escape(std::string_view bytes);

 private:
  struct Key {
    std::vector<std::vector<std::string>> exact;      // by size: the exact texts (lower case)
    std::vector<std::uint32_t> exact_first;           // by size: bit (c & 31) for each first byte c
    std::vector<std::string> contains;                // lower case
  };
  // One SIMD pass looks for keys with up to 4 different first bytes.
  struct Pass {
    std::size_t first = 0, count = 0;  // keys_[first, first + count) and quoted_ alike
    char leads[4] = {};
    std::size_t nleads = 0;
    // With AVX-512, at most 4 keys of 3 bytes or more (quoted): each key's KeyAnchor.
    KeyAnchor anchors[4] = {};
    bool anchored = false;
  };
  bool value_passes(const Key& k, std::string_view bytes, std::size_t after_key) const;
  bool pass_hit(const Pass& pass, std::string_view bytes, bool esc) const;  // one pass's search
  // on(i, k) for the key searches: key k of `pass`, found at i in `bytes`, has a value that passes.
  auto value_test(const Pass& pass, std::string_view bytes) const;

  std::vector<Key> keys_;               // ordered by the key's first byte
  std::vector<std::string> quoted_;     // "\"key\"" of keys_[i], side by side for the scan
  std::vector<QuotedKey> words_;        // quoted_[i] as words
  std::vector<Pass> passes_;
  std::vector<std::string> plain_;
  bool unicode_escape_ = false;
};

}  // namespace rg::sigma
