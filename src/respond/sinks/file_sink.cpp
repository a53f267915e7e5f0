// file:PATH: alerts as JSON lines (alert.h JSON), appended, fsync'ed, mode 0600. The outbox
// offers it its due alerts a batch at a time: one write and one fsync for the batch.
//
// Idempotent across crashes and processes: it knows the keys already in the file (read on
// open, then whatever others appended since, under an exclusive lock held while it checks and
// appends), so an alert whose delivery was cut short between the write and the outbox's
// "sent" mark, or that another worker on a shared store already wrote, is not written twice;
// a half-written last line (a crash mid-write) is cut off first. A failed write (full disk)
// is undone to the last whole line and retried later.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <simdjson.h>

#include "respond/sinks/kinds.h"

namespace rg::respond {
namespace {

class FileSink final : public Sink {
 public:
  FileSink(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~FileSink() override { ::close(fd_); }

  std::string name() const override { return "file:" + path_; }

  Status load_keys() {
    struct stat st{};
    if (fstat(fd_, &st) != 0) return make_error(ErrorKind::Io, path_, std::strerror(errno));
    regular_ = S_ISREG(st.st_mode);
    if (!regular_) return ok_status();
    Lock lock(fd_);
    return catch_up(true);
  }

  // Reads the lines appended since the last look (by anyone) and remembers their keys.
  Status catch_up(bool cut_partial) {
    struct stat st{};
    if (fstat(fd_, &st) != 0) return make_error(ErrorKind::Io, path_, std::strerror(errno));
    if (st.st_size <= read_upto_) return ok_status();
    std::string data(static_cast<size_t>(st.st_size - read_upto_), '\0');
    ssize_t got = pread(fd_, data.data(), data.size(), read_upto_);
    if (got < 0) return make_error(ErrorKind::Io, path_, std::strerror(errno));
    data.resize(static_cast<size_t>(got));
    size_t last_nl = data.rfind('\n');
    size_t whole = last_nl == std::string::npos ? 0 : last_nl + 1;
    if (cut_partial && whole < data.size() && ftruncate(fd_, static_cast<off_t>(read_upto_ + whole)) != 0)
      return make_error(ErrorKind::Io, path_, std::strerror(errno));
    simdjson::dom::parser p;
    size_t pos = 0;
    while (pos < whole) {
      size_t nl = data.find('\n', pos);
      std::string_view line(data.data() + pos, nl - pos);
      pos = nl + 1;
      simdjson::dom::element e;
      std::string_view key;
      if (p.parse(line.data(), line.size()).get(e) == simdjson::SUCCESS &&
          e["key"].get_string().get(key) == simdjson::SUCCESS)
        keys_.insert(std::string(key));
    }
    read_upto_ += static_cast<off_t>(whole);
    return ok_status();
  }

  bool idempotent() const override { return regular_; }

  Delivery deliver(const Alert& a) override { return append({&a}); }

  std::vector<Delivery> deliver_batch(const std::vector<Alert>& alerts) override {
    std::vector<const Alert*> all;
    all.reserve(alerts.size());
    for (const Alert& a : alerts) all.push_back(&a);
    return std::vector<Delivery>(alerts.size(), append(all));
  }

 private:
  // Appends the alerts that are not in the file yet with one write and one fsync: all of them
  // or, on a failure, none.
  Delivery append(const std::vector<const Alert*>& alerts) {
    Lock lock(regular_ ? fd_ : -1);
    if (regular_)
      if (Status s = catch_up(false); !s.ok()) return {Outcome::Retry, s.error().what};
    std::string text;
    std::unordered_set<std::string_view> adding;
    for (const Alert* a : alerts) {
      if (keys_.count(a->key) || !adding.insert(a->key).second) continue;
      text += to_json(*a);
      text += '\n';
    }
    if (text.empty()) return {Outcome::Accepted, "already in the file"};
    off_t before = regular_ ? lseek(fd_, 0, SEEK_END) : 0;
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return undo(before, errno ? errno : EIO);
      done += static_cast<size_t>(n);
    }
    if (regular_ && fsync(fd_) != 0) return undo(before, errno);
    for (std::string_view k : adding) keys_.emplace(k);
    if (regular_) read_upto_ = lseek(fd_, 0, SEEK_END);
    return {Outcome::Accepted, ""};
  }

  // An exclusive lock on the file (advisory, between rootguard processes), released on scope exit.
  struct Lock {
    explicit Lock(int fd) : fd_(fd) {
      if (fd_ >= 0)
        while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    ~Lock() {
      if (fd_ >= 0) ::flock(fd_, LOCK_UN);
    }
    int fd_;
  };
  Delivery undo(off_t before, int err) {
    if (regular_) (void)ftruncate(fd_, before);
    return {Outcome::Retry, path_ + ": " + std::strerror(err)};
  }
  std::string path_;
  int fd_;
  bool regular_ = true;
  off_t read_upto_ = 0;
  std::unordered_set<std::string> keys_;
};

}  // namespace

Result<std::unique_ptr<Sink>> make_file_sink(const std::string& path, const SinkOptions&) {
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);  // devices, pipes
  if (fd < 0) return make_error(errno == EACCES ? ErrorKind::Denied : ErrorKind::Io, path, std::strerror(errno));
  auto s = std::make_unique<FileSink>(path, fd);
  if (Status st = s->load_keys(); !st.ok()) return st.error();
  return std::unique_ptr<Sink>(std::move(s));
}

}  // namespace rg::respond
