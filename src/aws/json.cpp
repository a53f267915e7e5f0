#include "aws/json.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include <simdjson.h>

#include "core/strings.h"

namespace rg::aws {

Json Json::boolean(bool b) { Json j; j.kind_ = Kind::Bool; j.b_ = b; return j; }
Json Json::integer(std::int64_t v) { Json j; j.kind_ = Kind::Int; j.i_ = v; return j; }
Json Json::number(double v) { Json j; j.kind_ = Kind::Double; j.d_ = v; return j; }
Json Json::string(std::string s) { Json j; j.kind_ = Kind::String; j.s_ = std::move(s); return j; }
Json Json::array() { Json j; j.kind_ = Kind::Array; return j; }
Json Json::object() { Json j; j.kind_ = Kind::Object; return j; }

const Json* Json::find(std::string_view key) const {
  for (const auto& [k, v] : members_)
    if (k == key) return &v;
  return nullptr;
}
Json* Json::find(std::string_view key) {
  for (auto& [k, v] : members_)
    if (k == key) return &v;
  return nullptr;
}
void Json::set(std::string key, Json v) {
  if (Json* existing = find(key)) *existing = std::move(v);
  else members_.emplace_back(std::move(key), std::move(v));
}
Json Json::object(std::vector<std::pair<std::string, Json>> members) {
  Json o = object();
  // Views of the keys in members_, which the reserve keeps where they are.
  o.members_.reserve(members.size());
  std::unordered_map<std::string_view, std::size_t> at;
  for (auto& [k, v] : members) {
    if (auto it = at.find(k); it != at.end()) {
      o.members_[it->second].second = std::move(v);
    } else {
      o.members_.emplace_back(std::move(k), std::move(v));
      at.emplace(o.members_.back().first, o.members_.size() - 1);
    }
  }
  return o;
}
void Json::erase(std::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it)
    if (it->first == key) {
      members_.erase(it);
      return;
    }
}

namespace {
void escape(std::string& out, const std::string& s) {
  out.push_back('"');
  out += json_escape(s);
  out.push_back('"');
}
void indent(std::string& out, int depth) { out.append(static_cast<size_t>(depth) * 4, ' '); }

std::string python_repr(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

Json from_dom(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      Json a = Json::array();
      simdjson::dom::array arr = e.get_array().value_unsafe();
      for (simdjson::dom::element x : arr) a.push(from_dom(x));
      return a;
    }
    case simdjson::dom::element_type::OBJECT: {
      std::vector<std::pair<std::string, Json>> members;
      simdjson::dom::object obj = e.get_object().value_unsafe();
      for (auto field : obj) members.emplace_back(std::string(field.key), from_dom(field.value));
      return Json::object(std::move(members));
    }
    case simdjson::dom::element_type::INT64: return Json::integer(e.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64: return Json::number(static_cast<double>(e.get_uint64().value_unsafe()));
    case simdjson::dom::element_type::DOUBLE: return Json::number(e.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING: return Json::string(std::string(e.get_string().value_unsafe()));
    case simdjson::dom::element_type::BOOL: return Json::boolean(e.get_bool().value_unsafe());
    default: return Json();
  }
}
}  // namespace

void Json::dump_to(std::string& out, int depth) const {
  switch (kind_) {
    case Kind::Null: out += "null"; break;
    case Kind::Bool: out += b_ ? "true" : "false"; break;
    case Kind::Int: out += std::to_string(i_); break;
    case Kind::Double: out += python_repr(d_); break;
    case Kind::String: escape(out, s_); break;
    case Kind::Array:
      if (items_.empty()) {
        out += "[]";
        break;
      }
      out += "[\n";
      for (size_t i = 0; i < items_.size(); ++i) {
        indent(out, depth + 1);
        items_[i].dump_to(out, depth + 1);
        out += i + 1 < items_.size() ? ",\n" : "\n";
      }
      indent(out, depth);
      out += "]";
      break;
    case Kind::Object:
      if (members_.empty()) {
        out += "{}";
        break;
      }
      out += "{\n";
      for (size_t i = 0; i < members_.size(); ++i) {
        indent(out, depth + 1);
        escape(out, members_[i].first);
        out += ": ";
        members_[i].second.dump_to(out, depth + 1);
        out += i + 1 < members_.size() ? ",\n" : "\n";
      }
      indent(out, depth);
      out += "}";
      break;
  }
}

std::string Json::dump() const {
  std::string out;
  dump_to(out, 0);
  out.push_back('\n');
  return out;
}

Result<Json> Json::parse(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::padded_string padded(text);
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS)
    return make_error(ErrorKind::Corrupt, "", std::string("invalid JSON: ") + simdjson::error_message(err));
  return from_dom(doc);
}

Json error_json(const std::string& code, const std::string& message) {
  Json e = Json::object();
  e.set("Code", Json::string(code));
  e.set("Message", Json::string(message));
  Json o = Json::object();
  o.set("Error", std::move(e));
  return o;
}

}  // namespace rg::aws
