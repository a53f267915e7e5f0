// rootguard password [--length N] [--no-ambiguous]
// The password goes to stdout only; the entropy and advice go to stderr.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "core/diagnostics.h"
#include "harden/password.h"

namespace rg::cli {

Command register_password(CLI::App& root) {
  auto opts = std::make_shared<harden::PasswordOptions>();
  Command c;
  c.app = root.add_subcommand("password", "A random root password meeting AWS's rules, from the OS CSPRNG");
  c.app->add_option("--length", opts->length, "Characters, 8 to 128 (default 20)");
  c.app->add_flag("--no-ambiguous", opts->no_ambiguous, "Leave out 0 O o 1 l I |");
  c.run = [opts] {
    Diagnostics diag;
    if (Status st = harden::validate(*opts); !st) {
      diag.error(st.error());
      return kExitError;
    }
    harden::OsRandom rng;
    auto pw = harden::generate_password(*opts, rng);
    if (!pw) {
      diag.error(pw.error());
      return kExitError;
    }
    std::string line = std::move(*pw) + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    const bool written = std::fflush(stdout) == 0 && !std::ferror(stdout);
    harden::wipe(line);
    if (!written) return kExitError;  // told once, at exit; no advice about a password nobody got
    if (opts->length < 20)
      diag.warning("--length " + std::to_string(opts->length),
                   "shorter than the 20 random characters the root-password practice asks for");
    std::fprintf(stderr,
                 "rootguard: %d characters from a %zu-character alphabet: %.1f bits of entropy.\n"
                 "rootguard: set it as the root password with MFA, then do not keep it: reset it by e-mail when needed.\n",
                 opts->length, harden::password_alphabet(opts->no_ambiguous).size(), harden::password_entropy_bits(*opts));
    return kExitClean;
  };
  return c;
}

}  // namespace rg::cli
