#include "core/severity.h"

#include "core/strings.h"

namespace rg {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Low: return "low";
    case Severity::Medium: return "medium";
    case Severity::High: return "high";
    case Severity::Critical: return "critical";
  }
  return "info";
}

std::optional<Severity> parse_severity(std::string_view s) {
  std::string l = to_lower(s);
  if (l == "info" || l == "informational") return Severity::Info;
  if (l == "low") return Severity::Low;
  if (l == "medium") return Severity::Medium;
  if (l == "high") return Severity::High;
  if (l == "critical") return Severity::Critical;
  return std::nullopt;
}

Severity raise(Severity s) {
  return s == Severity::Critical ? s : static_cast<Severity>(static_cast<int>(s) + 1);
}

int ocsf_severity_id(Severity s) { return static_cast<int>(s) + 1; }

const char* ocsf_severity_caption(Severity s) {
  switch (s) {
    case Severity::Info: return "Informational";
    case Severity::Low: return "Low";
    case Severity::Medium: return "Medium";
    case Severity::High: return "High";
    case Severity::Critical: return "Critical";
  }
  return "Unknown";
}

const char* asff_severity_label(Severity s) {
  switch (s) {
    case Severity::Info: return "INFORMATIONAL";
    case Severity::Low: return "LOW";
    case Severity::Medium: return "MEDIUM";
    case Severity::High: return "HIGH";
    case Severity::Critical: return "CRITICAL";
  }
  return "INFORMATIONAL";
}

}  // namespace rg
