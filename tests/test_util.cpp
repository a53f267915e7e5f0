#include "test_util.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <libdeflate.h>

#include "core/strings.h"

extern char** environ;

namespace rg::test {

namespace fs = std::filesystem;

RunResult run_rootguard(const std::vector<std::string>& args, const std::string& stdin_text, const fs::path& cwd) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(127);
    std::vector<char*> argv;
    std::string bin = RG_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  RunResult r;
  size_t written = 0;
  int in_fd = in_pipe[1];
  if (stdin_text.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    pollfd fds[3];
    int n = 0;
    int oi = -1, ei = -1, ii = -1;
    if (out_open) { fds[n] = {out_pipe[0], POLLIN, 0}; oi = n++; }
    if (err_open) { fds[n] = {err_pipe[0], POLLIN, 0}; ei = n++; }
    if (in_fd >= 0) { fds[n] = {in_fd, POLLOUT, 0}; ii = n++; }
    if (poll(fds, n, -1) < 0) break;
    if (oi >= 0 && fds[oi].revents) {
      ssize_t k = read(out_pipe[0], buf, sizeof buf);
      if (k <= 0) out_open = false; else r.out.append(buf, static_cast<size_t>(k));
    }
    if (ei >= 0 && fds[ei].revents) {
      ssize_t k = read(err_pipe[0], buf, sizeof buf);
      if (k <= 0) err_open = false; else r.err.append(buf, static_cast<size_t>(k));
    }
    if (ii >= 0 && fds[ii].revents) {
      ssize_t k = write(in_fd, stdin_text.data() + written, stdin_text.size() - written);
      if (k > 0) written += static_cast<size_t>(k);
      if (k < 0 || written == stdin_text.size()) { close(in_fd); in_fd = -1; }
    }
  }
  if (in_fd >= 0) close(in_fd);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

fs::path source_dir() { return fs::path(RG_SOURCE_DIR); }
fs::path shared_testdata() { return fs::path(RG_SHARED_TESTDATA); }
bool have_shared_testdata() { return fs::is_directory(shared_testdata()); }

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "rgtest-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}
TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f << content;
}

FakeAwsCredentials::FakeAwsCredentials(const std::filesystem::path& dir) {
  write_file(dir / "fake-aws-credentials",
             std::string("[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = ") + kSecret + "\n");
  ::setenv("AWS_SHARED_CREDENTIALS_FILE", (dir / "fake-aws-credentials").c_str(), 1);
  ::setenv("AWS_CONFIG_FILE", "/dev/null", 1);
}

FakeAwsCredentials::~FakeAwsCredentials() {
  ::unsetenv("AWS_SHARED_CREDENTIALS_FILE");
  ::unsetenv("AWS_CONFIG_FILE");
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string gzip(const std::string& content) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(6);
  std::string out(libdeflate_gzip_compress_bound(c, content.size()), '\0');
  size_t n = libdeflate_gzip_compress(c, content.data(), content.size(), out.data(), out.size());
  libdeflate_free_compressor(c);
  out.resize(n);
  return out;
}

pid_t spawn_rootguard_with(const std::vector<std::string>& args,
                           const std::function<void(posix_spawn_file_actions_t*)>& redirect) {
  std::vector<std::string> argv = {RG_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  redirect(&fa);
  pid_t pid = -1;
  if (posix_spawn(&pid, RG_BINARY, &fa, nullptr, cargv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// Starts `rootguard args...` in the background, stdout and stderr to `log`.
pid_t spawn_rootguard(const std::vector<std::string>& args, const std::filesystem::path& log) {
  return spawn_rootguard_with(args, [&](posix_spawn_file_actions_t* fa) {
    posix_spawn_file_actions_addopen(fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(fa, 1, 2);
  });
}

int wait_exit(pid_t pid) {
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// rule:eventID -> how many times, from alert lines ("key":"D03:...") or scan jsonl lines.
std::map<std::string, int> alert_keys(const std::string& text) {
  std::map<std::string, int> out;
  static const std::regex key(R"re("key":"([^"]+)")re");
  for (auto& line : split(text, '\n')) {
    std::smatch m;
    if (std::regex_search(line, m, key)) ++out[m[1]];
  }
  return out;
}

std::map<std::string, int> scan_keys(const std::string& text) {
  std::map<std::string, int> out;
  static const std::regex rule(R"re("rule":"([^"]+)")re"), event(R"re("event":\{"id":"([^"]+)")re");
  for (auto& line : split(text, '\n')) {
    std::smatch r, e;
    if (std::regex_search(line, r, rule) && std::regex_search(line, e, event)) ++out[r[1].str() + ":" + e[1].str()];
  }
  return out;
}

}  // namespace rg::test
