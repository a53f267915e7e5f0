// Micro-benchmarks for the scan hot path: record framing and the prefilter, on a synthetic
// S3-delivery buffer (realistic record sizes, 1 root record in 1000). Build with -DRG_BENCH=ON.
#include <benchmark/benchmark.h>

#include <string>

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
  {
    rg::Diagnostics diag(rg::Diagnostics::silent());
    rg::cloudtrail::Framer fr("bench", diag);
    rg::io::MemoryReader r(in);
    fr.run(r, [&](const rg::cloudtrail::RawRecord& rec) {
      records.push_back(std::string_view(in).substr(rec.offset, rec.bytes.size()));
      return true;
    });
  }
  rg::Diagnostics diag(rg::Diagnostics::silent());
  rg::sigma::LoadOptions lo;
  lo.tests = false;
  auto rules = rg::sigma::load_rules(lo, diag);
  auto pre = rg::scan::Prefilter::compile(rules.prefilter_literals()).value();
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

}  // namespace

BENCHMARK_MAIN();
