#!/usr/bin/env bash
# make bench-sqs: `rootguard watch sqs://` workers sharing one PostgreSQL store, fed S3 object
# notifications from a real SQS queue on this machine (fauxqs, tests/node/sqs_server.mjs)
# for a generated trail; timed from start until the queue is empty, with 1, 2 and 4 workers.
# Prints objects/s, decoded MB/s and the speed-up over one worker. Never run in CI.
#
# usage: bash bench/sqs.sh [BUILD_DIR]   environment: RG_BENCH_SQS_MB (100), RG_BENCH_SEED (1)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
BUILD="${1:-build}"
. bench/lib.sh
bench_setup "$BUILD" needs-node
SIZE_MB="${RG_BENCH_SQS_MB:-100}"
SEED="${RG_BENCH_SEED:-1}"
BENCH_BUILD=build-bench
command -v ninja >/dev/null 2>&1 && GEN=(-G Ninja) || GEN=()
[ -f "$BENCH_BUILD/CMakeCache.txt" ] || cmake -S . -B "$BENCH_BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DRG_TESTS=OFF -DRG_BENCH=ON >/dev/null
cmake --build "$BENCH_BUILD" --target ctgen >/dev/null
CORPUS="$ROOT/bench/corpus/sqs-size$SIZE_MB-seed$SEED-$(sha256sum bench/gen/ctgen.cpp | cut -c1-10)"
if [ ! -f "$CORPUS/manifest.json" ]; then
  rm -rf "$CORPUS.partial"
  "$BENCH_BUILD/ctgen" --out "$CORPUS.partial" --size "$SIZE_MB" --seed "$SEED" >/dev/null
  mv "$CORPUS.partial" "$CORPUS"
fi

work="$(mktemp -d)"
pg="$work/pg"
cleanup() {
  for p in ${workers:-} ${server:-}; do kill "$p" 2>/dev/null || true; done
  bash scripts/test-postgres.sh stop "$pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
bash scripts/test-postgres.sh start "$pg"
[ -f "$pg/uri" ] || { echo "bench: PostgreSQL did not start: $(cat "$pg"/error "$pg"/skip 2>/dev/null)" >&2; exit 1; }
base_uri="$(cat "$pg/uri")"
export AWS_ACCESS_KEY_ID=AKIDBENCHKEY00000000 AWS_SECRET_ACCESS_KEY=benchSecretKey0123456789abcdefghijKLMNOP AWS_REGION=us-east-1
objects=$(find "$CORPUS/AWSLogs" -type f | wc -l)
echo "sqs benchmark: $objects objects, $(du -sh "$CORPUS/AWSLogs" | cut -f1) compressed, $SIZE_MB MB of events; $(nproc) cores"
for n in 1 2 4; do
  db="bench_w$n"
  psql "$base_uri" -qc "CREATE DATABASE $db" >/dev/null
  uri="${base_uri%/*}/$db"
  node tests/node/sqs_server.mjs --from "$CORPUS" > "$work/port" 2>"$work/server.err" &
  server=$!
  for _ in $(seq 600); do grep -q PORT "$work/port" 2>/dev/null && break; sleep 0.2; done
  port="$(sed -n 's/PORT //p' "$work/port")"
  [ -n "$port" ] || { echo "bench: the SQS endpoint did not start: $(cat "$work/server.err")" >&2; exit 1; }
  queue="http://sqs.us-east-1.localhost:$port/000000000000/trail-objects"
  t0=$(date +%s.%N)
  workers=""
  for w in $(seq "$n"); do
    "$RG" watch "sqs://$queue" --store "$uri" --sink "file:$work/alerts$n.jsonl" --endpoint-url "http://127.0.0.1:$port" \
      --interval 1s --rules bench/rules --case-min-severity critical 2>"$work/w$n-$w.log" &
    workers="$workers $!"
  done
  while :; do
    s="$(node tests/node/sqs_status.mjs "http://127.0.0.1:$port")"
    case "$s" in *'"visible":0,"invisible":0'*) break ;; esac
    sleep 0.2
  done
  t1=$(date +%s.%N)
  for p in $workers; do kill -TERM "$p"; wait "$p" || true; done
  workers=""
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.3f}')" "$t0" "$t1" > "$work/t$n"
  echo "$n worker(s): $(cat "$work/t$n") s, $(wc -l < "$work/alerts$n.jsonl") alerts"
done
python3 - "$work" "$objects" "$SIZE_MB" <<'PY'
import sys
w, objects, mb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
t = {n: float(open(f"{w}/t{n}").read()) for n in (1, 2, 4)}
for n in (1, 2, 4):
    print(f"{n} worker(s): {objects / t[n]:.1f} objects/s, {mb / t[n]:.1f} MB/s decoded, {t[1] / t[n]:.2f}x one worker")
same = len({open(f"{w}/alerts{n}.jsonl").read().count(chr(10)) for n in (1, 2, 4)}) == 1
print(f"same alert count with 1, 2 and 4 workers: {same}")
PY
