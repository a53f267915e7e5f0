#include "core/cpu.h"

#include <cstdlib>
#include <cstring>

namespace rg {

SimdLevel simd_level() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const SimdLevel level = [] {
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul") &&
                      __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi");
    const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
    SimdLevel have = avx512 ? SimdLevel::Avx512 : avx2 ? SimdLevel::Avx2 : SimdLevel::Baseline;
    const char* cap = std::getenv("RG_SIMD");
    if (cap && std::strcmp(cap, "baseline") == 0) return SimdLevel::Baseline;
    if (cap && std::strcmp(cap, "avx2") == 0 && have == SimdLevel::Avx512) return SimdLevel::Avx2;
    return have;
  }();
  return level;
#else
  return SimdLevel::Baseline;
#endif
}

const char* to_string(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512: return "avx512";
    case SimdLevel::Avx2: return "avx2";
    case SimdLevel::Baseline: break;
  }
  return "baseline";
}

std::optional<std::string> simd_setting_warning() {
  const char* cap = std::getenv("RG_SIMD");
  if (!cap || !*cap || std::strcmp(cap, "avx2") == 0 || std::strcmp(cap, "baseline") == 0) return std::nullopt;
  return "unknown value '" + std::string(cap) + "' (avx2 or baseline), ignored: using " + to_string(simd_level());
}

}  // namespace rg
