// rootguard collect: write the account (or Organization) snapshot that `audit` reads.
#include <filesystem>
#include <string>

#include "cli/aws_flags.h"
#include "cli/command.h"

namespace rg::cli {

Command register_collect(CLI::App& root) {
  struct State {
    AwsFlags aws;
    std::string out;
  };
  auto st = std::make_shared<State>();
  Command c;
  c.app = root.add_subcommand("collect", "Collect an account or Organization snapshot from AWS, as the AWS CLI would");
  add_aws_flags(c.app, st->aws, true);
  c.app->add_option("--out", st->out, "Snapshot directory to write (files 0600, directories 0700)")->required();
  c.run = [st] {
    Diagnostics diag;
    int rc = run_collect(st->aws, st->out, diag);
    return diag.error_count() > 0 ? kExitError : rc;
  };
  return c;
}

}  // namespace rg::cli
