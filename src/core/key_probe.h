// Key probe: what the framer marks, in every 64-byte block it frames, for the scan's
// prefilter (sigma::LiteralMatcher), so that a record's bytes are not read a second time to
// find its keys: the quotes that may open one of up to 4 keys (the next byte is the key's
// first, the byte at a fixed offset its anchor: sigma::KeyAnchor) and, when asked, every
// backslash. Each marked position is then compared in full, as the prefilter's own search
// would compare it; a mark is a "maybe", and every key of the probe is marked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace rg {

struct KeyProbe {
  int count = 0;  // keys: 0 (no probe) to 4
  char lead[4] = {}, byte[4] = {};
  std::uint8_t offset[4] = {};  // of `byte` from the quote: 2 to 63
  bool backslash = false;
};

// A block of the framed input: bit i of `bits` marks the byte at offset `at + i`.
struct ProbeHit {
  std::uint64_t at = 0;
  std::uint64_t bits = 0;
};

// The probe's contract as a plain search (for tests): bytes[i] of a record must be marked
// when it is a backslash (if asked) or a quote before one of the keys' first bytes with that
// key's anchor byte in place, inside the record.
inline bool must_mark(const KeyProbe& p, std::string_view bytes, std::size_t i) {
  if (p.backslash && bytes[i] == '\\') return true;
  for (int k = 0; k < p.count; ++k)
    if (bytes[i] == '"' && i + p.offset[k] < bytes.size() && bytes[i + 1] == p.lead[k] &&
        bytes[i + p.offset[k]] == p.byte[k])
      return true;
  return false;
}

// True when the byte at input offset `at` is marked in `hits`.
inline bool is_marked(std::span<const ProbeHit> hits, std::uint64_t at) {
  for (const ProbeHit& h : hits)
    if (at >= h.at && at - h.at < 64 && (h.bits >> (at - h.at) & 1)) return true;
  return false;
}

}  // namespace rg
