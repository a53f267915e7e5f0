// Helpers for tests that drive the real binary or read shared test data.
#pragma once

#include <spawn.h>
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace rg::test {

struct RunResult {
  int status = -1;       // exit status (or 128+signal)
  std::string out;       // stdout
  std::string err;       // stderr
};

// Runs the built `rootguard` binary with args (no shell), optional stdin text, in cwd.
// Starts `rootguard args...` in the background (this process's environment), stdout and
// stderr appended to `log`; -1 when it could not start.
pid_t spawn_rootguard(const std::vector<std::string>& args, const std::filesystem::path& log);
// The same with the file actions `redirect` adds (where stdout and stderr go).
pid_t spawn_rootguard_with(const std::vector<std::string>& args,
                           const std::function<void(posix_spawn_file_actions_t*)>& redirect);
// Waits for it: its exit status, or 128 + the signal that ended it.
int wait_exit(pid_t pid);
// "rule:eventID" -> how many times, from alert lines ("key":"D03:...") ...
std::map<std::string, int> alert_keys(const std::string& alerts_jsonl);
// ... and from `scan --format jsonl` findings.
std::map<std::string, int> scan_keys(const std::string& findings_jsonl);

RunResult run_rootguard(const std::vector<std::string>& args, const std::string& stdin_text = "",
                        const std::filesystem::path& cwd = {});

// Source tree and shared test data (../shared/testdata beside the repository).
std::filesystem::path source_dir();
std::filesystem::path shared_testdata();
// Whether that directory is there. A clone on its own has only its own examples: a test that
// reads a file or folder of the shared data skips, rather than fails, when that path is absent:
//   RG_SKIP_WITHOUT_SHARED_TESTDATA(shared_testdata() / "aws-responses");
bool have_shared_testdata();
#define RG_SKIP_WITHOUT_SHARED_TESTDATA(needed)                                   \
  if (const std::filesystem::path rg_needed_ = (needed); !std::filesystem::exists(rg_needed_)) \
  GTEST_SKIP() << "shared test data absent: " << rg_needed_

// A fresh temporary directory, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

void write_file(const std::filesystem::path& p, const std::string& content);

// For the rootguard runs in its scope: AWS_SHARED_CREDENTIALS_FILE names a file in `dir` with
// the key id AKIDEXAMPLE and the secret "canary-secret" (which no output may show), and
// AWS_CONFIG_FILE is /dev/null. Both are unset again when it goes, whatever the test did.
class FakeAwsCredentials {
 public:
  explicit FakeAwsCredentials(const std::filesystem::path& dir);
  ~FakeAwsCredentials();
  FakeAwsCredentials(const FakeAwsCredentials&) = delete;
  FakeAwsCredentials& operator=(const FakeAwsCredentials&) = delete;
  static constexpr const char* kSecret = "canary-secret";
};
std::string read_file(const std::filesystem::path& p);
// gzip-compresses content (for tests of .gz inputs).
std::string gzip(const std::string& content);

}  // namespace rg::test
