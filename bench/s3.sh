#!/usr/bin/env bash
# make bench-s3: `rootguard scan s3://` against a real S3 endpoint on this machine (fauxqs, from
# npm, behind tests/node/s3_server.mjs) holding the bench corpus, next to `rootguard scan` of
# the same files on disk. Both must report the same findings; prints the throughput ratio
# (issue target: s3:// at least half the local throughput). Never run in CI.
#
# usage: bash bench/s3.sh [BUILD_DIR]   environment: RG_BENCH_SIZE_MB (600), RG_BENCH_SEED (1)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD="${1:-build}"
. bench/lib.sh
bench_setup "$BUILD" needs-node
SIZE_MB="${RG_BENCH_SIZE_MB:-600}"
SEED="${RG_BENCH_SEED:-1}"
CORPUS="$(ls -d bench/corpus/size"$SIZE_MB"-seed"$SEED"-* 2>/dev/null | head -1 || true)"
[ -n "$CORPUS" ] || { echo "bench: no corpus of ${SIZE_MB} MB: run make bench first (it generates and caches it)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
# Only the trail's objects (the corpus folder also holds the harness's one-file export, larger
# than the endpoint takes in one PUT).
mkdir -p "$work/from"
ln -s "$(pwd)/$CORPUS/AWSLogs" "$work/from/AWSLogs"
node tests/node/s3_server.mjs --bucket bench-trail --from "$work/from" > "$work/port" 2>"$work/server.err" &
server=$!
for _ in $(seq 600); do grep -q PORT "$work/port" 2>/dev/null && break; sleep 0.2; done
port="$(sed -n 's/PORT //p' "$work/port")"
[ -n "$port" ] || { echo "bench: the S3 endpoint did not start: $(cat "$work/server.err")" >&2; exit 1; }
export AWS_ACCESS_KEY_ID=AKIDBENCHKEY00000000 AWS_SECRET_ACCESS_KEY=benchSecretKey0123456789abcdefghijKLMNOP AWS_REGION=us-east-1
echo "s3 benchmark: $(du -sh "$CORPUS/AWSLogs" | cut -f1) compressed in $(find "$CORPUS/AWSLogs" -type f | wc -l) objects ($SIZE_MB MB of events)"
run() {  # label, then the scan's arguments
  local label="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$RG" scan "$@" --format jsonl --rules bench/rules > "$work/$label.jsonl" 2> "$work/$label.err" || true
  t1=$(date +%s.%N)
  python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.3f}')" "$t0" "$t1" > "$work/$label.time"
  echo "$label: $(cat "$work/$label.time") s, $(wc -l < "$work/$label.jsonl") findings; $(tail -1 "$work/$label.err")"
}
for round in 1 2 3; do
  run "local$round" "$CORPUS/AWSLogs"
  run "s3_$round" "s3://bench-trail/AWSLogs/" --endpoint-url "http://127.0.0.1:$port"
done
python3 - "$work" <<'PY'
import sys, statistics
w = sys.argv[1]
t = lambda p: statistics.median(float(open(f"{w}/{p}{i}.time").read()) for i in (1, 2, 3))
local, s3 = t("local"), t("s3_")
same = open(f"{w}/local1.jsonl").read().count("\n") == open(f"{w}/s3_1.jsonl").read().count("\n")
print(f"median wall: local {local:.2f} s, s3:// {s3:.2f} s; s3:// throughput = {local/s3:.2f} x local (target >= 0.5); same finding count: {same}")
PY
