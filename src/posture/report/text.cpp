// --format text: per account, its score and the failing checks first; then, when more than one
// account was audited, an accounts x checks matrix. ANSI colour only when asked (on a TTY).
#include <map>

#include "posture/report/report.h"

namespace rg::posture::report {
namespace {

char symbol(FindingStatus s) {
  switch (s) {
    case FindingStatus::Pass: return '.';
    case FindingStatus::Fail: return 'X';
    case FindingStatus::Unknown: return '?';
    case FindingStatus::Attest: return 'A';
    default: return '-';
  }
}

class TextReport : public AuditReport {
 public:
  TextReport(std::ostream& out, bool color) : out_(out), color_(color) {}

  void begin(const std::vector<const Check*>& checks, const std::optional<OrgInfo>& org, Severity fail_on) override {
    for (const Check* c : checks) ids_.push_back(c->meta.id);
    fail_on_ = fail_on;
    if (org)
      out_ << "Organization " << org->id << " (management " << org->management_account << ", FeatureSet "
           << org->feature_set << ", " << org->member_count << " accounts)\n\n";
  }

  void account(const AccountResult& r) override {
    StatusCounts c = count(r.findings);
    auto sc = score(r.findings);
    out_ << paint("1", "Account " + (r.account.empty() ? std::string("<unknown id>") : r.account))
         << (r.name.empty() ? "" : " " + r.name) << " (" << r.role << ", " << r.snapshot << ")  score "
         << (sc ? std::to_string(*sc) + "/100" : std::string("n/a")) << "  FAIL " << c.fail << ", UNKNOWN " << c.unknown
         << ", ATTEST " << c.attest << ", PASS " << c.pass << ", N_A " << c.na << "\n";
    std::string row(ids_.size(), ' ');
    for (const Finding& f : r.findings) {
      const char* col = f.status == FindingStatus::Fail ? "31" : f.status == FindingStatus::Pass ? "32"
                        : f.status == FindingStatus::Unknown ? "33" : "36";
      std::string st = to_string(f.status);
      st.resize(7, ' ');
      std::string sev(to_string(f.severity));
      sev.resize(8, ' ');
      out_ << "  " << paint(col, st) << " " << sev << " " << f.id << "  " << f.title << "\n"
           << "                             " << f.reason << "\n";
      for (std::size_t i = 0; i < ids_.size(); ++i)
        if (ids_[i] == f.id && (row[i] == ' ' || f.status == FindingStatus::Fail)) row[i] = symbol(f.status);
    }
    out_ << "\n";
    rows_.emplace_back((r.account.empty() ? r.snapshot : r.account) + (r.name.empty() ? "" : " " + r.name), row);
  }

  void end(const AuditSummary& s) override {
    if (rows_.size() > 1) {
      std::size_t w = 12;
      for (auto& [label, row] : rows_) w = std::max(w, std::min<std::size_t>(label.size(), 40));
      out_ << std::string(w, ' ');
      for (const auto& id : ids_) out_ << ' ' << id;
      out_ << "\n";
      for (auto& [label, row] : rows_) {
        std::string l = label.substr(0, w);
        l.resize(w, ' ');
        out_ << l;
        for (char ch : row) {
          std::string cellv = std::string("  ") + ch + ' ';
          out_ << (ch == 'X' ? paint("31", cellv) : ch == '?' ? paint("33", cellv) : cellv);
        }
        out_ << "\n";
      }
      out_ << "(. pass  X fail  ? unknown  A attest  - not applicable)\n\n";
    }
    out_ << s.accounts << " account(s), score " << (s.score ? std::to_string(*s.score) + "/100" : std::string("n/a"))
         << ": FAIL " << s.counts.fail << " (" << s.failed_at_or_above << " at or above " << to_string(fail_on_)
         << "), UNKNOWN " << s.counts.unknown << ", ATTEST " << s.counts.attest << ", PASS " << s.counts.pass
         << ", N_A " << s.counts.na;
    if (s.errors) out_ << "; " << s.errors << " input error(s)";
    out_ << "\n";
  }

 private:
  std::string paint(const char* code, const std::string& s) const {
    return color_ ? "\x1b[" + std::string(code) + "m" + s + "\x1b[0m" : s;
  }
  std::ostream& out_;
  bool color_;
  Severity fail_on_ = Severity::High;
  std::vector<std::string> ids_;
  std::vector<std::pair<std::string, std::string>> rows_;  // label, one status symbol per check
};

}  // namespace

std::unique_ptr<AuditReport> make_text(std::ostream& out, const ReportOptions& o) {
  return std::make_unique<TextReport>(out, o.color);
}

}  // namespace rg::posture::report
