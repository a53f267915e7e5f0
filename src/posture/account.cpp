#include "posture/account.h"

#include <cmath>
#include <system_error>

#include "core/strings.h"

namespace rg::posture {

namespace fs = std::filesystem;

const OrgAccount* Org::find(const std::string& account_id) const {
  for (const auto& a : accounts)
    if (a.id == account_id) return &a;
  return nullptr;
}

SnapshotKind classify_snapshot_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return SnapshotKind::NotASnapshot;
  bool known = false, members = false, org = false;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (it->is_directory(ec)) {
      if (is_account_id(n)) members = true;
      else if (is_region_name(n)) known = true;
    } else if (is_known_snapshot_file(n)) {
      known = true;
      if (n.rfind("organizations.", 0) == 0) org = true;
    }
  }
  if (org || members) return SnapshotKind::Organization;
  return known ? SnapshotKind::Account : SnapshotKind::NotASnapshot;
}

Org read_org(const fs::path& dir, const std::string& shown, Diagnostics& diag) {
  Org org;
  org.dir = dir;
  org.files = FileSet::read(dir, shown, diag, /*allow_subdirs=*/true);
  if (auto d = org.files.json("organizations.DescribeOrganization.json")) {
    simdjson::dom::element o;
    if (!d->at_key("Organization").get(o)) {
      org.id = get_string(o, "Id").value_or("");
      org.management_id = get_string(o, "MasterAccountId").value_or("");
      org.management_email = to_lower(get_string(o, "MasterAccountEmail").value_or(""));
      org.feature_set = get_string(o, "FeatureSet").value_or("");
    }
  }
  if (auto l = org.files.json("organizations.ListAccounts.json")) {
    if (auto arr = get_array(*l, "Accounts")) {
      org.accounts_known = true;
      for (auto a : *arr) {
        OrgAccount oa;
        oa.id = get_string(a, "Id").value_or("");
        oa.name = get_string(a, "Name").value_or("");
        oa.email = to_lower(get_string(a, "Email").value_or(""));
        // `State` replaces the retired `Status`; fall back to Status for older snapshots.
        oa.state = get_string(a, "State").value_or(get_string(a, "Status").value_or(""));
        if (auto t = get_number(a, "JoinedTimestamp")) oa.joined_ms = static_cast<std::int64_t>(std::llround(*t * 1000.0));
        oa.paths = get_strings(a, "Paths");
        org.accounts.push_back(std::move(oa));
      }
    } else {
      diag.error(ErrorKind::Corrupt, shown + "/organizations.ListAccounts.json", "no \"Accounts\" list");
    }
  }
  return org;
}

Account account_from_files(FileSet files, const std::string& dir_name, const Org* org, Diagnostics& diag) {
  Account a;
  a.shown = files.shown();
  a.files = std::move(files);
  if (auto r = a.files.json("iam.GetCredentialReport.json")) {
    a.credentials = parse_credential_response(*r, a.shown + "/iam.GetCredentialReport.json", diag);
  } else {
    a.credentials = r.error();
  }
  std::string root_arn;
  if (a.credentials.ok()) {
    int r = a.credentials->root_index();
    if (r >= 0) root_arn = a.credentials->get(static_cast<std::size_t>(r), "arn").raw;
  }
  if (is_account_id(dir_name)) a.id = dir_name;
  if (!root_arn.empty()) {
    auto parts = split(root_arn, ':');  // arn:<partition>:iam::<acct>:root
    if (parts.size() == 6) {
      a.partition = parts[1];
      if (a.id.empty() && is_account_id(parts[4])) a.id = parts[4];
    }
  }
  if (a.id.empty()) {
    if (auto c = a.files.json("sts.GetCallerIdentity.json")) a.id = get_string(*c, "Account").value_or("");
  }
  if (org) {
    if (const OrgAccount* oa = org->find(a.id)) a.name = oa->name;
    a.role = (!a.id.empty() && a.id == org->management_id) ? "management" : "member";
  } else {
    a.role = "standalone";
  }
  return a;
}

Account read_account(const fs::path& dir, const std::string& shown, const Org* org, Diagnostics& diag) {
  FileSet files = FileSet::read(dir, shown, diag);
  return account_from_files(std::move(files), dir.filename().string(), org, diag);
}

}  // namespace rg::posture
