"""The kept local Prefect API of ``dispatches run``: Prefect's server plus an idle watchdog.

Started by ``pipeline.cli.prefect_api`` as a script (``runpy.run_path``, so that the heavy
``pipeline.cli`` package is not imported into the server): stdlib, uvicorn and Prefect only.

    python prefect_server.py --port P --keep-seconds S --lease FILE --state FILE

Every ``dispatches run`` holds a shared ``flock`` on the lease file while it runs. The
watchdog stops the server once it could take that lock exclusively (no run in progress) for
``--keep-seconds`` in a row; it keeps the exclusive lock while the server stops, so a run
that arrives then waits, finds the server gone and starts another. The state file (the
server's URL, read by the next run) is removed on the way out if it is still this server's.

Whether the server migrates its database at its start is decided as for the API a run
starts in its own process (``prefect_migration.migration_skipped``, loaded from its file).

A few optional packages the server imports only to use them elsewhere (``KEPT_OUT``,
``lean.UNUSED``) are left out of its process: it imports them in ``try`` blocks and goes on
without them (4.9 MB of the 175 resident after its start, measured).
"""
from __future__ import annotations

import argparse
import fcntl
import json
import os
import runpy
import threading
import time
from pathlib import Path

# lean.py and prefect_migration.py from their files: this script does not import the
# pipeline package (see above)
_LEAN = runpy.run_path(str(Path(__file__).with_name("lean.py")))
KEPT_OUT = _LEAN["UNUSED"]
migration_skipped = runpy.run_path(
    str(Path(__file__).with_name("prefect_migration.py")))["migration_skipped"]


def keep_out() -> None:
    """``KEPT_OUT`` made unimportable in this process (before Prefect is imported)."""
    _LEAN["keep_out"](KEPT_OUT, "the local Prefect API")


def _state_is_mine(state: str) -> bool:
    try:
        with open(state, encoding="utf-8") as f:
            return json.load(f).get("pid") == os.getpid()
    except (OSError, ValueError):
        return False


def watch(server, lease: str, state: str, keep_seconds: float, poll: float) -> None:
    """Set ``server.should_exit`` once no run has held the lease for ``keep_seconds``."""
    idle_since = None
    fd = os.open(lease, os.O_RDWR | os.O_CREAT, 0o600)
    while not server.should_exit:
        time.sleep(poll)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a run holds it
            idle_since = None
            continue
        now = time.monotonic()
        idle_since = idle_since or now
        if now - idle_since >= keep_seconds:
            # keep the exclusive lock until the process ends: no run can start on this server
            if _state_is_mine(state):
                os.unlink(state)
            server.should_exit = True
            return
        fcntl.flock(fd, fcntl.LOCK_UN)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--keep-seconds", type=float, required=True)
    ap.add_argument("--lease", required=True)
    ap.add_argument("--state", required=True)
    args = ap.parse_args(argv)

    keep_out()
    import uvicorn

    config = uvicorn.Config("prefect.server.api.server:create_app", factory=True,
                            host="127.0.0.1", port=args.port, log_level="error", lifespan="on")
    server = uvicorn.Server(config)
    poll = max(0.2, min(5.0, args.keep_seconds / 4))
    threading.Thread(target=watch, args=(server, args.lease, args.state, args.keep_seconds,
                                         poll), daemon=True, name="idle-watchdog").start()
    with migration_skipped(server):
        server.run()


if __name__ == "__main__":
    main()
