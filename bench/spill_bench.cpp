// Micro-benchmark for findings spilled to disk (scan/spill.h): a run of printed findings
// written to a temporary file and read back, as a scan does with what passes its findings'
// budget. Two ways, in the same run:
//   BM_SpillRun/0  the records as they are: length-prefixed, written in 1 MB writes, read back
//                  through a 32 KB buffer (what runs were before their blocks were compressed);
//   BM_SpillRun/1  spill::RunFile and spill::RunReader: 32 KB blocks compressed with zstd, as a
//                  scan writes them once it has spilled 256 MB;
//   BM_SpillRun/2  the same within those first 256 MB: blocks as they are.
// The records are JSON lines like `scan --format jsonl` prints for SigmaHQ's rules on the bench
// corpus (a handful of rules, accounts and principals, a unique event id and time each), 120 MB
// a run. Counters: bytes_on_disk per run. The temporary file goes to $TMPDIR (default /tmp),
// where a scan puts its own. Build with -DRG_BENCH=ON.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "scan/spill.h"

namespace {

const std::vector<std::string>& records() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
    std::mt19937 rng(3);
    const char* rules[] = {"905d389b-b853-46d0-9d3d-dea0d3a3cd49", "D02", "D10", "D16", "a8e2ef07-9d26-4d1f-8f5c-7c6d1d2b1b10"};
    const char* agents[] = {"aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/sts.get-caller-identity",
                            "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0",
                            "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8",
                            "console.amazonaws.com"};
    std::size_t bytes = 0;
    for (int i = 0; bytes < (120u << 20); ++i) {
      const std::string account = "1323928126" + std::to_string(10 + rng() % 8);
      char id[40];
      std::snprintf(id, sizeof id, "%08x-%04x-%04x-%04x-%08x%04x", static_cast<unsigned>(rng()), static_cast<unsigned>(rng() & 0xffff),
                    static_cast<unsigned>(rng() & 0xffff), static_cast<unsigned>(rng() & 0xffff), static_cast<unsigned>(rng()),
                    static_cast<unsigned>(rng() & 0xffff));
      std::string r = std::string("{\"schema\":\"rootguard.finding/1\",\"rule\":\"") + rules[rng() % 5] +
                      "\",\"title\":\"AWS STS AssumeRole Misuse\",\"severity\":\"low\",\"status\":\"FAIL\",\"reason\":"
                      "\"AssumedRole DescribeKey (kms.amazonaws.com) from 48.5." + std::to_string(rng() % 256) + "." +
                      std::to_string(rng() % 256) + ", MFA no\",\"account\":\"" + account +
                      "\",\"region\":\"us-west-2\",\"event\":{\"id\":\"" + id + "\",\"time\":\"2026-11-01T01:" +
                      std::to_string(10 + i / 6000 % 50) + ":" + std::to_string(10 + i % 50) +
                      "Z\",\"name\":\"DescribeKey\",\"principal\":\"arn:aws:sts::" + account +
                      ":assumed-role/AWSReservedSSO_SecurityAudit_b9266fb377906b5d/user" + std::to_string(rng() % 50) +
                      "@example.com\",\"access_key_id\":\"ASIA" + std::to_string(rng()) + "\",\"user_agent\":\"" +
                      agents[rng() % 4] + "\",\"input\":\"AWSLogs/o-a1b2c3d4e5/" + account +
                      "/CloudTrail/us-west-2/2026/11/01/" + account + "_CloudTrail_us-west-2_20261101T0105Z_wbuXsFi8FR28iLB5.json.gz:" +
                      std::to_string(rng() % 5000000) + "\",\"read_only\":true},\"facets\":[]}";
      bytes += r.size() + 4;
      out.push_back(std::move(r));
    }
    return out;
  }();
  return v;
}

std::string temp_dir() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

// The records as they are, through an unlinked temporary file: 1 MB writes, 32 KB reads.
void BM_SpillRun_plain(benchmark::State& state) {
  const auto& recs = records();
  std::string path = temp_dir() + "/rootguard-bench-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) {
    state.SkipWithError("cannot make a temporary file");
    return;
  }
  ::unlink(path.c_str());
  std::uint64_t bytes = 0, disk = 0;
  for (auto _ : state) {
    if (::ftruncate(fd, 0) != 0) state.SkipWithError("truncate");  // new pages each round, as a scan writes
    std::string pending;
    off_t at = 0;
    auto flush = [&] {
      if (::pwrite(fd, pending.data(), pending.size(), at) != static_cast<ssize_t>(pending.size())) state.SkipWithError("write");
      at += static_cast<off_t>(pending.size());
      pending.clear();
    };
    for (const std::string& r : recs) {
      const auto n = static_cast<std::uint32_t>(r.size());
      pending.append(reinterpret_cast<const char*>(&n), 4);
      pending += r;
      if (pending.size() >= (1u << 20)) flush();
    }
    flush();
    disk = static_cast<std::uint64_t>(at);
    std::string buf;
    std::size_t pos = 0, seen = 0;
    off_t rd = 0;
    auto fill = [&](std::size_t want) {
      if (buf.size() - pos >= want) return true;
      buf.erase(0, pos);
      pos = 0;
      const std::size_t have = buf.size();
      const auto more = static_cast<std::size_t>(std::min<off_t>(at - rd, static_cast<off_t>(std::max<std::size_t>(want, 32u << 10) - have)));
      if (have + more < want) return false;
      buf.resize(have + more);
      if (::pread(fd, buf.data() + have, more, rd) != static_cast<ssize_t>(more)) return false;
      rd += static_cast<off_t>(more);
      return true;
    };
    while (fill(4)) {
      std::uint32_t n;
      std::memcpy(&n, buf.data() + pos, 4);
      if (!fill(4 + n)) break;
      benchmark::DoNotOptimize(buf.data() + pos + 4);
      pos += 4 + n;
      ++seen;
    }
    if (seen != recs.size()) state.SkipWithError("records lost");
    bytes += disk;
  }
  ::close(fd);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["bytes_on_disk"] = static_cast<double>(disk);
}

// spill::RunFile and spill::RunReader: compressed blocks, or (with a place that allows them)
// blocks as they are.
void BM_SpillRun_blocks(benchmark::State& state, bool plain) {
  const auto& recs = records();
  rg::Diagnostics diag(rg::Diagnostics::silent());
  rg::scan::spill::Place place(temp_dir(), diag, rg::scan::spill::kUnlimited);
  std::uint64_t bytes = 0, disk = 0, raw = 0;
  for (const std::string& r : recs) raw += 4 + r.size();
  for (auto _ : state) {
    // A new file each round (the last one's pages freed), as the baseline truncates its own.
    auto file = rg::scan::spill::RunFile::create(temp_dir(), plain ? &place : nullptr);
    if (!file) {
      state.SkipWithError("cannot make a temporary file");
      break;
    }
    (*file)->begin();
    for (const std::string& r : recs) {
      (*file)->open_record() += r;
      if (!(*file)->close_record()) state.SkipWithError("write");
    }
    auto ext = (*file)->end();
    if (!ext) {
      state.SkipWithError("write");
      break;
    }
    disk = ext->second - ext->first;
    rg::scan::spill::RunReader reader(rg::scan::spill::Run{*file, ext->first, ext->second});
    std::size_t seen = 0;
    for (;;) {
      auto rec = reader.next();
      if (!rec || !*rec) break;
      benchmark::DoNotOptimize((*rec)->data());
      ++seen;
    }
    if (seen != recs.size()) state.SkipWithError("records lost");
    bytes += raw;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["bytes_on_disk"] = static_cast<double>(disk);
}

void BM_SpillRun(benchmark::State& state) {
  if (state.range(0) == 0) BM_SpillRun_plain(state);
  else BM_SpillRun_blocks(state, state.range(0) == 2);
}
BENCHMARK(BM_SpillRun)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
