// Doc: a small ordered document tree (null, bool, integer, string, array, object) that the
// harden generators build and then render as JSON (Terraform, SCP, EventBridge) or as YAML
// (CloudFormation). Building a tree and rendering it, instead of pasting text, means every
// generated document is syntactically valid whatever the user puts in names or e-mails:
// strings are always quoted and escaped by the renderer.
//
// Objects keep insertion order (templates read top-down: parameters, then resources in the
// order they depend on each other). Plain value type; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rg::harden {

class Doc {
 public:
  enum class Kind { Null, Bool, Int, String, Array, Object };

  Doc() = default;                                  // null
  Doc(bool b) : kind_(Kind::Bool), b_(b) {}         // NOLINT: implicit by design
  Doc(int i) : kind_(Kind::Int), i_(i) {}           // NOLINT
  Doc(std::int64_t i) : kind_(Kind::Int), i_(i) {}  // NOLINT
  Doc(const char* s) : kind_(Kind::String), s_(s) {}       // NOLINT
  Doc(std::string s) : kind_(Kind::String), s_(std::move(s)) {}  // NOLINT
  Doc(std::string_view s) : kind_(Kind::String), s_(s) {}        // NOLINT

  static Doc array(std::vector<Doc> items = {});
  static Doc object();

  Kind kind() const { return kind_; }
  bool is_object() const { return kind_ == Kind::Object; }
  bool is_array() const { return kind_ == Kind::Array; }
  bool is_string() const { return kind_ == Kind::String; }
  const std::string& str() const { return s_; }
  std::int64_t integer() const { return i_; }
  bool boolean() const { return b_; }

  // Object: sets key (replacing an existing one in place) and returns *this for chaining.
  Doc& set(std::string key, Doc value);
  // Object: the value under key, or nullptr.
  const Doc* get(std::string_view key) const;
  Doc* get(std::string_view key);
  // Array: appends and returns *this.
  Doc& push(Doc value);

  const std::vector<std::pair<std::string, Doc>>& members() const { return members_; }
  const std::vector<Doc>& items() const { return items_; }

  // JSON with two-space indentation and a trailing newline.
  std::string to_json() const;
  // JSON on one line (policy documents embedded in commands).
  std::string to_compact_json() const;
  // Block-style YAML (every string double-quoted, keys plain when safe), trailing newline.
  std::string to_yaml() const;

 private:
  Kind kind_ = Kind::Null;
  bool b_ = false;
  std::int64_t i_ = 0;
  std::string s_;
  std::vector<Doc> items_;
  std::vector<std::pair<std::string, Doc>> members_;
};

}  // namespace rg::harden
