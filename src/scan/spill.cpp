#include "scan/spill.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rg::scan::spill {

namespace {

constexpr std::size_t kWriteBlock = 1u << 20;  // bytes buffered before a write(2)
constexpr std::size_t kReadBlock = 32u << 10;  // a reader's buffer (grown for a bigger record)
constexpr std::size_t kLengthBytes = 4;

Error io_error(const std::string& where, const char* what, int e) {
  return make_error(ErrorKind::Io, where, std::string(what) + ": " + std::strerror(e));
}

// Every string of a Finding but its facets, in one fixed order: what put() writes, get()
// reads and held_bytes() counts. (F: Finding or const Finding.)
template <class F, class Fn>
void each_string(F& f, Fn&& fn) {
  auto& e = f.event;
  for (auto* s : {&f.id, &f.title, &f.reason, &f.practice, &f.next_step, &f.account, &f.region, &f.resource,
                  &e.event_id, &e.event_time, &e.event_name, &e.event_source, &e.event_type, &e.identity_type,
                  &e.principal, &e.access_key_id, &e.source_ip, &e.user_agent, &e.mfa, &e.error_code, &e.input})
    fn(*s);
}

}  // namespace

void put(Out& o, const Finding& f) {
  o.u8(static_cast<std::uint8_t>(f.severity));
  o.u8(static_cast<std::uint8_t>(f.status));
  o.i64(f.event.time_ms);
  o.u8(f.event.read_only ? 1 : 0);
  each_string(f, [&](const std::string& s) { o.str(s); });
  o.u64(f.facets.size());
  for (const auto& [k, v] : f.facets) {
    o.str(k);
    o.str(v);
  }
}

void get(In& in, Finding& f) {
  const std::uint8_t sev = in.u8(), status = in.u8();
  if (sev > static_cast<std::uint8_t>(Severity::Critical) || status > static_cast<std::uint8_t>(FindingStatus::Attest)) {
    in.fail();  // damaged
    return;
  }
  f.severity = static_cast<Severity>(sev);
  f.status = static_cast<FindingStatus>(status);
  f.event.time_ms = in.i64();
  f.event.read_only = in.u8() != 0;
  each_string(f, [&](std::string& s) { s = in.str(); });
  std::uint64_t n = in.u64();
  f.facets.clear();
  for (std::uint64_t i = 0; i < n && in.ok(); ++i) {
    std::string k = in.str();
    std::string v = in.str();
    f.facets.emplace_back(std::move(k), std::move(v));
  }
}

std::size_t held_bytes(const std::string& s) {
  // A string longer than the small-string buffer owns a heap block (and malloc's header).
  return s.capacity() > 15 ? s.capacity() + 1 + 16 : 0;
}

std::size_t held_bytes(const Finding& f) {
  std::size_t n = sizeof(Finding);
  each_string(f, [&](const std::string& s) { n += held_bytes(s); });
  n += f.facets.capacity() * sizeof(f.facets[0]);
  for (const auto& [k, v] : f.facets) n += held_bytes(k) + held_bytes(v);
  return n;
}

// ---------------------------------------------------------------- RunFile

Result<std::shared_ptr<RunFile>> RunFile::create(const std::string& dir) {
  std::string path = (dir.empty() ? std::string("/tmp") : dir) + "/rootguard-spill-XXXXXX";
  const int fd = ::mkstemp(path.data());  // 0600
  if (fd < 0) return io_error(dir, "cannot make a temporary file", errno);
  ::unlink(path.c_str());  // gone from the directory; the data lives while the descriptor is open
  return std::shared_ptr<RunFile>(new RunFile(fd, dir));
}

RunFile::~RunFile() {
  if (fd_ >= 0) ::close(fd_);
}

void RunFile::begin() {
  pending_.clear();
  run_begin_ = size_;
}

std::string& RunFile::open_record() {
  record_at_ = pending_.size();
  pending_.append(kLengthBytes, '\0');
  return pending_;
}

void RunFile::cancel_record() { pending_.resize(record_at_); }

Status RunFile::close_record() {
  const std::size_t n = pending_.size() - record_at_ - kLengthBytes;
  const auto n32 = static_cast<std::uint32_t>(n);
  if (n32 != n) {
    cancel_record();
    return make_error(ErrorKind::Invalid, name_, "a record too large to spill");
  }
  std::memcpy(pending_.data() + record_at_, &n32, kLengthBytes);
  if (pending_.size() >= kWriteBlock) return flush();
  return ok_status();
}

Status RunFile::flush() {
  std::size_t done = 0;
  while (done < pending_.size()) {
    const ssize_t w = ::pwrite(fd_, pending_.data() + done, pending_.size() - done, static_cast<off_t>(size_ + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int e = w < 0 ? errno : ENOSPC;
      size_ = run_begin_;  // the run is abandoned: the next one starts where it did
      pending_.clear();
      return io_error(name_, "cannot write a temporary file", e);
    }
    done += static_cast<std::size_t>(w);
  }
  size_ += done;
  pending_.clear();
  return ok_status();
}

Result<std::pair<std::uint64_t, std::uint64_t>> RunFile::end() {
  if (auto st = flush(); !st) return st.error();
  std::pair<std::uint64_t, std::uint64_t> extent{run_begin_, size_};
  run_begin_ = size_;
  return extent;
}

Status RunFile::read(std::uint64_t offset, char* buf, std::size_t n) const {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd_, buf + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return io_error(name_, "cannot read a temporary file back", errno);
    if (r == 0) return make_error(ErrorKind::Corrupt, name_, "a temporary file is shorter than written");
    done += static_cast<std::size_t>(r);
  }
  return ok_status();
}

// ---------------------------------------------------------------- RunReader

Status RunReader::fill(std::size_t want) {
  const std::size_t have = buf_.size() - pos_;
  if (have >= want) return ok_status();
  buf_.erase(0, pos_);
  pos_ = 0;
  const std::uint64_t left = run_.end - at_;
  const std::size_t more = static_cast<std::size_t>(std::min<std::uint64_t>(left, std::max(want, kReadBlock) - have));
  if (have + more < want) return make_error(ErrorKind::Corrupt, run_.file->name(), "a spilled run ends inside a record");
  buf_.resize(have + more);
  if (auto st = run_.file->read(at_, buf_.data() + have, more); !st) return st;
  at_ += more;
  return ok_status();
}

Result<std::optional<std::string_view>> RunReader::next() {
  if (pos_ == buf_.size() && at_ == run_.end) return std::optional<std::string_view>();
  if (auto st = fill(kLengthBytes); !st) return st.error();
  std::uint32_t n;
  std::memcpy(&n, buf_.data() + pos_, kLengthBytes);
  if (auto st = fill(kLengthBytes + n); !st) return st.error();
  std::string_view rec(buf_.data() + pos_ + kLengthBytes, n);
  pos_ += kLengthBytes + n;
  return std::optional<std::string_view>(rec);
}

// ---------------------------------------------------------------- Place

void Place::kept_in_memory(const Error& why) {
  if (warned_.exchange(true)) return;
  diag_.warning(why.where, why.what + "; findings are held in memory instead");
}

}  // namespace rg::scan::spill
