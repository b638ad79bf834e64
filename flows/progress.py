"""What a run is doing, on stderr: its phases, then every file extracted, with rate and ETA.

On a terminal (rich): one line per phase, the current one live with its elapsed time —
"starting Prefect…", "reading the inbox…", the extraction bar (files done/total, failed,
files/s, time left), "following the inbox…", "exporting…", "writing the report…". Not on
a terminal (a log file, CI): plain lines, one per phase and at most one progress line every
``interval`` seconds plus the last, so a long run does not flood its log.

Per-file events come from the extraction tasks (``file_extracted``, thread-safe): with the
thread-pool runner they run in this process and reach the active display. Under Dask they
run in other processes and reach nothing; a batch answered from Prefect's cache has no
events either: ``batch_loaded`` then counts the batch's files that were not reported yet.
"""
from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.table import Column
from rich.progress import (BarColumn, Progress, SpinnerColumn, TaskID, TextColumn,
                           TimeElapsedColumn)

PLAIN_INTERVAL = 5.0  # seconds between two progress lines in a log


def _clock(seconds: float) -> str:
    return str(dt.timedelta(seconds=int(seconds)))


class RunProgress:
    """The display of one run. ``phase(name)`` starts a phase (ending the one before);
    ``files(total)`` starts the extraction; ``file_done``/``batch_loaded`` advance it;
    ``close`` ends the last phase. Does nothing when not ``enabled``."""

    def __init__(self, enabled: bool = True, stream: TextIO | None = None,
                 console: Console | None = None, interval: float = PLAIN_INTERVAL):
        self.enabled, self.interval = enabled, interval
        self.console = console or Console(file=stream or sys.stderr)
        self.tty = self.console.is_terminal
        self._lock = threading.RLock()
        self.total: int | None = None
        self.status: dict[str, bool] = {}  # path → failed, once per file
        self.loaded = 0
        self._files_started = self._last_line = 0.0
        self._phase: tuple[str, float] | None = None
        self._printed: tuple[int, int] | None = None
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    # -- what is counted ---------------------------------------------------------------
    @property
    def done(self) -> int:
        return len(self.status)

    @property
    def failed(self) -> int:
        return sum(self.status.values())

    def rate(self) -> float:
        return self.done / max(time.perf_counter() - self._files_started, 1e-9)

    def counts(self) -> str:
        """"37/120 files extracted, 1 failed, 4.2 files/s, about 0:00:20 left; 35 documents
        loaded" (the documents once a batch is loaded)."""
        total = self.total or 0
        text = f"{self.done}/{total} files extracted, {self.failed} failed"
        if self.done:
            rate = self.rate()
            text += f", {rate:.1f} files/s"
            if self.done < total:
                text += f", about {_clock((total - self.done) / rate)} left"
        if self.loaded:
            text += f"; {self.loaded} documents loaded"
        return text

    def short_counts(self) -> str:
        """The same for a terminal line, most wanted first: "37/120 files, 4.2/s, ETA
        0:00:20, 1 failed; 35 loaded"."""
        total = self.total or 0
        text = f"{self.done}/{total} files"
        if self.done:
            rate = self.rate()
            text += f", {rate:.1f}/s"
            if self.done < total:
                text += f", ETA {_clock((total - self.done) / rate)}"
        text += f", {self.failed} failed"
        if self.loaded:
            text += f"; {self.loaded} loaded"
        return text

    # -- phases ------------------------------------------------------------------------
    def phase(self, name: str) -> None:
        """Start the phase ``name`` ("exporting…"), ending the one before."""
        if not self.enabled:
            return
        with self._lock:
            self._end_phase()
            self._phase = (name, time.perf_counter())
            if self.tty:
                self._task = self._live().add_task(name, total=None, counts="")
            else:
                self._line(f"{name}…")

    def files(self, total: int) -> None:
        """Start the extraction of ``total`` files."""
        with self._lock:
            self.total, self.status, self.loaded = total, {}, 0
            self._files_started = time.perf_counter()
            if not self.enabled:
                return
            self._end_phase()
            self._phase = ("extracting", self._files_started)
            if self.tty:
                self._task = self._live().add_task("extracting", total=total,
                                                   counts=self.short_counts())
            else:
                self._line(f"extracting {total} files…")

    def file_done(self, path: str, failed: bool = False) -> None:
        """One file extracted (safe from any thread); a file counts once."""
        with self._lock:
            if self.total is None or path in self.status:
                return
            self.status[path] = failed
            self._show()

    def batch_loaded(self, outcomes: Iterable[tuple[str, bool]], loaded: int) -> None:
        """A batch is loaded: ``outcomes`` (path, failed) of its files, the ones not
        reported yet count now (a batch from the cache, a task run elsewhere)."""
        with self._lock:
            if self.total is None:
                return
            for path, failed in outcomes:
                self.status.setdefault(path, failed)
            self.loaded += loaded
            self._show()

    def close(self) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._end_phase()
            if self._progress is not None:
                self._progress.stop()
                self._progress = None

    # -- drawing -----------------------------------------------------------------------
    def _live(self) -> Progress:
        if self._progress is None:
            # on 80 columns the phase name, the elapsed time and the counts keep their room;
            # the counts' tail ("; N documents loaded") is what gets cut
            self._progress = Progress(
                SpinnerColumn(finished_text="[green]✓"),
                TextColumn("{task.description}", table_column=Column(no_wrap=True,
                                                                     min_width=19)),
                BarColumn(bar_width=8), TimeElapsedColumn(),
                TextColumn("{task.fields[counts]}",
                           table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1)),
                console=self.console, redirect_stdout=False, redirect_stderr=False,
                expand=True)
            self._progress.start()
        return self._progress

    def _show(self) -> None:
        if not self.enabled or self._phase is None or self._phase[0] != "extracting":
            return
        if self.tty:
            self._live().update(self._task, completed=self.done, counts=self.short_counts())
            return
        now = time.perf_counter()
        if self.done >= (self.total or 0) or now - self._last_line >= self.interval:
            self._files_line()

    def _files_line(self) -> None:
        if self._printed != (self.done, self.loaded):
            self._printed = (self.done, self.loaded)
            self._line(self.counts())

    def _end_phase(self) -> None:
        if self._phase is None:
            return
        name, started = self._phase
        self._phase = None
        if self.tty:
            progress = self._live()
            if name == "extracting":
                progress.update(self._task, completed=self.done, counts=self.short_counts())
            else:
                progress.update(self._task, total=1, completed=1)
            progress.stop_task(self._task)
        elif name == "extracting":
            self._files_line()  # the last one
        else:
            self._line(f"{name}: {time.perf_counter() - started:.1f} s")

    def _line(self, text: str) -> None:
        self._last_line = time.perf_counter()
        self.console.file.write(f"dispatches: {text}\n")
        self.console.file.flush()


# -- the active display: where the flow's steps and tasks report -------------------------
_active: RunProgress | None = None
_active_lock = threading.Lock()


@contextmanager
def showing(progress: RunProgress) -> Iterator[RunProgress]:
    """Make ``progress`` the display that ``announce`` and ``file_extracted`` reach; closed
    on leaving."""
    global _active
    with _active_lock:
        previous, _active = _active, progress
    try:
        yield progress
    finally:
        progress.close()
        with _active_lock:
            _active = previous


def active() -> RunProgress | None:
    return _active


def announce(phase: str) -> None:
    """Say which phase the run is in ("exporting…"); nothing without an active display."""
    if (progress := _active) is not None:
        progress.phase(phase)


def file_extracted(path: str, failed: bool = False) -> None:
    """One file extracted: called by the extraction task, from any thread."""
    if (progress := _active) is not None:
        progress.file_done(path, failed)


@contextmanager
def files_progress(total: int, enabled: bool) -> Iterator[RunProgress]:
    """The extraction's display: the active one (the command's), else one of its own for
    the extraction only (``run_ingest(show_progress=True)`` from Python)."""
    if (progress := _active) is not None and enabled:
        progress.files(total)
        yield progress
        return
    own = RunProgress(enabled=enabled)
    if not enabled:
        own.files(total)
        yield own
        return
    with showing(own):
        own.files(total)
        yield own
