#include "posture/audit.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <system_error>

#include "posture/catalog.h"

namespace rg::posture {

namespace fs = std::filesystem;

void StatusCounts::add(FindingStatus s) {
  switch (s) {
    case FindingStatus::Pass: ++pass; break;
    case FindingStatus::Fail: ++fail; break;
    case FindingStatus::NotApplicable: ++na; break;
    case FindingStatus::Unknown: ++unknown; break;
    case FindingStatus::Attest: ++attest; break;
  }
}

StatusCounts count(const std::vector<Finding>& findings) {
  StatusCounts c;
  for (const auto& f : findings) c.add(f.status);
  return c;
}

std::optional<int> score(const std::vector<Finding>& findings) {
  auto weight = [](Severity s) {
    switch (s) {
      case Severity::Critical: return 10;
      case Severity::High: return 5;
      case Severity::Medium: return 3;
      case Severity::Low: return 1;
      default: return 0;
    }
  };
  int got = 0, total = 0;
  for (const auto& f : findings) {
    if (f.status != FindingStatus::Pass && f.status != FindingStatus::Fail && f.status != FindingStatus::Unknown) continue;
    total += weight(f.severity);
    if (f.status == FindingStatus::Pass) got += weight(f.severity);
  }
  if (total == 0) return std::nullopt;
  return static_cast<int>(std::lround(100.0 * got / total));
}

std::vector<Finding> run_checks(const std::vector<const Check*>& checks, const Account& account, const Org* org,
                                const Config& config, std::int64_t now_ms) {
  std::vector<Finding> out;
  CheckInput in{account, org, config, now_ms};
  for (const Check* c : checks) {
    auto fs_ = c->run(in);
    for (auto& f : fs_) out.push_back(std::move(f));
  }
  auto rank = [](FindingStatus s) {
    switch (s) {
      case FindingStatus::Fail: return 0;
      case FindingStatus::Unknown: return 1;
      case FindingStatus::Attest: return 2;
      case FindingStatus::Pass: return 3;
      default: return 4;
    }
  };
  std::stable_sort(out.begin(), out.end(), [&](const Finding& a, const Finding& b) {
    if (rank(a.status) != rank(b.status)) return rank(a.status) < rank(b.status);
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.id < b.id;
  });
  return out;
}

std::vector<const Check*> select_checks(const AuditOptions& options, Diagnostics& diag) {
  if (options.only_checks.empty()) return catalog();
  std::set<std::string> want;
  for (const auto& id : options.only_checks) {
    if (!find_check(id)) diag.error(ErrorKind::Invalid, "--check", "unknown check id '" + id + "' (known: " + catalog().front()->meta.id + "-" +
                                                   catalog().back()->meta.id + ")");
    want.insert(id);
  }
  std::vector<const Check*> out;
  for (const Check* c : catalog())
    if (want.count(c->meta.id)) out.push_back(c);
  return out;
}

namespace {

struct Plan {
  std::string dir;
  SnapshotKind kind;
};

}  // namespace

AuditSummary audit(const std::vector<std::string>& dirs, const Config& config, const AuditOptions& options,
                   AuditReport& report, Diagnostics& diag) {
  AuditSummary sum;
  std::vector<const Check*> checks = select_checks(options, diag);
  std::vector<Plan> plans;
  std::optional<OrgInfo> first_org;
  for (const auto& d : dirs) {
    std::error_code ec;
    if (!fs::exists(d, ec)) {
      diag.error(ErrorKind::Io, d, "no such directory");
      continue;
    }
    SnapshotKind k = classify_snapshot_dir(d);
    if (k == SnapshotKind::NotASnapshot) {
      diag.error(ErrorKind::Invalid, d,
                 "not a snapshot: no <service>.<Operation>.json files and no account sub-directories (see docs/snapshot.md)");
      continue;
    }
    plans.push_back({d, k});
  }
  // The first Organization's identity goes in the report header (read again below, file by file).
  for (const auto& p : plans) {
    if (p.kind != SnapshotKind::Organization) continue;
    Diagnostics quiet(Diagnostics::silent());
    Org o = read_org(p.dir, p.dir, quiet);
    first_org = OrgInfo{o.id, o.management_id, o.feature_set, o.accounts.size()};
    break;
  }
  report.begin(checks, first_org, options.fail_on);
  std::vector<int> scores;
  auto emit = [&](const Account& a, const Org* org) {
    AccountResult r;
    r.account = a.id;
    r.name = a.name;
    r.role = a.role;
    r.snapshot = a.shown;
    r.findings = run_checks(checks, a, org, config, options.now_ms);
    for (const auto& f : r.findings) {
      sum.counts.add(f.status);
      if (f.status == FindingStatus::Fail && f.severity >= options.fail_on) ++sum.failed_at_or_above;
    }
    sum.findings += r.findings.size();
    ++sum.accounts;
    if (auto s = score(r.findings)) scores.push_back(*s);
    report.account(r);
  };
  for (const auto& p : plans) {
    if (p.kind == SnapshotKind::Account) {
      Account a = read_account(p.dir, p.dir, nullptr, diag);
      emit(a, nullptr);
      continue;
    }
    Org org = read_org(p.dir, p.dir, diag);
    std::vector<std::string> members;
    std::error_code ec;
    for (fs::directory_iterator it(p.dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::string n = it->path().filename().string();
      if (!it->is_directory(ec) || n.empty() || n[0] == '.') continue;
      if (is_account_id(n)) members.push_back(n);
      else if (!is_region_name(n)) diag.warning((fs::path(p.dir) / n).string(), "unknown directory in Organization snapshot, ignored");
    }
    std::sort(members.begin(), members.end());
    for (const auto& m : members) {
      std::string shown = (fs::path(p.dir) / m).string();
      Account a = read_account(fs::path(p.dir) / m, shown, &org, diag);
      if (a.id.empty()) a.id = m;
      if (a.id != m) diag.warning(shown, "snapshot is of account " + a.id + ", not " + m);
      emit(a, &org);
    }
    // Accounts the Organization lists but the snapshot lacks: every check says what is missing.
    for (const auto& oa : org.accounts) {
      if (std::binary_search(members.begin(), members.end(), oa.id)) continue;
      if (!oa.state.empty() && oa.state != "ACTIVE") continue;
      std::string shown = (fs::path(p.dir) / oa.id).string();
      diag.warning(shown, "account listed by organizations.ListAccounts.json has no snapshot directory; its checks are UNKNOWN");
      Diagnostics quiet(Diagnostics::silent());
      Account a = account_from_files(FileSet::from_memory({}, shown, quiet), oa.id, &org, quiet);
      emit(a, &org);
    }
  }
  if (!scores.empty()) {
    long total = 0;
    for (int s : scores) total += s;
    sum.score = static_cast<int>(std::lround(static_cast<double>(total) / static_cast<double>(scores.size())));
  }
  sum.errors = diag.error_count();
  report.end(sum);
  return sum;
}

}  // namespace rg::posture
