// The command line's plumbing: each subcommand lives in its own file (cli/<name>.cpp),
// registers its flags on the root CLI11 app, and supplies the function that runs it.
// Subcommands only parse flags, call the library and print: no logic lives in cli/.
#pragma once

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace rg::cli {

// Exit status everywhere (DESIGN.md): 0 nothing at or above the threshold, 1 found
// something, 2 usage error or some input could not be read.
inline constexpr int kExitClean = 0;
inline constexpr int kExitFound = 1;
inline constexpr int kExitError = 2;

struct Command {
  CLI::App* app = nullptr;   // the subcommand, as registered on the root app
  std::function<int()> run;  // runs it after parsing; returns the exit status
};

using Registrar = Command (*)(CLI::App& root);

// One registrar per subcommand; the explicit list is in main.cpp.
Command register_scan(CLI::App& root);
Command register_rules(CLI::App& root);
Command register_audit(CLI::App& root);
Command register_harden(CLI::App& root);
Command register_password(CLI::App& root);
Command register_emails(CLI::App& root);
Command register_collect(CLI::App& root);
Command register_case(CLI::App& root);
Command register_timeline(CLI::App& root);
Command register_watch(CLI::App& root);

}  // namespace rg::cli
