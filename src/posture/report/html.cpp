// --format html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched).
// It streams: each account's details are written as the account is audited; the summary,
// charts and heat-map (compact rows kept in memory) are written at the end and moved to the
// top of the page by CSS flex order.
#include <map>

#include "core/strings.h"
#include "core/time.h"
#include "posture/report/report.h"

namespace rg::posture::report {
namespace {

const char* css_class(FindingStatus s) {
  switch (s) {
    case FindingStatus::Pass: return "pass";
    case FindingStatus::Fail: return "fail";
    case FindingStatus::Unknown: return "unknown";
    case FindingStatus::Attest: return "attest";
    default: return "na";
  }
}

constexpr const char* kStyle = R"(
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
main{display:flex;flex-direction:column;max-width:1200px;margin:0 auto;padding:16px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 16px;margin:8px 0}
#summary{order:0}#heatmap{order:1}.acct{order:2}#checks{order:3}
h1{font-size:20px;margin:4px 0}h2{font-size:16px;margin:4px 0 8px}
.kpis{display:flex;gap:24px;align-items:center;flex-wrap:wrap}.kpi b{display:block;font-size:26px}
.pass{background:#d3f2dc}.fail{background:#f8d0cf}.unknown{background:#fbecc0}.attest{background:#d9e6fb}.na{background:#eceef1;color:#777}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #dde1e6;padding:3px 6px;text-align:left;vertical-align:top}
.hm td{text-align:center;font-weight:600;width:34px}.hm td.lbl{text-align:left;width:auto;font-weight:400;white-space:nowrap}
.st{font-weight:700;font-size:12px;padding:1px 5px;border-radius:3px}code{font-size:12px;white-space:pre-wrap}
.ev{color:#555;font-size:12px}
)";

class HtmlReport : public AuditReport {
 public:
  HtmlReport(std::ostream& out, const ReportOptions& o) : out_(out), o_(o) {}

  void begin(const std::vector<const Check*>& checks, const std::optional<OrgInfo>& org, Severity fail_on) override {
    checks_ = checks;
    org_ = org;
    fail_on_ = fail_on;
    out_ << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>rootguard audit</title><style>" << kStyle
         << "</style></head><body><main>\n";
  }

  void account(const AccountResult& r) override {
    StatusCounts c = count(r.findings);
    auto sc = score(r.findings);
    std::string anchor = "acct-" + (r.account.empty() ? std::to_string(rows_.size()) : r.account);
    out_ << "<section class=\"acct\" id=\"" << html_escape(anchor) << "\"><h2>Account " << html_escape(r.account) << " " << html_escape(r.name) << " <small>("
         << html_escape(r.role) << ")</small> &mdash; score <span class=\"score\">" << (sc ? std::to_string(*sc) : "n/a")
         << "</span></h2><p>FAIL " << c.fail << " &middot; UNKNOWN " << c.unknown << " &middot; ATTEST " << c.attest
         << " &middot; PASS " << c.pass << " &middot; N_A " << c.na << "</p><table><tr><th>Status</th><th>Check</th><th>Severity</th><th>Evidence</th></tr>\n";
    std::map<std::string, FindingStatus> row;
    for (const Finding& f : r.findings) {
      out_ << "<tr class=\"finding\" data-status=\"" << to_string(f.status) << "\"><td><span class=\"st " << css_class(f.status)
           << "\">" << to_string(f.status) << "</span></td><td><a href=\"#check-" << html_escape(f.id) << "\">" << html_escape(f.id) << "</a> "
           << html_escape(f.title) << "</td><td>" << to_string(f.severity) << "</td><td>" << html_escape(f.reason);
      if (!f.facets.empty()) {
        out_ << "<div class=\"ev\">";
        for (auto& [k, v] : f.facets) out_ << html_escape(k) << "=" << html_escape(v) << " ";
        out_ << "</div>";
      }
      out_ << "</td></tr>\n";
      auto it = row.find(f.id);
      if (it == row.end() || f.status == FindingStatus::Fail) row[f.id] = f.status;
    }
    out_ << "</table></section>\n";
    std::string cells;
    for (const Check* chk : checks_) {
      auto it = row.find(chk->meta.id);
      char ch = 'n';
      if (it != row.end()) {
        switch (it->second) {
          case FindingStatus::Pass: ch = 'p'; break;
          case FindingStatus::Fail: ch = 'X'; break;
          case FindingStatus::Unknown: ch = 'u'; break;
          case FindingStatus::Attest: ch = 'a'; break;
          default: ch = 'n';
        }
      }
      cells += ch;
    }
    rows_.push_back({r.account + (r.name.empty() ? "" : " " + r.name), anchor, cells});
  }

  void end(const AuditSummary& s) override {
    // Summary with an SVG donut of statuses and a bar per severity of failures.
    out_ << "<section id=\"summary\"><h1>rootguard audit</h1><div class=\"kpis\">"
         << "<div class=\"kpi\">Score<b id=\"score\">" << (s.score ? std::to_string(*s.score) : "n/a") << "</b></div>"
         << "<div class=\"kpi\">Accounts<b id=\"accounts\">" << s.accounts << "</b></div>"
         << "<div class=\"kpi\">Failed<b id=\"failed\">" << s.counts.fail << "</b></div>"
         << "<div class=\"kpi\">Failed &ge; " << to_string(fail_on_) << "<b id=\"failed-threshold\">" << s.failed_at_or_above << "</b></div>"
         << "<div class=\"kpi\">Unknown<b id=\"unknown\">" << s.counts.unknown << "</b></div>"
         << "<div class=\"kpi\">Passed<b id=\"passed\">" << s.counts.pass << "</b></div>" << donut(s.counts) << "</div>"
         << "<p>" << (org_ ? "Organization " + html_escape(org_->id) + " (management " + html_escape(org_->management_account) + "). " : std::string())
         << "Generated " << html_escape(format_iso8601(o_.generated_ms)) << " by rootguard " << RG_VERSION
         << (s.errors ? ". <b>" + std::to_string(s.errors) + " input error(s)</b>: see the command's messages." : std::string(".")) << "</p></section>\n";
    // Heat-map: accounts x checks.
    out_ << "<section id=\"heatmap\"><h2>Accounts &times; checks</h2><table class=\"hm\"><tr><th>Account</th>";
    for (const Check* c : checks_) out_ << "<th title=\"" << html_escape(c->meta.title) << "\">" << c->meta.id << "</th>";
    out_ << "</tr>\n";
    for (const auto& r : rows_) {
      out_ << "<tr><td class=\"lbl\"><a href=\"#" << html_escape(r.anchor) << "\">" << html_escape(r.label) << "</a></td>";
      for (char ch : r.cells) {
        const char* cls = ch == 'p' ? "pass" : ch == 'X' ? "fail" : ch == 'u' ? "unknown" : ch == 'a' ? "attest" : "na";
        const char* txt = ch == 'p' ? "&#10003;" : ch == 'X' ? "&#10007;" : ch == 'u' ? "?" : ch == 'a' ? "A" : "&ndash;";
        out_ << "<td class=\"" << cls << "\">" << txt << "</td>";
      }
      out_ << "</tr>\n";
    }
    out_ << "</table></section>\n";
    // Check reference: remediation.
    out_ << "<section id=\"checks\"><h2>Checks and remediation</h2>\n";
    for (const Check* c : checks_) {
      const CheckMeta& m = c->meta;
      out_ << "<div id=\"check-" << m.id << "\"><h3>" << m.id << " " << html_escape(m.title) << " <small>(" << to_string(m.severity)
           << (*m.security_hub ? std::string(", Security Hub ") + m.security_hub : std::string()) << ")</small></h3><p>"
           << html_escape(m.practice) << "</p><ol>";
      for (auto* step : m.console) out_ << "<li>" << html_escape(step) << "</li>";
      out_ << "</ol>";
      for (auto* cmd : m.cli) out_ << "<code>" << html_escape(cmd) << "</code><br>";
      out_ << "</div>\n";
    }
    out_ << "</section>\n</main></body></html>\n";
  }

 private:
  struct Row {
    std::string label, anchor, cells;  // cells: one char per check: p X u a n
  };

  static std::string donut(const StatusCounts& c) {
    double total = static_cast<double>(c.total());
    std::string svg = "<svg id=\"donut\" width=\"140\" height=\"140\" viewBox=\"0 0 42 42\" role=\"img\" aria-label=\"status breakdown\">"
                      "<circle cx=\"21\" cy=\"21\" r=\"15.915\" fill=\"none\" stroke=\"#eceef1\" stroke-width=\"6\"/>";
    if (total > 0) {
      double offset = 25;
      std::pair<std::size_t, const char*> parts[] = {{c.fail, "#d9534f"}, {c.unknown, "#e8b92e"}, {c.attest, "#5b8def"},
                                                     {c.pass, "#3aa65a"}, {c.na, "#b8bec7"}};
      for (auto [n, colr] : parts) {
        if (!n) continue;
        double pct = 100.0 * static_cast<double>(n) / total;
        svg += "<circle cx=\"21\" cy=\"21\" r=\"15.915\" fill=\"none\" stroke=\"" + std::string(colr) +
               "\" stroke-width=\"6\" stroke-dasharray=\"" + std::to_string(pct) + " " + std::to_string(100 - pct) +
               "\" stroke-dashoffset=\"" + std::to_string(offset) + "\"/>";
        offset -= pct;
      }
    }
    svg += "</svg>";
    // A bar chart of status counts beside it.
    std::size_t mx = std::max<std::size_t>({c.fail, c.unknown, c.attest, c.pass, c.na, 1});
    svg += "<svg id=\"bars\" width=\"260\" height=\"120\" role=\"img\" aria-label=\"findings by status\">";
    std::pair<std::size_t, const char*> bars[] = {{c.fail, "FAIL"}, {c.unknown, "UNKNOWN"}, {c.attest, "ATTEST"}, {c.pass, "PASS"}, {c.na, "N_A"}};
    const char* colors[] = {"#d9534f", "#e8b92e", "#5b8def", "#3aa65a", "#b8bec7"};
    for (int i = 0; i < 5; ++i) {
      int w = static_cast<int>(170.0 * static_cast<double>(bars[i].first) / static_cast<double>(mx));
      int y = 4 + i * 23;
      svg += "<text x=\"0\" y=\"" + std::to_string(y + 14) + "\" font-size=\"11\">" + bars[i].second + "</text><rect x=\"62\" y=\"" +
             std::to_string(y) + "\" width=\"" + std::to_string(w) + "\" height=\"18\" fill=\"" + colors[i] + "\"/><text x=\"" +
             std::to_string(66 + w) + "\" y=\"" + std::to_string(y + 14) + "\" font-size=\"11\">" + std::to_string(bars[i].first) + "</text>";
    }
    return svg + "</svg>";
  }

  std::ostream& out_;
  ReportOptions o_;
  std::vector<const Check*> checks_;
  std::optional<OrgInfo> org_;
  Severity fail_on_ = Severity::High;
  std::vector<Row> rows_;
};

}  // namespace

std::unique_ptr<AuditReport> make_html(std::ostream& out, const ReportOptions& o) { return std::make_unique<HtmlReport>(out, o); }

}  // namespace rg::posture::report
