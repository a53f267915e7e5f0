// Key probe: what the framer marks, in every 64-byte block it frames, for the scan's
// prefilter (sigma::LiteralMatcher), so that a record's bytes are not read a second time to
// find its keys: the quotes that may open one of up to 4 keys (the next byte is the key's
// first, the byte at a fixed offset its anchor: sigma::KeyAnchor) and, when asked, every
// backslash. Each marked position is then compared in full, as the prefilter's own search
// would compare it; a mark is a "maybe", and every key of the probe is marked.
#pragma once

#include <cstdint>

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

}  // namespace rg
