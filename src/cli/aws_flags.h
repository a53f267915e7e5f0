// The AWS flags shared by `collect`, `audit --live` and `scan s3://`, and the wiring from them
// to the library: the environment is read here (cli/ and aws/ only), the credential chain
// built, and a collection run. No logic beyond wiring.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/diagnostics.h"
#include "core/result.h"

namespace rg::aws {
class Client;
}

namespace rg::cli {

struct AwsFlags {
  std::string profile;
  std::string region;
  std::string endpoint_url;
  bool org = false;
  std::string role;
  int concurrency = 16;
  std::vector<std::string> regions;
};

// --profile --region --endpoint-url (and, with org_flags, --org --role --concurrency --regions).
void add_aws_flags(CLI::App* app, AwsFlags& flags, bool org_flags);

// Collects a snapshot into `out` (created 0700). Returns the exit status: 0 written,
// 2 when nothing could be collected or some member account could not be entered.
// `nothing`, when given, is set when nothing could be collected (no credentials, no answer to
// GetCallerIdentity, the Organization not listed): there is no snapshot to audit.
int run_collect(const AwsFlags& flags, const std::filesystem::path& out, Diagnostics& diag, bool* nothing = nullptr);

// A signed client for the flags' profile, region and endpoint (credentials resolved lazily).
Result<std::shared_ptr<aws::Client>> make_client(const AwsFlags& flags);

// The Organization's accounts (organizations ListAccounts, all pages) as the AWS CLI prints them.
Result<std::string> fetch_list_accounts(const AwsFlags& flags);

}  // namespace rg::cli
