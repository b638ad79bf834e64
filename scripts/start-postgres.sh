#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for the loader tests and local runs.
#
#   scripts/start-postgres.sh            start (or reuse) the server, print the URL
#   scripts/start-postgres.sh --stop     stop it
#   eval "$(scripts/start-postgres.sh --export)"   export DISPATCHES_TEST_PG_URL in this shell
#
# Needs the Debian `postgresql` package (scripts/install-system-deps.sh installs it); uses
# initdb/pg_ctl from /usr/lib/postgresql/*/bin. The cluster lives in $DISPATCHES_PG_DIR
# (default /tmp/dispatches-pg), listens on 127.0.0.1:$DISPATCHES_PG_PORT (default 55432)
# only, trusts local connections (a test server: never expose it), and has a database
# `dispatches`. PostgreSQL refuses to run as root, so when we are root the server runs as
# the `postgres` user. Idempotent: a running server is reused.
set -euo pipefail

PG_DIR="${DISPATCHES_PG_DIR:-/tmp/dispatches-pg}"
PORT="${DISPATCHES_PG_PORT:-55432}"
DB="dispatches"
MODE="start"
for arg in "$@"; do
  case "$arg" in
    --stop) MODE="stop" ;;
    --export) MODE="export" ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "start-postgres: unknown option $arg" >&2; exit 2 ;;
  esac
done

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/pg_ctl" ]; then
  echo "start-postgres: no PostgreSQL found under /usr/lib/postgresql/*/bin;" \
       "install it with scripts/install-system-deps.sh (apt package postgresql)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

DATA="$PG_DIR/data"
URL="postgresql://postgres@127.0.0.1:$PORT/$DB"

if [ "$MODE" = "stop" ]; then
  if [ -f "$DATA/postmaster.pid" ]; then as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2; fi
  exit 0
fi

mkdir -p "$PG_DIR"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR"; fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { echo "start-postgres: initdb failed, see $PG_DIR/initdb.log" >&2; exit 1; }
fi
if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PG_DIR -c fsync=off" start >/dev/null \
    || { echo "start-postgres: server did not start, see $PG_DIR/server.log" >&2; exit 1; }
fi
if ! as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
     "SELECT 1 FROM pg_database WHERE datname='$DB'" postgres | grep -q 1; then
  as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
fi

if [ "$MODE" = "export" ]; then
  echo "export DISPATCHES_TEST_PG_URL=$URL"
else
  echo "$URL"
fi
