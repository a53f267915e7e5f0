// libFuzzer target: what an AWS endpoint (or whatever answers at --endpoint-url) sends back:
// a query-protocol XML answer, a JSON-protocol answer, an error body, and the AWS config
// file's INI text. Whatever the bytes, each reader returns a value or an error and the CLI
// JSON it makes can be printed; none may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/config.h"
#include "aws/protocol.h"
#include "aws/sts.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Operations whose answers have lists, maps and typed scalars.
  for (const char* op : {"GetAccountSummary", "ListMFADevices", "DescribeAlarms", "GetCallerIdentity"})
    if (auto j = rg::aws::query_xml_to_json(text, op); j.ok()) (void)j->dump();
  if (auto j = rg::aws::json_protocol_to_cli(text); j.ok()) (void)j->dump();
  (void)rg::aws::parse_error(text, "");
  (void)rg::aws::xml_error(text);
  (void)rg::aws::parse_ini(text);
  return 0;
}
