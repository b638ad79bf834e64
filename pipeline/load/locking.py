"""A DuckDB file held by another process: wait a little, then say in one line who holds it.

DuckDB lets one process write a database file (or several processes read it with
``read_only=True``); a second process gets ``IOException: Could not set lock on file …:
Conflicting lock is held in <program> (PID <n>)``. A dashboard or the review web app may hold
the file for a moment, so the store retries for ``lock_timeout`` seconds (default
``DEFAULT_LOCK_TIMEOUT``, or the ``DISPATCHES_LOCK_TIMEOUT`` environment variable) before
raising ``DatasetLockedError``.
"""
from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

try:
    import fcntl
except ImportError:  # no flock (Windows): DuckDB's own lock alone
    fcntl = None

DEFAULT_LOCK_TIMEOUT = 30.0   # seconds
LOCK_RETRY_INTERVAL = 0.5     # seconds
LOCK_TIMEOUT_ENV = "DISPATCHES_LOCK_TIMEOUT"

_LOCK_MESSAGE = "could not set lock on file"
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")

T = TypeVar("T")


class DatasetLockedError(RuntimeError):
    """Another process holds the dataset file; ``str()`` is one line saying who and what to do."""

    def __init__(self, path: Path, waited: float, pid: int | None = None,
                 holder: str | None = None):
        self.path, self.waited, self.pid, self.holder = path, waited, pid, holder
        who = f"PID {pid}" if pid is not None else "another process"
        if holder:
            who += f" ({holder})"
        super().__init__(
            f"{path} is locked by {who}; waited {waited:g} s. Close that program, or point "
            "dashboards at the exported Parquet files (OUT/*.parquet), which never block the "
            f"loader; {LOCK_TIMEOUT_ENV}=SECONDS sets the wait")


def is_lock_error(exc: BaseException) -> bool:
    return _LOCK_MESSAGE in str(exc).lower()


def lock_holder(message: str) -> tuple[int | None, str | None]:
    """(PID, what it runs) from DuckDB's lock error; (None, None) when it does not say."""
    found = _HOLDER.search(message)
    if not found:
        return None, None
    pid = int(found["pid"])
    return pid, _command_line(pid) or Path(found["program"]).name or None


def _command_line(pid: int, limit: int = 80) -> str | None:
    """The holder's command line (Linux ``/proc``), shortened; None when it cannot be read."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    args = [a for a in raw.decode("utf-8", "replace").split("\0") if a]
    if not args:
        return None
    text = " ".join([Path(args[0]).name, *args[1:]])
    text = " ".join(text.split())  # one line, whatever the arguments hold
    return text if len(text) <= limit else text[:limit - 1] + "…"


def resolve_lock_timeout(value: float | None = None) -> float:
    """``value``, else ``$DISPATCHES_LOCK_TIMEOUT``, else ``DEFAULT_LOCK_TIMEOUT`` (seconds)."""
    if value is not None:
        return max(0.0, float(value))
    env = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if env:
        try:
            return max(0.0, float(env))
        except ValueError:
            raise ValueError(f"{LOCK_TIMEOUT_ENV}={env!r}: expected a number of seconds") from None
    return DEFAULT_LOCK_TIMEOUT


def open_when_free(connect: Callable[[], T], path: Path, timeout: float,
                   interval: float = LOCK_RETRY_INTERVAL) -> T:
    """``connect()``, retried every ``interval`` s while the file is locked, for ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return connect()
        except Exception as exc:
            if not is_lock_error(exc):
                raise
            left = deadline - time.monotonic()
            if left <= 0:
                pid, holder = lock_holder(str(exc))
                raise DatasetLockedError(path, timeout, pid, holder) from exc
            time.sleep(min(interval, left))


class WriterLock:
    """The loader's claim on a dataset file, held from open to close (``<file>.writer``).

    DuckDB's own lock goes with the connection, and the loader closes its connection at each
    checkpoint and opens it again (``duckdb_store.checkpoint_when_due``): another
    ``dispatches`` writer that asked in that moment would take the file in the middle of a
    run. This lock (``flock``, released by the kernel if the process dies) is held across
    those reopens; a second writer waits for it like for DuckDB's, then says who holds it.
    """

    def __init__(self, path: Path, timeout: float, interval: float = LOCK_RETRY_INTERVAL):
        self.path = Path(str(path) + ".writer")
        self._file = None
        if fcntl is None:
            return
        handle = open(self.path, "a+", encoding="ascii")
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0:
                    pid = _pid_in(handle)
                    handle.close()
                    raise DatasetLockedError(path, timeout, pid, _command_line(pid)
                                             if pid else None) from None
                time.sleep(min(interval, left))
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the descriptor releases the flock
            self._file = None


def _pid_in(handle) -> int | None:
    handle.seek(0)
    text = handle.read().strip()
    return int(text) if text.isdigit() else None
