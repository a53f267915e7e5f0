// Severity of a finding, ordered: Info < Low < Medium < High < Critical.
// Spelled as Sigma spells `level` (informational, low, medium, high, critical).
#pragma once

#include <optional>
#include <string_view>

namespace rg {

enum class Severity { Info = 0, Low = 1, Medium = 2, High = 3, Critical = 4 };

// "info", "low", "medium", "high", "critical".
std::string_view to_string(Severity s);
// Accepts the names above plus "informational" (Sigma), any case. nullopt if unknown.
std::optional<Severity> parse_severity(std::string_view s);
// One step up (Critical stays Critical).
Severity raise(Severity s);
// OCSF's severity_id (1 Informational .. 5 Critical) and its caption ("Informational", "Low",
// "Medium", "High", "Critical"), as every OCSF finding class spells them.
int ocsf_severity_id(Severity s);
const char* ocsf_severity_caption(Severity s);
// The AWS Security Finding Format's Severity.Label: "INFORMATIONAL", "LOW" .. "CRITICAL".
const char* asff_severity_label(Severity s);

}  // namespace rg
