// rootguard password (not built yet: replaced by the work that builds this command).
#include <cstdio>

#include "cli/command.h"

namespace rg::cli {

Command register_password(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand("password", "(not built yet)");
  c.app->allow_extras();
  c.run = [] {
    std::fprintf(stderr, "rootguard: error: 'password' is not built yet\n");
    return kExitError;
  };
  return c;
}

}  // namespace rg::cli
