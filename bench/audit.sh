#!/usr/bin/env bash
# make bench-audit: audit a synthetic Organization of N accounts (default 1,000) and report wall
# time and peak memory. The snapshot is generated once by bench/gen_org/gen_org.py (seeded) and
# cached under bench/corpus/. A benchmark, not a test: never run in CI.
#
# usage: bash bench/audit.sh [BUILD_DIR]     environment: RG_AUDIT_ACCOUNTS (1000), RG_AUDIT_REPS (3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD="${1:-build}"
. bench/lib.sh
bench_setup "$BUILD" needs-time
ACCOUNTS="${RG_AUDIT_ACCOUNTS:-1000}"
REPS="${RG_AUDIT_REPS:-3}"

gen_hash="$(sha256sum bench/gen_org/gen_org.py | cut -c1-10)"
ORG="bench/corpus/org-${ACCOUNTS}-seed7-$gen_hash"
if [ ! -d "$ORG" ]; then
  rm -rf "$ORG.partial"
  python3 bench/gen_org/gen_org.py "$ORG.partial" --accounts "$ACCOUNTS" --seed 7 >/dev/null
  mv "$ORG.partial" "$ORG"
fi
files=$(find "$ORG" -type f | wc -l)
echo "audit benchmark: $ACCOUNTS accounts, $files files, $(du -sh "$ORG" | cut -f1) on disk"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
"$RG" audit "$ORG" --format json -o "$out" >/dev/null 2>&1 || true  # warm the page cache
for i in $(seq "$REPS"); do
  /usr/bin/time -f "run $i: %e s wall, %U s user, %S s sys, peak RSS %M KB" \
    "$RG" audit "$ORG" --format json -o "$out" 2>&1 >/dev/null | grep '^run ' || true
done
python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
print("result: %d findings (%s), score %s, %d FAIL at or above %s" % (
    s["findings"], ", ".join(f"{k} {v}" for k, v in s["counts"].items()), s["score"],
    s["failed_at_or_above_fail_on"], r["fail_on"]))
PY
