#!/usr/bin/env bash
# Install what rootguard needs to build and test, from Debian's packages only.
# Idempotent: installs only what is missing. Works as root or through sudo.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config
  libsimdjson-dev libisal-dev isal libdeflate-dev zlib1g-dev libzstd-dev
  libyaml-cpp-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcurl4-openssl-dev libssl-dev libsqlite3-dev libpugixml-dev
  libpq-dev postgresql
  libhyperscan-dev libre2-dev libjemalloc-dev
  clang libclang-rt-14-dev
  jq python3
  chromium
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm packages for tests (tests/node: AWS's own SigV4 signer and the local AWS endpoint).
node_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/node"
# Installed again whenever package-lock.json changed since the last install (a stamp records it).
if command -v npm >/dev/null 2>&1 && [ -f "$node_dir/package-lock.json" ] &&
   ! cmp -s "$node_dir/package-lock.json" "$node_dir/node_modules/.rootguard-lock"; then
  # The lock lists every platform's optional DuckDB bindings, so `npm ci` installs it unchanged;
  # `npm install` is the fallback for an npm that refuses it, and installs the same pinned versions.
  (cd "$node_dir" && { npm ci --no-audit --no-fund --silent 2>/dev/null || npm install --no-audit --no-fund --silent; } &&
    cp package-lock.json node_modules/.rootguard-lock) ||
    echo "install-deps: npm ci in tests/node failed; the tests that need it will be skipped" >&2
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
