#include "io/gzip.h"

#include <isa-l.h>

#include <cstring>
#include <utility>

namespace rg::io {

namespace {
constexpr std::size_t kInBuf = 256 * 1024;
}

Decoder::Decoder(std::unique_ptr<Reader> raw, std::string name)
    : raw_(std::move(raw)), name_(std::move(name)), in_(new char[kInBuf]) {}  // not zeroed: only filled bytes are read

Decoder::~Decoder() = default;

Error Decoder::fail(const std::string& what) const {
  std::uint64_t consumed = raw_total_ - (in_len_ - in_pos_);
  return make_error(ErrorKind::Corrupt, name_ + ":" + std::to_string(consumed),
                    what + " (compressed offset " + std::to_string(consumed) + ", decompressed offset " +
                        std::to_string(out_total_) + ")");
}

Result<std::size_t> Decoder::fill() {
  if (raw_eof_) return std::size_t{0};
  if (in_pos_ < in_len_ && in_pos_ > 0) {
    std::memmove(in_.get(), in_.get() + in_pos_, in_len_ - in_pos_);
  }
  in_len_ -= in_pos_;
  in_pos_ = 0;
  if (in_len_ == kInBuf) return std::size_t{0};
  auto r = raw_->read(in_.get() + in_len_, kInBuf - in_len_);
  if (!r) return r.take_error();
  if (*r == 0) raw_eof_ = true;
  in_len_ += *r;
  raw_total_ += *r;
  return *r;
}

Result<std::size_t> Decoder::read(char* buf, std::size_t n) {
  if (pending_) return *std::exchange(pending_, std::nullopt);
  if (n == 0 || done_) return std::size_t{0};
  if (!started_) {
    started_ = true;
    while (in_len_ < 2 && !raw_eof_) {
      auto r = fill();
      if (!r) return r.take_error();
    }
    gzip_ = in_len_ >= 2 && static_cast<unsigned char>(in_[0]) == 0x1f && static_cast<unsigned char>(in_[1]) == 0x8b;
    if (gzip_) {
      st_ = std::make_unique<inflate_state>();
      isal_inflate_init(st_.get());
      st_->crc_flag = ISAL_GZIP;
      member_started_ = true;
    }
  }
  if (gzip_) return inflate(buf, n);
  // plain: hand out buffered bytes first, then read straight into the caller's buffer
  if (in_pos_ < in_len_) {
    std::size_t k = std::min(n, in_len_ - in_pos_);
    std::memcpy(buf, in_.get() + in_pos_, k);
    in_pos_ += k;
    out_total_ += k;
    return k;
  }
  if (raw_eof_) return std::size_t{0};
  auto r = raw_->read(buf, n);
  if (!r) return r.take_error();
  if (*r == 0) raw_eof_ = true;
  raw_total_ += *r;
  out_total_ += *r;
  return *r;
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
          return std::size_t{0};
        }
        auto r = fill();
        if (!r) return r.take_error();
        continue;
      }
      if (in_len_ - in_pos_ < 2 && !raw_eof_) {
        auto r = fill();
        if (!r) return r.take_error();
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
    if (in_pos_ == in_len_ && !raw_eof_) {
      auto r = fill();
      if (!r) return r.take_error();
    }
    st_->next_in = reinterpret_cast<uint8_t*>(in_.get() + in_pos_);
    st_->avail_in = static_cast<uint32_t>(in_len_ - in_pos_);
    st_->next_out = reinterpret_cast<uint8_t*>(buf);
    st_->avail_out = static_cast<uint32_t>(n);
    int ret = isal_inflate(st_.get());
    std::size_t consumed = (in_len_ - in_pos_) - st_->avail_in;
    in_pos_ += consumed;
    std::size_t produced = n - st_->avail_out;
    out_total_ += produced;
    if (ret < 0 && ret != ISAL_END_INPUT) {
      done_ = true;
      pending_ = fail(ret == ISAL_INCORRECT_CHECKSUM ? "gzip CRC mismatch: data is corrupt"
                      : ret == ISAL_INVALID_WRAPPER  ? "invalid gzip header"
                                                     : "corrupt gzip data");
      if (produced > 0) return produced;  // the error comes with the next read
      return *std::exchange(pending_, std::nullopt);
    }
    if (st_->block_state == ISAL_BLOCK_FINISH) member_started_ = false;
    if (produced > 0) return produced;
    if (!member_started_) continue;
    if (consumed == 0) {
      if (raw_eof_) {
        done_ = true;
        return fail("truncated gzip stream");
      }
      auto r = fill();
      if (!r) return r.take_error();
      if (*r == 0 && !raw_eof_) {
        done_ = true;
        return fail("corrupt gzip data (no progress)");
      }
    }
  }
}

}  // namespace rg::io
