# Shared by the on-demand benchmark scripts (bench/audit.sh, files.sh, live.sh, s3.sh): refuse to
# run in CI, find the Release binary, install the test-side npm packages or check for GNU time
# when a script needs them. Sourced after `cd` to the repository root; sets RG.
bench_setup() {  # BUILD_DIR [needs-node | needs-time]
  [ -z "${CI:-}" ] || { echo "bench: the benchmark is not meant to run in CI" >&2; exit 1; }
  RG="$(pwd)/${1:-build}/rootguard"
  [ -x "$RG" ] || { echo "bench: build rootguard first (make build)" >&2; exit 1; }
  if [ "${2:-}" = needs-node ] && [ ! -d tests/node/node_modules ]; then
    (cd tests/node && { npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || npm install --no-audit --no-fund --loglevel=error >/dev/null; })
  fi
  if [ "${2:-}" = needs-time ] && [ ! -x /usr/bin/time ]; then
    echo "bench: needs GNU time (apt-get install time)" >&2; exit 1
  fi
}
