// --format sarif: SARIF 2.1.0, one run, one rule per check, one result per finding. The
// location is the snapshot file the evidence came from (logical location: the account).
#include <map>

#include "core/time.h"
#include "posture/report/report.h"

namespace rg::posture::report {
namespace {

const char* level(const Finding& f) {
  if (f.status != FindingStatus::Fail) return f.status == FindingStatus::Unknown ? "warning" : "none";
  return f.severity >= Severity::High ? "error" : f.severity >= Severity::Medium ? "warning" : "note";
}

const char* kind(FindingStatus s) {
  switch (s) {
    case FindingStatus::Pass: return "pass";
    case FindingStatus::Fail: return "fail";
    case FindingStatus::NotApplicable: return "notApplicable";
    case FindingStatus::Attest: return "review";
    default: return "open";
  }
}

const char* security_severity(Severity s) {
  switch (s) {
    case Severity::Critical: return "9.5";
    case Severity::High: return "8.0";
    case Severity::Medium: return "5.5";
    case Severity::Low: return "3.0";
    default: return "0.0";
  }
}

class SarifReport : public AuditReport {
 public:
  explicit SarifReport(std::ostream& out) : out_(out) {}
  void begin(const std::vector<const Check*>& checks, const std::optional<OrgInfo>&, Severity) override {
    out_ << "{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\", \"version\": \"2.1.0\", \"runs\": [{\"tool\": "
         << "{\"driver\": {\"name\": \"rootguard\", \"version\": " << q(RG_VERSION) << ", \"rules\": [";
    for (std::size_t i = 0; i < checks.size(); ++i) {
      const CheckMeta& m = checks[i]->meta;
      index_[m.id] = i;
      std::string help;
      for (auto* s : m.console) help += std::string("Console: ") + s + "\n";
      for (auto* s : m.cli) help += std::string("CLI: ") + s + "\n";
      out_ << (i ? ",\n" : "\n") << "{\"id\": " << q(m.id) << ", \"name\": " << q(m.title)
           << ", \"shortDescription\": {\"text\": " << q(m.title) << "}, \"fullDescription\": {\"text\": " << q(m.practice)
           << "}, \"help\": {\"text\": " << q(help) << "}, \"defaultConfiguration\": {\"level\": "
           << q(m.severity >= Severity::High ? "error" : m.severity >= Severity::Medium ? "warning" : "note")
           << "}, \"properties\": {\"security-severity\": " << q(security_severity(m.severity))
           << ", \"cis\": " << cis_json(m) << ", \"tags\": [\"security\", \"aws\", \"root-user\"]}}";
    }
    out_ << "]}}, \"results\": [";
  }
  void account(const AccountResult& r) override {
    for (const Finding& f : r.findings) {
      std::string file;
      for (auto& [k, v] : f.facets)
        if (k == "file" && file.empty()) file = v;
      std::string uri = r.snapshot + (file.empty() || file.find(' ') != std::string::npos ? "" : "/" + file);
      out_ << (first_ ? "\n" : ",\n") << "{\"ruleId\": " << q(f.id);
      if (auto it = index_.find(f.id); it != index_.end()) out_ << ", \"ruleIndex\": " << it->second;
      out_ << ", \"kind\": \"" << kind(f.status) << "\", \"level\": \"" << level(f) << "\", \"message\": {\"text\": "
           << q(to_string(f.status) + std::string(": ") + f.reason) << "}, \"locations\": [{\"physicalLocation\": "
           << "{\"artifactLocation\": {\"uri\": " << q(uri) << "}}, \"logicalLocations\": [{\"fullyQualifiedName\": "
           << q("aws/" + r.account + (f.resource.empty() ? "" : "/" + f.resource)) << ", \"kind\": \"resource\"}]}]"
           << ", \"properties\": {\"account\": " << q(r.account) << ", \"status\": " << q(to_string(f.status)) << "}}";
      first_ = false;
    }
  }
  void end(const AuditSummary&) override { out_ << "]}]}\n"; }

 private:
  std::ostream& out_;
  std::map<std::string, std::size_t> index_;
  bool first_ = true;
};

}  // namespace

std::unique_ptr<AuditReport> make_sarif(std::ostream& out, const ReportOptions&) { return std::make_unique<SarifReport>(out); }

}  // namespace rg::posture::report
