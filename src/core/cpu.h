// Which SIMD code paths this machine may take, decided once per process.
//
// The hot loops (record framing, the prefilter's key search) have an AVX2 version chosen at
// run time when the CPU has AVX2, PCLMUL, POPCNT and BMI1, and a baseline (SSE2) version
// otherwise. RG_SIMD=baseline in the environment forces the baseline: to compare the two
// (the test suite does) or to rule the vector code out when hunting a problem.
#pragma once

namespace rg {

bool use_avx2();

}  // namespace rg
