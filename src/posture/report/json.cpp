// --format json: the versioned schema in docs/audit-json.md.
#include "posture/report/report.h"

namespace rg::posture::report {
namespace {

std::string counts_json(const StatusCounts& c) {
  return "{\"PASS\": " + std::to_string(c.pass) + ", \"FAIL\": " + std::to_string(c.fail) +
         ", \"N_A\": " + std::to_string(c.na) + ", \"UNKNOWN\": " + std::to_string(c.unknown) +
         ", \"ATTEST\": " + std::to_string(c.attest) + "}";
}

class JsonReport : public AuditReport {
 public:
  explicit JsonReport(std::ostream& out) : out_(out) {}
  void begin(const std::vector<const Check*>& checks, const std::optional<OrgInfo>& org, Severity fail_on) override {
    out_ << "{\n  \"schema\": \"rootguard.audit/1\",\n  \"tool\": {\"name\": \"rootguard\", \"version\": " << q(RG_VERSION)
         << "},\n  \"fail_on\": " << q(to_string(fail_on)) << ",\n  \"checks\": [";
    for (std::size_t i = 0; i < checks.size(); ++i) out_ << (i ? ",\n    " : "\n    ") << check_json(checks[i]->meta);
    out_ << "\n  ],\n  \"organization\": ";
    if (org) {
      out_ << "{\"id\": " << q(org->id) << ", \"management_account\": " << q(org->management_account)
           << ", \"feature_set\": " << q(org->feature_set) << ", \"member_count\": " << org->member_count << "}";
    } else {
      out_ << "null";
    }
    out_ << ",\n  \"accounts\": [";
  }
  void account(const AccountResult& r) override {
    auto sc = score(r.findings);
    out_ << (first_ ? "\n" : ",\n") << "    {\"account\": " << q(r.account) << ", \"name\": " << q(r.name)
         << ", \"role\": " << q(r.role) << ", \"snapshot\": " << q(r.snapshot)
         << ", \"score\": " << (sc ? std::to_string(*sc) : "null") << ", \"counts\": " << counts_json(count(r.findings))
         << ",\n     \"findings\": [";
    for (std::size_t i = 0; i < r.findings.size(); ++i) {
      const Finding& f = r.findings[i];
      out_ << (i ? ",\n" : "\n") << "       {\"id\": " << q(f.id) << ", \"title\": " << q(f.title)
           << ", \"severity\": " << q(to_string(f.severity)) << ", \"status\": " << q(to_string(f.status))
           << ", \"reason\": " << q(f.reason) << ", \"resource\": " << q(f.resource) << ", \"region\": " << q(f.region)
           << ", \"evidence\": [";
      for (std::size_t j = 0; j < f.facets.size(); ++j)
        out_ << (j ? ", " : "") << "{\"key\": " << q(f.facets[j].first) << ", \"value\": " << q(f.facets[j].second) << "}";
      out_ << "]}";
    }
    out_ << "]}";
    first_ = false;
  }
  void end(const AuditSummary& s) override {
    out_ << (first_ ? "],\n" : "\n  ],\n") << "  \"summary\": {\"accounts\": " << s.accounts << ", \"findings\": " << s.findings
         << ", \"counts\": " << counts_json(s.counts) << ", \"score\": " << (s.score ? std::to_string(*s.score) : "null")
         << ", \"failed_at_or_above_fail_on\": " << s.failed_at_or_above << ", \"errors\": " << s.errors << "}\n}\n";
  }

 private:
  std::ostream& out_;
  bool first_ = true;
};

}  // namespace

std::unique_ptr<AuditReport> make_json(std::ostream& out, const ReportOptions&) { return std::make_unique<JsonReport>(out); }

}  // namespace rg::posture::report
