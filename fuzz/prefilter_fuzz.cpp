// libFuzzer target: the prefilter's keyed literals over arbitrary record bytes.
// Checks, beyond "no crash, no hang, no sanitizer report": whenever the bytes are a JSON object
// that one of a few rules (equality, contains, startswith, booleans, numbers as text, nested
// paths) matches, the rule's literals, with "\u" as a rule set carries it, let the record
// through. A failure is a lost finding.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <simdjson.h>

#include "sigma/literal.h"
#include "sigma/testing.h"

namespace {

struct Checked {
  rg::sigma::CompiledRule rule;
  rg::sigma::LiteralMatcher matcher;
};

std::vector<Checked> make_rules() {
  std::vector<Checked> out;
  for (const char* d : rg::sigma::testing::kLiteralProbeRules) {
    auto r = rg::sigma::testing::compile_text(rg::sigma::testing::rule_yaml(d));
    if (!r || !r->literals) std::abort();
    rg::sigma::Literals lits = *r->literals;
    lits.push_back(rg::sigma::Literal::plain("\\u"));
    rg::sigma::LiteralMatcher m(lits);
    out.push_back(Checked{std::move(*r), std::move(m)});
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<Checked> rules = make_rules();
  static simdjson::dom::parser parser;
  const std::string raw(reinterpret_cast<const char*>(data), size);
  for (const Checked& c : rules) c.matcher.passes(raw);  // no crash on any bytes
  simdjson::padded_string ps(raw);
  simdjson::dom::element e;
  if (parser.parse(ps).get(e) || !e.is_object()) return 0;
  for (const Checked& c : rules)
    if (c.rule.matches(e) && !c.matcher.passes(raw)) std::abort();  // a lost finding
  return 0;
}
