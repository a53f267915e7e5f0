// Audit report formats: one file per format, each a function of the Findings it is fed
// (plus the checks' metadata). text, json (docs/audit-json.md), csv, ocsf (Compliance Finding,
// class 2003), asff (Security Hub batch-import-findings), sarif (2.1.0), html (one
// self-contained page). All stream: they keep at most a compact status row per account
// (for the text matrix and the HTML heat-map), never whole accounts.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "posture/audit.h"

namespace rg::posture {

struct ReportOptions {
  bool color = false;            // ANSI colour (text, only on a TTY)
  std::int64_t generated_ms = 0;  // when the report was made (timestamps in OCSF, ASFF, SARIF, HTML)
  std::string region = "us-east-1";  // ASFF ProductArn region when a finding has none
};

// The formats, in the order `--format` lists them.
const std::vector<std::string>& report_formats();
// nullptr for an unknown format.
std::unique_ptr<AuditReport> make_report(std::string_view format, std::ostream& out, const ReportOptions& options);

namespace report {
// JSON string literal with quotes.
std::string q(std::string_view s);
// The remediation, CIS ids and reads of a check as JSON objects (shared by json and sarif).
std::string cis_json(const CheckMeta& m);
std::string check_json(const CheckMeta& m);
// Looks up a check's metadata by id (null if unknown).
const CheckMeta* meta_of(const std::string& id);

std::unique_ptr<AuditReport> make_text(std::ostream& out, const ReportOptions& o);
std::unique_ptr<AuditReport> make_json(std::ostream& out, const ReportOptions& o);
std::unique_ptr<AuditReport> make_csv(std::ostream& out, const ReportOptions& o);
std::unique_ptr<AuditReport> make_ocsf(std::ostream& out, const ReportOptions& o);
std::unique_ptr<AuditReport> make_asff(std::ostream& out, const ReportOptions& o);
std::unique_ptr<AuditReport> make_sarif(std::ostream& out, const ReportOptions& o);
std::unique_ptr<AuditReport> make_html(std::ostream& out, const ReportOptions& o);
}  // namespace report

}  // namespace rg::posture
