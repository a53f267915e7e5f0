// Diagnostics: where the library reports bad input and notes, one line each, and goes on.
//
// Bad input is normal input: a parser that meets a truncated gzip or an invalid rule calls
// error() with an Error naming the file and offset, skips what it must, and continues. The
// count of errors decides the exit status (2) at the end. note() is for things worth
// telling that are not errors (a CloudTrail digest file skipped). Thread-safe; each line is
// delivered whole to the printer (default: stderr, "rootguard: error: <where>: <what>").
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"

namespace rg {

class Diagnostics {
 public:
  enum class Level { Note, Warning, Error };
  using Printer = std::function<void(Level, const std::string& line)>;

  Diagnostics();                          // prints to stderr
  explicit Diagnostics(Printer printer);  // custom printer (tests, TTY progress handling)

  void error(const Error& e);
  void error(ErrorKind kind, std::string where, std::string what);
  // One line that stands for `count` errors (those of a file past its cap of shown lines).
  void errors(std::size_t count, ErrorKind kind, std::string where, std::string what);
  void warning(std::string where, std::string what);
  void note(std::string where, std::string what);
  // A line another Diagnostics delivered (work done on a thread of its own, held until its
  // place in the output comes), reported here at `level` as if it had been reported here.
  void relay(Level level, std::string line);

  std::size_t error_count() const;
  std::size_t warning_count() const;
  // Every line reported so far, in order (kept for tests and summaries).
  std::vector<std::string> lines() const;

  // A printer that discards everything (library callers that only want counts).
  static Printer silent();

  // The line told once for a file's errors past the first `shown`: "N more errors in this
  // file, not shown (the first S are above); <rest>".
  static std::string more_errors(std::size_t more, std::size_t shown, const std::string& rest);

 private:
  void emit(Level level, std::string line, std::size_t count = 1);
  mutable std::mutex mu_;
  Printer printer_;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
  std::vector<std::string> lines_;
};

}  // namespace rg
