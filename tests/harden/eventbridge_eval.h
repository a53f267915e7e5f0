// A small evaluator of EventBridge event patterns, written for the tests from the matching
// rules AWS documents (Amazon EventBridge User Guide, "Event patterns" and "Content filtering"):
//   - every field named in the pattern must match (AND); "$or" holds alternatives (any one);
//   - a leaf is an array of matchers, any of which may match (OR); an event array matches when
//     any of its elements matches;
//   - matchers: exact string/number/boolean/null (case-sensitive), {"prefix"}, {"suffix"},
//     {"equals-ignore-case"}, {"anything-but": value | [values] | {"prefix"}}, {"exists": bool};
//   - a field missing from the event matches only {"exists": false}; exists applies to leaves.
// Anything else (numeric, wildcard, cidr) makes the evaluator refuse: `error` is set.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace rg::test {

// Copies out of a simdjson_result (iterating `x.get_array().value()` directly would bind to
// a temporary that dies before the loop runs).
template <class E>
simdjson::dom::array arr(E&& e) {
  simdjson::dom::array a = std::forward<E>(e).get_array().value();
  return a;
}
template <class E>
simdjson::dom::object obj(E&& e) {
  simdjson::dom::object o = std::forward<E>(e).get_object().value();
  return o;
}

class EventBridgeEval {
 public:
  // pattern and event are parsed JSON objects.
  bool matches(simdjson::dom::element pattern, simdjson::dom::element event) { return object(pattern, &event); }
  std::string error;

 private:
  using El = simdjson::dom::element;
  using T = simdjson::dom::element_type;

  bool object(El pattern, const El* event) {
    if (pattern.type() != T::OBJECT) {
      error = "pattern node is not an object";
      return false;
    }
    for (auto [key, pv] : rg::test::obj(pattern)) {
      if (key == "$or") {
        if (pv.type() != T::ARRAY) {
          error = "$or is not an array";
          return false;
        }
        bool any = false;
        for (El alt : rg::test::arr(pv)) any = object(alt, event) || any;
        if (!any) return false;
        continue;
      }
      El child;
      const bool present = event && event->type() == T::OBJECT && !(*event)[key].get(child);
      if (pv.type() == T::OBJECT) {
        if (!object(pv, present ? &child : nullptr)) return false;
      } else if (pv.type() == T::ARRAY) {
        if (!leaf(pv, present ? &child : nullptr)) return false;
      } else {
        error = "pattern leaf for '" + std::string(key) + "' is not an array";
        return false;
      }
    }
    return true;
  }

  bool leaf(El matchers, const El* value) {
    if (!value) {
      for (El m : rg::test::arr(matchers)) {
        El ex;
        if (m.type() == T::OBJECT && !m["exists"].get(ex) && ex.type() == T::BOOL && !ex.get_bool().value()) return true;
      }
      return false;
    }
    if (value->type() == T::OBJECT) return false;  // patterns match leaves only
    if (value->type() == T::ARRAY) {
      for (El v : rg::test::arr(*value))
        for (El m : rg::test::arr(matchers))
          if (one(m, v)) return true;
      return false;
    }
    for (El m : rg::test::arr(matchers))
      if (one(m, *value)) return true;
    return false;
  }

  static bool same(El a, El b) {
    if (a.type() == T::STRING) return b.type() == T::STRING && a.get_string().value() == b.get_string().value();
    if (a.type() == T::NULL_VALUE) return b.type() == T::NULL_VALUE;
    if (a.type() == T::BOOL) return b.type() == T::BOOL && a.get_bool().value() == b.get_bool().value();
    if (a.is_number()) return b.is_number() && a.get_double().value() == b.get_double().value();
    return false;
  }

  static std::string lower(std::string_view s) {
    std::string o(s);
    for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
  }

  bool one(El m, El v) {
    if (m.type() != T::OBJECT) return same(m, v);
    auto obj = rg::test::obj(m);
    if (obj.size() != 1) {
      error = "matcher object with more than one key";
      return false;
    }
    auto [op, arg] = *obj.begin();
    std::string_view s;
    const bool is_str = v.type() == T::STRING && !v.get_string().get(s);
    if (op == "exists") return arg.get_bool().value();  // v is a present leaf
    if (op == "prefix" && arg.type() == T::STRING) return is_str && s.substr(0, arg.get_string().value().size()) == arg.get_string().value();
    if (op == "suffix" && arg.type() == T::STRING) {
      auto suf = arg.get_string().value();
      return is_str && s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf;
    }
    if (op == "equals-ignore-case") return is_str && lower(s) == lower(arg.get_string().value());
    if (op == "anything-but") {
      if (arg.type() == T::ARRAY) {
        for (El x : rg::test::arr(arg))
          if (same(x, v)) return false;
        return true;
      }
      if (arg.type() == T::OBJECT) {
        std::string_view p;
        if (!arg["prefix"].get_string().get(p)) return !(is_str && s.substr(0, p.size()) == p);
        error = "unsupported anything-but form";
        return false;
      }
      return !same(arg, v);
    }
    error = "unsupported matcher '" + std::string(op) + "'";
    return false;
  }
};

// Wraps a bare CloudTrail record the way EventBridge delivers it.
inline std::string eventbridge_envelope(simdjson::dom::element record, std::string_view raw) {
  std::string_view source, type;
  if (record["eventSource"].get_string().get(source)) source = "";
  if (record["eventType"].get_string().get(type)) type = "";
  std::string src = "aws." + std::string(source.substr(0, source.find('.')));
  std::string lt;
  for (char c : type) lt += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const char* detail_type = lt == "awsconsolesignin"  ? "AWS Console Sign In via CloudTrail"
                            : lt == "awsapicall"      ? "AWS API Call via CloudTrail"
                            : lt == "awsserviceevent" ? "AWS Service Event via CloudTrail"
                                                      : "AWS CloudTrail event";
  return std::string(R"({"version":"0","id":"00000000-0000-0000-0000-000000000000","detail-type":")") + detail_type +
         R"(","source":")" + src + R"(","account":"111122223333","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":)" +
         std::string(raw) + "}";
}

}  // namespace rg::test
