// libFuzzer target: the credential report CSV parser and the GetCredentialReport response
// reader (base64 Content). Must never crash, hang or leak, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "posture/credential_report.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  rg::Diagnostics diag(rg::Diagnostics::silent());
  auto r = rg::posture::parse_credential_csv(text, "fuzz.csv", diag);
  if (r.ok()) {
    int root = r->root_index();
    for (const auto& col : rg::posture::credential_report_columns()) (void)r->root(col);
    if (root >= 0) (void)r->get(static_cast<std::size_t>(root), "password_last_used");
  }
  // The same bytes as base64 Content of a response, and as the response itself.
  std::string json = "{\"Content\": \"" + rg::posture::base64_encode(text) + "\", \"GeneratedTime\": \"2026-11-21T08:00:00Z\"}";
  simdjson::dom::parser p;
  simdjson::dom::element e;
  if (!p.parse(json).get(e)) (void)rg::posture::parse_credential_response(e, "fuzz.json", diag);
  simdjson::dom::parser p2;
  if (!p2.parse(text).get(e)) (void)rg::posture::parse_credential_response(e, "fuzz.json", diag);
  return 0;
}
