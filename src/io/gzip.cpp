#include "io/gzip.h"

#include <isa-l.h>
#include <libdeflate.h>

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace rg::io {

namespace {
constexpr std::size_t kInBuf = 256 * 1024;
}

WholeFile::WholeFile(std::size_t limit) : limit_(limit) {
  if (limit_ > 0) {
    lib_ = libdeflate_alloc_decompressor();
    if (!lib_) throw std::bad_alloc();
  }
}

WholeFile::~WholeFile() {
  if (lib_) libdeflate_free_decompressor(lib_);
}

void WholeFile::Free::operator()(char* p) const { std::free(p); }

// The buffers hold whole files, tens of MB, and are written from end to end: every 4 KiB
// page of them costs a page fault the first time, which is 8% of a scan of the bench corpus
// on a virtual machine. Laid on 2 MiB boundaries, in multiples of 2 MiB, and offered to the
// kernel for transparent huge pages (honoured in its default "madvise" mode), a 30 MB buffer
// costs 15 faults instead of 7,500, and the first 2 MiB of files one. `n` is rounded up to
// what is allocated. They are not zeroed: only bytes written into them are read.
WholeFile::Buffer WholeFile::allocate(std::size_t& n) {
  constexpr std::size_t kHuge = 2u << 20;
  n = std::max<std::size_t>(1, (n + kHuge - 1) / kHuge) * kHuge;
  void* p = std::aligned_alloc(kHuge, n);
  if (!p) throw std::bad_alloc();
  ::madvise(p, n, MADV_HUGEPAGE);  // advice: without it (or refused) the pages are small
  return Buffer(static_cast<char*>(p));
}

// Each buffer is allocated once, at its limit, the first time it is wanted. Only the pages
// that files reach are ever touched, so memory in use is that of the biggest file so far, as
// with a buffer that grows; but each page is faulted in (and zeroed by the kernel) once, not
// again in every bigger buffer a growing one moves to, and nothing is copied.
std::size_t WholeFile::in_limit() const { return std::max(kInBuf, limit_ / 4); }

char* WholeFile::in_buffer() {
  if (!in_) {
    std::size_t size = in_limit();
    in_ = allocate(size);
  }
  return in_.get();
}

char* WholeFile::out_buffer() {
  if (!out_) {
    std::size_t size = limit_ + kWholeTail;
    out_ = allocate(size);
  }
  return out_.get();
}

Decoder::Decoder(std::unique_ptr<Reader> raw, std::string name, WholeFile* whole)
    : raw_(std::move(raw)), name_(std::move(name)), lend_(whole && whole->limit() > 0 ? whole : nullptr) {
  if (lend_) {
    in_ = lend_->in_buffer();
    in_cap_ = lend_->in_limit();
  } else {
    own_in_.reset(new char[kInBuf]);
    in_ = own_in_.get();
    in_cap_ = kInBuf;
  }
}

Decoder::~Decoder() = default;

Error Decoder::fail(const std::string& what) const {
  std::uint64_t consumed = raw_total_ - (in_len_ - in_pos_);
  return make_error(ErrorKind::Corrupt, name_,
                    what + " (compressed offset " + std::to_string(consumed) + ", decompressed offset " +
                        std::to_string(out_total_) + ")");
}

// A read error ends the raw input like its end does (raw_error_ says why), so that every byte
// read before it is decoded and returned first; the error takes the place of the end.
std::size_t Decoder::fill() {
  if (raw_eof_) return 0;
  if (in_pos_ < in_len_ && in_pos_ > 0) {
    std::memmove(in_, in_ + in_pos_, in_len_ - in_pos_);
  }
  in_len_ -= in_pos_;
  in_pos_ = 0;
  if (in_len_ == in_cap_) return std::size_t{0};
  auto r = raw_->read(in_ + in_len_, in_cap_ - in_len_);
  if (!r) {
    raw_error_ = r.take_error();
    raw_eof_ = true;
    return 0;
  }
  if (*r == 0) raw_eof_ = true;
  in_len_ += *r;
  raw_total_ += *r;
  return *r;
}

void Decoder::start() {
  started_ = true;
  while (in_len_ < 2 && !raw_eof_) fill();
  gzip_ = in_len_ >= 2 && static_cast<unsigned char>(in_[0]) == 0x1f && static_cast<unsigned char>(in_[1]) == 0x8b;
  if (gzip_) {
    // Value-initialised (zeroed, all 87 KB of it): isal_inflate_init does not set everything
    // ISA-L reads on damaged input, and a state left as the allocator had it made the stream
    // and whole-file paths disagree on one (found by fuzz/gzip_fuzz.cpp).
    st_ = std::make_unique<inflate_state>();
    isal_inflate_init(st_.get());
    st_->crc_flag = ISAL_GZIP;
    member_started_ = true;
    if (lend_) try_whole();
  }
}

std::optional<std::span<char>> Decoder::take_whole() {
  if (!started_) start();
  if (!out_ || out_pos_ > 0) return std::nullopt;  // not decoded whole, or already handed out
  out_pos_ = out_len_;
  out_total_ = out_len_;
  return std::span<char>(out_, out_len_);
}

Result<std::size_t> Decoder::read(char* buf, std::size_t n) {
  if (salvage_pos_ < salvage_.size() && n > 0) {
    const std::size_t k = std::min(n, salvage_.size() - salvage_pos_);
    std::memcpy(buf, salvage_.data() + salvage_pos_, k);
    salvage_pos_ += k;
    return k;
  }
  if (pending_) return *std::exchange(pending_, std::nullopt);
  if (n == 0 || done_) return std::size_t{0};
  if (!started_) start();
  if (out_) {
    if (out_pos_ == out_len_) {  // the end: was it all as the trailer says?
      done_ = true;
      used(out_len_);
      if (crc_ != crc_want_) return fail("gzip CRC mismatch: data is corrupt");
      return std::size_t{0};
    }
    std::size_t k = std::min(n, out_len_ - out_pos_);
    std::memcpy(buf, out_ + out_pos_, k);
    out_pos_ += k;
    out_total_ += k;
    used(out_pos_);
    return k;
  }
  if (gzip_) return inflate(buf, n);
  // plain: hand out buffered bytes first, then read straight into the caller's buffer
  if (in_pos_ < in_len_) {
    std::size_t k = std::min(n, in_len_ - in_pos_);
    std::memcpy(buf, in_ + in_pos_, k);
    in_pos_ += k;
    out_total_ += k;
    return k;
  }
  if (raw_eof_) return end(std::nullopt);
  auto r = raw_->read(buf, n);
  if (!r) return r.take_error();
  if (*r == 0) raw_eof_ = true;
  raw_total_ += *r;
  out_total_ += *r;
  return *r;
}

Result<std::size_t> Decoder::end(std::optional<Error> otherwise) {
  if (raw_error_) return *std::exchange(raw_error_, std::nullopt);  // why the input ended
  if (otherwise) return *std::move(otherwise);
  return std::size_t{0};
}

void Decoder::try_whole() {
  // Read ahead until the end of the input or a quarter of the budget (compressed): the
  // buffer's size.
  while (!raw_eof_ && in_len_ < in_cap_) fill();
  if (!raw_eof_ || raw_error_ || in_len_ < 18) return;  // the stream path takes it from here
  const auto* in = reinterpret_cast<const unsigned char*>(in_);
  const auto le32 = [&](std::size_t at) {
    return std::uint32_t{in[at]} | std::uint32_t{in[at + 1]} << 8 | std::uint32_t{in[at + 2]} << 16 |
           std::uint32_t{in[at + 3]} << 24;
  };
  // The header is read by ISA-L, as the stream path reads it (optional fields skipped), so
  // that libdeflate inflates the raw deflate data and the CRC32 is checked later, as the bytes
  // are used (see used()). Reserved flags, a header CRC and whatever ISA-L refuses are left to
  // the stream path, which says what is wrong. The state is left as start() made it.
  if (in[3] & 0xe2) return;
  isal_gzip_header header;
  isal_gzip_header_init(&header);  // extra, name and comment: not kept
  st_->next_in = const_cast<std::uint8_t*>(in);
  st_->avail_in = static_cast<std::uint32_t>(std::min<std::size_t>(in_len_, 1u << 30));
  const int read = isal_read_gzip_header(st_.get(), &header);
  const std::size_t pos = static_cast<std::size_t>(st_->next_in - in);
  isal_inflate_reset(st_.get());
  st_->crc_flag = ISAL_GZIP;
  const std::size_t body_end = in_len_ - 8;  // the trailer: CRC32, then ISIZE
  if (read != ISAL_DECOMP_OK || pos > body_end) return;
  const std::size_t isize = le32(in_len_ - 4);
  if (isize > lend_->limit()) return;
  char* out = lend_->out_buffer();  // isize <= limit
  std::size_t taken = 0, made = 0;
  if (libdeflate_deflate_decompress_ex(lend_->lib_, in + pos, body_end - pos, out, isize, &taken, &made) !=
          LIBDEFLATE_SUCCESS ||
      taken != body_end - pos || made != isize)
    return;  // the stream path decodes it again and says what is wrong, where
  crc_want_ = le32(body_end);
  out_ = out;
  out_len_ = isize;
  in_pos_ = in_len_;
}

void Decoder::used(std::size_t n) {
  n = std::min(n, out_len_);
  if (!out_ || n <= crc_pos_) return;
  crc_ = crc32_gzip_refl(crc_, reinterpret_cast<const unsigned char*>(out_ + crc_pos_), n - crc_pos_);
  crc_pos_ = n;
}

Result<std::size_t> Decoder::inflate(char* buf, std::size_t n) {
  // isal's counters are 32-bit; feed at most 1 GiB of output per call
  if (n > (1u << 30)) n = 1u << 30;
  for (;;) {
    if (!member_started_) {
      // between members: more gzip, zero padding, or the end
      while (in_pos_ < in_len_ && in_[in_pos_] == 0) ++in_pos_;
      if (in_pos_ == in_len_) {
        if (raw_eof_) {
          done_ = true;
          return end(std::nullopt);
        }
        fill();
        continue;
      }
      if (in_len_ - in_pos_ < 2 && !raw_eof_) {
        fill();
        continue;
      }
      if (in_len_ - in_pos_ < 2 || static_cast<unsigned char>(in_[in_pos_]) != 0x1f ||
          static_cast<unsigned char>(in_[in_pos_ + 1]) != 0x8b) {
        done_ = true;
        return fail("trailing bytes after the gzip stream are not gzip");
      }
      isal_inflate_reset(st_.get());
      st_->crc_flag = ISAL_GZIP;
      member_started_ = true;
    }
    if (in_pos_ == in_len_ && !raw_eof_) fill();
    st_->next_in = reinterpret_cast<uint8_t*>(in_ + in_pos_);
    st_->avail_in = static_cast<uint32_t>(std::min<std::size_t>(in_len_ - in_pos_, 1u << 30));
    st_->next_out = reinterpret_cast<uint8_t*>(buf);
    st_->avail_out = static_cast<uint32_t>(n);
    int ret = isal_inflate(st_.get());
    std::size_t consumed = (in_len_ - in_pos_) - st_->avail_in;
    in_pos_ += consumed;
    std::size_t produced = n - st_->avail_out;
    out_total_ += produced;
    if (ret < 0 && ret != ISAL_END_INPUT) {
      done_ = true;
      // On corrupt data ISA-L drops what it decoded before the bad symbol into its own
      // buffer and could not copy into ours (it decodes there when ours has little room):
      // taken out here, it comes before the error, so that the bytes before an error do not
      // depend on the size of the reads.
      const std::int64_t kept = static_cast<std::int64_t>(st_->tmp_out_valid) - st_->tmp_out_processed;
      if ((ret == ISAL_INVALID_BLOCK || ret == ISAL_INVALID_SYMBOL || ret == ISAL_INVALID_LOOKBACK) && kept > 0 &&
          st_->tmp_out_processed >= 0 && st_->tmp_out_valid <= static_cast<std::int32_t>(sizeof st_->tmp_out_buffer)) {
        salvage_.assign(reinterpret_cast<const char*>(st_->tmp_out_buffer) + st_->tmp_out_processed,
                        static_cast<std::size_t>(kept));
        out_total_ += salvage_.size();
      }
      pending_ = fail(ret == ISAL_INCORRECT_CHECKSUM ? "gzip CRC mismatch: data is corrupt"
                      : ret == ISAL_INVALID_WRAPPER  ? "invalid gzip header"
                                                     : "corrupt gzip data");
      if (produced > 0) return produced;  // the salvage and the error come with the next reads
      return read(buf, n);
    }
    if (st_->block_state == ISAL_BLOCK_FINISH) member_started_ = false;
    if (produced > 0) return produced;
    if (!member_started_) continue;
    if (consumed == 0) {
      if (raw_eof_) {
        done_ = true;
        return end(fail("truncated gzip stream"));
      }
      if (fill() == 0 && !raw_eof_) {
        done_ = true;
        return fail("corrupt gzip data (no progress)");
      }
    }
  }
}

}  // namespace rg::io
