// Micro-benchmark of the two ways a gzip file is inflated (io/gzip.h): streamed with ISA-L
// through the 256 KiB input buffer, and whole, in one libdeflate call into a reused buffer
// (its CRC32 checked with ISA-L in one pass after it; the scan checks it piece by piece as it
// frames the file, see io/gzip.h).
// Which is faster depends on the data (libdeflate is ahead on matches, ISA-L on runs of
// literals), so the input can be chosen:
//   RG_BENCH_GZ=DIR   every *.gz file under DIR (read into memory first, at most 1 GB), e.g. the
//                     benchmark corpus or real trails compressed with gzip -6
//   (unset)           20,000 synthetic CloudTrail records (about 15 MB) with many random ids,
//                     compressed at level 6: a literal-heavy worst case for libdeflate
// Build with -DRG_BENCH=ON.
#include <benchmark/benchmark.h>

#include <libdeflate.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "io/gzip.h"

namespace {

// Varied like a real trail (random request and event ids, addresses, names, times), so that it
// compresses about 8:1 as CloudTrail files and the benchmark corpus do, not 50:1.
std::string synthetic() {
  std::mt19937_64 rng(42);
  auto hex = [&](int n) {
    static const char* d = "0123456789abcdef";
    std::string h;
    for (int i = 0; i < n; ++i) h += d[rng() % 16];
    return h;
  };
  auto uuid = [&] { return hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12); };
  const char* names[] = {"DescribeInstances", "GetObject", "AssumeRole", "Decrypt", "ListBuckets",
                         "GenerateDataKey", "PutObject", "DescribeVolumes", "GetCallerIdentity", "CreateTags"};
  const char* sources[] = {"ec2", "s3", "sts", "kms", "s3", "kms", "s3", "ec2", "sts", "ec2"};
  std::string s = "{\"Records\":[";
  for (int i = 0; i < 20000; ++i) {
    if (i) s += ',';
    const std::size_t k = rng() % 10;
    const std::string who = "AROA" + hex(17);
    s += "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"" + who +
         ":i-0" + hex(16) + "\",\"arn\":\"arn:aws:sts::111122223333:assumed-role/app-" + std::to_string(rng() % 40) +
         "/i-0" + hex(16) + "\",\"accountId\":\"111122223333\",\"accessKeyId\":\"ASIA" + hex(16) +
         "\"},\"eventTime\":\"2026-11-20T10:" + std::to_string(10 + i / 400) + ":" + std::to_string(10 + rng() % 50) +
         "Z\",\"eventSource\":\"" + sources[k] + ".amazonaws.com\",\"eventName\":\"" + names[k] +
         "\",\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"10." + std::to_string(rng() % 256) + "." +
         std::to_string(rng() % 256) + "." + std::to_string(rng() % 256) +
         "\",\"userAgent\":\"aws-sdk-go-v2/1.30." + std::to_string(rng() % 9) +
         " os/linux\",\"requestParameters\":{\"resource\":\"" + hex(24) +
         "\"},\"responseElements\":null,\"requestID\":\"" + uuid() + "\",\"eventID\":\"" + uuid() +
         "\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,"
         "\"recipientAccountId\":\"111122223333\",\"eventCategory\":\"Management\"}";
  }
  s += "]}";
  libdeflate_compressor* c = libdeflate_alloc_compressor(6);
  std::string z(libdeflate_gzip_compress_bound(c, s.size()), '\0');
  z.resize(libdeflate_gzip_compress(c, s.data(), s.size(), z.data(), z.size()));
  libdeflate_free_compressor(c);
  return z;
}

const std::vector<std::string>& inputs() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    const char* dir = std::getenv("RG_BENCH_GZ");
    if (!dir || !*dir) {
      v.push_back(synthetic());
      return v;
    }
    std::vector<std::filesystem::path> paths;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".gz") paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    std::size_t total = 0;
    for (const auto& p : paths) {
      std::ifstream f(p, std::ios::binary);
      v.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
      if ((total += v.back().size()) > (1u << 30)) break;
    }
    return v;
  }();
  return all;
}

void BM_InflateStream(benchmark::State& state) {
  const std::vector<std::string>& gzs = inputs();  // made (or read) before the clock starts
  std::string buf(256u << 10, '\0');
  std::size_t out = 0;
  for (auto _ : state) {
    out = 0;
    for (const std::string& gz : gzs) {
      rg::io::Decoder d(std::make_unique<rg::io::MemoryReader>(gz), "bench.json.gz");
      for (;;) {
        auto k = d.read(buf.data(), buf.size());
        if (!k || *k == 0) break;
        out += *k;
      }
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out));
}
BENCHMARK(BM_InflateStream)->Unit(benchmark::kMillisecond);

void BM_InflateWhole(benchmark::State& state) {
  const std::vector<std::string>& gzs = inputs();
  rg::io::WholeFile whole(64u << 20);
  std::size_t out = 0;
  std::string buf(256u << 10, '\0');
  for (auto _ : state) {
    out = 0;
    for (const std::string& gz : gzs) {
      rg::io::Decoder d(std::make_unique<rg::io::MemoryReader>(gz), "bench.json.gz", &whole);
      if (auto all = d.take_whole()) {
        out += all->size();
        benchmark::DoNotOptimize(all->data());
        if (auto end = d.read(buf.data(), 1); !end || *end != 0) state.SkipWithError("CRC");  // checks the CRC32
        continue;
      }
      for (;;) {  // too big for the budget, or not gzip: streamed, as the scan would
        auto k = d.read(buf.data(), buf.size());
        if (!k || *k == 0) break;
        out += *k;
      }
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out));
}
BENCHMARK(BM_InflateWhole)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
