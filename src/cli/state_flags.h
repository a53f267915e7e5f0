// Flags shared by the commands that use the state store (watch, case): --state DIR or
// --store sqlite:PATH or postgresql://..., defaulting to $XDG_STATE_HOME/rootguard. cli/ may read the
// environment; the library may not, so the default is resolved here.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>

#include "respond/store.h"

namespace rg::cli {

struct StateFlags {
  std::string state_dir;
  std::string store_spec;

  void add_to(CLI::App* app) {
    app->add_option("--state", state_dir, "State directory (default: $XDG_STATE_HOME/rootguard)");
    app->add_option("--store", store_spec, "State store: sqlite:PATH or postgresql://user@host:port/db (instead of --state)");
  }
  std::string spec() const {
    if (!store_spec.empty()) return store_spec;
    if (!state_dir.empty()) return state_dir;
    return respond::default_state_dir(std::getenv("XDG_STATE_HOME"), std::getenv("HOME"));
  }
};

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string current_user() {
  for (const char* v : {"ROOTGUARD_USER", "USER", "LOGNAME"})
    if (const char* u = std::getenv(v); u && *u) return u;
  return "unknown";
}

}  // namespace rg::cli
