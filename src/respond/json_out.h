// JsonOut: a tiny append-only JSON writer for the alert, case and timeline outputs.
//
// Writes compact JSON into a string: obj()/arr() open, end() closes, key() names the next
// value. It checks nothing (the callers are few and tested): values are escaped, and keys are
// literals checked when compiling (JsonKey).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.h"

namespace rg::respond {

// A key written in the code: checked when compiling that it needs no escape, so it is
// copied as it is.
class JsonKey {
 public:
  template <std::size_t N>
  consteval JsonKey(const char (&k)[N]) : text_(k, N - 1) {  // NOLINT: implicit, for j.key("name")
    for (char c : text_)
      if (json_needs_escape(static_cast<unsigned char>(c))) throw "a JSON key that needs escaping";
  }
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
};

class JsonOut {
 public:
  JsonOut() = default;
  explicit JsonOut(std::size_t reserve) { out_.reserve(reserve); }
  JsonOut& obj() { open('{'); return *this; }
  JsonOut& arr() { open('['); return *this; }
  JsonOut& end() {
    out_ += stack_.back() == '{' ? '}' : ']';
    stack_.pop_back();
    first_.pop_back();
    return *this;
  }
  JsonOut& key(JsonKey k) {
    comma();
    out_ += '"';
    out_ += k.text();
    out_ += "\":";
    after_key_ = true;
    return *this;
  }
  JsonOut& str(std::string_view v) {
    comma();
    out_ += '"';
    append_json_escaped(out_, v);
    out_ += '"';
    return *this;
  }
  JsonOut& num(std::int64_t v) {
    comma();
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    return *this;
  }
  JsonOut& boolean(bool v) { comma(); out_ += v ? "true" : "false"; return *this; }
  JsonOut& raw(std::string_view json) { comma(); out_ += json; return *this; }
  JsonOut& kv(JsonKey k, std::string_view v) { return key(k).str(v); }
  // Only when non-empty.
  JsonOut& kv_opt(JsonKey k, std::string_view v) { return v.empty() ? *this : kv(k, v); }
  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void open(char c) {
    comma();
    out_ += c;
    stack_.push_back(c);
    first_.push_back(true);
  }
  void comma() {
    if (after_key_) { after_key_ = false; return; }
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
  std::string out_;
  std::vector<char> stack_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace rg::respond
