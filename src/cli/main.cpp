// rootguard: keeps the root user of every AWS account locked down.
// main parses the command line, runs the chosen subcommand and maps its exit status.
#include <cstdio>
#include <exception>
#include <iostream>
#include <vector>

#include "cli/command.h"

int main(int argc, char** argv) {
  using namespace rg::cli;
  CLI::App app{"rootguard: find, grade, answer and fix AWS root-user risk", "rootguard"};
  app.set_version_flag("--version", std::string("rootguard ") + RG_VERSION);
  app.require_subcommand(1);

  const Registrar registrars[] = {
      register_scan, register_rules, register_audit, register_harden, register_password, register_emails,
      register_collect,
      register_case,
      register_timeline,
      register_watch,
  };
  std::vector<Command> commands;
  for (Registrar r : registrars) commands.push_back(r(app));
  one_value_per_flag(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitClean : kExitError;
  }
  try {
    for (const Command& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rootguard: error: %s\n", e.what());
    return kExitError;
  }
  return kExitError;
}
