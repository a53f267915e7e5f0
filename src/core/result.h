// Result<T>: a T or an Error (C++20 has no std::expected). Status = Result<void>.
//
// Fallible library calls return these instead of throwing; [[nodiscard]] plus -Werror
// means a caller cannot drop one by accident. Accessing value() of an error (or error()
// of a value) is a programming mistake and aborts.
#pragma once

#include <cstdlib>
#include <utility>
#include <variant>

#include "core/error.h"

namespace rg {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}       // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}   // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { check(true); return std::get<0>(v_); }
  const T& value() const& { check(true); return std::get<0>(v_); }
  T&& value() && { check(true); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { check(false); return std::get<1>(v_); }
  Error&& take_error() { check(false); return std::get<1>(std::move(v_)); }

  template <class U>
  T value_or(U&& fallback) const { return ok() ? std::get<0>(v_) : T(std::forward<U>(fallback)); }

 private:
  void check(bool want_value) const {
    if (ok() != want_value) std::abort();
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    if (ok_) std::abort();
    return err_;
  }

 private:
  Error err_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return Status(); }

}  // namespace rg
