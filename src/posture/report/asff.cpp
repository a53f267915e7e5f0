// --format asff: AWS Security Finding Format 2018-10-08, a JSON array ready for
// `aws securityhub batch-import-findings --findings file://audit.asff.json` (at most 100 per
// call: split larger arrays, e.g. with jq). Findings of one account import into that account.
#include "core/strings.h"
#include "core/time.h"
#include "posture/report/report.h"

namespace rg::posture::report {
namespace {

const char* compliance(FindingStatus s) {
  switch (s) {
    case FindingStatus::Pass: return "PASSED";
    case FindingStatus::Fail: return "FAILED";
    case FindingStatus::Attest: return "WARNING";
    default: return "NOT_AVAILABLE";
  }
}

class AsffReport : public AuditReport {
 public:
  AsffReport(std::ostream& out, const ReportOptions& o) : out_(out), o_(o) {}
  void begin(const std::vector<const Check*>&, const std::optional<OrgInfo>&, Severity) override { out_ << "["; }
  void account(const AccountResult& r) override {
    std::string when = format_iso8601(o_.generated_ms);
    for (const Finding& f : r.findings) {
      const CheckMeta* m = meta_of(f.id);
      std::string region = f.region.empty() ? o_.region : f.region;
      std::string acct = r.account.empty() ? "000000000000" : r.account;
      std::string partition = f.resource.rfind("arn:aws-us-gov:", 0) == 0 ? "aws-us-gov"
                              : f.resource.rfind("arn:aws-cn:", 0) == 0   ? "aws-cn" : "aws";
      std::string related = "[";
      if (m) {
        if (*m->cis.v1_4) related += q(std::string("CIS AWS Foundations Benchmark v3.0.0/") + m->cis.v1_4);
        if (*m->cis.v7_0) related += std::string(related.size() > 1 ? ", " : "") + q(std::string("CIS AWS Foundations Benchmark v7.0.0/") + m->cis.v7_0);
      }
      related += "]";
      std::string remediation = m && !m->cli.empty() ? m->cli.front() : f.next_step;
      remediation = std::string(utf8_prefix(remediation, 512));
      out_ << (first_ ? "\n" : ",\n") << "{\"SchemaVersion\": \"2018-10-08\", \"Id\": "
           << q("rootguard/" + acct + "/" + f.id + (f.resource.empty() ? "" : "/" + f.resource))
           << ", \"ProductArn\": " << q("arn:" + partition + ":securityhub:" + region + ":" + acct + ":product/" + acct + "/default")
           << ", \"GeneratorId\": " << q("rootguard-" + f.id) << ", \"AwsAccountId\": " << q(acct)
           << ", \"Types\": [\"Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark\"]"
           << ", \"CreatedAt\": " << q(when) << ", \"UpdatedAt\": " << q(when)
           << ", \"Severity\": {\"Label\": \"" << asff_severity_label(f.severity) << "\"}"
           << ", \"Title\": " << q(f.id + " " + f.title) << ", \"Description\": " << q(std::string(utf8_prefix(f.reason, 1024)))
           << ", \"Remediation\": {\"Recommendation\": {\"Text\": " << q(remediation) << "}}"
           << ", \"ProductFields\": {\"ProviderName\": \"rootguard\", \"ProviderVersion\": " << q(RG_VERSION)
           << ", \"rootguard/Status\": " << q(to_string(f.status)) << "}"
           << ", \"Resources\": [{\"Type\": " << q(f.resource.find(":trail/") != std::string::npos ? "AwsCloudTrailTrail" : "AwsAccount")
           << ", \"Id\": " << q(f.resource.empty() ? "AWS::::Account:" + acct : f.resource) << ", \"Partition\": " << q(partition)
           << ", \"Region\": " << q(region) << "}]"
           << ", \"Compliance\": {\"Status\": \"" << compliance(f.status) << "\", \"RelatedRequirements\": " << related
           << (m && *m->security_hub ? ", \"SecurityControlId\": " + q(m->security_hub) : "") << "}"
           << ", \"Workflow\": {\"Status\": \"" << (f.status == FindingStatus::Pass ? "RESOLVED" : "NEW") << "\"}"
           << ", \"RecordState\": \"ACTIVE\"}";
      first_ = false;
    }
  }
  void end(const AuditSummary&) override { out_ << (first_ ? "]\n" : "\n]\n"); }

 private:
  std::ostream& out_;
  ReportOptions o_;
  bool first_ = true;
};

}  // namespace

std::unique_ptr<AuditReport> make_asff(std::ostream& out, const ReportOptions& o) { return std::make_unique<AsffReport>(out, o); }

}  // namespace rg::posture::report
