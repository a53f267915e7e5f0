#include "sigma/compile.h"

#include <re2/re2.h>

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <exception>

#include "core/strings.h"
#include "sigma/condition.h"

namespace rg::sigma {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::size_t kMaxRegex = 1000;        // pattern bytes
constexpr int kMaxRegexGroups = 32;            // nesting of '(' in a pattern
constexpr std::size_t kRegexSubject = 8192;    // a regex sees at most this much of a value

// ---- string matching --------------------------------------------------------------------

bool eq_at(std::string_view s, std::size_t at, std::string_view needle, bool cased) {
  if (cased) return s.compare(at, needle.size(), needle) == 0;
  for (std::size_t i = 0; i < needle.size(); ++i)
    if (lower_ascii(s[at + i]) != needle[i]) return false;
  return true;
}

bool find_ci(std::string_view s, std::string_view needle, bool cased) {
  if (needle.empty()) return true;
  if (needle.size() > s.size()) return false;
  if (cased) return s.find(needle) != std::string_view::npos;
  const char first = needle[0];
  for (std::size_t i = 0, last = s.size() - needle.size(); i <= last; ++i)
    if (lower_ascii(s[i]) == first && eq_at(s, i, needle, false)) return true;
  return false;
}

std::size_t utf8_len(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;
}

bool glob_match(const StrPattern& p, std::string_view s) {
  // Iterative wildcard match with one backtrack point: O(n*m) time, no recursion.
  std::size_t pi = 0, si = 0, star = std::string::npos, mark = 0;
  const std::size_t pn = p.glob.size();
  while (si < s.size()) {
    if (pi < pn && p.wild[pi] == 1) {
      ++pi;
      si += std::min(utf8_len(static_cast<unsigned char>(s[si])), s.size() - si);
    } else if (pi < pn && p.wild[pi] == 0 && (p.cased ? s[si] == p.glob[pi] : lower_ascii(s[si]) == p.glob[pi])) {
      ++pi;
      ++si;
    } else if (pi < pn && p.wild[pi] == 2) {
      star = pi++;
      mark = si;
    } else if (star != std::string::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < pn && p.wild[pi] == 2) ++pi;
  return pi == pn;
}

// ---- building patterns ------------------------------------------------------------------

struct Tok {
  char c;
  std::uint8_t wild;  // 0 literal, 1 '?', 2 '*'
};

std::vector<Tok> sigma_tokens(std::string_view text) {
  std::vector<Tok> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '*' || text[i + 1] == '?' || text[i + 1] == '\\')) {
      out.push_back({text[++i], 0});
    } else if (c == '*') {
      if (out.empty() || out.back().wild != 2) out.push_back({'*', 2});
    } else if (c == '?') {
      out.push_back({'?', 1});
    } else {
      out.push_back({c, 0});
    }
  }
  return out;
}

StrPattern make_pattern(std::string_view text, bool lead_star, bool trail_star, bool cased) {
  std::vector<Tok> toks;
  if (lead_star) toks.push_back({'*', 2});
  for (const Tok& t : sigma_tokens(text))
    if (!(t.wild == 2 && !toks.empty() && toks.back().wild == 2)) toks.push_back(t);
  if (trail_star && (toks.empty() || toks.back().wild != 2)) toks.push_back({'*', 2});

  StrPattern p;
  p.cased = cased;
  bool lead = !toks.empty() && toks.front().wild == 2;
  bool trail = toks.size() > (lead ? 1u : 0u) && toks.back().wild == 2;
  std::size_t b = lead ? 1 : 0, e = toks.size() - (trail ? 1 : 0);
  bool inner_wild = false;
  for (std::size_t i = b; i < e; ++i)
    if (toks[i].wild) inner_wild = true;
  if (!inner_wild) {
    for (std::size_t i = b; i < e; ++i) p.needle += cased ? toks[i].c : lower_ascii(toks[i].c);
    p.kind = lead && trail ? StrPattern::Kind::Contains
             : lead        ? StrPattern::Kind::Suffix
             : trail       ? StrPattern::Kind::Prefix
                           : StrPattern::Kind::Equals;
    return p;
  }
  p.kind = StrPattern::Kind::Glob;
  for (const Tok& t : toks) {
    p.glob += (cased || t.wild) ? t.c : lower_ascii(t.c);
    p.wild.push_back(t.wild);
  }
  return p;
}

// ---- values -----------------------------------------------------------------------------

bool parse_double(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty()) return false;
  if (s[0] == '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool number_of(element v, double& out) {
  switch (v.type()) {
    case element_type::INT64: out = static_cast<double>(v.get_int64().value_unsafe()); return true;
    case element_type::UINT64: out = static_cast<double>(v.get_uint64().value_unsafe()); return true;
    case element_type::DOUBLE: out = v.get_double().value_unsafe(); return true;
    case element_type::STRING: return parse_double(v.get_string().value_unsafe(), out);
    default: return false;
  }
}

// The text a string pattern is matched against: strings, integers in decimal, booleans.
bool text_of(element v, char (&buf)[32], std::string_view& out) {
  switch (v.type()) {
    case element_type::STRING: out = v.get_string().value_unsafe(); return true;
    case element_type::INT64: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_int64().value_unsafe());
      out = std::string_view(buf, static_cast<std::size_t>(r.ptr - buf));
      return true;
    }
    case element_type::UINT64: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_uint64().value_unsafe());
      out = std::string_view(buf, static_cast<std::size_t>(r.ptr - buf));
      return true;
    }
    case element_type::BOOL: out = v.get_bool().value_unsafe() ? "true" : "false"; return true;
    default: return false;
  }
}

bool value_matches(const ValueTest& t, element v) {
  switch (t.op) {
    case ValueTest::Op::Str: {
      char buf[32];
      std::string_view s;
      return text_of(v, buf, s) && t.str.matches(s);
    }
    case ValueTest::Op::Num: {
      double d;
      return v.type() != element_type::BOOL && number_of(v, d) && d == t.num;
    }
    case ValueTest::Op::Bool:
      if (v.type() == element_type::BOOL) return v.get_bool().value_unsafe() == t.flag;
      if (v.type() == element_type::STRING) return iequals(v.get_string().value_unsafe(), t.flag ? "true" : "false");
      return false;
    case ValueTest::Op::Regex: {
      char buf[32];
      std::string_view s;
      if (!text_of(v, buf, s)) return false;
      if (s.size() > kRegexSubject) s = s.substr(0, kRegexSubject);
      return RE2::PartialMatch(s, *t.regex);
    }
    case ValueTest::Op::Cidr:
      return v.type() == element_type::STRING && t.cidr.contains(v.get_string().value_unsafe());
    case ValueTest::Op::Gt:
    case ValueTest::Op::Gte:
    case ValueTest::Op::Lt:
    case ValueTest::Op::Lte: {
      double d;
      if (v.type() == element_type::BOOL || !number_of(v, d)) return false;
      return t.op == ValueTest::Op::Gt ? d > t.num : t.op == ValueTest::Op::Gte ? d >= t.num
             : t.op == ValueTest::Op::Lt ? d < t.num : d <= t.num;
    }
    case ValueTest::Op::Null:
    case ValueTest::Op::Exists:
    case ValueTest::Op::FieldRef:
      return false;  // handled per field
  }
  return false;
}

// `a` against the referenced field's value `b`, as the FieldRef test says.
bool refers(const ValueTest& t, std::string_view a, std::string_view b) {
  const bool cased = t.str.cased;
  switch (t.str.kind) {
    case StrPattern::Kind::Equals: return cased ? a == b : iequals(a, b);
    case StrPattern::Kind::Prefix: return cased ? a.starts_with(b) : starts_with_icase(a, b);
    case StrPattern::Kind::Suffix:
      return cased ? a.ends_with(b) : a.size() >= b.size() && iequals(a.substr(a.size() - b.size()), b);
    case StrPattern::Kind::Contains: return cased ? contains(a, b) : contains_icase(a, b);
    case StrPattern::Kind::Glob: return false;
  }
  return false;
}

// Calls f on every value the path reaches; stops at the first true. Arrays met on the way
// (and at the end) are searched element by element.
template <class F>
bool any_at_path(element e, const std::vector<std::string>& path, std::size_t i, F& f, int depth = 0) {
  if (depth > 64) return false;
  if (e.type() == element_type::ARRAY) {
    simdjson::dom::array arr = e.get_array().value_unsafe();
    for (element child : arr)
      if (any_at_path(child, path, i, f, depth + 1)) return true;
    return false;
  }
  if (i == path.size()) return f(e);
  if (e.type() != element_type::OBJECT) return false;
  element child;
  simdjson::dom::object obj = e.get_object().value_unsafe();
  if (obj.at_key(path[i]).get(child) != simdjson::SUCCESS) return false;
  return any_at_path(child, path, i + 1, f, depth + 1);
}

// Calls f on every scalar anywhere under e (keyword search).
template <class F>
bool any_scalar(element e, F& f, int depth = 0) {
  if (depth > 256) return false;
  switch (e.type()) {
    case element_type::ARRAY: {
      simdjson::dom::array arr = e.get_array().value_unsafe();
      for (element child : arr)
        if (any_scalar(child, f, depth + 1)) return true;
      return false;
    }
    case element_type::OBJECT: {
      simdjson::dom::object obj = e.get_object().value_unsafe();
      for (auto kv : obj)
        if (any_scalar(kv.value, f, depth + 1)) return true;
      return false;
    }
    default:
      return f(e);
  }
}

// Whether `path` reaches a value other than null.
bool has_value(element event, const std::vector<std::string>& path) {
  auto f = [](element v) { return v.type() != element_type::NULL_VALUE; };
  return any_at_path(event, path, 0, f);
}

bool one_value(const FieldTest& ft, const ValueTest& vt, element event) {
  if (ft.path.empty()) {
    auto f = [&](element v) { return value_matches(vt, v); };
    return any_scalar(event, f);
  }
  if (vt.op == ValueTest::Op::Null) return !has_value(event, ft.path);  // no value, or JSON null
  if (vt.op == ValueTest::Op::Exists) {
    // the field is there, whatever its value (Sigma checks presence only, "be it empty or null")
    auto f = [](element) { return true; };
    return any_at_path(event, ft.path, 0, f) == vt.flag;
  }
  if (vt.op == ValueTest::Op::FieldRef) {
    auto outer = [&](element v) {
      char abuf[32];
      std::string_view a;
      if (!text_of(v, abuf, a)) return false;
      auto inner = [&](element w) {
        char bbuf[32];
        std::string_view b;
        return text_of(w, bbuf, b) && refers(vt, a, b);
      };
      return any_at_path(event, vt.ref_path, 0, inner);
    };
    return any_at_path(event, ft.path, 0, outer);
  }
  auto f = [&](element v) { return value_matches(vt, v); };
  return any_at_path(event, ft.path, 0, f);
}

bool field_matches(const FieldTest& ft, element event) {
  if (ft.neq) {
    if (!has_value(event, ft.path)) return false;
    for (const ValueTest& vt : ft.values)
      if ((vt.op == ValueTest::Op::FieldRef && !has_value(event, vt.ref_path)) || one_value(ft, vt, event)) return false;
    return true;
  }
  if (ft.all) {
    for (const ValueTest& vt : ft.values)
      if (!one_value(ft, vt, event)) return false;
    return true;
  }
  for (const ValueTest& vt : ft.values)
    if (one_value(ft, vt, event)) return true;
  return false;
}

bool detection_matches(const CompiledDetection& d, element event) {
  for (const auto& group : d.alternatives) {
    bool all = true;
    for (const FieldTest& ft : group)
      if (!field_matches(ft, event)) {
        all = false;
        break;
      }
    if (all) return true;
  }
  return false;
}

// ---- compiling --------------------------------------------------------------------------

struct CompileFail {
  Error error;
};

[[noreturn]] void cfail(const Rule& r, Mark m, std::string what, ErrorKind kind = ErrorKind::Invalid) {
  throw CompileFail{Error{kind, where(r.info.file, m), std::move(what)}};
}

bool parse_cidr(std::string_view text, Cidr& out) {
  text = trim(text);
  std::string_view addr = text;
  int prefix = -1;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    std::string_view p = text.substr(slash + 1);
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (ec != std::errc() || ptr != p.data() + p.size() || p.empty()) return false;
  }
  char buf[64];
  if (addr.empty() || addr.size() >= sizeof buf) return false;
  std::memcpy(buf, addr.data(), addr.size());
  buf[addr.size()] = 0;
  if (inet_pton(AF_INET, buf, out.addr.data()) == 1) {
    out.family = AF_INET;
    if (prefix < 0) prefix = 32;
    if (prefix > 32) return false;
  } else if (inet_pton(AF_INET6, buf, out.addr.data()) == 1) {
    out.family = AF_INET6;
    if (prefix < 0) prefix = 128;
    if (prefix > 128) return false;
  } else {
    return false;
  }
  out.prefix = prefix;
  return true;
}

int regex_depth(std::string_view re) {
  int depth = 0, max = 0;
  for (std::size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\') {
      ++i;
    } else if (re[i] == '(') {
      max = std::max(max, ++depth);
    } else if (re[i] == ')') {
      --depth;
    }
  }
  return max;
}

bool has(const std::vector<std::string>& mods, std::string_view m) {
  return std::find(mods.begin(), mods.end(), m) != mods.end();
}

FieldTest compile_item(const Rule& r, const DetectionItem& item) {
  FieldTest ft;
  if (!item.field.empty()) {
    ft.path = split(item.field, '.');
    for (const std::string& s : ft.path)
      if (s.empty()) cfail(r, item.mark, "empty step in field path '" + item.field + "'");
  }
  const auto& mods = item.modifiers;
  ft.all = has(mods, "all");
  const bool cased = has(mods, "cased");
  const bool contains = has(mods, "contains"), starts = has(mods, "startswith"), ends = has(mods, "endswith");
  const bool re = has(mods, "re"), cidr = has(mods, "cidr"), exists = has(mods, "exists");
  const bool fieldref = has(mods, "fieldref");
  ft.neq = has(mods, "neq");
  const int cmp = has(mods, "gt") + has(mods, "gte") + has(mods, "lt") + has(mods, "lte");
  const int kinds = (contains || starts || ends ? 1 : 0) + re + cidr + exists + (cmp > 0);
  const std::string name = item.field.empty() ? std::string("keywords") : "'" + item.field + "'";
  if (contains + starts + ends > 1 || kinds > 1 || cmp > 1)
    cfail(r, item.mark, "modifiers of " + name + " do not combine");
  if ((has(mods, "i") || has(mods, "m") || has(mods, "s")) && !re)
    cfail(r, item.mark, "modifiers 'i', 'm' and 's' need 're'");
  if (cased && (re || cidr || exists || cmp)) cfail(r, item.mark, "'cased' applies to string matching only");
  if (item.field.empty() && kinds > 0) cfail(r, item.mark, "keywords take no modifiers");
  if (fieldref && (item.field.empty() || re || cidr || exists || cmp))
    cfail(r, item.mark, "'fieldref' combines with contains, startswith, endswith and cased only, on a field");
  if (ft.neq && (item.field.empty() || kinds > 0 || ft.all))
    cfail(r, item.mark, "'neq' combines with cased and fieldref only, on a field");

  for (const Value& v : item.values) {
    ValueTest t;
    if (fieldref) {
      if (v.type == Value::Type::Null) cfail(r, v.mark, "'fieldref' takes a field name");
      t.op = ValueTest::Op::FieldRef;
      t.ref_path = split(v.text, '.');
      for (const std::string& step : t.ref_path)
        if (step.empty()) cfail(r, v.mark, "empty step in field path '" + v.text + "'");
      t.str.kind = contains ? StrPattern::Kind::Contains : starts ? StrPattern::Kind::Prefix
                   : ends   ? StrPattern::Kind::Suffix : StrPattern::Kind::Equals;
      t.str.cased = cased;
    } else if (exists) {
      if (v.type != Value::Type::Bool) cfail(r, v.mark, "'exists' takes true or false");
      if (item.field.empty()) cfail(r, v.mark, "'exists' needs a field");
      t.op = ValueTest::Op::Exists;
      t.flag = v.boolean;
    } else if (v.type == Value::Type::Null) {
      if (kinds > 0 || ft.neq) cfail(r, v.mark, ft.neq ? "'neq' takes a value, not null (a field with a value: 'not' on 'field: null')" : "null cannot take modifiers");
      if (item.field.empty()) cfail(r, v.mark, "null keyword");
      t.op = ValueTest::Op::Null;
    } else if (cmp) {
      if (v.type != Value::Type::Number) cfail(r, v.mark, "comparison modifiers take a number");
      t.op = has(mods, "gt") ? ValueTest::Op::Gt : has(mods, "gte") ? ValueTest::Op::Gte
             : has(mods, "lt") ? ValueTest::Op::Lt : ValueTest::Op::Lte;
      t.num = v.number;
    } else if (re) {
      if (v.text.size() > kMaxRegex) cfail(r, v.mark, "regex longer than " + std::to_string(kMaxRegex) + " bytes");
      if (regex_depth(v.text) > kMaxRegexGroups) cfail(r, v.mark, "regex nested too deeply");
      // RE2: time linear in the subject whatever the pattern, so no value in a log can make
      // a rule's regex take long (a backtracking engine can be made to take seconds by one
      // userAgent). Sigma's flavour (PCRE's common subset) is RE2's; `m` and `s` are RE2's own
      // flags, case-insensitivity its option.
      RE2::Options ro;
      ro.set_log_errors(false);
      ro.set_case_sensitive(!has(mods, "i"));
      ro.set_dot_nl(has(mods, "s"));
      ro.set_never_capture(true);
      std::string pattern = has(mods, "m") ? "(?m)" + v.text : v.text;
      auto compiled = std::make_shared<const RE2>(pattern, ro);
      if (!compiled->ok()) cfail(r, v.mark, "bad regex '" + v.text + "': " + compiled->error());
      t.regex = std::move(compiled);
      t.op = ValueTest::Op::Regex;
      t.regex_text = v.text;
      for (const char* fl : {"i", "m", "s"})
        if (has(mods, fl)) t.regex_flags += fl;
    } else if (cidr) {
      t.op = ValueTest::Op::Cidr;
      if (!parse_cidr(v.text, t.cidr)) cfail(r, v.mark, "bad CIDR '" + v.text + "'");
    } else if (v.type == Value::Type::Number && !contains && !starts && !ends && !cased && !item.field.empty()) {
      t.op = ValueTest::Op::Num;
      t.num = v.number;
    } else if (v.type == Value::Type::Bool && !contains && !starts && !ends && !cased && !item.field.empty()) {
      t.op = ValueTest::Op::Bool;
      t.flag = v.boolean;
    } else {
      t.op = ValueTest::Op::Str;
      const bool kw = item.field.empty();
      t.str = make_pattern(v.text, contains || ends || kw, contains || starts || kw, cased);
    }
    ft.values.push_back(std::move(t));
  }
  return ft;
}

CondNode compile_cond(const Rule& r, const CondAst& a, const std::vector<CompiledDetection>& dets, Mark m,
                      std::string_view text, bool single_line) {
  auto at = [&](std::size_t pos) {
    Mark mm = m;
    if (single_line && mm.col > 0) mm.col += static_cast<int>(pos);
    return mm;
  };
  CondNode n;
  switch (a.kind) {
    case CondAst::Kind::Ident: {
      for (std::size_t i = 0; i < dets.size(); ++i)
        if (dets[i].name == a.name) {
          n.kind = CondNode::Kind::Detection;
          n.detection = static_cast<std::uint32_t>(i);
          return n;
        }
      cfail(r, at(a.pos), "unknown detection identifier '" + a.name + "' in condition");
    }
    case CondAst::Kind::OneOf:
    case CondAst::Kind::AllOf: {
      n.kind = a.kind == CondAst::Kind::OneOf ? CondNode::Kind::Or : CondNode::Kind::And;
      for (std::size_t i = 0; i < dets.size(); ++i) {
        bool hit = a.them ? !dets[i].name.starts_with("_") : identifier_matches(a.name, dets[i].name);
        if (hit) {
          CondNode k;
          k.detection = static_cast<std::uint32_t>(i);
          n.kids.push_back(k);
        }
      }
      if (n.kids.empty())
        cfail(r, at(a.pos), "no detection identifier matches '" + (a.them ? std::string("them") : a.name) + "'");
      return n;
    }
    case CondAst::Kind::Not:
    case CondAst::Kind::And:
    case CondAst::Kind::Or:
      n.kind = a.kind == CondAst::Kind::Not ? CondNode::Kind::Not
               : a.kind == CondAst::Kind::And ? CondNode::Kind::And : CondNode::Kind::Or;
      for (const CondAst& k : a.kids) n.kids.push_back(compile_cond(r, k, dets, m, text, single_line));
      return n;
  }
  return n;
}

CondNode parse_and_compile(const Rule& r, std::string_view text, Mark m, bool single_line,
                           const std::vector<CompiledDetection>& dets) {
  Result<CondAst> ast = parse_condition(text);
  if (!ast) {
    Mark mm = m;
    if (single_line && mm.col > 0) mm.col += static_cast<int>(condition_error_offset(ast.error()));
    cfail(r, mm, ast.error().what, ast.error().kind);
  }
  return compile_cond(r, *ast, dets, m, text, single_line);
}

// ---- prefilter literals -----------------------------------------------------------------

using Lits = std::optional<Literals>;

// How often a literal may be expected in CloudTrail records, roughly: 2^-(its effective
// length), where service endpoints ("iam.amazonaws.com") count as short (every record names
// one, and a few services make most of the traffic) and words every record type carries
// count as shorter still. A keyed literal is more selective than the same text anywhere.
double literal_cost(const Literal& lit) {
  static constexpr std::string_view kCommon[] = {"true",       "false",      "null",         "success",
                                                 "failure",    "awsapicall", "aws",          "iamuser",
                                                 "assumedrole", "awsconsolesignin", "awsserviceevent"};
  std::string_view l = lit.text;
  std::size_t eff = l.size();
  constexpr std::string_view kEndpoint = "amazonaws.com";
  if (l.size() >= kEndpoint.size() && l.substr(l.size() - kEndpoint.size()) == kEndpoint) eff = 4;
  for (std::string_view c : kCommon)
    if (l == c) eff = 2;
  if (!lit.is_plain()) eff += lit.exact ? 3 : 1;
  return 1.0 / static_cast<double>(1u << std::min<std::size_t>(eff, 24));
}

// The AND of several constraints keeps one of them: one made only of keyed literals if there
// is one (a set with a plain literal costs a search of every byte), then the most selective.
bool better(const Literals& a, const Literals& b) {
  auto plain = [](const Literals& v) {
    return std::any_of(v.begin(), v.end(), [](const Literal& l) { return l.is_plain(); });
  };
  if (plain(a) != plain(b)) return !plain(a);
  double ca = 0, cb = 0;
  for (const auto& s : a) ca += literal_cost(s);
  for (const auto& s : b) cb += literal_cost(s);
  if (ca != cb) return ca < cb;
  return a.size() < b.size();
}

Lits best_of(const std::vector<Lits>& options) {
  Lits best;
  for (const Lits& o : options)
    if (o && (!best || better(*o, *best))) best = o;
  return best;
}

Lits union_of(const std::vector<Lits>& options) {
  Literals all;
  for (const Lits& o : options) {
    if (!o) return std::nullopt;
    all.insert(all.end(), o->begin(), o->end());
  }
  if (all.empty()) return std::nullopt;
  minimize_literals(all);
  return all;
}

// The longest run of prefilter-safe literal bytes in a pattern, lower-cased.
std::string longest_run(const StrPattern& p) {
  std::string best, cur;
  auto flush = [&] {
    if (cur.size() > best.size()) best = cur;
    cur.clear();
  };
  if (p.kind == StrPattern::Kind::Glob) {
    for (std::size_t i = 0; i < p.glob.size(); ++i) {
      if (p.wild[i] || !literal_char_safe(static_cast<unsigned char>(p.glob[i])))
        flush();
      else
        cur += lower_ascii(p.glob[i]);
    }
  } else {
    for (char c : p.needle) {
      if (!literal_char_safe(static_cast<unsigned char>(c)))
        flush();
      else
        cur += lower_ascii(c);
    }
  }
  flush();
  return best;
}

// A key can be searched for as raw bytes when writing it in JSON needs no escape.
bool key_searchable(const std::string& key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
  });
}

Lits value_lits(const ValueTest& t, const std::string* key) {
  if (t.op == ValueTest::Op::Bool) {
    std::string text = t.flag ? "true" : "false";
    return Literals{key ? Literal::keyed(*key, text, true) : Literal::plain(text)};
  }
  if (t.op != ValueTest::Op::Str) return std::nullopt;
  if (key && t.str.kind == StrPattern::Kind::Equals) return Literals{Literal::keyed(*key, to_lower(t.str.needle), true)};
  std::string run = longest_run(t.str);
  if (run.empty()) return std::nullopt;
  return Literals{key ? Literal::keyed(*key, run, false) : Literal::plain(run)};
}

Lits field_lits(const FieldTest& ft) {
  if (ft.neq) return std::nullopt;  // its values are what the record must not hold
  const std::string* key = !ft.path.empty() && key_searchable(ft.path.back()) ? &ft.path.back() : nullptr;
  std::vector<Lits> v;
  for (const ValueTest& t : ft.values) v.push_back(value_lits(t, key));
  return ft.all ? best_of(v) : union_of(v);
}

Lits detection_lits(const CompiledDetection& d) {
  std::vector<Lits> alts;
  for (const auto& group : d.alternatives) {
    std::vector<Lits> items;
    for (const FieldTest& ft : group) items.push_back(field_lits(ft));
    alts.push_back(best_of(items));
  }
  return union_of(alts);
}

Lits node_lits(const CompiledRule& r, const CondNode& n) {
  switch (n.kind) {
    case CondNode::Kind::Detection: return detection_lits(r.detections[n.detection]);
    case CondNode::Kind::Not: return std::nullopt;
    case CondNode::Kind::And:
    case CondNode::Kind::Or: {
      std::vector<Lits> v;
      for (const CondNode& k : n.kids) v.push_back(node_lits(r, k));
      return n.kind == CondNode::Kind::And ? best_of(v) : union_of(v);
    }
  }
  return std::nullopt;
}

// ---- dispatch -----------------------------------------------------------------------------

// The values (lower case) one of which the field at `path` equals in every event a part of a
// rule matches; nullopt when that part does not pin it down. As for the literals: an AND
// keeps one of its parts' sets (the smallest), an OR the union of all, a NOT none.
using Values = std::optional<std::vector<std::string>>;

Values field_values(const FieldTest& ft, const std::vector<std::string>& path) {
  if (ft.neq || ft.path != path || ft.values.empty()) return std::nullopt;
  std::vector<std::string> out;
  for (const ValueTest& t : ft.values) {
    if (t.op != ValueTest::Op::Str || t.str.kind != StrPattern::Kind::Equals || t.str.needle.size() > kMaxDispatchValue)
      return std::nullopt;
    out.push_back(to_lower(t.str.needle));  // with |all each must hold: any one is still needed
  }
  return out;
}

Values smallest_of(const std::vector<Values>& options) {
  Values best;
  for (const Values& o : options)
    if (o && (!best || o->size() < best->size())) best = o;
  return best;
}

Values all_of(const std::vector<Values>& options) {
  std::vector<std::string> all;
  for (const Values& o : options) {
    if (!o) return std::nullopt;
    all.insert(all.end(), o->begin(), o->end());
  }
  if (all.empty()) return std::nullopt;
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

Values node_values(const CompiledRule& r, const CondNode& n, const std::vector<std::string>& path) {
  std::vector<Values> v;
  switch (n.kind) {
    case CondNode::Kind::Not: return std::nullopt;
    case CondNode::Kind::Detection:
      for (const auto& group : r.detections[n.detection].alternatives) {
        std::vector<Values> items;
        for (const FieldTest& ft : group) items.push_back(field_values(ft, path));
        v.push_back(smallest_of(items));
      }
      return all_of(v);
    case CondNode::Kind::And:
    case CondNode::Kind::Or:
      for (const CondNode& k : n.kids) v.push_back(node_values(r, k, path));
      return n.kind == CondNode::Kind::And ? smallest_of(v) : all_of(v);
  }
  return std::nullopt;
}

}  // namespace

const std::array<std::vector<std::string>, kDispatchFields>& dispatch_fields() {
  static const std::array<std::vector<std::string>, kDispatchFields> fields = {
      {{"eventName"}, {"eventSource"}, {"userIdentity", "type"}}};
  return fields;
}

DispatchValue dispatch_value(element event, std::size_t f, std::string_view& text) {
  element v = event;
  for (const std::string& step : dispatch_fields()[f]) {
    if (v.type() != element_type::OBJECT) return v.type() == element_type::ARRAY ? DispatchValue::Other : DispatchValue::Absent;
    if (v.get_object().value_unsafe().at_key(step).get(v) != simdjson::SUCCESS) return DispatchValue::Absent;
  }
  if (v.type() != element_type::STRING) return DispatchValue::Other;
  text = v.get_string().value_unsafe();
  return DispatchValue::String;
}

bool dispatch_allows(const Dispatch& d, element event) {
  std::string_view text;
  switch (dispatch_value(event, d.field, text)) {
    case DispatchValue::Absent: return false;
    case DispatchValue::Other: return true;
    case DispatchValue::String: return std::binary_search(d.values.begin(), d.values.end(), to_lower(text));
  }
  return true;
}

bool literal_char_safe(unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/'; }

bool StrPattern::matches(std::string_view s) const {
  switch (kind) {
    case Kind::Equals: return s.size() == needle.size() && eq_at(s, 0, needle, cased);
    case Kind::Prefix: return s.size() >= needle.size() && eq_at(s, 0, needle, cased);
    case Kind::Suffix: return s.size() >= needle.size() && eq_at(s, s.size() - needle.size(), needle, cased);
    case Kind::Contains: return find_ci(s, needle, cased);
    case Kind::Glob: return glob_match(*this, s);
  }
  return false;
}

bool Cidr::contains(std::string_view ip) const {
  char buf[64];
  ip = trim(ip);
  if (ip.empty() || ip.size() >= sizeof buf) return false;
  std::memcpy(buf, ip.data(), ip.size());
  buf[ip.size()] = 0;
  std::array<std::uint8_t, 16> a{};
  if (inet_pton(family, buf, a.data()) != 1) return false;
  int bits = prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    std::uint8_t mask = bits >= 8 ? 0xFF : static_cast<std::uint8_t>(0xFF << (8 - bits));
    if ((a[i] & mask) != (addr[i] & mask)) return false;
  }
  return true;
}

bool eval_condition(const CompiledRule& rule, const CondNode& node, element event) {
  switch (node.kind) {
    case CondNode::Kind::Detection: return detection_matches(rule.detections[node.detection], event);
    case CondNode::Kind::Not: return !eval_condition(rule, node.kids[0], event);
    case CondNode::Kind::And:
      for (const CondNode& k : node.kids)
        if (!eval_condition(rule, k, event)) return false;
      return true;
    case CondNode::Kind::Or:
      for (const CondNode& k : node.kids)
        if (eval_condition(rule, k, event)) return true;
      return false;
  }
  return false;
}

bool event_failed(element event) {
  if (event.type() != element_type::OBJECT) return false;
  simdjson::dom::object obj = event.get_object().value_unsafe();
  element v;
  for (const char* key : {"errorCode", "errorMessage"})
    if (obj.at_key(key).get(v) == simdjson::SUCCESS && v.type() != element_type::NULL_VALUE) return true;
  std::string_view name;
  element resp;
  if (obj.at_key("eventName").get(v) == simdjson::SUCCESS && v.get_string().get(name) == simdjson::SUCCESS &&
      obj.at_key("responseElements").get(resp) == simdjson::SUCCESS && resp.type() == element_type::OBJECT) {
    std::string_view outcome;
    simdjson::dom::object robj = resp.get_object().value_unsafe();
    if (robj.at_key(name).get(v) == simdjson::SUCCESS &&
        v.get_string().get(outcome) == simdjson::SUCCESS)
      return iequals(outcome, "Failure");
  }
  return false;
}

std::string field_text(element event, const std::vector<std::string>& path) {
  std::string out;
  auto f = [&](element v) {
    switch (v.type()) {
      case element_type::STRING: out = std::string(v.get_string().value_unsafe()); return true;
      case element_type::BOOL: out = v.get_bool().value_unsafe() ? "true" : "false"; return true;
      case element_type::INT64: out = std::to_string(v.get_int64().value_unsafe()); return true;
      case element_type::UINT64: out = std::to_string(v.get_uint64().value_unsafe()); return true;
      case element_type::DOUBLE: out = simdjson::to_string(v); return true;
      default: return false;
    }
  };
  any_at_path(event, path, 0, f);
  return out;
}

bool CompiledRule::matches(element event) const { return eval_condition(*this, condition, event); }

Severity CompiledRule::severity_for(element event) const {
  if (severity_when_failed && event_failed(event)) return *severity_when_failed;
  for (const auto& [node, level] : levels)
    if (eval_condition(*this, node, event)) return level;
  return info.severity;
}

Result<CompiledRule> compile_rule(const Rule& rule) {
  try {
    CompiledRule c;
    c.info = rule.info;
    c.severity_when_failed = rule.severity_when_failed;
    for (const Detection& d : rule.detections) {
      CompiledDetection cd;
      cd.name = d.name;
      for (const auto& group : d.alternatives) {
        std::vector<FieldTest> tests;
        for (const DetectionItem& item : group) tests.push_back(compile_item(rule, item));
        cd.alternatives.push_back(std::move(tests));
      }
      c.detections.push_back(std::move(cd));
    }
    if (rule.conditions.size() == 1) {
      c.condition = parse_and_compile(rule, rule.conditions[0], rule.condition_marks[0], rule.condition_single_line,
                                      c.detections);
    } else {
      c.condition.kind = CondNode::Kind::Or;
      for (std::size_t i = 0; i < rule.conditions.size(); ++i)
        c.condition.kids.push_back(parse_and_compile(rule, rule.conditions[i], rule.condition_marks[i],
                                                     rule.condition_single_line, c.detections));
    }
    for (const LevelOverride& o : rule.levels)
      c.levels.emplace_back(parse_and_compile(rule, o.condition, o.mark, true, c.detections), o.level);
    c.literals = node_lits(c, c.condition);
    // Before any filter is ANDed in (add_filter): the own condition's, for unfiltered_match.
    for (std::size_t f = 0; f < dispatch_fields().size() && !c.dispatch; ++f)
      if (Values v = node_values(c, c.condition, dispatch_fields()[f]))
        c.dispatch = Dispatch{static_cast<std::uint32_t>(f), std::move(*v)};
    return c;
  } catch (const CompileFail& f) {
    return f.error;
  } catch (const std::exception& e) {
    return Error{ErrorKind::Invalid, rule.info.file, std::string("cannot compile rule: ") + e.what()};
  }
}

void add_filter(CompiledRule& rule, const CompiledRule& filter) {
  const auto base = static_cast<std::uint32_t>(rule.detections.size());
  for (const CompiledDetection& d : filter.detections) {
    rule.detections.push_back(d);
    rule.detections.back().name = filter.info.id + "/" + d.name;
  }
  CondNode added = filter.condition;
  auto shift = [base](auto& self, CondNode& n) -> void {
    if (n.kind == CondNode::Kind::Detection) n.detection += base;
    for (CondNode& k : n.kids) self(self, k);
  };
  shift(shift, added);
  if (rule.info.filters.empty()) {
    CondNode both;
    both.kind = CondNode::Kind::And;
    both.kids.push_back(std::move(rule.condition));
    rule.condition = std::move(both);
  }
  rule.condition.kids.push_back(std::move(added));
  rule.info.filters.push_back(filter.info.id);
}

bool unfiltered_match(const CompiledRule& rule, simdjson::dom::element event, std::size_t& failed) {
  if (rule.info.filters.empty() || !eval_condition(rule, rule.condition.kids[0], event)) return false;
  for (std::size_t k = 1; k < rule.condition.kids.size(); ++k)
    if (!eval_condition(rule, rule.condition.kids[k], event)) {
      failed = k - 1;
      return true;
    }
  return false;
}

}  // namespace rg::sigma
