// credentials: the AWS CLI's credential chain, and temporary credentials kept fresh.
//
// Order (as botocore's resolver): environment (skipped when --profile was given, as the CLI
// does) -> assume-role profile (role_arn with source_profile or credential_source) ->
// the credentials file's keys -> credential_process -> the config file's keys -> the
// container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI with
// AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]) -> IMDSv2 (token PUT, then GET; 1 s timeout,
// disabled by AWS_EC2_METADATA_DISABLED=true).
// role_arn chains follow source_profile with cycle detection (a profile may name itself only
// when it has its own keys); mfa_serial asks for a code, only on a terminal; external_id,
// duration_seconds and role_session_name are passed to AssumeRole.
// Secrets are held in Credentials and never put into an Error or a log line.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aws/config.h"
#include "core/result.h"

namespace rg::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;  // secret
  std::string session_token;      // secret; "" for long-term keys
  std::optional<std::int64_t> expiration_ms;  // Unix ms; none for long-term keys
  std::string source;             // "env", "assume-role", "shared-credentials-file", ...
};

struct AssumeRoleRequest {
  std::string role_arn;
  std::string role_session_name;
  std::string external_id;
  int duration_seconds = 0;   // 0: STS default (3600)
  std::string serial_number;  // MFA device, with token_code
  std::string token_code;
  std::string region;         // the STS region (the profile's region)
  std::string endpoint_url;   // "" for https://sts.<region>.amazonaws.com
};

// Calls STS AssumeRole with `source` credentials. The default (aws/sts.h) does it over HTTP.
using AssumeRoleFn = std::function<Result<Credentials>(const Credentials& source, const AssumeRoleRequest&)>;
// Asks the user for the MFA code of `serial`; an error when there is no terminal.
using MfaPromptFn = std::function<Result<std::string>(const std::string& serial)>;

struct ChainOptions {
  AssumeRoleFn assume_role;        // required for role profiles
  MfaPromptFn mfa_prompt;          // default: prompt on /dev/tty when stdin is a terminal
  std::function<std::int64_t()> now_ms;  // default: the system clock
  long imds_timeout_ms = 1000;
  std::string imds_endpoint;       // default: AWS_EC2_METADATA_SERVICE_ENDPOINT or 169.254.169.254
};

// Resolves credentials once, following the chain above. The error names the profile and
// what was missing, never a secret.
Result<Credentials> resolve_credentials(const Settings& settings, const ChainOptions& options);

// credential_process: splits `command` as the CLI does (POSIX shell words, no shell run),
// runs it and parses its JSON Version 1 output.
Result<Credentials> run_credential_process(const std::string& command);
std::vector<std::string> split_command_line(const std::string& command);

// The terminal MFA prompt used by default.
Result<std::string> prompt_mfa_on_tty(const std::string& serial);

// Credentials that refresh themselves: get() returns cached ones until 15 minutes before
// they expire (or any time once expired), then resolves again. Thread-safe.
class CredentialSource {
 public:
  CredentialSource(Settings settings, ChainOptions options);
  Result<Credentials> get();
  const Settings& settings() const { return settings_; }

 private:
  Settings settings_;
  ChainOptions options_;
  std::mutex mu_;
  std::optional<Credentials> cached_;
};

}  // namespace rg::aws
