#include "core/diagnostics.h"

#include <cstdio>

#include "core/redact.h"

namespace rg {

Diagnostics::Diagnostics()
    : printer_([](Level level, const std::string& line) {
        const char* tag = level == Level::Error ? "error" : level == Level::Warning ? "warning" : "note";
        std::fprintf(stderr, "rootguard: %s: %s\n", tag, line.c_str());
      }) {}

Diagnostics::Diagnostics(Printer printer) : printer_(std::move(printer)) {}

Diagnostics::Printer Diagnostics::silent() {
  return [](Level, const std::string&) {};
}

std::string Diagnostics::more_errors(std::size_t more, std::size_t shown, const std::string& rest) {
  return std::to_string(more) + " more errors in this file, not shown (the first " + std::to_string(shown) +
         " are above); " + rest;
}

void Diagnostics::emit(Level level, std::string line, std::size_t count) {
  line = redact_secrets(line);
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::lock_guard<std::mutex> lock(mu_);
  if (level == Level::Error) errors_ += count;
  if (level == Level::Warning) ++warnings_;
  lines_.push_back(line);
  if (lines_.size() > 100000) lines_.erase(lines_.begin(), lines_.begin() + 50000);
  printer_(level, line);
}

void Diagnostics::error(const Error& e) { emit(Level::Error, e.str()); }
void Diagnostics::error(ErrorKind kind, std::string where, std::string what) {
  error(Error{kind, std::move(where), std::move(what)});
}
void Diagnostics::errors(std::size_t count, ErrorKind kind, std::string where, std::string what) {
  emit(Level::Error, Error{kind, std::move(where), std::move(what)}.str(), count);
}
void Diagnostics::warning(std::string where, std::string what) {
  emit(Level::Warning, Error{ErrorKind::Invalid, std::move(where), std::move(what)}.str());
}
void Diagnostics::note(std::string where, std::string what) {
  emit(Level::Note, Error{ErrorKind::Invalid, std::move(where), std::move(what)}.str());
}

void Diagnostics::relay(Level level, std::string line) { emit(level, std::move(line)); }

std::size_t Diagnostics::error_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_;
}
std::size_t Diagnostics::warning_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return warnings_;
}
std::vector<std::string> Diagnostics::lines() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

}  // namespace rg
