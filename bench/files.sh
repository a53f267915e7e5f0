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

# make_tree DIR N ROOT: N small delivery files, one per 5 minutes, day after day, as CloudTrail
# writes them; each holds one IAM user's GetObject (ROOT=0) or five root ListBuckets calls from
# five addresses (ROOT=1: a flood of alerts).
make_tree() {
  [ -d "$1" ] && return
  rm -rf "$1.partial"
  python3 - "$1.partial" "$2" "$3" <<'PY'
import datetime, os, sys
root, n, flood = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
t = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
def event(i, k, when):
    if flood:
        who = ('{"type":"Root","principalId":"111122223333","accountId":"111122223333",'
               '"arn":"arn:aws:iam::111122223333:root"}')
        name, ip = "ListBuckets", ',"sourceIPAddress":"198.51.100.%d"' % (k + 1)
    else:
        who = '{"type":"IAMUser","accountId":"111122223333","arn":"arn:aws:iam::111122223333:user/ci"}'
        name, ip = "GetObject", ""
    return ('{"eventVersion":"1.09","userIdentity":%s,"eventTime":"%s","eventSource":"s3.amazonaws.com",'
            '"eventName":"%s","awsRegion":"us-east-1"%s,"eventID":"e-%d%s","recipientAccountId":"111122223333"}'
            % (who, when.strftime("%Y-%m-%dT%H:%M:%SZ"), name, ip, i, "-%d" % k if flood else ""))
for i in range(n):
    d = os.path.join(root, "AWSLogs/111122223333/CloudTrail/us-east-1", t.strftime("%Y/%m/%d"))
    if t.hour == 0 and t.minute == 0 or i == 0:
        os.makedirs(d, exist_ok=True)
    stamp = t.strftime("%Y%m%dT%H%MZ")
    records = [event(i, k, t + datetime.timedelta(seconds=k)) for k in range(5 if flood else 1)]
    with open(os.path.join(d, "111122223333_CloudTrail_us-east-1_%s_%08d.json" % (stamp, i)), "w") as f:
        f.write('{"Records":[' + ",".join(records) + ']}')
    t += datetime.timedelta(minutes=5)
PY
  mv "$1.partial" "$1"
}
TREE="bench/corpus/files-$FILES"
make_tree "$TREE" "$FILES" 0
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
# The same number of files, each with five root calls: a flood of alerts (5 a file) filed into
# cases and queued for a file sink, each fsync'd there before it counts as sent.
FLOOD="bench/corpus/files-root-$FILES"
make_tree "$FLOOD" "$FILES" 1
STATE="$(mktemp -d)"
/usr/bin/time -f "rootguard watch --once, 5 root events a file (empty state):  %e s wall, %U s user, %S s sys, peak RSS %M KB" \
  "$RG" watch --once --settle 0s --state "$STATE" --sink "file:$STATE/alerts.jsonl" "$FLOOD" 2>&1 >/dev/null | grep -v '^rootguard: watch' || true
echo "alerts in the file sink: $(wc -l < "$STATE/alerts.jsonl")"
rm -rf "$STATE"
