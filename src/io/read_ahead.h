// io::ReadAhead: a Reader that reads its source on a thread of its own, a few chunks ahead.
//
// For one input that a single worker would otherwise decode and scan in turn (a large gzip
// file streamed through ISA-L, a gzip stream on stdin): the source (the Decoder) inflates
// the next chunks while the caller frames and matches the last ones, so the two halves of
// the work overlap on two cores. The bytes, their order and the error that ends them are
// exactly the source's; an error is returned after every byte read before it.
//
// Memory: `depth` chunks of `chunk` bytes. The source is read by the ReadAhead's thread only,
// from construction to destruction; the caller must not touch it in between. Destroying a
// ReadAhead early (the caller stops) waits for the chunk being filled (at most `chunk` bytes
// more of the source), then stops reading.
// When no thread can be started, it reads the source directly on the caller's thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "io/env.h"

namespace rg::io {

class ReadAhead : public Reader {
 public:
  // `name` names the input in the error an exception from the source becomes.
  ReadAhead(Reader& src, std::string name, std::size_t chunk = 1u << 20, std::size_t depth = 3);
  ~ReadAhead() override;
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  Result<std::size_t> read(char* buf, std::size_t n) override;

 private:
  struct Chunk {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
  };
  void fill();  // the thread: source -> free chunks -> full ones, until the end or stop_

  Reader& src_;
  const std::string name_;
  const std::size_t chunk_;
  std::vector<Chunk> chunks_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Chunk*> free_, full_;  // under mu_
  bool ended_ = false;              // the source is done (eof or error_): under mu_
  std::optional<Error> error_;      // under mu_
  bool stop_ = false;               // under mu_

  Chunk* cur_ = nullptr;  // the caller's: being read from pos_
  std::size_t pos_ = 0;
  bool direct_ = false;  // no thread: the caller reads the source itself
  std::thread thread_;
};

}  // namespace rg::io
