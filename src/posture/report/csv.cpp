// --format csv: one row per finding, RFC 4180 quoting.
#include "posture/report/report.h"

namespace rg::posture::report {
namespace {

std::string cell(std::string_view s) {
  bool quote = s.find_first_of(",\"\n\r") != std::string_view::npos;
  if (!quote) return std::string(s);
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

class CsvReport : public AuditReport {
 public:
  explicit CsvReport(std::ostream& out) : out_(out) {}
  void begin(const std::vector<const Check*>&, const std::optional<OrgInfo>&, Severity) override {
    out_ << "account,account_name,role,check_id,title,severity,status,reason,resource,region,cis_1_4,cis_7_0,security_hub\n";
  }
  void account(const AccountResult& r) override {
    for (const Finding& f : r.findings) {
      const CheckMeta* m = meta_of(f.id);
      out_ << cell(r.account) << ',' << cell(r.name) << ',' << r.role << ',' << f.id << ',' << cell(f.title) << ','
           << to_string(f.severity) << ',' << to_string(f.status) << ',' << cell(f.reason) << ',' << cell(f.resource)
           << ',' << cell(f.region) << ',' << (m ? m->cis.v1_4 : "") << ',' << (m ? m->cis.v7_0 : "") << ','
           << (m ? m->security_hub : "") << '\n';
    }
  }
  void end(const AuditSummary&) override {}

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<AuditReport> make_csv(std::ostream& out, const ReportOptions&) { return std::make_unique<CsvReport>(out); }

}  // namespace rg::posture::report
