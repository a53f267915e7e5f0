// Micro-benchmark for the correlation engine (scan/correlate.h) under a flood: n matches of
// one rule in one group of a temporal_ordered correlation whose first rule never matches (a
// script calling root's MFA API in a loop, with no root sign-in before it), so nothing fires
// and every match stays in the group for the timespan. Two ways, in the same run:
//   BM_CorrelateFlood/0/n  the plain way, as the engine first did it: at each match, walk the
//                          group's entries for a repeat, and for a chain from every match of
//                          the last rule back through the whole group;
//   BM_CorrelateFlood/1/n  scan::Correlator, whose groups are indexed (each match about log n).
// Time is for all n matches. Build with -DRG_BENCH=ON.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "scan/correlate.h"
#include "sigma/correlation.h"

namespace {

const char* kRules = R"(title: sign-in
id: 00000000-0000-4000-8000-0000000000a0
name: signin
logsource: {product: aws, service: cloudtrail}
detection: {sel: {eventName: ConsoleLogin}, condition: sel}
level: low
---
title: mfa change
id: 00000000-0000-4000-8000-0000000000a1
name: mfa
logsource: {product: aws, service: cloudtrail}
detection: {sel: {eventName: DeactivateMFADevice}, condition: sel}
level: low
---
title: sign-in then mfa change
id: 00000000-0000-4000-8000-0000000000b0
correlation: {type: temporal_ordered, rules: [signin, mfa], group-by: [recipientAccountId], timespan: 1h}
level: high
)";

const rg::sigma::RuleSet& rules() {
  static const rg::sigma::RuleSet r = [] {
    const auto dir = std::filesystem::temp_directory_path() / "rootguard-correlate-bench";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "r.yml") << kRules;
    rg::Diagnostics diag{rg::Diagnostics::silent()};
    rg::sigma::LoadOptions o;
    o.builtin = false;
    o.dirs = {dir};
    auto loaded = rg::sigma::load_rules(o, diag);
    std::filesystem::remove_all(dir);
    return loaded;
  }();
  return r;
}

// n matches of the second rule, a second apart, each its own event.
std::vector<rg::scan::Observation> flood(int n) {
  std::vector<rg::scan::Observation> v;
  for (int i = 0; i < n; ++i) {
    rg::scan::Observation o;
    o.source = rg::sigma::SourceRef{false, 1};
    o.time_ms = 1'795'000'000'000 + 1000LL * i;
    o.event_id = "e" + std::to_string(i);
    o.keys.push_back(rg::scan::Observation::Key{0, "111122223333", ""});
    v.push_back(std::move(o));
  }
  return v;
}

// The plain way (the baseline): the group's entries in a vector, walked whole at each match.
struct Plain {
  struct E {
    std::int64_t t;
    std::uint32_t src;
    std::string id;
  };
  std::vector<E> v;
  std::int64_t timespan_ms;
  bool feed(const rg::scan::Observation& o, std::uint32_t pos, std::uint32_t last) {
    for (const E& e : v)
      if (e.src == pos && e.id == o.event_id) return false;
    E e{o.time_ms, pos, o.event_id};
    v.insert(std::upper_bound(v.begin(), v.end(), e, [](const E& a, const E& b) { return a.t < b.t; }), e);
    const std::int64_t newest = v.back().t;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const E& x) { return x.t < newest - timespan_ms; }), v.end());
    bool fire = false;
    for (auto end = v.rbegin(); end != v.rend() && !fire; ++end) {
      if (end->src != last) continue;
      std::int64_t t = end->t;
      bool ok = true;
      for (std::int64_t k = static_cast<std::int64_t>(last) - 1; k >= 0 && ok; --k) {
        std::optional<std::int64_t> best;
        for (const E& x : v)
          if (x.src == static_cast<std::uint32_t>(k) && x.t <= t) best = x.t;
        if (!best) ok = false;
        else t = *best;
      }
      fire = ok && end->t - t <= timespan_ms;
    }
    if (fire) v.clear();
    return fire;
  }
};

void BM_CorrelateFlood(benchmark::State& state) {
  const auto obs = flood(static_cast<int>(state.range(1)));
  const auto& r = rules();
  std::size_t fired = 0;
  for (auto _ : state) {
    if (state.range(0) == 0) {
      Plain p{{}, r.correlation(0).timespan_ms};
      for (const auto& o : obs) fired += p.feed(o, 1, 1);
    } else {
      rg::scan::Correlator c(r, true);
      std::vector<rg::Finding> out;
      for (const auto& o : obs) c.feed(o, out);
      fired += out.size();
    }
  }
  if (fired) state.SkipWithError("a chain fired: the flood is not what this measures");
  state.counters["matches"] = static_cast<double>(obs.size());
}

}  // namespace

BENCHMARK(BM_CorrelateFlood)
    ->ArgsProduct({{0, 1}, {500, 2000}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();
