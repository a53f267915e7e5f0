#!/usr/bin/env bash
# `make run`: the main job on the bundled sample data. Status 1 (findings) is expected here.
set -uo pipefail
bin=${1:-build/rootguard}
cd "$(dirname "$0")/.."
echo "== rootguard scan examples/cloudtrail/ --config examples/rootguard.yaml"
"$bin" scan examples/cloudtrail/ --config examples/rootguard.yaml
rc=$?
if [ "$rc" -ge 2 ]; then echo "make run: scan failed with status $rc" >&2; exit "$rc"; fi
echo "== rootguard audit examples/snapshots/org/ --config examples/rootguard.yaml"
"$bin" audit examples/snapshots/org/ --config examples/rootguard.yaml
rc=$?
if [ "$rc" -ge 2 ]; then echo "make run: audit failed with status $rc" >&2; exit "$rc"; fi
exit 0
