// Which SIMD code paths this machine may take, decided once per process.
//
// The hot loops (record framing, the prefilter's key search) have versions for AVX-512
// (F and BW), for AVX2 (with PCLMUL, POPCNT and BMI1) and a baseline (SSE2 on x86-64, plain
// C++ elsewhere), chosen at run time from what the CPU has. RG_SIMD=baseline or RG_SIMD=avx2
// in the environment caps the choice: to compare the paths (the test suite does) or to rule
// the vector code out when hunting a problem.
#pragma once

#include <optional>
#include <string>

namespace rg {

enum class SimdLevel { Baseline, Avx2, Avx512 };

SimdLevel simd_level();
const char* to_string(SimdLevel level);
// A one-line warning when RG_SIMD holds something other than "avx2" or "baseline" (the value
// is then ignored); nullopt otherwise. scan and watch report it.
std::optional<std::string> simd_setting_warning();

}  // namespace rg
