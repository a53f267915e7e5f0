#include "sigma/yaml_tree.h"

#include <yaml-cpp/yaml.h>

namespace rg::sigma {

namespace {

constexpr int kMaxDepth = 256;

void number(std::size_t n, std::string& out) {
  out += std::to_string(n);
  out += ' ';
}

void encode(const YAML::Node& n, std::string& out) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      out += 'M';
      number(n.size(), out);
      for (const auto& kv : n) {
        encode(kv.first, out);
        encode(kv.second, out);
      }
      return;
    case YAML::NodeType::Sequence:
      out += 'S';
      number(n.size(), out);
      for (const auto& v : n) encode(v, out);
      return;
    case YAML::NodeType::Scalar:
      out += 's';
      number(n.Tag().size(), out);
      out += n.Tag();
      number(n.Scalar().size(), out);
      out += n.Scalar();
      return;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out += 'n';
      number(n.Tag().size(), out);
      out += n.Tag();
      return;
  }
}

struct Decoder {
  std::string_view in;
  std::size_t pos = 0;
  bool bad = false;

  std::size_t count() {
    std::size_t v = 0, digits = 0;
    while (pos < in.size() && in[pos] >= '0' && in[pos] <= '9' && digits < 9) {
      v = v * 10 + static_cast<std::size_t>(in[pos++] - '0');
      ++digits;
    }
    if (digits == 0 || pos >= in.size() || in[pos] != ' ') {
      bad = true;
      return 0;
    }
    ++pos;
    return v;
  }
  std::string text() {
    const std::size_t n = count();
    if (bad || n > in.size() - pos) {
      bad = true;
      return {};
    }
    std::string s(in.substr(pos, n));
    pos += n;
    return s;
  }
  YAML::Node node(int depth) {
    if (pos >= in.size() || depth > kMaxDepth) {
      bad = true;
      return {};
    }
    const char kind = in[pos++];
    switch (kind) {
      case 'M': {
        YAML::Node m(YAML::NodeType::Map);
        for (std::size_t i = count(); i > 0 && !bad; --i) {
          YAML::Node k = node(depth + 1);
          YAML::Node v = node(depth + 1);
          if (!bad) m.force_insert(k, v);
        }
        return m;
      }
      case 'S': {
        YAML::Node s(YAML::NodeType::Sequence);
        for (std::size_t i = count(); i > 0 && !bad; --i) {
          YAML::Node v = node(depth + 1);
          if (!bad) s.push_back(v);
        }
        return s;
      }
      case 's': {
        std::string tag = text();
        YAML::Node s(text());
        s.SetTag(tag);
        return s;
      }
      case 'n': {
        YAML::Node z(YAML::NodeType::Null);
        z.SetTag(text());
        return z;
      }
      default:
        bad = true;
        return {};
    }
  }
};

}  // namespace

std::string encode_yaml_tree(const YAML::Node& doc) {
  std::string out;
  encode(doc, out);
  return out;
}

Result<YAML::Node> decode_yaml_tree(std::string_view data, std::string_view where) {
  Decoder d{data};
  YAML::Node n = d.node(0);
  if (d.bad || d.pos != data.size())
    return Error{ErrorKind::Corrupt, std::string(where), "built-in rule tree malformed at byte " + std::to_string(d.pos)};
  return n;
}

}  // namespace rg::sigma
