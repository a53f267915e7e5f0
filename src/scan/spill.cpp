#include "scan/spill.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

namespace rg::scan::spill {

namespace {

constexpr std::size_t kBlock = 32u << 10;      // records gathered into one block
constexpr std::size_t kWriteBlock = 1u << 20;  // blocks buffered before a write(2)
constexpr std::size_t kLengthBytes = 4;        // before each record
// Before each block: its size, then its records' size, with kPacked set when it is compressed (u32).
constexpr std::size_t kBlockHeader = 8;
constexpr std::uint32_t kPacked = 1u << 31;
constexpr int kLevel = -1;  // zstd's first fast level

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

Result<std::shared_ptr<RunFile>> RunFile::create(const std::string& dir, Place* place) {
  std::string path = (dir.empty() ? std::string("/tmp") : dir) + "/rootguard-spill-XXXXXX";
  const int fd = ::mkstemp(path.data());  // 0600
  if (fd < 0) return io_error(dir, "cannot make a temporary file", errno);
  ::unlink(path.c_str());  // gone from the directory; the data lives while the descriptor is open
  return std::shared_ptr<RunFile>(new RunFile(fd, dir, place));
}

RunFile::~RunFile() {
  if (fd_ >= 0) ::close(fd_);
}

RunFile::RunFile(int fd, std::string name, Place* place)
    : fd_(fd), name_(std::move(name)), place_(place), zstd_(nullptr, [](void* c) { ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(c)); }) {}

void RunFile::begin() {
  out_.clear();
  block_open_ = false;
  run_begin_ = size_;
}

std::string& RunFile::open_record() {
  if (!block_open_) {  // room for the block's header
    block_at_ = out_.size();
    out_.append(kBlockHeader, '\0');
    block_open_ = true;
  }
  record_at_ = out_.size();
  out_.append(kLengthBytes, '\0');
  return out_;
}

void RunFile::cancel_record() { out_.resize(record_at_); }

Status RunFile::close_record() {
  const std::size_t n = out_.size() - record_at_ - kLengthBytes, block = out_.size() - block_at_ - kBlockHeader;
  const auto n32 = static_cast<std::uint32_t>(n);
  if (n32 != n || block >= kPacked) {
    cancel_record();
    return make_error(ErrorKind::Invalid, name_, "a record too large to spill");
  }
  std::memcpy(out_.data() + record_at_, &n32, kLengthBytes);
  if (block >= kBlock) return pack();
  return ok_status();
}

Status RunFile::abandon(Error e) {
  size_ = run_begin_;  // the next run starts where this one did
  out_.clear();
  block_open_ = false;
  return e;
}

Status RunFile::pack() {
  if (!block_open_) return ok_status();
  block_open_ = false;
  const std::size_t raw = out_.size() - block_at_ - kBlockHeader;
  if (raw == 0) {  // its records were taken back
    out_.resize(block_at_);
    return ok_status();
  }
  std::size_t n = raw;  // what is written: the records as they are, or compressed if smaller
  if (!place_ || !place_->take_plain(raw)) {
    if (!zstd_) zstd_.reset(ZSTD_createCCtx());
    if (!zstd_) return abandon(make_error(ErrorKind::Io, name_, "cannot compress a temporary file's block: out of memory"));
    zbuf_.resize(ZSTD_compressBound(raw));
    const std::size_t z = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(zstd_.get()), zbuf_.data(), zbuf_.size(),
                                            out_.data() + block_at_ + kBlockHeader, raw, kLevel);
    if (ZSTD_isError(z))
      return abandon(make_error(ErrorKind::Io, name_, std::string("cannot compress a temporary file's block: ") + ZSTD_getErrorName(z)));
    if (z < raw) {
      std::memcpy(out_.data() + block_at_ + kBlockHeader, zbuf_.data(), z);
      out_.resize(block_at_ + kBlockHeader + z);
      n = z;
    }
  }
  const std::uint32_t sizes[2] = {static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(raw) | (n < raw ? kPacked : 0)};
  std::memcpy(out_.data() + block_at_, sizes, kBlockHeader);
  if (out_.size() >= kWriteBlock) return flush();
  return ok_status();
}

Status RunFile::flush() {
  std::size_t done = 0;
  while (done < out_.size()) {
    const ssize_t w = ::pwrite(fd_, out_.data() + done, out_.size() - done, static_cast<off_t>(size_ + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return abandon(io_error(name_, "cannot write a temporary file", w < 0 ? errno : ENOSPC));
    done += static_cast<std::size_t>(w);
  }
  size_ += done;
  out_.clear();
  return ok_status();
}

Result<std::pair<std::uint64_t, std::uint64_t>> RunFile::end() {
  if (auto st = pack(); !st) return st.error();
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

Error RunReader::damaged(const char* what) const { return make_error(ErrorKind::Corrupt, run_.file->name(), what); }

Status RunReader::next_block() {
  if (run_.end - at_ < kBlockHeader) return damaged("a spilled run ends inside a block");
  std::uint32_t sizes[2];
  if (auto st = run_.file->read(at_, reinterpret_cast<char*>(sizes), kBlockHeader); !st) return st;
  const std::uint32_t packed = sizes[0], raw = sizes[1] & ~kPacked;
  if (packed > run_.end - at_ - kBlockHeader) return damaged("a spilled run ends inside a block");
  if (!(sizes[1] & kPacked)) {  // written as it is
    if (packed != raw) return damaged("a spilled block is damaged");
    buf_.resize(raw);
    if (auto st = run_.file->read(at_ + kBlockHeader, buf_.data(), raw); !st) return st;
  } else {
    // The compressed block is read into a buffer of the thread's, shared by its readers (a
    // merge reads many runs at once), and decompressed with the thread's context.
    struct Scratch {
      std::string packed;
      ZSTD_DCtx* ctx = ZSTD_createDCtx();
      ~Scratch() { ZSTD_freeDCtx(ctx); }
    };
    thread_local Scratch scratch;
    if (!scratch.ctx) return make_error(ErrorKind::Io, run_.file->name(), "cannot read a temporary file back: out of memory");
    scratch.packed.resize(packed);
    if (auto st = run_.file->read(at_ + kBlockHeader, scratch.packed.data(), packed); !st) return st;
    // The block's own header must hold the size written beside it before that much is made.
    if (ZSTD_getFrameContentSize(scratch.packed.data(), packed) != raw) return damaged("a spilled block is damaged");
    buf_.resize(raw);
    const std::size_t n = ZSTD_decompressDCtx(scratch.ctx, buf_.data(), raw, scratch.packed.data(), packed);
    if (ZSTD_isError(n) || n != raw) return damaged("a spilled block is damaged");
  }
  pos_ = 0;
  at_ += kBlockHeader + packed;
  return ok_status();
}

Result<std::optional<std::string_view>> RunReader::next() {
  while (pos_ == buf_.size()) {
    if (at_ == run_.end) return std::optional<std::string_view>();
    if (auto st = next_block(); !st) return st.error();
  }
  const std::size_t left = buf_.size() - pos_;
  std::uint32_t n = 0;
  if (left >= kLengthBytes) std::memcpy(&n, buf_.data() + pos_, kLengthBytes);
  if (left < kLengthBytes || left - kLengthBytes < n) return damaged("a spilled block ends inside a record");
  std::string_view rec(buf_.data() + pos_ + kLengthBytes, n);
  pos_ += kLengthBytes + n;
  return std::optional<std::string_view>(rec);
}

// ---------------------------------------------------------------- Place

bool Place::take_plain(std::uint64_t n) {
  std::uint64_t left = plain_left_.load(std::memory_order_relaxed);
  while (left >= n)
    if (plain_left_.compare_exchange_weak(left, left - n, std::memory_order_relaxed)) return true;
  return false;
}

void Place::kept_in_memory(const Error& why) {
  if (warned_.exchange(true)) return;
  diag_.warning(why.where, why.what + "; findings are held in memory instead");
}

}  // namespace rg::scan::spill
