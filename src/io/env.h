// io::Env: the operating system behind one small interface, so tests can inject faults.
//
// The scan engine never opens files itself: a Source (io/source.h) carries an opener, and
// the openers made by io::expand() go through an Env. Env::posix() is the real one; tests
// wrap it (EIO at byte N, permission denied, short reads) as leveldb's fault-injection env
// does. Readers are used by one thread at a time; an Env must be safe to call from many.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace rg::io {

// A stream of bytes. read() fills up to n bytes and returns how many; 0 means end of input.
// An error ends the stream (bytes returned before it stay valid).
class Reader {
 public:
  virtual ~Reader() = default;
  virtual Result<std::size_t> read(char* buf, std::size_t n) = 0;
};

// Bytes already in memory, used in place by a reader that tells their owner how far it has
// come (io::Decoder checks a whole file's CRC32 this way, while the bytes are still in cache).
// The reader calls used(n) when it is done with the first n bytes, and read() once at their
// end, which returns 0 or the error that ends the input there.
class InPlaceSource : public Reader {
 public:
  virtual void used(std::size_t n) = 0;
};

class Env {
 public:
  virtual ~Env() = default;
  // Opens a regular file for reading. `name` is how errors name it.
  virtual Result<std::unique_ptr<Reader>> open(const std::filesystem::path& path, const std::string& name) = 0;
  // Standard input (named "-").
  virtual std::unique_ptr<Reader> open_stdin() = 0;

  // The real operating system (plain read(2) on file descriptors).
  static Env& posix();
};

// Where temporary files go: $TMPDIR, else /tmp.
std::string temp_dir();

// A reader over bytes held in memory (tests, fuzzers, embedded data). Does not own them.
class MemoryReader : public Reader {
 public:
  explicit MemoryReader(std::string_view bytes) : bytes_(bytes) {}
  Result<std::size_t> read(char* buf, std::size_t n) override;

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

}  // namespace rg::io
