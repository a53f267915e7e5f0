// Running the Node.js test helpers of tests/node/ (AWS's own signer, the local AWS endpoint):
// whether they can run here, running a script to completion, and keeping one running as a
// server for the length of a test (it prints its port on its first line and is killed at the end).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace rg::test {

// tests/node with its node_modules installed and a `node` on PATH.
bool node_ready();
std::filesystem::path node_dir();

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;  // only with run_with_env
};
// Runs argv (no shell) and collects stdout; stderr goes to the test's stderr.
CommandResult run_command(const std::vector<std::string>& argv);
// Runs argv with exactly `env` ("NAME=value" each) as its environment, stdin closed,
// collecting stdout and stderr.
CommandResult run_with_env(const std::vector<std::string>& argv, const std::vector<std::string>& env);

class NodeServer {
 public:
  // Starts `node tests/node/<script> args...`; waits for its first stdout line, "PORT <n>".
  NodeServer(const std::string& script, const std::vector<std::string>& args);
  ~NodeServer();
  NodeServer(const NodeServer&) = delete;
  NodeServer& operator=(const NodeServer&) = delete;
  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
};

}  // namespace rg::test
