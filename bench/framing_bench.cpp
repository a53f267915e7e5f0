// Micro-benchmarks for the scan hot path: record framing and the prefilter, on a synthetic
// S3-delivery buffer (realistic record sizes, 1 root record in 1000), and with
//   RG_BENCH_GZ=DIR   the prefilter over records of the *.gz files under DIR, e.g. the benchmark
//                     corpus: records as varied as real ones, which the synthetic buffer's
//                     identical records are not (a branch predictor learns those). Records are
//                     taken evenly from the first 200 MB of the files until they hold 8 MB, copied
//                     side by side; each is fetched into the cache while the one before it is
//                     searched, as a record the scan has just framed is in the cache.
//   RG_BENCH_RULES=DIR  more rules for BM_MatchCorpus (see there).
// Build with -DRG_BENCH=ON.
#include <benchmark/benchmark.h>

#include <libdeflate.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cloudtrail/framing.h"
#include "io/env.h"
#include "scan/prefilter.h"
#include "sigma/ruleset.h"

namespace {

std::string make_records(int n) {
  std::string s = "{\"Records\":[";
  for (int i = 0; i < n; ++i) {
    if (i) s += ',';
    bool root = i % 1000 == 7;
    s += "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"" + std::string(root ? "Root" : "AssumedRole") +
         "\",\"principalId\":\"AROAEXAMPLE:session-" + std::to_string(i) +
         "\",\"arn\":\"arn:aws:sts::111122223333:assumed-role/app/session\",\"accountId\":\"111122223333\","
         "\"accessKeyId\":\"ASIAEXAMPLE\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"arn\":"
         "\"arn:aws:iam::111122223333:role/app\"},\"attributes\":{\"creationDate\":\"2026-11-20T10:00:00Z\","
         "\"mfaAuthenticated\":\"false\"}}},\"eventTime\":\"2026-11-20T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","
         "\"eventName\":\"GetObject\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"10.0.0.1\",\"userAgent\":"
         "\"aws-sdk-java/2.25.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/21\",\"requestParameters\":{\"bucketName\":"
         "\"orders\",\"key\":\"2026/11/20/" + std::to_string(i) + ".json\",\"x-id\":\"GetObject\"},"
         "\"responseElements\":null,\"requestID\":\"ABCDEF0123456789\",\"eventID\":\"0000-" + std::to_string(i) +
         "\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"managementEvent\":false,\"recipientAccountId\":"
         "\"111122223333\",\"eventCategory\":\"Data\"}";
  }
  return s + "]}";
}

// Plain (field-less) literals, as keyword rules give: searched with Hyperscan when built with it.
rg::sigma::Literals plain(std::initializer_list<const char*> texts) {
  rg::sigma::Literals out;
  for (const char* t : texts) out.push_back(rg::sigma::Literal::plain(t));
  return out;
}

const std::string& corpus() {
  static const std::string s = make_records(20000);
  return s;
}

// Appends the records of `in` (views into it).
void frame_into(const std::string& in, std::vector<std::string_view>& out) {
  rg::Diagnostics diag(rg::Diagnostics::silent());
  rg::cloudtrail::Framer fr("bench", diag);
  rg::io::MemoryReader r(in);
  fr.run(r, [&](const rg::cloudtrail::RawRecord& rec) {
    out.push_back(std::string_view(in).substr(rec.offset, rec.bytes.size()));
    return true;
  });
}

// The prefilter the built-in rules compile to.
std::shared_ptr<const rg::scan::Prefilter> builtin_prefilter() {
  rg::Diagnostics diag(rg::Diagnostics::silent());
  rg::sigma::LoadOptions lo;
  lo.tests = false;
  auto rules = rg::sigma::load_rules(lo, diag);
  return rg::scan::Prefilter::compile(rules.prefilter_literals()).value();
}

void BM_Framing(benchmark::State& state) {
  const std::string& in = corpus();
  std::size_t records = 0;
  for (auto _ : state) {
    rg::Diagnostics diag(rg::Diagnostics::silent());
    rg::cloudtrail::Framer fr("bench", diag);
    rg::io::MemoryReader r(in);
    fr.run(r, [&](const rg::cloudtrail::RawRecord&) { return true; });
    records = fr.stats().records;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
  state.counters["records"] = static_cast<double>(records);
}
BENCHMARK(BM_Framing)->Unit(benchmark::kMillisecond);

void BM_FramingAndPrefilter(benchmark::State& state) {
  const std::string& in = corpus();
  auto pre = rg::scan::Prefilter::compile(plain({"root", "consolelogin", "stoplogging", "deletetrail", "updatetrail",
                                                 "puteventselectors", "deletemetricfilter", "assumeroot"}))
                 .value();
  auto scratch = pre->make_scratch();
  std::size_t pass = 0;
  for (auto _ : state) {
    rg::Diagnostics diag(rg::Diagnostics::silent());
    rg::cloudtrail::Framer fr("bench", diag);
    rg::io::MemoryReader r(in);
    pass = 0;
    fr.run(r, [&](const rg::cloudtrail::RawRecord& rec) {
      pass += pre->maybe(rec.bytes, *scratch);
      return true;
    });
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
  state.counters["passed"] = static_cast<double>(pass);
}
BENCHMARK(BM_FramingAndPrefilter)->Unit(benchmark::kMillisecond);

void BM_PrefilterOnly(benchmark::State& state) {
  const std::string& in = corpus();
  // literals that never occur: the matcher reads every byte
  auto pre = rg::scan::Prefilter::compile(plain({"stoplogging", "deletetrail", "consolelogin"})).value();
  auto scratch = pre->make_scratch();
  for (auto _ : state) benchmark::DoNotOptimize(pre->maybe(in, *scratch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_PrefilterOnly)->Unit(benchmark::kMillisecond);

// The prefilter the built-in rules compile to (keyed literals: "eventName" and "type" values),
// over records already framed: what a scan spends per record before parsing.
void BM_PrefilterBuiltinRules(benchmark::State& state) {
  static const std::string in = make_records(1000);  // about 1 MB: in L2, as a record just framed is
  std::vector<std::string_view> records;
  frame_into(in, records);
  auto pre = builtin_prefilter();
  auto scratch = pre->make_scratch();
  std::size_t pass = 0;
  for (auto _ : state) {
    pass = 0;
    for (std::string_view rec : records) pass += pre->maybe(rec, *scratch);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
  state.counters["passed"] = static_cast<double>(pass);
}
BENCHMARK(BM_PrefilterBuiltinRules)->Unit(benchmark::kMillisecond);

// A sample of the records of RG_BENCH_GZ's files (see the top); empty when unset.
struct CorpusRecords {
  std::string text;
  std::vector<std::string_view> records;
  std::size_t bytes = 0;
};

const CorpusRecords& corpus_records() {
  static const CorpusRecords all = [] {
    CorpusRecords c;
    const char* dir = std::getenv("RG_BENCH_GZ");
    if (!dir || !*dir) return c;
    std::vector<std::filesystem::path> paths;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".gz") paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    std::vector<std::string> files;
    std::size_t total = 0;
    for (const auto& p : paths) {
      std::ifstream f(p, std::ios::binary);
      const std::string z((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      if (z.size() < 18) continue;
      const auto* t = reinterpret_cast<const unsigned char*>(z.data() + z.size() - 4);
      std::string out(std::size_t{t[0]} | std::size_t{t[1]} << 8 | std::size_t{t[2]} << 16 | std::size_t{t[3]} << 24,
                      '\0');
      if (libdeflate_gzip_decompress(d, z.data(), z.size(), out.data(), out.size(), nullptr) != LIBDEFLATE_SUCCESS)
        continue;
      files.push_back(std::move(out));
      if ((total += files.back().size()) > (200u << 20)) break;
    }
    libdeflate_free_decompressor(d);
    std::vector<std::string_view> framed;
    for (const std::string& in : files) frame_into(in, framed);
    constexpr std::size_t kSample = 8192 * 1024;
    const std::size_t step = std::max<std::size_t>(1, total / kSample);
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i < framed.size() && c.bytes < kSample; i += step) {
      at.push_back(c.text.size());
      c.text += framed[i];
      c.bytes += framed[i].size();
    }
    for (std::size_t k = 0; k < at.size(); ++k) {
      const std::size_t end = k + 1 < at.size() ? at[k + 1] : c.text.size();
      c.records.push_back(std::string_view(c.text).substr(at[k], end - at[k]));
    }
    return c;
  }();
  return all;
}

void prefilter_corpus(benchmark::State& state, const rg::scan::Prefilter& pre) {
  const CorpusRecords& c = corpus_records();
  if (c.records.empty()) {
    state.SkipWithError("set RG_BENCH_GZ to a directory of CloudTrail .gz files");
    return;
  }
  auto scratch = pre.make_scratch();
  std::size_t pass = 0;
  for (auto _ : state) {
    pass = 0;
    for (std::size_t i = 0; i < c.records.size(); ++i) {
      if (i + 1 < c.records.size()) {  // the next record into the cache, as framing it would
        const std::string_view next = c.records[i + 1];
        for (std::size_t at = 0; at < next.size(); at += 64) __builtin_prefetch(next.data() + at);
      }
      pass += pre.maybe(c.records[i], *scratch);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
  state.counters["records"] = static_cast<double>(c.records.size());
  state.counters["passed"] = static_cast<double>(pass);
}

// The built-in rules' prefilter over real-shaped records.
void BM_PrefilterBuiltinRulesCorpus(benchmark::State& state) {
  prefilter_corpus(state, *builtin_prefilter());
}
BENCHMARK(BM_PrefilterBuiltinRulesCorpus)->Unit(benchmark::kMillisecond);

// One keyed literal (userIdentity.type is Root): what the key search costs with one key.
void BM_PrefilterRootTypeCorpus(benchmark::State& state) {
  prefilter_corpus(state,
                   *rg::scan::Prefilter::compile(rg::sigma::Literals{rg::sigma::Literal::keyed("type", "root", true)})
                        .value());
}
BENCHMARK(BM_PrefilterRootTypeCorpus)->Unit(benchmark::kMillisecond);

// The sample framed in place and passed through the built-in rules' prefilter, as the scan
// does with a file decoded whole: with the key probe (Arg 1: the framer marks the keys, each
// record checks its marks) and without it (Arg 0: each record searched again for its keys).
void BM_FrameAndPrefilterBuiltinRulesCorpus(benchmark::State& state) {
  const CorpusRecords& c = corpus_records();
  if (c.records.empty()) {
    state.SkipWithError("set RG_BENCH_GZ to a directory of CloudTrail .gz files");
    return;
  }
  const auto held_pre = builtin_prefilter();
  const rg::scan::Prefilter& pre = *held_pre;
  const bool probed = state.range(0) != 0;
  auto scratch = pre.make_scratch();
  std::string held = "{\"Records\":[";  // the sample as one S3 delivery
  for (std::string_view r : c.records) held.append(held.size() > 12 ? "," : "").append(r);
  held += "]}";
  const std::size_t len = held.size();
  held.resize(len + rg::cloudtrail::kInPlaceTail, ' ');
  rg::cloudtrail::FrameBuffer reuse;
  std::size_t pass = 0;
  for (auto _ : state) {
    rg::Diagnostics diag(rg::Diagnostics::silent());
    rg::cloudtrail::Framer fr("bench", diag, {}, &reuse);
    if (probed) fr.set_probe(pre.probe());
    pass = 0;
    fr.run_in_place(held.data(), len, [&](const rg::cloudtrail::RawRecord& r) {
      pass += r.probed ? pre.maybe(r.bytes, *scratch, r.offset, r.hits) : pre.maybe(r.bytes, *scratch);
      return true;
    });
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * len));
  state.counters["passed"] = static_cast<double>(pass);
}
BENCHMARK(BM_FrameAndPrefilterBuiltinRulesCorpus)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// RuleSet::match over the sample's events (parsed before timing), with the built-in rules and
// those of RG_BENCH_RULES=DIR when set (e.g. SigmaHQ's CloudTrail rules): Arg 1 looks each
// event's rules up by eventName, eventSource and userIdentity.type as scan does; Arg 0
// evaluates every rule on every event, as a rule engine without that index would.
void BM_MatchCorpus(benchmark::State& state) {
  const CorpusRecords& c = corpus_records();
  if (c.records.empty()) {
    state.SkipWithError("set RG_BENCH_GZ to a directory of CloudTrail .gz files");
    return;
  }
  rg::Diagnostics diag(rg::Diagnostics::silent());
  rg::sigma::LoadOptions lo;
  lo.tests = false;
  if (const char* dir = std::getenv("RG_BENCH_RULES"); dir && *dir) lo.dirs.push_back(dir);
  rg::sigma::RuleSet rules = rg::sigma::load_rules(lo, diag);
  rules.set_dispatch(state.range(0) != 0);
  simdjson::dom::parser parser;
  std::vector<simdjson::dom::document> docs(c.records.size());
  for (std::size_t i = 0; i < c.records.size(); ++i)
    if (parser.parse_into_document(docs[i], c.records[i].data(), c.records[i].size()).error()) docs[i] = {};
  std::vector<rg::sigma::Match> out;
  std::size_t matches = 0;
  for (auto _ : state) {
    matches = 0;
    for (std::size_t i = 0; i < docs.size(); ++i) {
      out.clear();
      rules.match(rg::cloudtrail::EventView{docs[i].root(), c.records[i], "bench", 0, 0}, out);
      matches += out.size();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * docs.size()));
  state.counters["rules"] = static_cast<double>(rules.size());
  state.counters["matches"] = static_cast<double>(matches);
}
BENCHMARK(BM_MatchCorpus)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
