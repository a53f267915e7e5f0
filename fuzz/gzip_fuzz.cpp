// libFuzzer target: gzip detection and inflation (truncated, corrupt, multi-member, trailing
// bytes), then framing of whatever was decoded. No crash, no hang; the decoder ends with at
// most one error; the decoded byte count matches what it returned; and the two ways in (the
// stream, and the whole file in one call with its fallback, read out or taken in place with
// its CRC32 checked piece by piece) give the same bytes and the same error, as does the
// stream read ahead on another thread (io::ReadAhead, small chunks).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cloudtrail/framing.h"
#include "io/gzip.h"
#include "io/read_ahead.h"

namespace {

struct Decoded {
  std::string out, error;
  bool capped = false;
};

// Reads `from` to its end or its error into r (appending), stopping at 8 MiB (a bomb).
void read_all(rg::io::Reader& from, Decoded& r) {
  char buf[4096];
  for (int guard = 0; guard < 1 << 20; ++guard) {
    auto k = from.read(buf, sizeof buf);
    if (!k) {
      r.error = k.error().str();
      return;
    }
    if (*k == 0) return;
    r.out.append(buf, *k);
    if (r.out.size() > (8u << 20)) {
      r.capped = true;
      return;
    }
  }
}

// `piece`: take the whole file if it is decoded in one call, and check it `piece` bytes at a
// time (as the scan does while framing it), before the read that ends it.
Decoded decode(std::string_view in, rg::io::WholeFile* whole, std::size_t piece = 0) {
  rg::io::Decoder d(std::make_unique<rg::io::MemoryReader>(in), "fuzz.gz", whole);
  Decoded r;
  if (piece > 0) {
    if (auto all = d.take_whole()) {
      r.out.assign(all->data(), all->size());
      for (std::size_t n = piece; n < all->size() + piece; n += piece) d.used(n);
    }
  }
  read_all(d, r);
  if (d.bytes_out() != r.out.size()) std::abort();
  char buf[16];
  auto again = d.read(buf, sizeof buf);  // after the end (or the error): stays ended
  if (again && *again != 0 && r.error.empty() && !r.capped) std::abort();
  return r;
}

// The stream, inflated on the ReadAhead's thread `chunk` bytes at a time.
Decoded decode_ahead(std::string_view in, std::size_t chunk) {
  rg::io::Decoder d(std::make_unique<rg::io::MemoryReader>(in), "fuzz.gz");
  Decoded r;
  {
    rg::io::ReadAhead ahead(d, "fuzz.gz", chunk, 2);
    read_all(ahead, r);
  }  // the thread is done with the decoder here
  if (!r.capped && d.bytes_out() != r.out.size()) std::abort();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static rg::io::WholeFile whole(4u << 20);
  Decoded streamed = decode(in, nullptr);
  Decoded at_once = decode(in, &whole);
  Decoded taken = decode(in, &whole, size ? 1 + data[size - 1] * 37u : 1);
  Decoded ahead = decode_ahead(in, size ? 1 + data[0] * 61u : 1);
  for (const Decoded* d : {&at_once, &taken, &ahead})
    if (!streamed.capped && !d->capped && (streamed.out != d->out || streamed.error != d->error)) std::abort();

  rg::Diagnostics diag(rg::Diagnostics::silent());
  rg::cloudtrail::Framer fr("fuzz.gz", diag);
  rg::io::MemoryReader r(streamed.out);
  fr.run(r, [](const rg::cloudtrail::RawRecord&) { return true; });
  return 0;
}
