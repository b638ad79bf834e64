#!/usr/bin/env bash
# Start a local Prefect server (for `dispatches serve` schedules and the Prefect UI).
#
#   scripts/start-prefect-server.sh           start it in the background, print the API URL
#   scripts/start-prefect-server.sh --stop    stop it
#   export PREFECT_API_URL=$(scripts/start-prefect-server.sh)
#
# `dispatches run` does not need this: it runs a local API in its own process for the run (or
# keeps one for the next runs, $DISPATCHES_PREFECT_KEEP_MINUTES; pipeline/cli/prefect_api.py),
# or uses this one when PREFECT_API_URL points at it. The server
# keeps its state in an embedded SQLite under $PREFECT_HOME (default .prefect/ in the repo),
# listens on 127.0.0.1:$PREFECT_SERVER_PORT (default 4200), logs to $PREFECT_HOME/server.log.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export PREFECT_HOME="${PREFECT_HOME:-$ROOT/.prefect}"
PORT="${PREFECT_SERVER_PORT:-4200}"
PREFECT="${PREFECT:-$ROOT/.venv/bin/prefect}"
[ -x "$PREFECT" ] || PREFECT="$(command -v prefect || true)"
[ -n "$PREFECT" ] || { echo "start-prefect-server: prefect not installed (pip install -e .)" >&2; exit 1; }
PIDFILE="$PREFECT_HOME/server.pid"
URL="http://127.0.0.1:$PORT/api"

if [ "${1:-}" = "--stop" ]; then
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then kill "$(cat "$PIDFILE")"; fi
  rm -f "$PIDFILE"
  exit 0
fi

mkdir -p "$PREFECT_HOME"
if ! curl -fsS "$URL/health" >/dev/null 2>&1; then
  PREFECT_SERVER_ANALYTICS_ENABLED=false nohup "$PREFECT" server start --host 127.0.0.1 \
    --port "$PORT" >"$PREFECT_HOME/server.log" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 120); do
    curl -fsS "$URL/health" >/dev/null 2>&1 && break
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null \
      || { echo "start-prefect-server: server exited, see $PREFECT_HOME/server.log" >&2; exit 1; }
    sleep 1
  done
  curl -fsS "$URL/health" >/dev/null 2>&1 \
    || { echo "start-prefect-server: no answer on $URL after 120 s" >&2; exit 1; }
fi
echo "$URL"
