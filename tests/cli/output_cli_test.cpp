// What a command prints must reach its reader. Written to a full device (/dev/full: every
// write fails with ENOSPC) each command exits 2 with one line saying so; a reader that closes
// the pipe early (`| head`) is not an error.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_util.h"

namespace rg::test {
namespace {

namespace fs = std::filesystem;

// Runs rootguard with stdout on `out_path` (or the descriptor `out_fd`) and stderr in `err`;
// returns the exit status.
int run_to(const std::vector<std::string>& args, const char* out_path, std::string& err, int out_fd = -1) {
  TempDir t;
  const fs::path err_file = t / "err";
  const pid_t pid = spawn_rootguard_with(args, [&](posix_spawn_file_actions_t* fa) {
    if (out_fd >= 0) posix_spawn_file_actions_adddup2(fa, out_fd, 1);
    else posix_spawn_file_actions_addopen(fa, 1, out_path, O_WRONLY, 0);
    posix_spawn_file_actions_addopen(fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  });
  if (pid < 0) return -1;
  const int status = wait_exit(pid);
  err = read_file(err_file);
  return status;
}

TEST(OutputCli, AFullDeviceIsAnErrorForEveryCommand) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const std::string examples = (source_dir() / "examples/cloudtrail").string();
  const std::string snapshot = (source_dir() / "examples/snapshots/org").string();
  const std::vector<std::vector<std::string>> commands = {
      {"scan", examples},
      {"scan", "--format", "jsonl", examples},
      {"audit", snapshot},
      {"timeline", examples},
      {"rules", "list"},
      {"harden", "scp"},
      {"password"},
  };
  for (const auto& args : commands) {
    SCOPED_TRACE(args[0] + " " + args[1 % args.size()]);
    std::string err;
    EXPECT_EQ(run_to(args, "/dev/full", err), 2) << err;
    EXPECT_NE(err.find("rootguard: error: standard output: write failed"), std::string::npos) << err;
    EXPECT_EQ(err.find("then do not keep it"), std::string::npos) << "no advice about a password nobody got";
    // one line says it, whichever path noticed
    std::size_t lines = 0;
    for (std::size_t p = err.find("write failed"); p != std::string::npos; p = err.find("write failed", p + 1)) ++lines;
    EXPECT_EQ(lines, 1u) << err;
  }
  std::string err;
  // -o FILE as well
  EXPECT_EQ(run_to({"audit", snapshot, "-o", "/dev/full"}, "/dev/null", err), 2) << err;
  EXPECT_NE(err.find("rootguard: error: /dev/full: write failed"), std::string::npos) << err;
  EXPECT_EQ(run_to({"scan", examples}, "/dev/null", err), 1) << err;  // the same scan, written: findings
  EXPECT_EQ(err.find("write failed"), std::string::npos) << err;
}

// A reader that went away (`rootguard scan ... | head`) stops the scan quietly.
TEST(OutputCli, AClosedPipeStopsTheScanQuietly) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);  // nobody will read
  std::string err;
  const int status = run_to({"scan", (source_dir() / "examples/cloudtrail").string()}, nullptr, err, fds[1]);
  ::close(fds[1]);
  EXPECT_EQ(status, 0) << err;
  EXPECT_EQ(err.find("write failed"), std::string::npos) << err;
}

}  // namespace
}  // namespace rg::test
