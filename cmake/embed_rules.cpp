// Build-time tool: writes the C++ file that embeds the built-in rules (rules/*.yml) in the
// binary, each as its text (for `rules test`, `rules lint` and the docs) and each of its YAML
// documents, without its test events, as a prebuilt tree (sigma/yaml_tree.h) that `scan` and
// `watch` load without parsing YAML. Run by the build; not for hand use.
//
//   rg_embed_rules OUT RULE.yml...
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "sigma/yaml_tree.h"

namespace {

constexpr std::string_view kClose = ")RGRULE\"";

bool raw_literal(std::string_view s, std::string& out) {
  if (s.find(kClose) != std::string_view::npos) return false;
  out += "R\"RGRULE(";
  out += s;
  out += kClose;
  return true;
}

// What scan and watch read of a rule: everything but rootguard.tests, which becomes {}.
void drop_tests(YAML::Node& doc) {
  const YAML::Node& view = doc;
  if (!view.IsMap() || !view["rootguard"] || !view["rootguard"].IsMap() || !view["rootguard"]["tests"]) return;
  YAML::Node rg = doc["rootguard"];
  rg["tests"] = YAML::Node(YAML::NodeType::Map);
}

bool is_correlation(const YAML::Node& doc) { return doc.IsMap() && doc["correlation"]; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: rg_embed_rules OUT RULE.yml...\n";
    return 2;
  }
  std::vector<std::filesystem::path> files(argv + 2, argv + argc);
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.filename().string() < b.filename().string(); });
  std::string docs, table;
  std::size_t ndoc = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) {
      std::cerr << f.string() << ": cannot read\n";
      return 1;
    }
    const std::string text = ss.str();
    std::vector<YAML::Node> parsed;
    try {
      parsed = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
      std::cerr << f.string() << ": invalid YAML: " << e.what() << "\n";
      return 1;
    }
    const std::string array = "kDocs" + std::to_string(ndoc++);
    docs += "const EmbeddedDoc " + array + "[] = {\n";
    std::size_t n = 0;
    for (YAML::Node& doc : parsed) {
      if (!doc || doc.IsNull()) continue;
      drop_tests(doc);
      docs += "    {";
      if (!raw_literal(rg::sigma::encode_yaml_tree(doc), docs)) {
        std::cerr << f.string() << ": holds " << kClose << ", which cannot be embedded\n";
        return 1;
      }
      docs += is_correlation(doc) ? ", true},\n" : ", false},\n";
      ++n;
    }
    if (n == 0) docs += "    {{}, false},\n";  // no zero-size arrays; the loader skips an empty tree
    docs += "};\n";
    table += "    {\"" + f.filename().string() + "\", ";
    if (!raw_literal(text, table)) {
      std::cerr << f.string() << ": holds " << kClose << ", which cannot be embedded\n";
      return 1;
    }
    table += ", {" + array + ", " + std::to_string(n) + "}},\n";
  }
  const std::string out_path = argv[1];
  std::string out =
      "// Generated from rules/*.yml by cmake/embed_rules.cpp. Do not edit.\n"
      "#include \"sigma/builtin.h\"\n\nnamespace rg::sigma {\n\nnamespace {\n\n" +
      docs +
      "\n}  // namespace\n\nconst std::vector<EmbeddedRule>& builtin_rule_files() {\n"
      "  static const std::vector<EmbeddedRule> files = {\n" +
      table + "  };\n  return files;\n}\n\n}  // namespace rg::sigma\n";
  // Only a changed file is rewritten, so that an unchanged rule set rebuilds nothing.
  std::ifstream old(out_path, std::ios::binary);
  std::stringstream prev;
  prev << old.rdbuf();
  if (old && prev.str() == out) return 0;
  std::ofstream w(out_path, std::ios::binary | std::ios::trunc);
  w << out;
  w.close();
  if (!w) {
    std::cerr << out_path << ": cannot write\n";
    return 1;
  }
  return 0;
}
