#include "posture/report/report.h"

#include "core/strings.h"
#include "posture/catalog.h"

namespace rg::posture {

const std::vector<std::string>& report_formats() {
  static const std::vector<std::string> f = {"text", "json", "csv", "ocsf", "asff", "sarif", "html"};
  return f;
}

std::unique_ptr<AuditReport> make_report(std::string_view format, std::ostream& out, const ReportOptions& o) {
  if (format == "text") return report::make_text(out, o);
  if (format == "json") return report::make_json(out, o);
  if (format == "csv") return report::make_csv(out, o);
  if (format == "ocsf") return report::make_ocsf(out, o);
  if (format == "asff") return report::make_asff(out, o);
  if (format == "sarif") return report::make_sarif(out, o);
  if (format == "html") return report::make_html(out, o);
  return nullptr;
}

namespace report {

std::string q(std::string_view s) { return "\"" + json_escape(s) + "\""; }

const CheckMeta* meta_of(const std::string& id) {
  const Check* c = find_check(id);
  return c ? &c->meta : nullptr;
}

std::string cis_json(const CheckMeta& m) {
  std::string s = "{";
  auto add = [&](const char* ver, const char* id) {
    if (!*id) return;
    if (s.size() > 1) s += ", ";
    s += q(ver) + ": " + q(id);
  };
  add("1.2", m.cis.v1_2);
  add("1.4", m.cis.v1_4);
  add("5.0", m.cis.v5_0);
  add("6.0", m.cis.v6_0);
  add("7.0", m.cis.v7_0);
  return s + "}";
}

std::string check_json(const CheckMeta& m) {
  auto arr = [](const std::vector<const char*>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + q(v[i]);
    return s + "]";
  };
  return "{\"id\": " + q(m.id) + ", \"title\": " + q(m.title) + ", \"severity\": " + q(to_string(m.severity)) +
         ", \"cis\": " + cis_json(m) + ", \"security_hub\": " + q(m.security_hub) + ", \"practice\": " + q(m.practice) +
         ", \"remediation\": {\"console\": " + arr(m.console) + ", \"cli\": " + arr(m.cli) + "}, \"reads\": " +
         arr(m.reads) + "}";
}

}  // namespace report
}  // namespace rg::posture
