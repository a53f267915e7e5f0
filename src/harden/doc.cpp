#include "harden/doc.h"

#include <cctype>

#include "core/strings.h"

namespace rg::harden {

Doc Doc::array(std::vector<Doc> items) {
  Doc d;
  d.kind_ = Kind::Array;
  d.items_ = std::move(items);
  return d;
}

Doc Doc::object() {
  Doc d;
  d.kind_ = Kind::Object;
  return d;
}

Doc& Doc::set(std::string key, Doc value) {
  for (auto& [k, v] : members_) {
    if (k == key) {
      v = std::move(value);
      return *this;
    }
  }
  members_.emplace_back(std::move(key), std::move(value));
  return *this;
}

const Doc* Doc::get(std::string_view key) const {
  for (const auto& [k, v] : members_)
    if (k == key) return &v;
  return nullptr;
}

Doc* Doc::get(std::string_view key) {
  for (auto& [k, v] : members_)
    if (k == key) return &v;
  return nullptr;
}

Doc& Doc::push(Doc value) {
  items_.push_back(std::move(value));
  return *this;
}

namespace {

void json_scalar(const Doc& d, std::string& out) {
  switch (d.kind()) {
    case Doc::Kind::Null: out += "null"; break;
    case Doc::Kind::Bool: out += d.boolean() ? "true" : "false"; break;
    case Doc::Kind::Int: out += std::to_string(d.integer()); break;
    case Doc::Kind::String:
      out += '"';
      out += json_escape(d.str());
      out += '"';
      break;
    default: break;
  }
}

void json(const Doc& d, int indent, bool pretty, std::string& out) {
  const std::string pad = pretty ? std::string(static_cast<size_t>(indent + 2), ' ') : "";
  const std::string close_pad = pretty ? std::string(static_cast<size_t>(indent), ' ') : "";
  const char* nl = pretty ? "\n" : "";
  if (d.is_array()) {
    if (d.items().empty()) {
      out += "[]";
      return;
    }
    out += '[';
    out += nl;
    for (size_t i = 0; i < d.items().size(); ++i) {
      out += pad;
      json(d.items()[i], indent + 2, pretty, out);
      if (i + 1 < d.items().size()) out += pretty ? "," : ", ";
      out += nl;
    }
    out += close_pad;
    out += ']';
  } else if (d.is_object()) {
    if (d.members().empty()) {
      out += "{}";
      return;
    }
    out += '{';
    out += nl;
    for (size_t i = 0; i < d.members().size(); ++i) {
      out += pad;
      out += '"';
      out += json_escape(d.members()[i].first);
      out += "\": ";
      json(d.members()[i].second, indent + 2, pretty, out);
      if (i + 1 < d.members().size()) out += pretty ? "," : ", ";
      out += nl;
    }
    out += close_pad;
    out += '}';
  } else {
    json_scalar(d, out);
  }
}

std::string yaml_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : json_escape(s)) {
    if (c == '\x7f') out += "\\x7f";  // DEL is not printable in YAML
    else out += c;
  }
  out += '"';
  return out;
}

bool plain_key(std::string_view k) {
  if (k.empty() || k.back() == ':') return false;
  if (!std::isalpha(static_cast<unsigned char>(k[0])) && k[0] != '_') return false;
  for (char c : k) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_' && c != ':' && c != '.' && c != '-' && c != '/') return false;
  }
  static const char* const reserved[] = {"true", "false", "yes", "no", "null", "on", "off", "y", "n", "~"};
  for (const char* r : reserved)
    if (iequals(k, r)) return false;
  return true;
}

std::string yaml_key(std::string_view k) { return plain_key(k) ? std::string(k) : yaml_quote(k); }

bool yaml_inline(const Doc& d) {
  return !(d.is_object() || d.is_array()) || (d.is_object() && d.members().empty()) ||
         (d.is_array() && d.items().empty());
}

std::string yaml_scalar(const Doc& d) {
  if (d.is_string()) return yaml_quote(d.str());
  if (d.is_object()) return "{}";
  if (d.is_array()) return "[]";
  std::string out;
  json_scalar(d, out);
  return out;
}

void yaml(const Doc& d, int indent, std::string& out);

// Renders a non-empty container as lines at `indent`.
void yaml_block(const Doc& d, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (d.is_object()) {
    for (const auto& [k, v] : d.members()) {
      out += pad + yaml_key(k) + ":";
      if (yaml_inline(v)) {
        out += " " + yaml_scalar(v) + "\n";
      } else {
        out += "\n";
        yaml_block(v, indent + 2, out);
      }
    }
    return;
  }
  for (const Doc& item : d.items()) {
    if (yaml_inline(item)) {
      out += pad + "- " + yaml_scalar(item) + "\n";
    } else if (item.is_object()) {
      std::string inner;
      yaml_block(item, indent + 2, inner);
      // The first member goes on the dash line: "  key: v" -> "- key: v".
      out += pad + "- " + inner.substr(static_cast<size_t>(indent + 2));
    } else {
      out += pad + "-\n";
      yaml_block(item, indent + 2, out);
    }
  }
}

void yaml(const Doc& d, int indent, std::string& out) {
  if (yaml_inline(d)) {
    out += yaml_scalar(d) + "\n";
    return;
  }
  yaml_block(d, indent, out);
}

}  // namespace

std::string Doc::to_json() const {
  std::string out;
  json(*this, 0, true, out);
  out += '\n';
  return out;
}

std::string Doc::to_compact_json() const {
  std::string out;
  json(*this, 0, false, out);
  return out;
}

std::string Doc::to_yaml() const {
  std::string out;
  yaml(*this, 0, out);
  return out;
}

}  // namespace rg::harden
