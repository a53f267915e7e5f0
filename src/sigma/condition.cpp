#include "sigma/condition.h"

#include <cctype>
#include <charconv>

#include "core/strings.h"

namespace rg::sigma {
namespace {

struct Token {
  enum class Kind { Word, LParen, RParen, Pipe, End } kind = Kind::End;
  std::string_view text;
  std::size_t pos = 0;
};

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '*' || c == '?';
}

Error parse_error(std::size_t pos, std::string what, ErrorKind kind = ErrorKind::Invalid) {
  return Error{kind, std::to_string(pos), std::move(what)};
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<CondAst> parse() {
    if (Status s = tokenize(); !s) return s.error();
    Result<CondAst> r = parse_or(0);
    if (!r) return r;
    const Token& t = peek();
    if (t.kind == Token::Kind::Pipe)
      return parse_error(t.pos, "unsupported: aggregation '|' in condition", ErrorKind::Unsupported);
    if (t.kind != Token::Kind::End) return parse_error(t.pos, "condition: unexpected '" + std::string(t.text) + "'");
    return r;
  }

 private:
  Status tokenize() {
    std::size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '(' || c == ')' || c == '|') {
        Token::Kind k = c == '(' ? Token::Kind::LParen : c == ')' ? Token::Kind::RParen : Token::Kind::Pipe;
        toks_.push_back(Token{k, text_.substr(i, 1), i});
        ++i;
        if (k == Token::Kind::Pipe) break;  // an aggregation follows: refused by the parser
      } else if (is_name_char(c)) {
        std::size_t start = i;
        while (i < text_.size() && is_name_char(text_[i])) ++i;
        toks_.push_back(Token{Token::Kind::Word, text_.substr(start, i - start), start});
      } else {
        return parse_error(i, std::string("condition: unexpected character '") + c + "'");
      }
    }
    toks_.push_back(Token{Token::Kind::End, {}, text_.size()});
    return ok_status();
  }

  const Token& peek() const { return toks_[at_]; }
  bool peek_word(std::string_view w) const {
    return peek().kind == Token::Kind::Word && iequals(peek().text, w);
  }
  static bool is_keyword(std::string_view w) {
    return iequals(w, "and") || iequals(w, "or") || iequals(w, "not") || iequals(w, "of") || iequals(w, "them");
  }

  Result<CondAst> parse_or(int depth) {
    if (depth > kMaxConditionDepth) return parse_error(peek().pos, "condition: nested too deeply");
    Result<CondAst> first = parse_and(depth + 1);
    if (!first) return first;
    if (!peek_word("or")) return first;
    CondAst node;
    node.kind = CondAst::Kind::Or;
    node.pos = first->pos;
    node.kids.push_back(std::move(first).value());
    while (peek_word("or")) {
      ++at_;
      Result<CondAst> next = parse_and(depth + 1);
      if (!next) return next;
      node.kids.push_back(std::move(next).value());
    }
    return node;
  }

  Result<CondAst> parse_and(int depth) {
    Result<CondAst> first = parse_not(depth + 1);
    if (!first) return first;
    if (!peek_word("and")) return first;
    CondAst node;
    node.kind = CondAst::Kind::And;
    node.pos = first->pos;
    node.kids.push_back(std::move(first).value());
    while (peek_word("and")) {
      ++at_;
      Result<CondAst> next = parse_not(depth + 1);
      if (!next) return next;
      node.kids.push_back(std::move(next).value());
    }
    return node;
  }

  Result<CondAst> parse_not(int depth) {
    if (depth > kMaxConditionDepth) return parse_error(peek().pos, "condition: nested too deeply");
    if (peek_word("not")) {
      std::size_t pos = peek().pos;
      ++at_;
      Result<CondAst> inner = parse_not(depth + 1);
      if (!inner) return inner;
      CondAst node;
      node.kind = CondAst::Kind::Not;
      node.pos = pos;
      node.kids.push_back(std::move(inner).value());
      return node;
    }
    return parse_primary(depth + 1);
  }

  Result<CondAst> parse_primary(int depth) {
    const Token t = peek();
    switch (t.kind) {
      case Token::Kind::End:
        return parse_error(t.pos, "condition: unexpected end");
      case Token::Kind::RParen:
        return parse_error(t.pos, "condition: unexpected ')'");
      case Token::Kind::Pipe:
        return parse_error(t.pos, "unsupported: aggregation '|' in condition", ErrorKind::Unsupported);
      case Token::Kind::LParen: {
        ++at_;
        Result<CondAst> inner = parse_or(depth + 1);
        if (!inner) return inner;
        if (peek().kind != Token::Kind::RParen) return parse_error(peek().pos, "condition: missing ')'");
        ++at_;
        return inner;
      }
      case Token::Kind::Word:
        break;
    }
    // A quantifier: "1 of x", "any of x", "all of x".
    if (toks_[at_ + 1].kind == Token::Kind::Word && iequals(toks_[at_ + 1].text, "of")) {
      CondAst node;
      node.pos = t.pos;
      if (t.text == "1" || iequals(t.text, "any")) {
        node.kind = CondAst::Kind::OneOf;
      } else if (iequals(t.text, "all")) {
        node.kind = CondAst::Kind::AllOf;
      } else {
        return parse_error(t.pos, "unsupported: quantifier '" + std::string(t.text) + " of' (only '1 of' and 'all of')",
                           ErrorKind::Unsupported);
      }
      at_ += 2;
      const Token target = peek();
      if (target.kind != Token::Kind::Word || (is_keyword(target.text) && !iequals(target.text, "them")))
        return parse_error(target.pos, "condition: expected 'them' or a name after 'of'");
      ++at_;
      if (iequals(target.text, "them"))
        node.them = true;
      else
        node.name = std::string(target.text);
      return node;
    }
    if (is_keyword(t.text) || iequals(t.text, "all"))
      return parse_error(t.pos, "condition: unexpected '" + std::string(t.text) + "'");
    if (t.text.find_first_of("*?") != std::string_view::npos)
      return parse_error(t.pos, "condition: wildcard name '" + std::string(t.text) + "' outside '1 of'/'all of'");
    ++at_;
    CondAst node;
    node.kind = CondAst::Kind::Ident;
    node.name = std::string(t.text);
    node.pos = t.pos;
    return node;
  }

  std::string_view text_;
  std::vector<Token> toks_;
  std::size_t at_ = 0;
};

}  // namespace

Result<CondAst> parse_condition(std::string_view text) {
  if (trim(text).empty()) return parse_error(0, "condition: empty");
  return Parser(text).parse();
}

std::size_t condition_error_offset(const Error& e) {
  std::size_t v = 0;
  std::from_chars(e.where.data(), e.where.data() + e.where.size(), v);
  return v;
}

std::string to_string(const CondAst& ast) {
  switch (ast.kind) {
    case CondAst::Kind::Ident:
      return ast.name;
    case CondAst::Kind::OneOf:
      return "1 of " + (ast.them ? std::string("them") : ast.name);
    case CondAst::Kind::AllOf:
      return "all of " + (ast.them ? std::string("them") : ast.name);
    case CondAst::Kind::Not:
      return "not " + to_string(ast.kids.at(0));
    case CondAst::Kind::And:
    case CondAst::Kind::Or: {
      std::string out = "(";
      for (std::size_t i = 0; i < ast.kids.size(); ++i) {
        if (i) out += ast.kind == CondAst::Kind::And ? " and " : " or ";
        out += to_string(ast.kids[i]);
      }
      return out + ")";
    }
  }
  return {};
}

bool identifier_matches(std::string_view pattern, std::string_view name) {
  // Iterative glob with single backtrack point: linear memory, no recursion.
  std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace rg::sigma
