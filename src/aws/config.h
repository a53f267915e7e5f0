// config: the AWS CLI's settings (profile, region, endpoints) from flags, environment and the
// shared files ~/.aws/config and ~/.aws/credentials, resolved with the CLI's precedence.
//
//   profile : --profile > AWS_PROFILE > AWS_DEFAULT_PROFILE > "default"
//   region  : --region > AWS_REGION > AWS_DEFAULT_REGION > profile `region`
//   endpoint: --endpoint-url > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL >
//             the profile's `services` section (`[services x]`, `<service> = \n endpoint_url = U`)
//             > profile `endpoint_url` (all but --endpoint-url ignored when
//             AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true) > the service's AWS endpoint.
// Files: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/{config,credentials}.
// In the config file profiles are `[profile NAME]` or `[default]` (`[profile default]` wins
// over `[default]`); in the credentials file they are `[NAME]`. A value from the
// credentials file wins over the config file's for the same profile and key.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "aws/env.h"
#include "core/result.h"

namespace rg::aws {

// section -> key -> value. Nested values ("s3 =\n  addressing_style = path") are kept as
// "s3.addressing_style". Keys are lower-cased; values trimmed.
using IniSection = std::map<std::string, std::string, std::less<>>;
using Ini = std::map<std::string, IniSection, std::less<>>;
Ini parse_ini(std::string_view text);

struct CliOverrides {
  std::string profile;       // --profile
  std::string region;        // --region
  std::string endpoint_url;  // --endpoint-url
};

struct Settings {
  Env env;
  std::string profile = "default";
  bool profile_from_flag = false;  // --profile given: the env credentials are then skipped
  std::string region;              // "" when nothing sets it
  std::string endpoint_flag;
  Ini config;       // profiles by plain name ("default", "prod"); other sections by full name
  Ini credentials;  // profiles by plain name

  // The value of `key` in profile `name` (config file), or "".
  std::string config_value(std::string_view name, std::string_view key) const;
  std::string credentials_value(std::string_view name, std::string_view key) const;
  bool has_profile(std::string_view name) const;

  // The endpoint for a service, or "" for the AWS default. `env_id` is the service's
  // identifier as in AWS_ENDPOINT_URL_<ID> and the services section ("IAM", "STS",
  // "CLOUDTRAIL", "CLOUDWATCH_LOGS", "CLOUDWATCH", "SNS", "ORGANIZATIONS", "ACCOUNT", "S3").
  std::string endpoint_url(std::string_view env_id) const;
};

// Reads the files (missing files are fine; unreadable ones are errors naming them).
Result<Settings> load_settings(const Env& env, const CliOverrides& flags);

}  // namespace rg::aws
