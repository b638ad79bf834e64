#!/usr/bin/env bash
# Run the whole test suite: start the loopback PostgreSQL server the loader tests use,
# then pytest. Extra arguments go to pytest (scripts/test.sh -k header).
set -uo pipefail
cd "$(dirname "$0")/.."

if url="$(bash scripts/start-postgres.sh 2>/tmp/dispatches-start-postgres.log)"; then
  export DISPATCHES_TEST_PG_URL="$url"
else
  echo "test: PostgreSQL could not be started (see /tmp/dispatches-start-postgres.log);" \
       "the PostgreSQL tests will skip" >&2
fi
exec .venv/bin/python -m pytest "$@"
