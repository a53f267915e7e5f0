// Env: the process environment as a plain map, so the library never reads it directly.
//
// Only cli/ calls process_env(); everything in aws/ takes an Env by const reference, which
// lets tests inject exactly the variables they mean (AWS_PROFILE, AWS_CONFIG_FILE, ...).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace rg::aws {

using Env = std::map<std::string, std::string, std::less<>>;

// A copy of the current process environment (cli/ only).
Env process_env();

// The value of `key`, or "" when unset. An empty variable counts as unset, as in botocore.
std::string env_get(const Env& env, std::string_view key);

}  // namespace rg::aws
