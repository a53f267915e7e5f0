#include "io/env.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace rg::io {
namespace {

class FdReader : public Reader {
 public:
  static constexpr std::size_t kAdviseAfter = 64 * 1024;  // smaller reads say little about the file
  FdReader(int fd, std::string name, bool owned) : fd_(fd), name_(std::move(name)), owned_(owned) {}
  ~FdReader() override {
    if (owned_) ::close(fd_);
  }
  FdReader(const FdReader&) = delete;
  FdReader& operator=(const FdReader&) = delete;

  Result<std::size_t> read(char* buf, std::size_t n) override {
    for (;;) {
      ssize_t k = ::read(fd_, buf, n);
      if (k >= 0) {
#ifdef POSIX_FADV_SEQUENTIAL
        // A read that fills all it was given may have more behind it: a file read piece by
        // piece, for which the kernel is asked to read further ahead. A file read whole in its
        // first call (most trail files) is spared the system call.
        if (offset_ == 0 && owned_ && n >= kAdviseAfter && static_cast<std::size_t>(k) == n)
          (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
        offset_ += static_cast<std::uint64_t>(k);
        return static_cast<std::size_t>(k);
      }
      if (errno == EINTR) continue;
      int e = errno;
      return make_error(e == EACCES || e == EPERM ? ErrorKind::Denied : ErrorKind::Io,
                        name_, "offset " + std::to_string(offset_) + ": read failed: " + std::strerror(e));
    }
  }

 private:
  int fd_;
  std::string name_;
  bool owned_;
  std::uint64_t offset_ = 0;
};

class PosixEnv : public Env {
 public:
  Result<std::unique_ptr<Reader>> open(const std::filesystem::path& path, const std::string& name) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      ErrorKind kind = (e == EACCES || e == EPERM) ? ErrorKind::Denied : ErrorKind::Io;
      const char* what = e == ELOOP ? "symlink loop" : std::strerror(e);
      return make_error(kind, name, std::string("cannot open: ") + what);
    }
    return std::unique_ptr<Reader>(new FdReader(fd, name, true));
  }
  std::unique_ptr<Reader> open_stdin() override { return std::make_unique<FdReader>(0, "-", false); }
};

}  // namespace

std::string temp_dir() {
  const char* dir = std::getenv("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

Env& Env::posix() {
  static PosixEnv env;
  return env;
}

Result<std::size_t> MemoryReader::read(char* buf, std::size_t n) {
  std::size_t k = std::min(n, bytes_.size() - pos_);
  if (k) std::memcpy(buf, bytes_.data() + pos_, k);
  pos_ += k;
  return k;
}

}  // namespace rg::io
