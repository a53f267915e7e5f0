// rootguard rules (not built yet: replaced by the work that builds this command).
#include <cstdio>

#include "cli/command.h"

namespace rg::cli {

Command register_rules(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand("rules", "(not built yet)");
  c.app->allow_extras();
  c.run = [] {
    std::fprintf(stderr, "rootguard: error: 'rules' is not built yet\n");
    return kExitError;
  };
  return c;
}

}  // namespace rg::cli
