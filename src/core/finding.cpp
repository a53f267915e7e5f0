#include "core/finding.h"

#include <tuple>

namespace rg {

const char* to_string(FindingStatus s) {
  switch (s) {
    case FindingStatus::Fail: return "FAIL";
    case FindingStatus::Pass: return "PASS";
    case FindingStatus::NotApplicable: return "N_A";
    case FindingStatus::Unknown: return "UNKNOWN";
    case FindingStatus::Attest: return "ATTEST";
  }
  return "UNKNOWN";
}

bool finding_less(const Finding& a, const Finding& b) {
  return std::tie(a.event.time_ms, a.event.event_time, a.event.event_id, a.account, a.id, a.resource) <
         std::tie(b.event.time_ms, b.event.event_time, b.event.event_id, b.account, b.id, b.resource);
}

}  // namespace rg
