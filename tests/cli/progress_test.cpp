// The progress line of `rootguard scan`: on a terminal, once a scan runs over 2 s, a line is
// kept up to date on stderr (and cleared before the summary); never when stderr is not a
// terminal (a log file or a pipe must not fill with control sequences).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <spawn.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "test_util.h"

extern char** environ;

namespace rg::test {
namespace {

const std::string kEvent =
    R"({"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ci"},)"
    R"("eventTime":"2026-11-20T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances",)"
    R"("awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","eventID":"e1","recipientAccountId":"111122223333"})";

// Runs `rootguard scan -` with stdin fed slowly (half now, half after 3.5 s: a margin for a
// loaded machine, where start-up under the sanitizers can take most of a second) and stderr on a
// pseudo-terminal (tty=true) or a pipe; returns what stderr received.
std::string scan_slowly(bool tty) {
  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return "pipe failed";
  int master = -1, slave = -1;
  int errp[2] = {-1, -1};
  if (tty) {
    if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) return "openpty failed";
    ::fcntl(master, F_SETFD, FD_CLOEXEC);
    ::fcntl(slave, F_SETFD, FD_CLOEXEC);
  } else if (::pipe2(errp, O_CLOEXEC) != 0) {
    return "pipe failed";
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, tty ? slave : errp[1], 2);
  std::vector<std::string> argv = {RG_BINARY, "scan", "-", "-j1"};
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, RG_BINARY, &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  int reader = tty ? master : errp[0];
  ::close(tty ? slave : errp[1]);
  if (rc != 0) return "spawn failed";
  std::string out;
  auto drain = [&](int ms) {
    pollfd p{reader, POLLIN, 0};
    while (::poll(&p, 1, ms) > 0) {
      char buf[4096];
      ssize_t n = ::read(reader, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
  };
  std::string lines;
  for (int i = 0; i < 200; ++i) lines += kEvent + "\n";
  ssize_t w = ::write(in[1], lines.data(), lines.size());
  (void)w;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(3500);
  while (std::chrono::steady_clock::now() < until) drain(100);
  w = ::write(in[1], lines.data(), lines.size());
  ::close(in[1]);
  int st = 0;
  bool exited = false;
  for (int i = 0; i < 100 && !exited; ++i) {
    exited = ::waitpid(pid, &st, WNOHANG) == pid;
    if (!exited) drain(100);
  }
  if (!exited) {  // never leave a scan behind, whatever went wrong
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &st, 0);
    out += "\n(test: the scan did not exit within 10 s and was killed)";
  }
  drain(50);
  ::close(reader);
  return out;
}

TEST(ScanProgress, ShownOnATerminalAfterTwoSecondsAndClearedBeforeTheSummary) {
  std::string err = scan_slowly(true);
  auto line = err.find("\r\x1b[Krootguard: 0/1 files, ");
  EXPECT_NE(line, std::string::npos) << err;
  auto summary = err.find("rootguard: scanned 1 file, 400 events");
  ASSERT_NE(summary, std::string::npos) << err;
  EXPECT_LT(line, summary);
  EXPECT_NE(err.find("KB decoded (", line), std::string::npos) << err;
  ASSERT_GE(summary, 3u);
  EXPECT_EQ(err.substr(summary - 3, 3), "\x1b[K") << "the progress line is erased before the summary";
}

TEST(ScanProgress, NeverWhenStderrIsNotATerminal) {
  std::string err = scan_slowly(false);
  EXPECT_NE(err.find("rootguard: scanned 1 file, 400 events"), std::string::npos) << err;
  EXPECT_EQ(err.find("\x1b["), std::string::npos) << err;
  EXPECT_EQ(err.find('\r'), std::string::npos) << err;
}

}  // namespace
}  // namespace rg::test
