"""Extraction in a worker process that can be stopped: a time limit that holds.

Python cannot stop a thread, so a file that hangs a reader (or a zip bomb that slips past
the checks) would keep running after its timeout and keep the interpreter from exiting. An
``ExtractionWorker`` runs ``extract_explained`` in one child process, reused file after
file (starting one costs far more than extracting a text dispatch), under an address-space
limit (``RLIMIT_AS``, ``Settings.max_memory_mb``): a file over its time is killed with its
process, and the next file gets a fresh one.

The child is forked from a ``forkserver`` that has imported this module, so a replacement
starts in milliseconds, and it holds no thread or lock of the parent (Prefect's threads).
Where processes cannot be made (a daemonic Dask worker), files run in a thread with the
old, weaker timeout: the file fails at its time, its thread runs on.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable

from pipeline.extract.record import (Extracted, extract_explained, failed_record, failure_reason,
                                     traceback_lines)
from pipeline.settings import DEFAULT_SETTINGS, Settings

try:
    import resource
except ImportError:  # no RLIMIT_AS on Windows: the time limit still holds
    resource = None

#: ``(path, data, settings) -> Extracted``; a test hands in one that hangs
Job = Callable[[Path, "bytes | None", Settings], Extracted]


def _context():
    """``forkserver`` (POSIX) with this module preloaded, else ``spawn``."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


def limit_memory(max_mb: int) -> None:
    """Cap this process's address space; allocations past it raise ``MemoryError``."""
    if resource is None or max_mb <= 0:
        return
    limit = max_mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def serve(conn: Connection, max_mb: int, job: Job) -> None:
    """The child's loop: ``(path, data, settings)`` in, ``Extracted`` out, until ``None``."""
    if hasattr(os, "setsid"):
        os.setsid()  # its own process group: tesseract or LibreOffice die with it
    limit_memory(max_mb)
    while (request := conn.recv()) is not None:
        path, data, settings = request
        try:
            done = job(path, data, settings)
        except Exception as exc:  # noqa: BLE001 - the worker outlives any one file
            done = Extracted(failed_record(path, failure_reason(path, exc), data),
                             traceback=traceback_lines(exc))
        conn.send(done)


def _kill_group(pid: int) -> None:
    """SIGKILL the child and the programs it started (its process group)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (AttributeError, ProcessLookupError):  # no group yet (or no killpg): the child
        try:
            os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        except ProcessLookupError:
            pass


def timeout_error(path: Path, timeout: float) -> str:
    """What a timed-out file's record says: what happened and how to give it longer."""
    return (f"{path}: extraction stopped after {timeout:g} s (per-file timeout); a large scan "
            f"may need longer: run again with --file-timeout SECONDS (0: no limit)")


def died_error(path: Path, exitcode: int | None, max_mb: int) -> str:
    """What a file's record says when its worker process died under it."""
    how = f"killed by signal {-exitcode}" if exitcode and exitcode < 0 else f"exit {exitcode}"
    return (f"{path}: the extraction process died reading it ({how}); the file is probably "
            f"too large or damaged (memory limit {max_mb} MB: Settings.max_memory_mb)")


class ExtractionWorker:
    """Extract files one at a time in a child process killed at the time limit.

    ``with ExtractionWorker() as worker: worker.extract(path, data, timeout)``; the child
    starts with the first file and is ended (killed if need be) on leaving the block.
    """

    def __init__(self, settings: Settings = DEFAULT_SETTINGS, job: Job = extract_explained):
        self.settings = settings
        self.job = job
        self._process = None
        self._conn: Connection | None = None
        self._threads: cf.ThreadPoolExecutor | None = None
        self.replaced = 0  # processes killed at their time limit or found dead

    def __enter__(self) -> ExtractionWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def extract(self, path: Path, data: bytes | None, timeout: float | None) -> tuple[Extracted, bool]:
        """(what was extracted, whether the file ran out of time); never raises for the file."""
        if not timeout:
            return self.job(path, data, self.settings), False
        if not self._can_fork():
            return self._in_thread(path, data, timeout)
        conn = self._start()
        try:
            conn.send((path, data, self.settings))
            if not conn.poll(timeout):
                self._kill()
                return Extracted(failed_record(path, timeout_error(path, timeout), data)), True
            return conn.recv(), False
        except (EOFError, OSError):  # the child died: a hard crash or the kernel's OOM killer
            exitcode = self._kill()
            return Extracted(failed_record(
                path, died_error(path, exitcode, self.settings.max_memory_mb), data)), False

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send(None)
            except OSError:
                pass
            self._process.join(timeout=5)
        self._kill()
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
            self._threads = None

    def _can_fork(self) -> bool:
        return not multiprocessing.current_process().daemon

    def _start(self) -> Connection:
        if self._process is not None and self._process.is_alive():
            return self._conn
        self._kill()
        ctx = _context()
        parent, child = ctx.Pipe()
        self._process = ctx.Process(target=serve, name="dispatches-extract", daemon=True,
                                    args=(child, self.settings.max_memory_mb, self.job))
        self._process.start()
        child.close()
        self._conn = parent
        return parent

    def _kill(self) -> int | None:
        """End the child now (SIGKILL); returns its exit code."""
        process, self._process = self._process, None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if process is None:
            return None
        if process.is_alive():
            _kill_group(process.pid)
            self.replaced += 1
        process.join()
        exitcode = process.exitcode
        process.close()
        return exitcode

    def _in_thread(self, path: Path, data: bytes | None, timeout: float) -> tuple[Extracted, bool]:
        if self._threads is None:
            self._threads = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
        future = self._threads.submit(self.job, path, data, self.settings)
        try:
            return future.result(timeout=timeout), False
        except cf.TimeoutError:
            # a thread cannot be stopped: abandon it, and give the next file a fresh one
            self._threads.shutdown(wait=False, cancel_futures=True)
            self._threads = None
            return Extracted(failed_record(path, timeout_error(path, timeout), data)), True
