#include "posture/metric_filter.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <set>

namespace rg::posture {

namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<MetricFilter> run() {
    skip_ws();
    if (!eat('{')) return fail("expected '{' at the start of a JSON filter pattern");
    MetricFilter f;
    if (auto st = expr(f.root, 0); !st) return st.error();
    skip_ws();
    if (!eat('}')) return fail("expected '}' or '&&' / '||'");
    skip_ws();
    if (pos_ != s_.size()) return fail("unexpected text after '}'");
    return f;
  }

 private:
  Error fail(std::string what) const {
    return make_error(ErrorKind::Invalid, "offset " + std::to_string(pos_), std::move(what));
  }
  void skip_ws() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) { ++pos_; return true; }
    return false;
  }
  bool eat_str(std::string_view t) {
    if (s_.substr(pos_, t.size()) == t) { pos_ += t.size(); return true; }
    return false;
  }
  bool eat_word(std::string_view w) {  // keyword, case-insensitive, followed by a non-letter
    if (s_.size() - pos_ < w.size()) return false;
    for (std::size_t i = 0; i < w.size(); ++i)
      if (std::toupper(static_cast<unsigned char>(s_[pos_ + i])) != w[i]) return false;
    std::size_t end = pos_ + w.size();
    if (end < s_.size() && std::isalnum(static_cast<unsigned char>(s_[end]))) return false;
    pos_ = end;
    return true;
  }

  Status expr(FilterNode& out, int depth) {
    if (depth > kMaxDepth) return fail("parentheses nested too deeply");
    FilterNode first;
    if (auto st = and_expr(first, depth); !st) return st;
    std::vector<FilterNode> terms;
    terms.push_back(std::move(first));
    for (;;) {
      skip_ws();
      if (!eat_str("||")) break;
      FilterNode next;
      if (auto st = and_expr(next, depth); !st) return st;
      terms.push_back(std::move(next));
    }
    if (terms.size() == 1) {
      out = std::move(terms[0]);
    } else {
      out.kind = FilterNode::Kind::Or;
      out.children = std::move(terms);
    }
    return ok_status();
  }

  Status and_expr(FilterNode& out, int depth) {
    FilterNode first;
    if (auto st = term(first, depth); !st) return st;
    std::vector<FilterNode> terms;
    terms.push_back(std::move(first));
    for (;;) {
      skip_ws();
      if (!eat_str("&&")) break;
      FilterNode next;
      if (auto st = term(next, depth); !st) return st;
      terms.push_back(std::move(next));
    }
    if (terms.size() == 1) {
      out = std::move(terms[0]);
    } else {
      out.kind = FilterNode::Kind::And;
      out.children = std::move(terms);
    }
    return ok_status();
  }

  Status term(FilterNode& out, int depth) {
    skip_ws();
    if (eat('(')) {
      if (auto st = expr(out, depth + 1); !st) return st;
      skip_ws();
      if (!eat(')')) return fail("expected ')'");
      return ok_status();
    }
    if (auto st = selector(out); !st) return st;
    skip_ws();
    if (eat_word("NOT")) {
      skip_ws();
      if (!eat_word("EXISTS")) return fail("expected EXISTS after NOT");
      out.kind = FilterNode::Kind::NotExists;
      return ok_status();
    }
    if (eat_word("IS")) {
      skip_ws();
      if (eat_word("NULL")) out.kind = FilterNode::Kind::IsNull;
      else if (eat_word("TRUE")) out.kind = FilterNode::Kind::IsTrue;
      else if (eat_word("FALSE")) out.kind = FilterNode::Kind::IsFalse;
      else return fail("expected NULL, TRUE or FALSE after IS");
      return ok_status();
    }
    out.kind = FilterNode::Kind::Compare;
    if (eat_str("!=")) out.op = FilterNode::Op::Ne;
    else if (eat_str("<=")) out.op = FilterNode::Op::Le;
    else if (eat_str(">=")) out.op = FilterNode::Op::Ge;
    else if (eat('=')) out.op = FilterNode::Op::Eq;
    else if (eat('<')) out.op = FilterNode::Op::Lt;
    else if (eat('>')) out.op = FilterNode::Op::Gt;
    else return fail("expected an operator (=, !=, <, <=, >, >=, NOT EXISTS, IS NULL)");
    skip_ws();
    return value(out);
  }

  Status selector(FilterNode& out) {
    std::size_t start = pos_;
    if (!eat('$')) return fail("expected a selector starting with '$'");
    for (;;) {
      if (eat('.')) {
        std::size_t b = pos_;
        while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                    s_[pos_] == '_' || s_[pos_] == '-' || s_[pos_] == '@' ||
                                    s_[pos_] == ':'))
          ++pos_;
        if (b == pos_) return fail("expected a field name after '.'");
        out.path.emplace_back(s_.substr(b, pos_ - b));
      } else if (eat('[')) {
        std::size_t b = pos_;
        while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
        if (b == pos_ || !eat(']')) return fail("expected an array index like [0]");
        out.path.push_back("[" + std::string(s_.substr(b, pos_ - 1 - b)) + "]");
      } else {
        break;
      }
    }
    if (out.path.empty()) return fail("a selector needs at least one field ($.name)");
    out.selector = std::string(s_.substr(start, pos_ - start));
    return ok_status();
  }

  Status value(FilterNode& out) {
    if (eat('"')) {
      std::string v;
      for (;;) {
        if (pos_ >= s_.size()) return fail("unterminated quoted value");
        char c = s_[pos_++];
        if (c == '"') break;
        if (c == '\\' && pos_ < s_.size()) c = s_[pos_++];
        v.push_back(c);
      }
      out.value = std::move(v);
      out.quoted = true;
      return ok_status();
    }
    std::size_t b = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(c)) || c == ')' || c == '}' || c == '&' ||
          c == '|')
        break;
      ++pos_;
    }
    if (b == pos_) return fail("expected a value");
    out.value = std::string(s_.substr(b, pos_ - b));
    return ok_status();
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// '*' matches any run of characters (possibly empty); everything else is literal.
bool wildcard_match(std::string_view pat, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pat.size() && pat[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

std::optional<double> to_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string tmp(s);
  char* end = nullptr;
  double d = std::strtod(tmp.c_str(), &end);
  if (end != tmp.c_str() + tmp.size()) return std::nullopt;
  return d;
}

// Resolves the selector path; nullopt when the event has no such field.
std::optional<simdjson::dom::element> resolve(const std::vector<std::string>& path,
                                              simdjson::dom::element e) {
  for (const auto& part : path) {
    if (!part.empty() && part.front() == '[') {
      std::size_t idx = 0;
      auto sv = std::string_view(part).substr(1, part.size() - 2);
      std::from_chars(sv.data(), sv.data() + sv.size(), idx);
      simdjson::dom::array arr;
      if (e.get_array().get(arr)) return std::nullopt;
      if (arr.at(idx).get(e)) return std::nullopt;
    } else {
      simdjson::dom::object obj;
      if (e.get_object().get(obj)) return std::nullopt;
      if (obj.at_key(part).get(e)) return std::nullopt;
    }
  }
  return e;
}

std::optional<double> element_number(simdjson::dom::element e) {
  double d;
  if (!e.get_double().get(d)) return d;
  std::int64_t i;
  if (!e.get_int64().get(i)) return static_cast<double>(i);
  std::uint64_t u;
  if (!e.get_uint64().get(u)) return static_cast<double>(u);
  return std::nullopt;
}

// The text a string comparison sees: strings as they are, numbers and booleans as written.
std::optional<std::string> element_text(simdjson::dom::element e) {
  std::string_view sv;
  if (!e.get_string().get(sv)) return std::string(sv);
  bool b;
  if (!e.get_bool().get(b)) return std::string(b ? "true" : "false");
  if (element_number(e)) return simdjson::to_string(e);
  return std::nullopt;
}

bool compare(const FilterNode& n, simdjson::dom::element field) {
  using Op = FilterNode::Op;
  auto nf = element_number(field);
  std::optional<double> nv;
  if (!n.quoted) nv = to_number(n.value);
  const bool numeric = nf.has_value() && nv.has_value();
  const double a = numeric ? nf.value() : 0.0, b = numeric ? nv.value() : 0.0;
  if (n.op != Op::Eq && n.op != Op::Ne) {
    if (!numeric) return false;
    switch (n.op) {
      case Op::Lt: return a < b;
      case Op::Le: return a <= b;
      case Op::Gt: return a > b;
      case Op::Ge: return a >= b;
      default: return false;
    }
  }
  bool eq;
  if (numeric) {
    eq = a == b;
  } else {
    auto text = element_text(field);
    if (!text) return false;  // objects, arrays and null never equal a value
    eq = wildcard_match(n.value, *text);
  }
  return n.op == Op::Eq ? eq : !eq;
}

bool eval(const FilterNode& n, simdjson::dom::element event) {
  using K = FilterNode::Kind;
  switch (n.kind) {
    case K::And:
      for (const auto& c : n.children)
        if (!eval(c, event)) return false;
      return true;
    case K::Or:
      for (const auto& c : n.children)
        if (eval(c, event)) return true;
      return false;
    case K::NotExists:
      return !resolve(n.path, event).has_value();
    case K::IsNull: {
      auto f = resolve(n.path, event);
      return f && f->is_null();
    }
    case K::IsTrue:
    case K::IsFalse: {
      auto f = resolve(n.path, event);
      bool b;
      if (!f || f->get_bool().get(b)) return false;
      return b == (n.kind == K::IsTrue);
    }
    case K::Compare: {
      auto f = resolve(n.path, event);
      return f && compare(n, *f);
    }
  }
  return false;
}

// Flattens nested Ands into their leaves; false if an Or appears anywhere.
bool flatten_and(const FilterNode& n, std::vector<const FilterNode*>& leaves) {
  if (n.kind == FilterNode::Kind::Or) return false;
  if (n.kind == FilterNode::Kind::And) {
    for (const auto& c : n.children)
      if (!flatten_and(c, leaves)) return false;
    return true;
  }
  leaves.push_back(&n);
  return true;
}

std::string describe(const FilterNode& n) {
  switch (n.kind) {
    case FilterNode::Kind::NotExists: return n.selector + " NOT EXISTS";
    case FilterNode::Kind::IsNull: return n.selector + " IS NULL";
    case FilterNode::Kind::IsTrue: return n.selector + " IS TRUE";
    case FilterNode::Kind::IsFalse: return n.selector + " IS FALSE";
    default: break;
  }
  static const char* ops[] = {"=", "!=", "<", "<=", ">", ">="};
  return n.selector + " " + ops[static_cast<int>(n.op)] + " " + n.value;
}

std::string joined_path(const FilterNode& n) {
  std::string s;
  for (const auto& p : n.path) {
    if (!s.empty() && p.front() != '[') s += '.';
    s += p;
  }
  return s;
}

}  // namespace

Result<MetricFilter> parse_metric_filter(std::string_view pattern) {
  return Parser(pattern).run();
}

bool filter_matches(const MetricFilter& filter, simdjson::dom::element event) {
  return eval(filter.root, event);
}

Result<bool> filter_matches(std::string_view pattern, simdjson::dom::element event) {
  auto f = parse_metric_filter(pattern);
  if (!f) return f.error();
  return filter_matches(*f, event);
}

CisVerdict check_cis_root_filter(std::string_view pattern) {
  auto parsed = parse_metric_filter(pattern);
  if (!parsed) return {false, "not a valid JSON filter pattern (" + parsed.error().str() + ")"};
  std::vector<const FilterNode*> leaves;
  if (!flatten_and(parsed->root, leaves))
    return {false, "has an '||' term: CIS requires exactly the three root-usage clauses joined by '&&'"};
  bool type = false, invoked = false, event_type = false;
  for (const FilterNode* n : leaves) {
    std::string path = joined_path(*n);
    if (path == "userIdentity.type" && n->kind == FilterNode::Kind::Compare &&
        n->op == FilterNode::Op::Eq && n->value == "Root") {
      type = true;
    } else if (path == "userIdentity.invokedBy" && n->kind == FilterNode::Kind::NotExists) {
      invoked = true;
    } else if (path == "eventType" && n->kind == FilterNode::Kind::Compare &&
               n->op == FilterNode::Op::Ne && n->value == "AwsServiceEvent") {
      event_type = true;
    } else {
      return {false, "extra or altered term '" + describe(*n) +
                         "': CIS allows only the three root-usage clauses"};
    }
  }
  std::vector<std::string> missing;
  if (!type) missing.push_back("$.userIdentity.type = Root");
  if (!invoked) missing.push_back("$.userIdentity.invokedBy NOT EXISTS");
  if (!event_type) missing.push_back("$.eventType != AwsServiceEvent");
  if (!missing.empty()) {
    std::string m;
    for (const auto& s : missing) m += (m.empty() ? "" : ", ") + s;
    return {false, "missing clause: " + m};
  }
  return {true, "all three CIS root-usage clauses, nothing else"};
}

}  // namespace rg::posture
