// libFuzzer target: gzip detection and ISA-L inflation (truncated, corrupt, multi-member,
// trailing bytes), then framing of whatever was decoded. No crash, no hang; the decoder
// ends with at most one error; the decoded byte count matches what it returned.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cloudtrail/framing.h"
#include "io/gzip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  rg::io::Decoder d(std::make_unique<rg::io::MemoryReader>(in), "fuzz.gz");
  std::string out;
  char buf[4096];
  int errors = 0;
  for (int guard = 0; guard < 1 << 20; ++guard) {
    auto k = d.read(buf, sizeof buf);
    if (!k) {
      ++errors;
      break;
    }
    if (*k == 0) break;
    out.append(buf, *k);
    if (out.size() > (8u << 20)) break;  // a bomb: enough
  }
  if (d.bytes_out() != out.size()) std::abort();
  auto again = d.read(buf, sizeof buf);  // after the end (or the error): stays ended
  if (again && *again != 0 && errors == 0 && out.size() <= (8u << 20)) std::abort();

  rg::Diagnostics diag(rg::Diagnostics::silent());
  rg::cloudtrail::Framer fr("fuzz.gz", diag);
  rg::io::MemoryReader r(out);
  fr.run(r, [](const rg::cloudtrail::RawRecord&) { return true; });
  return 0;
}
