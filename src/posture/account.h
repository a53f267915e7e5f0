// The Account model and the Organization around it, read once from a snapshot; checks only read.
//
// A standalone snapshot directory is one Account. An Organization snapshot is a directory with
// organizations.*.json and iam.ListOrganizationsFeatures.json at its top and one account
// snapshot per account (management included) in a sub-directory named by account id. Both are
// described in DESIGN.md ("Snapshots") and docs/snapshot.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "posture/credential_report.h"
#include "posture/snapshot.h"

namespace rg::posture {

struct OrgAccount {
  std::string id, name, email, state;  // state from `State` (Status is being retired), upper case
  std::int64_t joined_ms = 0;          // JoinedTimestamp (epoch seconds, fractional) in ms
  std::vector<std::string> paths;      // "o-x/r-y/ou-z/<id>/": the OU chain (for SCP coverage)
};

struct Org {
  std::filesystem::path dir;
  FileSet files;                   // the top-level organizations.* / iam.ListOrganizationsFeatures files
  std::string id, management_id, management_email, feature_set;
  std::vector<OrgAccount> accounts;  // from ListAccounts (empty when not collected)
  bool accounts_known = false;

  const OrgAccount* find(const std::string& account_id) const;
};

struct Account {
  std::string id;          // 12-digit id ("" when nothing in the snapshot names it)
  std::string name;        // from ListAccounts, else ""
  std::string role;        // "management", "member", "standalone"
  std::string shown;       // the directory as named to the user
  std::string partition = "aws";  // from the root ARN: aws, aws-us-gov, aws-cn
  FileSet files;
  Result<CredentialReport> credentials{make_error(ErrorKind::NotCollected, "iam.GetCredentialReport.json",
                                                  "not collected (file missing from snapshot)")};

  std::string root_arn() const { return "arn:" + partition + ":iam::" + id + ":root"; }
};

// Reads an Organization's top-level files. `shown` names the directory in messages.
Org read_org(const std::filesystem::path& dir, const std::string& shown, Diagnostics& diag);
// Reads one account snapshot; `org` (may be null) supplies name, role and management id.
Account read_account(const std::filesystem::path& dir, const std::string& shown, const Org* org,
                     Diagnostics& diag);
// Builds an Account from files already read (tests, fuzzing).
Account account_from_files(FileSet files, const std::string& dir_name, const Org* org, Diagnostics& diag);

// What a directory holds.
enum class SnapshotKind { Account, Organization, NotASnapshot };
SnapshotKind classify_snapshot_dir(const std::filesystem::path& dir);

}  // namespace rg::posture
