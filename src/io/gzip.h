// io::Decoder: the bytes of an input as the scanner wants them, decompressed if gzip.
//
// gzip is recognised by its magic bytes (1f 8b), never by the file name. Two ways in:
//  - whole file: when the Decoder is lent a WholeFile budget and the compressed input ends
//    within it, the input is read in full and inflated in one call with libdeflate (25-30%
//    less time than streaming on real trails; bench/gzip_bench.cpp) into the budget's reused
//    buffer, sized from the gzip trailer, whose length the call checks. The CRC32 is checked
//    with ISA-L as the caller uses the bytes (used(), read()), a piece at a time while they
//    are in cache, not in a pass of its own over a file that no longer fits there; a mismatch
//    ends the input after the last byte, with the stream path's error. Anything the call does
//    not decode cleanly in one piece (a truncated or corrupt stream, several members, padding,
//    an unusual header, a trailer claiming more than the budget) is decoded again by the
//    stream path, so that errors, offsets and partial output are the stream path's, byte for
//    byte.
//  - stream: inflated in process with ISA-L through a fixed 256 KiB input buffer (header
//    parsed, CRC32 and length of every member checked; concatenated members are read one after
//    another, zero padding after the last is ignored).
// A truncated stream or a bad CRC ends the input with one Error naming the compressed and
// decompressed byte offsets; what was decoded before it has already been returned and stays
// scanned. Memory: the stream path holds 256 KiB plus ISA-L's state (a lent buffer, when it
// has one); the whole-file path reserves the budget (decoded) plus a quarter of it
// (compressed: CloudTrail compresses about 8:1; a file that compresses less is streamed),
// each rounded up to whole 2 MiB pages (see WholeFile::allocate) and reused from file to
// file, of which it uses as much as the biggest file so far has reached.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "io/env.h"

struct inflate_state;
struct libdeflate_decompressor;

namespace rg::io {

// Writable bytes after the output of take_whole() (the framer pads there).
inline constexpr std::size_t kWholeTail = 128;

// Memory one worker lends to each Decoder it makes in turn, for whole-file decoding.
class WholeFile {
 public:
  // `limit`: the most decoded bytes one file may take this way (0: always stream).
  explicit WholeFile(std::size_t limit);
  ~WholeFile();
  WholeFile(const WholeFile&) = delete;
  WholeFile& operator=(const WholeFile&) = delete;

  std::size_t limit() const { return limit_; }

 private:
  friend class Decoder;
  std::size_t in_limit() const;  // compressed bytes (a quarter of the limit, at least the stream path's buffer)
  char* in_buffer();             // in_limit() bytes
  char* out_buffer();            // limit() bytes, then kWholeTail writable ones

  std::size_t limit_;
  struct Free {
    void operator()(char* p) const;
  };
  using Buffer = std::unique_ptr<char[], Free>;
  static Buffer allocate(std::size_t& n);  // rounds n up to what it allocates (see gzip.cpp)

  Buffer in_, out_;
  libdeflate_decompressor* lib_ = nullptr;
};

class Decoder : public InPlaceSource {
 public:
  Decoder(std::unique_ptr<Reader> raw, std::string name, WholeFile* whole = nullptr);
  ~Decoder() override;
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  Result<std::size_t> read(char* buf, std::size_t n) override;
  // Before any read(): if the input decodes in one call (see above), all of it, counted as
  // read, in the lent buffer (valid until the WholeFile's next file, kWholeTail writable bytes
  // after it). Otherwise nothing, and read() streams it (an error met here comes from read()).
  // The CRC32 of what it hands over is checked by used() and by the next read(), which checks
  // what used() has not and returns 0 or the CRC error: call read() once at the end.
  std::optional<std::span<char>> take_whole();
  void used(std::size_t n) override;  // checks the CRC32 of the whole file's first n bytes

  bool gzip() const { return gzip_; }                       // valid after the first read()
  bool whole() const { return out_ != nullptr; }            // decoded in one call (valid after the first read())
  std::uint64_t bytes_in() const { return raw_total_; }     // raw (compressed) bytes read so far
  std::uint64_t bytes_out() const { return out_total_; }    // decoded bytes returned so far

 private:
  void start();                               // detects gzip (and tries the whole-file path)
  std::size_t fill();                         // reads more raw input; 0 at its end (or a read error)
  Result<std::size_t> end(std::optional<Error> otherwise);  // at the end of the raw input
  Result<std::size_t> inflate(char* buf, std::size_t n);
  void try_whole();                           // reads the rest in and decodes it in one call if it can
  Error fail(const std::string& what) const;

  std::unique_ptr<Reader> raw_;
  std::string name_;
  WholeFile* lend_;
  std::unique_ptr<char[]> own_in_;  // the stream path's buffer, when nothing is lent
  char* in_ = nullptr;              // own_in_, or the lent buffer
  std::size_t in_cap_ = 0;
  std::size_t in_pos_ = 0, in_len_ = 0;
  char* out_ = nullptr;       // whole-file output (lent), or null
  std::size_t out_pos_ = 0, out_len_ = 0;
  std::size_t crc_pos_ = 0;                 // whole-file output checked so far
  std::uint32_t crc_ = 0, crc_want_ = 0;    // its CRC32 so far, and the trailer's
  bool started_ = false, gzip_ = false, raw_eof_ = false, done_ = false;
  bool member_started_ = false;
  std::uint64_t raw_total_ = 0, out_total_ = 0;
  std::unique_ptr<inflate_state> st_;
  std::optional<Error> pending_;   // returned by the next read, after salvage_
  std::string salvage_;            // decoded before an error, still to hand out (see inflate())
  std::size_t salvage_pos_ = 0;
  std::optional<Error> raw_error_;  // the read error that ended the raw input, until reported
};

}  // namespace rg::io
