#!/usr/bin/env bash
# make bench-live: `rootguard collect --org` of a simulated Organization (default 1,000 accounts)
# from the local signed test endpoint (tests/node/aws_endpoint.mjs, which verifies every
# request's SigV4 signature) with per-call latency and throttling injected, timed; then the
# snapshot is audited. A benchmark, not a test: never run in CI.
#
# usage: bash bench/live.sh [BUILD_DIR]
# environment: RG_LIVE_ACCOUNTS (1000), RG_LIVE_LATENCY_MS (40), RG_LIVE_THROTTLE (0.05),
#              RG_LIVE_CONCURRENCY (default of collect)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD="${1:-build}"
. bench/lib.sh
bench_setup "$BUILD" needs-node
ACCOUNTS="${RG_LIVE_ACCOUNTS:-1000}"
LATENCY="${RG_LIVE_LATENCY_MS:-40}"
THROTTLE="${RG_LIVE_THROTTLE:-0.05}"
DATA="${RG_AWS_RESPONSES:-../shared/testdata/aws-responses}"
[ -d "$DATA" ] || { echo "bench: needs the documented AWS sample responses (set RG_AWS_RESPONSES)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
KEY=AKIDBENCHKEY00000000 SECRET=benchSecretKey0123456789abcdefghijKLMNOP
node tests/node/aws_endpoint.mjs --data "$DATA" --key "$KEY:$SECRET" --accounts "$ACCOUNTS" \
  --latency-ms "$LATENCY" --throttle "$THROTTLE" --log "$work/requests.jsonl" > "$work/port" 2>"$work/server.err" &
server=$!
for _ in $(seq 100); do grep -q PORT "$work/port" 2>/dev/null && break; sleep 0.1; done
port="$(sed -n 's/PORT //p' "$work/port")"
[ -n "$port" ] || { echo "bench: the endpoint did not start: $(cat "$work/server.err")" >&2; exit 1; }
conc=()
[ -n "${RG_LIVE_CONCURRENCY:-}" ] && conc=(--concurrency "$RG_LIVE_CONCURRENCY")
echo "live benchmark: collect --org of $ACCOUNTS accounts, ${LATENCY} ms per call, ${THROTTLE} of calls throttled"
start=$(date +%s.%N)
env -i HOME="$work" PATH=/usr/bin:/bin AWS_ACCESS_KEY_ID="$KEY" AWS_SECRET_ACCESS_KEY="$SECRET" AWS_REGION=us-east-1 \
  AWS_EC2_METADATA_DISABLED=true /usr/bin/time -f "collect: %e s wall, %U s user, %S s sys, peak RSS %M KB" \
  "$RG" collect --endpoint-url "http://127.0.0.1:$port" --org --role OrganizationAccountAccessRole "${conc[@]}" \
  --out "$work/org" 2> >(grep -E "^collect:|collected" >&2) || true
end=$(date +%s.%N)
python3 - "$work/requests.jsonl" "$start" "$end" <<'PY'
import json, sys
n = thr = 0
for line in open(sys.argv[1]):
    n += 1
    thr += '"fault":"throttle"' in line.replace(" ", "")
secs = float(sys.argv[3]) - float(sys.argv[2])
print(f"requests: {n} ({thr} answered with throttling), {n/secs:.0f} requests/s over {secs:.1f} s")
PY
/usr/bin/time -f "audit of the collected snapshot: %e s wall, peak RSS %M KB" "$RG" audit "$work/org" --format json -o "$work/audit.json" >/dev/null 2>"$work/audit.err" || true
grep "^audit of" "$work/audit.err"
