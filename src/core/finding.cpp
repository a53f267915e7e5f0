#include "core/finding.h"

#include <tuple>

namespace rg {

const char* to_string(Status s) {
  switch (s) {
    case Status::Fail: return "FAIL";
    case Status::Pass: return "PASS";
    case Status::NotApplicable: return "N_A";
    case Status::Unknown: return "UNKNOWN";
    case Status::Attest: return "ATTEST";
  }
  return "UNKNOWN";
}

bool finding_less(const Finding& a, const Finding& b) {
  return std::tie(a.event.time_ms, a.event.event_time, a.event.event_id, a.account, a.id, a.resource) <
         std::tie(b.event.time_ms, b.event.event_time, b.event.event_id, b.account, b.id, b.resource);
}

}  // namespace rg
