// json: a small JSON value for AWS answers as the AWS CLI prints them.
//
// Objects keep their insertion order; dump() writes what Python's json.dumps(indent=4)
// writes (the CLI's --output json): 4-space indents, ", " never at line ends, "[]"/"{}" for
// empty containers, non-ASCII kept as UTF-8. Doubles print as Python's repr would for the
// values AWS sends (shortest round-trip form, ".0" kept for integral values).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace rg::aws {

class Json {
 public:
  enum class Kind { Null, Bool, Int, Double, String, Array, Object };
  Json() = default;
  static Json boolean(bool b);
  static Json integer(std::int64_t v);
  static Json number(double v);
  static Json string(std::string s);
  static Json array();
  static Json object();
  // An object of these members, each set() in turn (a repeated key keeps its first place and
  // its last value), in time linear in their number.
  static Json object(std::vector<std::pair<std::string, Json>> members);

  Kind kind() const { return kind_; }
  bool is_object() const { return kind_ == Kind::Object; }
  bool is_array() const { return kind_ == Kind::Array; }
  bool is_string() const { return kind_ == Kind::String; }
  const std::string& str() const { return s_; }
  std::int64_t as_int() const { return i_; }
  double as_double() const { return d_; }
  bool as_bool() const { return b_; }

  // Arrays.
  std::vector<Json>& items() { return items_; }
  const std::vector<Json>& items() const { return items_; }
  void push(Json v) { items_.push_back(std::move(v)); }
  // Objects.
  std::vector<std::pair<std::string, Json>>& members() { return members_; }
  const std::vector<std::pair<std::string, Json>>& members() const { return members_; }
  const Json* find(std::string_view key) const;
  Json* find(std::string_view key);
  void set(std::string key, Json v);  // replaces an existing key in place (linear in the object's size)
  void erase(std::string_view key);

  std::string dump() const;  // as the CLI prints it, with a final newline

  static Result<Json> parse(std::string_view text);

 private:
  void dump_to(std::string& out, int depth) const;
  Kind kind_ = Kind::Null;
  bool b_ = false;
  std::int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> members_;
};

// "{"Error": {"Code": code, "Message": message}}" as kept in snapshots for a failed call.
Json error_json(const std::string& code, const std::string& message);

}  // namespace rg::aws
