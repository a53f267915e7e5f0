// rootguard: keeps the root user of every AWS account locked down.
// main parses the command line, runs the chosen subcommand and maps its exit status.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <vector>

#include "cli/command.h"

namespace {

// What a command printed must have reached its reader: a full disk or a failed device makes
// the exit status 2 with one line, as any other error does (a reader that closed the pipe is
// not told, as `| head` is normal).
int stdout_written(int rc) {
  std::cout.flush();
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  const int e = errno;
  if (flushed && !std::ferror(stdout) && std::cout.good()) return rc;
  if (e == EPIPE) return rc;
  std::fprintf(stderr, "rootguard: error: standard output: write failed%s%s; what was printed is incomplete\n",
               e ? ": " : "", e ? std::strerror(e) : "");
  return rg::cli::kExitError;
}

}  // namespace

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

  // A usage error is one line, as every other error is, naming where the help is.
  app.failure_message([](const CLI::App* root, const CLI::Error& e) {
    std::string cmd = "rootguard";
    for (const CLI::App* a = root; a;) {
      const CLI::App* next = nullptr;
      for (const CLI::App* sub : a->get_subcommands())
        if (sub->parsed()) next = sub;
      if (next) cmd += " " + next->get_name();
      a = next;
    }
    return "rootguard: error: " + std::string(e.what()) + " (" + cmd + " --help)\n";
  });
  // A word that names no command (a typo, `rootguard scna`): CLI11 would say a subcommand is
  // required, as if none had been given.
  if (argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
      known = known || sub->check_name(argv[1]);
    }
    if (!known) {
      std::fprintf(stderr, "rootguard: error: unknown command '%s'; one of: %s (rootguard --help)\n", argv[1], names.c_str());
      return kExitError;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitClean : kExitError;
  }
  int rc = kExitError;
  try {
    for (const Command& c : commands)
      if (c.app->parsed()) {
        rc = c.run();
        break;
      }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rootguard: error: %s\n", e.what());
    return kExitError;
  }
  return stdout_written(rc);
}
