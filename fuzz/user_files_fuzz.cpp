// libFuzzer target: the files a user hands rootguard besides CloudTrail and rules: an alerts
// line (`case import`), an audit report (`harden --from-audit`), rootguard.yaml (`--config`)
// and an Organizations ListAccounts answer (`emails plan --accounts`). Whatever the bytes,
// each parser returns a value or an error; none may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/diagnostics.h"
#include "harden/emails.h"
#include "harden/from_audit.h"
#include "posture/config.h"
#include "respond/alert.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  rg::Diagnostics diag(rg::Diagnostics::silent());
  if (auto a = rg::respond::alert_from_json(text); a.ok()) (void)rg::respond::to_json(*a);
  (void)rg::harden::read_audit_report(text, "fuzz.json", diag);
  (void)rg::harden::parse_list_accounts(text, "fuzz.json", diag);
  (void)rg::posture::parse_config(text, "fuzz.yaml", diag);
  return 0;
}
