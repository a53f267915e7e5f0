// The plain correlation algorithm, as the engine was first written: each group's matches in a
// vector, walked whole at every match (for a repeat, for the old ones, and for a
// temporal_ordered chain from every match of its last rule). Quadratic to cubic in a group's
// size, so rootguard does not use it: it is the reference the indexed scan::Correlator is
// tested against (correlate_test.cpp) and measured against (bench/correlate_bench.cpp).
// fire() returns, for each correlation that fires, "<id> [<first 20 event ids>] <matches>".
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "scan/correlate.h"
#include "sigma/correlation.h"

namespace rg::scan {

struct PlainCorrelator {
  struct E {
    std::int64_t t;
    std::uint32_t src;
    std::string id, value;
  };
  const sigma::RuleSet& rules;
  std::map<std::pair<std::uint32_t, std::string>, std::vector<E>> groups;

  // What fires: (correlation, the used entries' ids in order, how many).
  std::vector<std::string> fire(const Observation& o) {
    std::vector<std::string> out;
    for (std::uint32_t c : rules.consumers(o.source)) {
      const auto& srcs = rules.correlation_sources(c);
      const Observation::Key* key = nullptr;
      for (const auto& k : o.keys)
        if (k.correlation == c) key = &k;
      if (!key) continue;
      for (std::uint32_t pos = 0; pos < srcs.size(); ++pos) {
        if (!(srcs[pos] == o.source)) continue;
        const sigma::Correlation& def = rules.correlation(c);
        auto& v = groups[{c, key->group}];
        bool dup = false;
        for (const E& e : v) dup |= e.src == pos && e.id == o.event_id && !o.event_id.empty();
        if (dup) continue;
        E e{o.time_ms, pos, o.event_id, key->value};
        v.insert(std::upper_bound(v.begin(), v.end(), e, [](const E& a, const E& b) { return a.t < b.t; }), e);
        const std::int64_t newest = v.back().t;
        v.erase(std::remove_if(v.begin(), v.end(), [&](const E& x) { return x.t < newest - def.timespan_ms; }), v.end());
        if (v.empty()) continue;
        bool fire = false;
        if (def.type == sigma::CorrelationType::EventCount) {
          fire = def.condition.holds(static_cast<std::int64_t>(v.size()));
        } else if (def.type == sigma::CorrelationType::ValueCount) {
          std::set<std::string> d;
          for (const E& x : v)
            if (!x.value.empty()) d.insert(x.value);
          fire = def.condition.holds(static_cast<std::int64_t>(d.size()));
        } else if (def.type == sigma::CorrelationType::ValueSum || def.type == sigma::CorrelationType::ValueAvg) {
          double sum = 0;
          std::size_t numbers = 0;
          for (const E& x : v)
            if (auto n = sigma::correlation_number(x.value)) {
              sum += *n;
              ++numbers;
            }
          if (def.type == sigma::CorrelationType::ValueAvg && numbers) sum /= static_cast<double>(numbers);
          fire = numbers > 0 && def.condition.holds_value(sum);
        } else if (def.type == sigma::CorrelationType::Temporal) {
          std::set<std::uint32_t> d;
          for (const E& x : v) d.insert(x.src);
          fire = def.condition.holds(static_cast<std::int64_t>(d.size()));
        } else {
          const auto last = static_cast<std::uint32_t>(srcs.size() - 1);
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
            fire = ok && end->t - t <= def.timespan_ms;
          }
        }
        if (!fire) continue;
        std::string ids;
        for (std::size_t i = 0; i < v.size() && i < 20; ++i) ids += (i ? " " : "") + v[i].id;
        out.push_back(def.info.id + " [" + ids + "] " + std::to_string(v.size()));
        v.clear();
      }
    }
    return out;
  }
};

}  // namespace rg::scan
