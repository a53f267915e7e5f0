#!/usr/bin/env bash
# make bench-files: scan a copy of a trail bucket holding many small files (default 200,000:
# a year of one account-region is about 105,000) and report wall time and peak memory beside
# `find` walking the same tree. The scan takes its inputs a batch at a time as the walk finds
# them, so its memory must not grow with the number of files. Then `watch --once` over the
# same tree once, from an empty state. A benchmark, not a test: never run in CI.
#
# usage: bash bench/files.sh [BUILD_DIR]     environment: RG_FILES (200000), RG_FILES_REPS (3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD="${1:-build}"
. bench/lib.sh
bench_setup "$BUILD" needs-time
FILES="${RG_FILES:-200000}"
REPS="${RG_FILES_REPS:-3}"

TREE="bench/corpus/files-$FILES"
if [ ! -d "$TREE" ]; then
  rm -rf "$TREE.partial"
  # One small delivery file per 5 minutes, day after day, as CloudTrail writes them.
  python3 - "$TREE.partial" "$FILES" <<'PY'
import datetime, os, sys
root, n = sys.argv[1], int(sys.argv[2])
t = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
for i in range(n):
    d = os.path.join(root, "AWSLogs/111122223333/CloudTrail/us-east-1", t.strftime("%Y/%m/%d"))
    if t.hour == 0 and t.minute == 0 or i == 0:
        os.makedirs(d, exist_ok=True)
    stamp = t.strftime("%Y%m%dT%H%MZ")
    event = ('{"Records":[{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","accountId":"111122223333",'
             '"arn":"arn:aws:iam::111122223333:user/ci"},"eventTime":"%s","eventSource":"s3.amazonaws.com",'
             '"eventName":"GetObject","awsRegion":"us-east-1","eventID":"e-%d","recipientAccountId":"111122223333"}]}'
             % (t.strftime("%Y-%m-%dT%H:%M:%SZ"), i))
    with open(os.path.join(d, "111122223333_CloudTrail_us-east-1_%s_%08d.json" % (stamp, i)), "w") as f:
        f.write(event)
    t += datetime.timedelta(minutes=5)
PY
  mv "$TREE.partial" "$TREE"
fi
echo "files benchmark: $FILES files in $(find "$TREE" -type d | wc -l) directories, $(du -sh "$TREE" | cut -f1) on disk"
find "$TREE" -type f | wc -l >/dev/null  # warm the cache
for i in $(seq "$REPS"); do
  /usr/bin/time -f "find -type f | wc -l:  %e s wall, peak RSS %M KB" sh -c "find '$TREE' -type f | wc -l >/dev/null" 2>&1
  for j in 1 2; do
    /usr/bin/time -f "rootguard scan -j$j:  %e s wall, %U s user, %S s sys, peak RSS %M KB" \
      "$RG" scan -j"$j" "$TREE" 2>&1 >/dev/null | grep -v '^rootguard: scanned' || true
  done
done
"$RG" scan -j2 "$TREE" 2>&1 >/dev/null | grep '^rootguard: scanned' || true
# watch --once over the same tree from an empty state: each file scanned, then committed to the
# state store in a transaction of its own (fsync'd), the cost of never losing a file on a kill.
STATE="$(mktemp -d)"
/usr/bin/time -f "rootguard watch --once (empty state):  %e s wall, %U s user, %S s sys, peak RSS %M KB" \
  "$RG" watch --once --settle 0s --state "$STATE" --sink file:/dev/null "$TREE" 2>&1 >/dev/null | grep -v '^rootguard: watch' || true
rm -rf "$STATE"
