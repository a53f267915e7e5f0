#!/usr/bin/env bash
# make bench: build rootguard and the corpus generator (Release), generate (or reuse) a corpus
# of realistic CloudTrail S3-delivery files, then time rootguard against igzip, jq, python3 and
# DuckDB on it in one run. A benchmark, not a test: never run in CI.
#
# usage: bash bench/run.sh [BUILD_DIR]
# Environment (all optional):
#   RG_BENCH_SIZE_MB   corpus size, uncompressed MB          (default 600)
#   RG_BENCH_SEED      generator seed                         (default 1)
#   RG_BENCH_ROOT_RATE share of records by root               (default: the generator's, 0.0005;
#                      0.5 makes a scan with hundreds of thousands of findings, whose memory
#                      must stay bounded as well)
#   RG_BENCH_REPS      timed rounds for igzip and rootguard   (default 9)
#   RG_BENCH_SLOW_REPS timed rounds for jq, python, DuckDB    (default 3)
#   RG_BENCH_SKIP_ROOTGUARD=1  time only the other tools
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
BUILD="${1:-build}"
BENCH_BUILD="build-bench"
SIZE_MB="${RG_BENCH_SIZE_MB:-600}"
SEED="${RG_BENCH_SEED:-1}"
ROOT_RATE="${RG_BENCH_ROOT_RATE:-}"
REPS="${RG_BENCH_REPS:-9}"
SLOW_REPS="${RG_BENCH_SLOW_REPS:-3}"
JOBS="$(nproc)"

note() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }
trap 'echo "bench: error: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

if [ -n "${CI:-}" ]; then
  die "the benchmark is not meant to run in CI (CI is set)"
fi

# ---------------------------------------------------------------- tools
# Bench-only tools, from Debian's packages. apt runs under a lock shared with other installers.
missing=()
command -v igzip >/dev/null 2>&1 || missing+=(isal)
[ -x /usr/bin/time ] || missing+=(time)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root or sudo to install: ${missing[*]}"
    SUDO="sudo"
  fi
  note "installing ${missing[*]}"
  lock="$(dirname "$(mktemp -u)")/rg-apt.lock"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO flock "$lock" apt-get update -qq
  $SUDO flock "$lock" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 18 ] || die "node $node_major is too old for @duckdb/node-api (need 18 or later)"

# ---------------------------------------------------------------- build
GEN=()
command -v ninja >/dev/null 2>&1 && GEN=(-G Ninja)
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DRG_TESTS=OFF >/dev/null
fi
build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")"
[ "$build_type" = "Release" ] || die "$BUILD is a '$build_type' build; the benchmark needs Release (make bench BUILD=build)"
cmake --build "$BUILD" -j "$JOBS" --target rootguard
if [ ! -f "$BENCH_BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BENCH_BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DRG_TESTS=OFF -DRG_BENCH=ON >/dev/null
fi
cmake --build "$BENCH_BUILD" -j "$JOBS" --target ctgen
RG="$ROOT/$BUILD/rootguard"
CTGEN="$ROOT/$BENCH_BUILD/ctgen"

# ---------------------------------------------------------------- corpus (cached)
gen_hash="$(sha256sum bench/gen/ctgen.cpp | cut -c1-10)"
RATE_TAG=""
GEN_ARGS=()
if [ -n "$ROOT_RATE" ]; then
  RATE_TAG="-root${ROOT_RATE}"
  GEN_ARGS=(--root-rate "$ROOT_RATE")
fi
CORPUS="$ROOT/bench/corpus/size${SIZE_MB}-seed${SEED}${RATE_TAG}-$gen_hash"
if [ -f "$CORPUS/manifest.json" ]; then
  note "reusing corpus $CORPUS"
else
  # Corpora from older versions of the generator are stale: drop them.
  for old in bench/corpus/size"${SIZE_MB}"-seed"${SEED}${RATE_TAG}"-*; do
    if [ -z "$RATE_TAG" ]; then case "$old" in *-root*) continue ;; esac; fi
    [ -d "$old" ] && [ "$ROOT/$old" != "$CORPUS" ] && rm -rf "$old"
  done
  rm -rf "$CORPUS.partial"
  note "generating a ${SIZE_MB} MB corpus (seed $SEED) in $CORPUS"
  "$CTGEN" --out "$CORPUS.partial" --size "$SIZE_MB" --seed "$SEED" "${GEN_ARGS[@]}" -j "$JOBS"
  mv "$CORPUS.partial" "$CORPUS"
fi

# ---------------------------------------------------------------- DuckDB (npm)
if [ ! -d bench/node/node_modules/@duckdb/node-api ] || [ bench/node/package-lock.json -nt bench/node/node_modules ]; then
  note "installing @duckdb/node-api (npm ci)"
  (cd bench/node && { npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || npm install --no-audit --no-fund --loglevel=error >/dev/null; })
fi

# ---------------------------------------------------------------- is rootguard's scan there?
RG_ARGS=(--rootguard "$RG")
if [ "${RG_BENCH_SKIP_ROOTGUARD:-0}" = 1 ]; then
  note "skipping rootguard (RG_BENCH_SKIP_ROOTGUARD=1)"
  RG_ARGS=()
else
  probe_file="$(find "$CORPUS/AWSLogs" -name '*.json.gz' -print -quit)"
  probe_status=0
  probe_err="$("$RG" scan --format jsonl --rules bench/rules "$probe_file" 2>&1 >/dev/null)" || probe_status=$?
  if [ "$probe_status" -ne 0 ] && [ "$probe_status" -ne 1 ]; then
    note "SKIPPING rootguard: 'rootguard scan' cannot scan the corpus yet (exit status $probe_status): ${probe_err%%$'\n'*}"
    RG_ARGS=()
  fi
fi

python3 bench/harness.py --corpus "$CORPUS" "${RG_ARGS[@]}" --rules bench/rules --node-dir bench/node \
  --reps "$REPS" --slow-reps "$SLOW_REPS" --out "bench/out${RATE_TAG}" --command "make bench (RG_BENCH_SIZE_MB=$SIZE_MB${ROOT_RATE:+ RG_BENCH_ROOT_RATE=$ROOT_RATE})"
note "results in bench/out${RATE_TAG}/results.md and bench/out${RATE_TAG}/results.json"
