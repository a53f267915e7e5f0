// Prefilter literals: "no literal in the bytes" must never coincide with "a rule matches".
// Checked on every built-in test event, on all public CloudTrail data in the shared test
// data (framed simply, by testing::frame), and on hand-made tricky records.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <fstream>
#include <sstream>

#include "sigma/compile.h"
#include "sigma/rule_tests.h"
#include "sigma/ruleset.h"
#include "sigma/testing.h"
#include "test_util.h"

namespace rg::sigma {
namespace {

namespace fs = std::filesystem;

RuleSet load(bool builtin, std::vector<fs::path> dirs = {}) {
  Diagnostics diag(Diagnostics::silent());
  LoadOptions opts;
  opts.builtin = builtin;
  opts.dirs = std::move(dirs);
  return load_rules(opts, diag);
}

std::vector<std::string> lits_of(const std::string& detection) {
  Result<CompiledRule> r = testing::compile_text(testing::rule_yaml(detection));
  EXPECT_TRUE(r) << (r ? "" : r.error().str());
  if (!r || !r->literals) return {"<none>"};
  std::vector<std::string> out;
  for (const Literal& l : *r->literals) out.push_back(to_string(l));
  return out;
}

using V = std::vector<std::string>;

TEST(PrefilterLiterals, Derivation) {
  // A field test gives a keyed literal (the last step of the path): "key=text" when the value
  // must equal the text, "key~text" when it must contain it; lower-cased.
  EXPECT_EQ(lits_of("    s:\n        eventName: ConsoleLogin\n    condition: s\n"), V{"eventName=consolelogin"});
  EXPECT_EQ(lits_of("    s:\n        a.b|endswith: '.AmazonAWS.com'\n    condition: s\n"), V{"b~.amazonaws.com"});
  // Wildcards: the longest literal run, as a contains test.
  EXPECT_EQ(lits_of("    s:\n        a: 'Delete*LoggingTrail?x'\n    condition: s\n"), V{"a~loggingtrail"});
  // Equality keeps the whole value, JSON-unsafe characters included: the value is compared
  // only when its raw bytes hold no escape.
  EXPECT_EQ(lits_of("    s:\n        a: 'arn:aws:iam::aws:policy/root-task/S3Unlock'\n    condition: s\n"),
            V{"a=arn:aws:iam::aws:policy/root-task/s3unlock"});
  EXPECT_EQ(lits_of("    s:\n        a: 'caf\xc3\xa9-Terrasse'\n    condition: s\n"), V{"a=caf\xc3\xa9-terrasse"});
  // Keywords (no field) give plain literals; JSON-unsafe characters split their text.
  EXPECT_EQ(lits_of("    k:\n        - 'ab\"ConsoleLogin'\n    condition: k\n"), V{"consolelogin"});
  EXPECT_EQ(lits_of("    k:\n        - 'Root'\n    s:\n        eventName: X\n    condition: k and s\n"),
            V{"eventName=x"});  // AND prefers keyed literals: no search of every byte
  // AND keeps the alternative expected to pass the fewest records: long, specific literals;
  // a service endpoint counts as short.
  EXPECT_EQ(lits_of("    s:\n        a: Root\n        b: [x1, x2]\n        c: ConsoleLogin\n    condition: s\n"),
            V{"c=consolelogin"});
  EXPECT_EQ(lits_of("    s:\n        eventSource: iam.amazonaws.com\n        eventName: [CreateAccessKey, "
                    "DeleteAccessKey]\n    condition: s\n"),
            (V{"eventName=createaccesskey", "eventName=deleteaccesskey"}));
  EXPECT_EQ(lits_of("    s:\n        eventSource: cloudtrail.amazonaws.com\n        eventName: [StopLogging, DeleteTrail, "
                    "UpdateTrail]\n    condition: s\n"),
            (V{"eventName=deletetrail", "eventName=stoplogging", "eventName=updatetrail"}));
  EXPECT_EQ(lits_of("    s:\n        eventSource: cloudtrail.amazonaws.com\n        readOnly: false\n    condition: s\n"),
            V{"eventSource=cloudtrail.amazonaws.com"});
  // OR unions, minimised: a contains-literal covers a longer one of the same key.
  EXPECT_EQ(lits_of("    s:\n        a: [StopLogging, DeleteTrail, StopLoggingNow]\n    condition: s\n"),
            (V{"a=deletetrail", "a=stoplogging", "a=stoploggingnow"}));
  EXPECT_EQ(lits_of("    s:\n        a|contains: [StopLogging, Stop]\n        b: 1\n    condition: s\n"), V{"a~stop"});
  EXPECT_EQ(lits_of("    s1:\n        a: One\n    s2:\n        b: Two\n    condition: s1 or s2\n"), (V{"a=one", "b=two"}));
  // Booleans give their JSON text.
  EXPECT_EQ(lits_of("    s:\n        a: false\n    condition: s\n"), V{"a=false"});
  // No constraint: NOT, numbers, regex, cidr, exists, null, comparisons; OR with one of them.
  for (const char* det : {"    s:\n        a: x\n    condition: not s\n", "    s:\n        a: 5\n    condition: s\n",
                          "    s:\n        a|re: abc\n    condition: s\n", "    s:\n        a|cidr: 10.0.0.0/8\n    condition: s\n",
                          "    s:\n        a|exists: true\n    condition: s\n", "    s:\n        a: null\n    condition: s\n",
                          "    s:\n        a|gt: 3\n    condition: s\n", "    s:\n        a: ['x', 5]\n    condition: s\n",
                          "    s1:\n        a: x\n    s2:\n        b|re: y\n    condition: s1 or s2\n",
                          "    s:\n        a: '*/*'\n    condition: s\n"})
    EXPECT_EQ(lits_of(det), V{"<none>"}) << det;
  // ... but AND with a constrained part keeps that part.
  EXPECT_EQ(lits_of("    s:\n        a: Root\n    f:\n        b: x\n    condition: s and not f\n"), V{"a=root"});
}

TEST(PrefilterLiterals, KeyedLiteralsReadTheRawValue) {
  const Literals lits{Literal::keyed("eventName", "consolelogin", true), Literal::keyed("type", "oot", false)};
  LiteralMatcher m(lits);
  auto pass = [&](const std::string& raw) { return m.passes(raw); };
  EXPECT_TRUE(pass(R"({"eventName":"ConsoleLogin"})"));
  EXPECT_TRUE(pass("{\"x\":1, \"eventName\" :\n\t\"CONSOLELOGIN\" }"));  // whitespace, case
  EXPECT_TRUE(pass(R"({"userIdentity":{"type":"Root"}})"));            // nested member, contains
  EXPECT_FALSE(pass(R"({"eventName":"ConsoleLogins"})"));              // equality, not contains
  EXPECT_FALSE(pass(R"({"EventName":"ConsoleLogin"})"));               // keys are case-sensitive
  EXPECT_FALSE(pass(R"({"note":"eventName","eventName":"GetObject","type":"IAMUser"})"));  // the key as a value
  EXPECT_FALSE(pass(R"({"msg":"\"eventName\":\"ConsoleLogin\"","eventName":"X"})"));        // inside a string
  EXPECT_FALSE(pass(R"({"eventName":{"type":"Rot"}})"));              // an object is never a string
  EXPECT_TRUE(pass(R"({"eventName":"Console\/Login"})"));             // an escape in the value: could be anything
  EXPECT_TRUE(pass(R"({"eventName":["x","ConsoleLogin"]})"));         // an array: any element may match
  EXPECT_TRUE(pass(R"({"event\u004eame":"ConsoleLogin"})") == false);  // this matcher alone has no "\u" rule
  EXPECT_TRUE(LiteralMatcher(Literals{lits[0], Literal::plain("\\u")}).passes(R"({"event\u004eame":"ConsoleLogin"})"));
  EXPECT_TRUE(LiteralMatcher(Literals{Literal::keyed("n", "5", true)}).passes(R"({"n":5})"));  // numbers as text
  EXPECT_TRUE(LiteralMatcher(Literals{Literal::keyed("f", "true", true)}).passes(R"({"f": true})"));
  // Exact values are first told apart by size and first byte, in either case; "" and non-letters too.
  const LiteralMatcher firsts(Literals{Literal::keyed("k", "abc", true), Literal::keyed("k", "[x]", true),
                                       Literal::keyed("k", "", true)});
  EXPECT_TRUE(firsts.passes(R"({"k":"ABC"})"));
  EXPECT_TRUE(firsts.passes(R"({"k":"aBc"})"));
  EXPECT_TRUE(firsts.passes(R"({"k":"[x]"})"));
  EXPECT_TRUE(firsts.passes(R"({"k":""})"));
  EXPECT_FALSE(firsts.passes(R"({"k":"bbc"})"));
  EXPECT_FALSE(firsts.passes(R"({"k":"{x]"})"));  // '{' and '[' share their low five bits: iequals decides
  EXPECT_FALSE(firsts.passes(R"({"k":"abcd"})"));
  // Long records take the vector path; the key at every offset near the end takes the tail.
  for (std::size_t pad = 0; pad < 80; ++pad) {
    std::string raw = "{\"p\":\"" + std::string(pad, 'x') + "\",\"eventName\":\"ConsoleLogin\"}";
    EXPECT_TRUE(pass(raw)) << pad;
    raw = "{\"p\":\"" + std::string(pad, 'x') + "\",\"eventName\":\"ConsoleLogout\"}";
    EXPECT_FALSE(pass(raw)) << pad;
  }
}

// Keys of every length (the search compares the first and last 8 bytes as words, and the
// middle of long ones byte by byte; with AVX-512 it also tests each key's anchor byte, its
// first capital or its closing quote, at most 63 bytes in): found where they are, near misses
// in any byte are not keys, wherever the key ends up in the record (its last bytes included).
TEST(PrefilterLiterals, KeysOfEveryLengthAreToldApartInEveryByte) {
  for (std::size_t len = 1; len <= 80; len += len < 24 ? 1 : 7) {
    for (bool capital : {false, true}) {
      std::string key;
      for (std::size_t i = 0; i < len; ++i) key += static_cast<char>('a' + (i * 7 + len) % 26);
      if (capital && len > 1) key[len / 2 + len % 3] = 'N';  // the anchor byte, at 2 to 63 from the quote
      const LiteralMatcher m(Literals{Literal::keyed(key, "v", true), Literal::keyed(key + "z", "w", true)});
      for (std::size_t pad = 0; pad < 140; pad += 13) {
        const std::string before = pad ? "{\"p\":\"" + std::string(pad, 'x') + "\"," : "{";
        EXPECT_TRUE(m.passes(before + "\"" + key + "\":\"v\"}")) << key << " " << pad;
        EXPECT_TRUE(m.passes(before + "\"" + key + "z\":\"w\"}")) << key << " " << pad;
        EXPECT_FALSE(m.passes(before + "\"" + key + "z\":\"v\"}")) << key << " " << pad;  // the value of the other key
        EXPECT_FALSE(m.passes(before + "\"" + key.substr(0, len - 1) + "\":\"v\"}")) << key << " " << pad;
        for (std::size_t at = 0; at < len; ++at) {
          std::string near = key;
          near[at] = static_cast<char>(near[at] == 'q' ? 'r' : 'q');
          EXPECT_FALSE(m.passes(before + "\"" + near + "\":\"v\"}")) << near << " " << pad;
        }
      }
      // the bytes end inside the key or just after it: nothing to read, nothing passes
      const std::string tail = "{\"p\":1,\"" + key + "\"";
      for (std::size_t cut = tail.size() - key.size() - 1; cut <= tail.size(); ++cut)
        EXPECT_FALSE(m.passes(std::string_view(tail).substr(0, cut))) << key << " " << cut;
    }
  }
}

// A value is read to its closing quote whatever its length, where the bytes go on after it
// and where they end just after it: equal passes, one byte more or less does not.
TEST(PrefilterLiterals, ValuesOfEveryLengthAreReadWhole) {
  for (std::size_t len = 1; len <= 70; ++len) {
    std::string v;
    for (std::size_t i = 0; i < len; ++i) v += static_cast<char>('a' + (i * 5 + len) % 26);
    const LiteralMatcher m(Literals{Literal::keyed("k", v, true)});
    for (const std::string& after : {std::string(",\"z\":\"") + v + "\"}", std::string("}")}) {
      EXPECT_TRUE(m.passes("{\"k\":\"" + v + "\"" + after)) << len << after;
      EXPECT_FALSE(m.passes("{\"k\":\"" + v + "q\"" + after)) << len << after;
      EXPECT_FALSE(m.passes("{\"k\":\"" + v.substr(1) + "\"" + after)) << len << after;
    }
  }
}

// Keys sharing their first byte and their anchor's offset, up to the four one anchored pass
// takes and past it (then the search compares every quote before such a byte): each is found
// in its own place, in a record of other keys that start alike.
TEST(PrefilterLiterals, KeysSharingTheirFirstBytesAreEachFound) {
  const std::vector<std::string> keys = {"eventName", "eventSource", "eventType", "eventTime", "errorCode", "type"};
  const std::string others = "\"eventVersion\":\"1.09\",\"eventID\":\"e\",\"tlsDetails\":{\"x\":\"eventName\"},";
  for (std::size_t count = 1; count <= keys.size(); ++count) {
    Literals lits;
    for (std::size_t k = 0; k < count; ++k) lits.push_back(Literal::keyed(keys[k], "hit" + std::to_string(k), true));
    const LiteralMatcher m(lits);
    for (std::size_t pad = 0; pad < 140; pad += 11) {
      const std::string before = "{" + others + "\"p\":\"" + std::string(pad, 'x') + "\",";
      for (std::size_t k = 0; k < keys.size(); ++k) {
        std::string rest;
        for (std::size_t j = 0; j < keys.size(); ++j)
          if (j != k) rest += ",\"" + keys[j] + "\":\"miss\"";
        const std::string raw = before + "\"" + keys[k] + "\":\"hit" + std::to_string(k) + "\"" + rest + "}";
        EXPECT_EQ(m.passes(raw), k < count) << count << " keys, " << keys[k] << " " << pad;
      }
      EXPECT_FALSE(m.passes(before + "\"eventNames\":\"hit0\",\"Type\":\"hit5\"}")) << count << " " << pad;
    }
  }
}

// Random records against real rules: whenever a rule matches, its literals (with "\u", as a
// rule set carries it) must pass the record.
TEST(PrefilterLiterals, RandomRecordsNeverLoseAMatch) {
  const std::vector<std::string> keys = {"eventName", "type", "x", "flag", "n", "userIdentity", "EventName",
                                         "event\\u004eame", "a", "b", "c"};
  const std::vector<std::string> values = {
      "\"ConsoleLogin\"", "\"consolelogin\"", "\"Console\\u004cogin\"", "\"Console\\/Login\"", "\"Root\"", "\"ROOT\"",
      "true", "\"TRUE\"", "5", "\"5\"", "5.0", "null", "[\"Root\", 1]", "\"StopLogging\"", "\"IAMUser\"",
      "\"eventName\"", "{\"type\":\"Root\"}", "{\"b\":{\"c\":\"x-Y\"}}", "{\"type\":\"root\",\"x\":\"Login\"}", "\"a\\\"b\""};
  const std::vector<std::string> ws = {"", " ", "\n", "\t "};
  std::mt19937 rng(7);
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& { return v[rng() % v.size()]; };
  simdjson::dom::parser parser;
  std::size_t matched = 0;
  for (const char* det : testing::kLiteralProbeRules) {
    Result<CompiledRule> r = testing::compile_text(testing::rule_yaml(det));
    ASSERT_TRUE(r && r->literals) << det;
    Literals lits = *r->literals;
    lits.push_back(Literal::plain("\\u"));
    LiteralMatcher m(lits);
    for (int i = 0; i < 3000; ++i) {
      std::string raw = "{";
      int members = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < members; ++k) {
        if (k) raw += ",";
        raw += pick(ws) + "\"" + pick(keys) + "\"" + pick(ws) + ":" + pick(ws) + pick(values) + pick(ws);
      }
      raw += "}";
      simdjson::padded_string ps(raw);
      simdjson::dom::element e;
      if (parser.parse(ps).get(e)) continue;  // duplicate keys and the like
      if (!r->matches(e)) continue;
      ++matched;
      EXPECT_TRUE(m.passes(raw)) << det << raw;
    }
  }
  EXPECT_GT(matched, 500u);
}

TEST(PrefilterLiterals, BuiltinsYieldASetAndEveryTestEventPasses) {
  RuleSet rules = load(true);
  ASSERT_TRUE(rules.prefilter_literals().has_value());
  const auto& lits = *rules.prefilter_literals();
  EXPECT_FALSE(lits.empty());
  for (const Literal& l : lits)
    for (char c : l.text) EXPECT_FALSE(c >= 'A' && c <= 'Z') << to_string(l);
  std::size_t checked = 0;
  for (std::size_t i = 0; i < rules.size(); ++i)
    for (const RuleTest& t : rules.info(i).tests)
      if (t.must_match) {
        EXPECT_TRUE(prefilter_passes(lits, t.event_json)) << rules.info(i).id << ": " << t.name;
        ++checked;
      }
  EXPECT_GE(checked, 38u);
}

// A "\u" escape can hide any literal, so the set's "\u" passes a record wherever the escape
// stands (in a SIMD block, across two, in the last bytes); other escapes do not.
TEST(PrefilterLiterals, UnicodeEscapesPassWhereverTheyStand) {
  const LiteralMatcher m(Literals{Literal::keyed("eventName", "consolelogin", true), Literal::plain("\\u")});
  for (std::size_t pad = 0; pad < 200; ++pad) {
    for (std::size_t after : {std::size_t{0}, std::size_t{3}, std::size_t{70}}) {
      auto record = [&](const std::string& escape) {
        return "{\"eventName\":\"ListBuckets\",\"p\":\"" + std::string(pad, 'x') + escape + std::string(after, 'y') +
               "\"}";
      };
      EXPECT_TRUE(m.passes(record("\\u0041"))) << pad << " " << after;
      EXPECT_FALSE(m.passes(record("\\n"))) << pad << " " << after;
      EXPECT_FALSE(m.passes(record("\\\"u"))) << pad << " " << after;  // an escaped quote, then a u
    }
  }
}

TEST(PrefilterLiterals, EscapedRecordsPass) {
  // A valid record may spell "Root" as "R\u006fot": the set keeps "\u" so such records pass.
  RuleSet rules = load(true);
  const std::string raw = R"({"userIdentity":{"type":"R\u006fot"},"eventName":"ListBuckets","eventType":"AwsApiCall"})";
  simdjson::dom::parser p;
  simdjson::padded_string ps(raw);
  cloudtrail::EventView ev{p.parse(ps).value(), raw, "t", 0, 0};
  std::vector<Match> out;
  rules.match(ev, out);
  ASSERT_FALSE(out.empty()) << "D01 matches the decoded value";
  EXPECT_TRUE(prefilter_passes(*rules.prefilter_literals(), raw));
}

TEST(PrefilterLiterals, NeverRejectsAMatchingRecord) {
  fs::path corpus = rg::test::shared_testdata() / "cloudtrail-public";
  fs::path sigma = rg::test::shared_testdata() / "sigma-aws-cloudtrail";
  RG_SKIP_WITHOUT_SHARED_TESTDATA(corpus);
  RuleSet rules = load(true, {sigma});
  std::vector<std::string> records;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".json" && ext != ".jsonl" && ext != ".log")) continue;
    testing::frame(rg::test::read_file(e.path()), records);
  }
  for (std::size_t i = 0; i < rules.size(); ++i)
    for (const RuleTest& t : rules.info(i).tests) records.push_back(t.event_json);
  EXPECT_GT(records.size(), 12000u);

  simdjson::dom::parser p;
  std::size_t parsed = 0, matches = 0, rules_with_lits = 0;
  for (std::size_t i = 0; i < rules.size(); ++i) rules_with_lits += rules.rule_literals(i).has_value();
  for (const std::string& raw : records) {
    simdjson::padded_string ps(raw);
    simdjson::dom::element e;
    if (p.parse(ps).get(e) || !e.is_object()) continue;
    ++parsed;
    cloudtrail::EventView ev{e, raw, "corpus", 0, 0};
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (!rules.evaluate(i, ev)) continue;
      ++matches;
      if (const auto& lits = rules.rule_literals(i)) {
        EXPECT_TRUE(prefilter_passes(*lits, raw)) << rules.info(i).file << " matches a record without its literals: "
                                                  << raw.substr(0, 300);
      }
    }
  }
  EXPECT_GT(parsed, 12000u);
  EXPECT_GT(matches, 200u);          // the check is exercised
  EXPECT_GT(rules_with_lits, 60u);   // and most rules serve the prefilter
}

}  // namespace
}  // namespace rg::sigma
