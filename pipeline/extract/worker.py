"""Extraction in a worker process that can be stopped: a time limit that holds.

Python cannot stop a thread, so a file that hangs a reader (or a zip bomb that slips past
the checks) would keep running after its timeout and keep the interpreter from exiting. An
``ExtractionWorker`` runs ``extract_explained`` in one child process, reused file after
file (starting one costs far more than extracting a text dispatch), under an address-space
limit (``RLIMIT_AS``, ``Settings.max_memory_mb``): a file over its time is killed with its
process, and the next file gets a fresh one.

The child is a new interpreter (``python -c``, not ``multiprocessing``), so it holds no
thread or lock of the parent (Prefect's threads), and a worker that ends hands it back to
an idle pool for the next batch rather than ending it: it imports the extraction once, not
once a batch. Summed over the processes, that is two children of ~50 MB for a run's two
threads where a ``forkserver`` (~45 MB), its resource tracker (12 MB) and two children
forked from it (~40 MB each: the pages they share count in each) held 137 (measured).
``close_idle_workers`` ends the idle ones once a run's extraction is over. The
extraction's per-line caches grow with every document: a child empties them every
``CLEAR_CACHES_AFTER`` files (``clear_extraction_caches``: its resident set stays where it
was after the first thousand, at no cost in CPU, measured), and is replaced only after
``RECYCLE_AFTER`` files, or up to half as many more, for whatever else a long-lived reader
might keep; a new child costs ~1.5 s of imports, and replacing both every thousand or so
files slowed a 10,000-file run by a fifth where it happened. A child ends by itself if the
parent goes (its end of the pipe closes). Where processes cannot be made (a daemonic Dask
worker), files run in a thread with the old, weaker timeout: the file fails at its time,
its thread runs on.
"""
from __future__ import annotations

import collections
import concurrent.futures as cf
import gc
import multiprocessing
import os
import itertools
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline.extract.record import (Extracted, extract_explained, failed_record, failure_reason,
                                     traceback_lines)
from pipeline.settings import DEFAULT_SETTINGS, Settings

try:
    import resource
except ImportError:  # no RLIMIT_AS on Windows: the time limit still holds
    resource = None

#: ``(path, data, settings) -> Extracted``; a test hands in one that hangs
Job = Callable[[Path, "bytes | None", Settings], Extracted]


# files a child serves before it is ended (a new one costs ~1.5 s of CPU before its first
# record: imports, lexicons), and between two emptyings of its caches, which grow ~4 MB per
# 1,000 files otherwise (measured)
RECYCLE_AFTER = 10_000
CLEAR_CACHES_AFTER = 1000
# a file up to this size is sent to a busy child (``ExtractionWorker.extract_all``)
AHEAD_BYTES = 64 * 1024
# the packages whose caches clear_extraction_caches empties (a library's own it leaves)
_OWN_PACKAGES = ("extractors", "pipeline", "schemas")
_GOLDEN = 0.6180339887498949
_children_started = itertools.count()
# modules a child does without: OpenSSL's hashes (``_hashlib``) map libcrypto, 3.5 MB resident
# in every worker (measured) for a file's sha256, which ``hashlib`` then computes with its own
# ``_sha256`` (the same digest; md5, sha1, sha2 and blake2, all the readers use, are built in),
# and ``hmac`` (pydantic imports it) falls back likewise. A ``None`` in ``sys.modules`` makes
# the import fail as a missing module would, which both expect
KEPT_OUT = ("_hashlib",)
# the child finds its modules (and a test's ``job``) where this process does
_CHILD = ("import sys; sys.path[:] = {path!r}; sys.modules.update(dict.fromkeys({kept_out!r})); "
          "import pipeline.extract.worker as w; w.child_main()")


def limit_memory(max_mb: int) -> None:
    """Cap this process's address space; allocations past it raise ``MemoryError``."""
    if resource is None or max_mb <= 0:
        return
    limit = max_mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def extraction_caches() -> Iterator:
    """The bounded ``lru_cache``s of this project's modules in this process. ``functools``
    keeps no list of them, so they are found among the objects the garbage collector tracks
    (by their type's ``cache_clear``/``cache_info``); unbounded ones (``@cache``: compiled
    patterns, lexicons) are not among them."""
    for obj in gc.get_objects():
        kind = type(obj)
        if hasattr(kind, "cache_clear") and hasattr(kind, "cache_info") \
                and (getattr(obj, "__module__", None) or "").partition(".")[0] in _OWN_PACKAGES \
                and obj.cache_info().maxsize is not None:
            yield obj


def clear_extraction_caches() -> int:
    """Empty ``extraction_caches()``; how many."""
    emptied = 0
    for cached in extraction_caches():
        cached.cache_clear()
        emptied += 1
    return emptied


def serve(conn: Connection, max_mb: int, job: Job, clear_after: int = CLEAR_CACHES_AFTER
          ) -> None:
    """The child's loop: ``(path, data, settings)`` in, ``Extracted`` out, until ``None``
    (or the parent's end of the pipe closes); the caches emptied every ``clear_after``
    files, once the answer is sent."""
    if hasattr(os, "setsid"):
        os.setsid()  # its own process group: tesseract or LibreOffice die with it
    limit_memory(max_mb)
    for served in itertools.count(1):
        try:
            request = conn.recv()
        except EOFError:  # the parent is gone
            return
        if request is None:
            return
        path, data, settings = request
        try:
            done = job(path, data, settings)
        except Exception as exc:  # noqa: BLE001 - the worker outlives any one file
            done = Extracted(failed_record(path, failure_reason(path, exc), data),
                             traceback=traceback_lines(exc))
        conn.send(done)
        if served % clear_after == 0:
            clear_extraction_caches()


def child_main() -> None:
    """The child process: its end of the pipe is the descriptor ``$DISPATCHES_WORKER_FD``;
    the first message is ``(max_mb, job, clear_after)``, then the files."""
    conn = Connection(int(os.environ.pop("DISPATCHES_WORKER_FD")))
    max_mb, job, clear_after = conn.recv()
    serve(conn, max_mb, job, clear_after)


class _Child:
    """A worker process and the parent's end of its pipe."""

    def __init__(self, max_mb: int, job: Job):
        self.key = (max_mb, job)
        self.served = 0
        # each its own share, up to half as much again: the run's children, started
        # together, would otherwise be replaced together, and extraction stall for both.
        # The k-th child's extra is k times the golden ratio (mod 1) of that half: shares
        # spread evenly whatever the number of children, and the same in every run
        extra = (next(_children_started) * _GOLDEN) % 1.0
        self.share = RECYCLE_AFTER + int(RECYCLE_AFTER // 2 * extra)
        parent, child = socket.socketpair()
        env = {**os.environ, "DISPATCHES_WORKER_FD": str(child.fileno())}
        try:
            self.popen = subprocess.Popen(
                [sys.executable, "-c", _CHILD.format(path=sys.path, kept_out=KEPT_OUT)], env=env,
                pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL)
        finally:
            child.close()
        self.conn = Connection(parent.detach())
        self.conn.send((max_mb, job, CLEAR_CACHES_AFTER))

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def end(self, grace: float = 5.0) -> int | None:
        """Ask it to stop, wait ``grace`` seconds, then kill it (and its group)."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        try:
            self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        return self.kill()

    def kill(self) -> int | None:
        """SIGKILL it and the programs it started; returns its exit code."""
        self.conn.close()
        if self.popen.poll() is None:
            _kill_group(self.popen.pid)
        return self.popen.wait()


_idle: list[_Child] = []
_idle_lock = threading.Lock()


def _take_idle(max_mb: int, job: Job) -> _Child | None:
    with _idle_lock:
        for k, child in enumerate(_idle):
            if child.key == (max_mb, job):
                del _idle[k]
                if child.alive():
                    return child
                child.kill()
                return None
    return None


def _give_back(child: _Child) -> None:
    """An idle child goes to the pool; one that served its share (or died) ends."""
    if child.served >= child.share or not child.alive():
        child.end()
        return
    with _idle_lock:
        _idle.append(child)


def close_idle_workers() -> int:
    """End the idle worker processes (a run's extraction is over: they would stay through
    the export and the report, which need none); returns how many. The next worker starts
    a new one."""
    with _idle_lock:
        children, _idle[:] = list(_idle), []
    for child in children:
        child.end()
    return len(children)


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

    ``with ExtractionWorker() as worker: worker.extract(path, data, timeout)``, or
    ``worker.extract_all(files, timeout)`` for a batch; the child is taken from the idle
    pool (or started) with the first file and handed back to it on leaving the block; one
    killed at a time limit or found dead is replaced.
    """

    def __init__(self, settings: Settings = DEFAULT_SETTINGS, job: Job = extract_explained):
        self.settings = settings
        self.job = job
        self._process: _Child | None = None
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
        self._send(self._start(), path, data)
        return self._answer(path, data, timeout)

    def extract_all(self, files: Iterable[tuple[Path, bytes | None]], timeout: float | None
                    ) -> Iterator[tuple[Extracted, bool]]:
        """``extract`` for each (path, data) of ``files``, in order, the next file handed to
        the child before this one's answer is taken: the child goes from one file to the
        next without waiting for this process, whose threads share one interpreter lock
        with the loader (a small dispatch's answer could wait longer for it than its
        extraction took).

        A file over ``AHEAD_BYTES`` waits for the child to be idle: two large messages
        crossing in the pipe would each wait for the other to be read. A file's time runs
        from the answer before it (when the child took it up, or a little after). The
        files after one that timed out or killed its child go to a new child.
        """
        if not timeout or not self._can_fork():
            for path, data in files:
                yield self.extract(path, data, timeout)
            return
        waiting = iter(files)
        sent: collections.deque[tuple[Path, bytes | None]] = collections.deque()
        again: collections.deque[tuple[Path, bytes | None]] = collections.deque()
        try:
            while True:
                self._send_ahead(sent, again, waiting)
                if not sent:
                    return
                path, data = sent.popleft()
                done = self._answer(path, data, timeout)
                if self._process is None:  # killed: what it still held goes to the next one
                    again.extendleft(reversed(sent))
                    sent.clear()
                yield done
        finally:
            # left before the answers came (reading the next file failed, or the caller
            # stopped): the child holds files whose answers no one will take
            if sent:
                self._kill()

    def _send_ahead(self, sent: collections.deque, again: collections.deque,
                    waiting: Iterator[tuple[Path, bytes | None]]) -> None:
        """Hand the child files (those to send again first) until it holds two: the one it
        works on and the next; ``sent`` gains each, in order."""
        while len(sent) < 2:
            item = again.popleft() if again else next(waiting, None)
            if item is None:
                return
            if sent and len(item[1] or b"") > AHEAD_BYTES:
                again.appendleft(item)
                return
            # a child holding files is kept even if it died: its answer says so
            child = self._process if sent else self._start()
            sent.append(item)
            self._send(child, *item)

    def _send(self, child: _Child, path: Path, data: bytes | None) -> None:
        try:
            child.conn.send((path, data, self.settings))
        except OSError:  # it died: the answer it owes says so
            return
        child.served += 1

    def _answer(self, path: Path, data: bytes | None, timeout: float) -> tuple[Extracted, bool]:
        """The child's answer for ``path``, the next it owes; the child is killed if none
        comes within ``timeout`` seconds."""
        child = self._process
        try:
            if not child.conn.poll(timeout):
                self._kill()
                return Extracted(failed_record(path, timeout_error(path, timeout), data)), True
            return child.conn.recv(), False
        except (EOFError, OSError):  # the child died: a hard crash or the kernel's OOM killer
            exitcode = self._kill()
            return Extracted(failed_record(
                path, died_error(path, exitcode, self.settings.max_memory_mb), data)), False

    def close(self) -> None:
        """Hand the child to the idle pool (``close_idle_workers`` ends it)."""
        child, self._process = self._process, None
        if child is not None:
            _give_back(child)
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
            self._threads = None

    def _can_fork(self) -> bool:
        # a child's pipe is handed over by descriptor number (``pass_fds``): POSIX only
        return os.name == "posix" and not multiprocessing.current_process().daemon

    def _start(self) -> _Child:
        if self._process is not None and self._process.alive():
            return self._process
        self._kill()
        max_mb = self.settings.max_memory_mb
        self._process = _take_idle(max_mb, self.job) or _Child(max_mb, self.job)
        return self._process

    def _kill(self) -> int | None:
        """End the child now (SIGKILL); returns its exit code."""
        child, self._process = self._process, None
        if child is None:
            return None
        if child.alive():
            self.replaced += 1
        return child.kill()

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
