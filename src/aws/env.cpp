#include "aws/env.h"

#include <unistd.h>

namespace rg::aws {

Env process_env() {
  Env env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

std::string env_get(const Env& env, std::string_view key) {
  auto it = env.find(key);
  return it == env.end() ? std::string() : it->second;
}

}  // namespace rg::aws
