// Alert: a Finding on its way to people, with the key that makes it unique.
//
// The key is "<rule id>:<event id>". CloudTrail re-delivers late or changed records with an
// `addendum` whose `originalEventID` names the first delivery; the scan engine passes that
// id in the finding's facet "addendum.originalEventID", and the key then uses it, so a
// re-delivery is recognised as the same alert and never sent twice. Posture findings (no
// event) are keyed by rule, account and resource.
//
// The JSON form (docs/respond.md, "Alert JSON") is what the outbox stores, the file sink
// writes and the webhook sink posts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/finding.h"
#include "core/result.h"

namespace rg::respond {

inline constexpr std::string_view kOriginalEventFacet = "addendum.originalEventID";

struct Alert {
  std::string key;
  Finding finding;
  std::int64_t case_id = 0;  // the incident case it belongs to (0: none)
};

std::string alert_key(const Finding& f);
Alert make_alert(Finding f, std::int64_t case_id = 0);

std::string to_json(const Alert& a);
// With `schema`, a "schema" member first (the jsonl format's).
std::string finding_to_json(const Finding& f, std::string_view schema = {});
Result<Alert> alert_from_json(std::string_view json);
Result<Finding> finding_from_json(std::string_view json);

// A facet's value, or "" (facets are few: a linear look-up).
std::string_view facet(const Finding& f, std::string_view name);

}  // namespace rg::respond
