// Micro-benchmark for the correlation engine (scan/correlate.h) under a flood: n matches of
// one rule in one group of a temporal_ordered correlation whose first rule never matches (a
// script calling root's MFA API in a loop, with no root sign-in before it), so nothing fires
// and every match stays in the group for the timespan. Two ways, in the same run:
//   BM_CorrelateFlood/0/n  the plain way, as the engine first did it (scan/correlate_plain.h):
//                          at each match, walk the group's entries for a repeat, and for a
//                          chain from every match of the last rule back through the whole group;
//   BM_CorrelateFlood/1/n  scan::Correlator, whose groups are indexed (each match about log n).
// Time is for all n matches. Build with -DRG_BENCH=ON.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "scan/correlate.h"
#include "scan/correlate_plain.h"
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

void BM_CorrelateFlood(benchmark::State& state) {
  const auto obs = flood(static_cast<int>(state.range(1)));
  const auto& r = rules();
  std::size_t fired = 0;
  for (auto _ : state) {
    if (state.range(0) == 0) {
      rg::scan::PlainCorrelator p{r, {}};
      for (const auto& o : obs) fired += p.fire(o).size();
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
