// libFuzzer target for what other processes hand to `watch`: an SQS message body (S3 event
// notification, raw, through SNS, or EventBridge) and a correlation group's value as kept in
// the state store. Both parsers must answer with a value or an Error; nothing may crash, hang
// or leak. A decoded group must encode back to what decodes to the same group.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "aws/sqs.h"
#include "scan/correlate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)rg::aws::parse_s3_notification(text);
  auto g = rg::scan::Correlator::decode(text);
  if (g.ok()) {
    auto again = rg::scan::Correlator::decode(rg::scan::Correlator::encode(*g));
    if (!again.ok() || again->entries != g->entries) std::abort();
  }
  return 0;
}
