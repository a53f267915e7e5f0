#!/usr/bin/env bash
# `make fuzz`: builds every fuzz/*_fuzz.cpp with clang + libFuzzer (build-fuzz/) and runs each
# for FUZZ_SECONDS (default 60) over its seed corpus. New inputs go to fuzz/findings/<target>/
# (git-ignored); crashes are written there too and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
gen=$(command -v ninja >/dev/null 2>&1 && echo "-G Ninja" || true)
CC=clang CXX=clang++ cmake -S . -B build-fuzz $gen -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRG_FUZZ=ON -DRG_TESTS=OFF >/dev/null
cmake --build build-fuzz -j "${JOBS:-2}"
status=0
for src in fuzz/*_fuzz.cpp; do
  t=$(basename "$src" .cpp)
  mkdir -p "fuzz/findings/$t" "fuzz/corpus/$t"
  echo "== $t for ${secs}s"
  if ! "build-fuzz/$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="fuzz/findings/$t/" "fuzz/findings/$t" "fuzz/corpus/$t"; then
    echo "fuzz: $t found a problem (see fuzz/findings/$t/)" >&2
    status=1
  fi
done
exit $status
