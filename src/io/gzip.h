// io::Decoder: the bytes of an input as the scanner wants them, decompressed if gzip.
//
// gzip is recognised by its magic bytes (1f 8b), never by the file name, and inflated in
// process with ISA-L (header parsed, CRC32 and length of every member checked; concatenated
// members are read one after another, zero padding after the last is ignored). A truncated
// stream or a bad CRC ends the input with one Error naming the compressed and decompressed
// byte offsets; what was decoded before it has already been returned and stays scanned.
// Memory: one fixed input buffer (256 KiB) plus ISA-L's state; one Decoder per worker file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "io/env.h"

struct inflate_state;

namespace rg::io {

class Decoder : public Reader {
 public:
  Decoder(std::unique_ptr<Reader> raw, std::string name);
  ~Decoder() override;
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  Result<std::size_t> read(char* buf, std::size_t n) override;

  bool gzip() const { return gzip_; }                       // valid after the first read()
  std::uint64_t bytes_in() const { return raw_total_; }     // raw (compressed) bytes read so far
  std::uint64_t bytes_out() const { return out_total_; }    // decoded bytes returned so far

 private:
  Result<std::size_t> fill();                 // reads more raw input; 0 at end
  Result<std::size_t> inflate(char* buf, std::size_t n);
  Error fail(const std::string& what) const;

  std::unique_ptr<Reader> raw_;
  std::string name_;
  std::unique_ptr<char[]> in_;  // kInBuf bytes
  std::size_t in_pos_ = 0, in_len_ = 0;
  bool started_ = false, gzip_ = false, raw_eof_ = false, done_ = false;
  bool member_started_ = false;
  std::uint64_t raw_total_ = 0, out_total_ = 0;
  std::unique_ptr<inflate_state> st_;
  std::optional<Error> pending_;
};

}  // namespace rg::io
