// --format ocsf: OCSF 1.3 Compliance Finding (class_uid 2003), a JSON array, one per finding.
#include "core/time.h"
#include "posture/report/report.h"

namespace rg::posture::report {
namespace {

// compliance.status_id: 0 Unknown, 1 Pass, 2 Warning, 3 Fail, 99 Other.
std::pair<int, const char*> compliance_status(FindingStatus s) {
  switch (s) {
    case FindingStatus::Pass: return {1, "Pass"};
    case FindingStatus::Fail: return {3, "Fail"};
    case FindingStatus::Attest: return {2, "Warning"};
    case FindingStatus::NotApplicable: return {99, "Not Applicable"};
    default: return {0, "Unknown"};
  }
}

class OcsfReport : public AuditReport {
 public:
  OcsfReport(std::ostream& out, const ReportOptions& o) : out_(out), time_(o.generated_ms) {}
  void begin(const std::vector<const Check*>&, const std::optional<OrgInfo>&, Severity) override { out_ << "["; }
  void account(const AccountResult& r) override {
    for (const Finding& f : r.findings) {
      const CheckMeta* m = meta_of(f.id);
      auto [sid, sname] = compliance_status(f.status);
      std::string standards = "[";
      if (m) {
        auto add = [&](const char* ver, const char* id) {
          if (!*id) return;
          standards += std::string(standards.size() > 1 ? ", " : "") + q(std::string("CIS AWS Foundations Benchmark v") + ver);
        };
        add("1.2.0", m->cis.v1_2);
        add("3.0.0", m->cis.v1_4);
        add("5.0.0", m->cis.v5_0);
        add("6.0.0", m->cis.v6_0);
        add("7.0.0", m->cis.v7_0);
      }
      standards += "]";
      std::string uid = "rootguard-" + r.account + "-" + f.id + (f.resource.empty() ? "" : "-" + f.resource);
      out_ << (first_ ? "\n" : ",\n") << "{\"class_uid\": 2003, \"class_name\": \"Compliance Finding\", \"category_uid\": 2, "
           << "\"category_name\": \"Findings\", \"activity_id\": 1, \"activity_name\": \"Create\", \"type_uid\": 200301, "
           << "\"severity_id\": " << ocsf_severity_id(f.severity) << ", \"severity\": " << q(ocsf_severity_caption(f.severity))
           << ", \"status_id\": 1, \"status\": \"New\", \"time\": " << time_ << ", \"message\": " << q(f.reason)
           << ", \"metadata\": {\"version\": \"1.3.0\", \"product\": {\"name\": \"rootguard\", \"vendor_name\": \"rootguard\", "
           << "\"version\": " << q(RG_VERSION) << "}}"
           << ", \"finding_info\": {\"uid\": " << q(uid) << ", \"title\": " << q(f.title) << ", \"desc\": " << q(f.practice)
           << ", \"types\": [\"Root user posture\"]}"
           << ", \"compliance\": {\"control\": " << q(f.id) << ", \"standards\": " << standards
           << ", \"requirements\": [" << (m && *m->security_hub ? q(std::string("Security Hub ") + m->security_hub) : "")
           << "], \"status_id\": " << sid << ", \"status\": " << q(sname) << ", \"status_detail\": " << q(f.reason) << "}"
           << ", \"remediation\": {\"desc\": " << q(m && !m->console.empty() ? m->console.front() : f.next_step) << "}"
           << ", \"cloud\": {\"provider\": \"AWS\", \"account\": {\"uid\": " << q(r.account) << ", \"name\": " << q(r.name)
           << ", \"type\": \"AWS Account\", \"type_id\": 10}" << (f.region.empty() ? "" : ", \"region\": " + q(f.region)) << "}"
           << ", \"resources\": [{\"uid\": " << q(f.resource) << ", \"type\": " << q(f.resource.find(":trail/") != std::string::npos ? "AwsCloudTrailTrail" : "AwsAccount") << "}]"
           << ", \"unmapped\": {\"rootguard_status\": " << q(to_string(f.status)) << "}}";
      first_ = false;
    }
  }
  void end(const AuditSummary&) override { out_ << (first_ ? "]\n" : "\n]\n"); }

 private:
  std::ostream& out_;
  std::int64_t time_;
  bool first_ = true;
};

}  // namespace

std::unique_ptr<AuditReport> make_ocsf(std::ostream& out, const ReportOptions& o) { return std::make_unique<OcsfReport>(out, o); }

}  // namespace rg::posture::report
