// collect: writes the account snapshot that `rootguard audit` reads (DESIGN.md "Snapshots",
// docs/live-aws.md lists every file) by calling AWS as the AWS CLI would.
//
// One account: global calls at the top of the directory, regional ones under <region>/.
// Regions are the client's region plus --regions, plus every region the answers point at
// (a trail's home region, its log group's region, an alarm's SNS topic region).
// An Organization (--org): the Organization-level files at the top, then one account
// snapshot per member, named by account id, collected with the role --role assumed in each
// member, `concurrency` accounts at a time. A call that fails is written as its
// {"Error": ...}; an account whose role cannot be assumed gets only rootguard.Collect.json
// with the error. Files are 0600, directories 0700.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "core/diagnostics.h"

namespace rg::aws {

struct CollectOptions {
  std::filesystem::path out;
  bool org = false;
  std::string role_name;             // the role assumed in each member (--org)
  int concurrency = 16;              // member accounts collected at once
  std::vector<std::string> regions;  // extra regions to look at
  int report_polls = 15;             // GenerateCredentialReport polls before giving up
  long report_poll_ms = 2000;        // the longest wait between polls
  std::function<std::int64_t()> now_ms;  // default: the system clock
};

struct CollectReport {
  int accounts = 0;         // account snapshots written
  int accounts_failed = 0;  // members that could not be entered (AssumeRole refused...)
  int calls = 0;
  int calls_failed = 0;     // kept as {"Error": ...}, each warned of
  int not_set = 0;          // answers that something is not set (an alternate contact), kept as errors are, not warned of
  bool fatal = false;       // nothing could be collected (no credentials, no Organization)
};

CollectReport collect(const Settings& settings, CredentialsFn credentials, const ClientOptions& client_options,
                      const CollectOptions& options, Diagnostics& diag);

// Organizations ListAccounts, every page merged, as the AWS CLI prints it (for `emails plan
// --live`). An AWS error or no credentials is an Error naming the call and the AWS code.
Result<std::string> list_accounts(Client& client);

// Writes `content` to `path` with mode 0600, creating parent directories with mode 0700.
Status write_private_file(const std::filesystem::path& path, const std::string& content);

}  // namespace rg::aws
