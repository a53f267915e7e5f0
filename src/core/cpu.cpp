#include "core/cpu.h"

#include <cstdlib>
#include <cstring>

namespace rg {

bool use_avx2() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool yes = [] {
    const char* force = std::getenv("RG_SIMD");
    if (force && std::strcmp(force, "baseline") == 0) return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("popcnt") &&
           __builtin_cpu_supports("bmi");
  }();
  return yes;
#else
  return false;
#endif
}

}  // namespace rg
