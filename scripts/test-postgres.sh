#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite (ctest starts it before the tests and stops
# it after them): `test-postgres.sh start STATE_DIR` / `test-postgres.sh stop STATE_DIR`.
# It listens on 127.0.0.1 at a free port, with its data in a private temporary directory,
# trust authentication for the role `rootguard`, and fsync off (test data only). As root it
# runs the server as the `postgres` system user (PostgreSQL refuses to run as root).
# `start` always exits 0: it writes STATE_DIR/uri on success, else STATE_DIR/error with the
# reason (or STATE_DIR/skip when the server is not installed), and the tests report it.
set -uo pipefail
cmd=${1:-}
state=${2:-}
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }
mkdir -p "$state"

stop() {
  [ -f "$state/datadir" ] || return 0
  local d bin as
  d=$(cat "$state/datadir")
  bin=$(cat "$state/bindir" 2>/dev/null || true)
  as=()
  [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
  [ -n "$bin" ] && "${as[@]}" "$bin/pg_ctl" -D "$d/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$d" "$state/datadir" "$state/uri" "$state/error" "$state/skip"
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }
stop
rm -f "$state/uri" "$state/error" "$state/skip"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL server binaries are not installed (Debian package postgresql)" > "$state/skip"
  exit 0
fi
fail() { echo "$1" > "$state/error"; [ -f "$d/log" ] && tail -5 "$d/log" >> "$state/error"; exit 0; }

d=$(mktemp -d -t rootguard-pg.XXXXXX)
echo "$d" > "$state/datadir"
echo "$bin" > "$state/bindir"
as=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || fail "no postgres system user to run the server as"
  chown postgres "$d"
  as=(runuser -u postgres --)
fi
chmod 700 "$d"
"${as[@]}" "$bin/initdb" -D "$d/data" -U rootguard -A trust -E UTF8 --no-sync >"$d/initdb.log" 2>&1 ||
  fail "initdb failed: $(tail -3 "$d/initdb.log" | tr '\n' ' ')"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as[@]}" "$bin/pg_ctl" -D "$d/data" -l "$d/log" -w -t 60 \
  -o "-p $port -k $d -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" \
  start >/dev/null 2>&1 || fail "the server did not start"
"${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U rootguard rootguard >/dev/null 2>&1 || fail "createdb failed"
echo "postgresql://rootguard@127.0.0.1:$port/rootguard" > "$state/uri"
exit 0
