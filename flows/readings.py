"""What was read of each file (``ReadingBundle``), written under ``OUT/readings/`` for the
report and the review app while the run loads the next batches.

The writing is on a thread of its own: it is almost all file-system calls (a folder, a
temporary file, a rename per file), which do not hold the GIL, and on the loader's thread
they took about a quarter of its time. Over 10,000 small dispatches, in three alternating
pairs of runs, the loader's thread went from 1.1–2.0 ms of CPU per document to 0.8–1.1, and
the run 4–19% faster. At most ``pending`` groups wait to be written, so a writer that falls
behind holds the loader back instead of the run's memory growing.
"""
from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType

from pipeline.extract import ReadingBundle, save_reading


def save_readings(readings: list[ReadingBundle], out_dir: str, logger: logging.Logger) -> int:
    """Write each reading under ``OUT/readings/<doc_id>/``; returns how many were written.

    A reading that cannot be written is logged, not raised: the records are loaded already,
    and the report falls back to reading the source file again. Not a Prefect task: it
    neither retries nor fails, and a task run per batch cost the run's own process more
    than the writing (``bench/bench_flow.py``).
    """
    saved = 0
    for bundle in readings:
        try:
            save_reading(out_dir, bundle)
            saved += 1
        except (OSError, ValueError) as exc:
            logger.warning("reading of %s not saved: %s", bundle.reading.source_path, exc)
    return saved


class ReadingsWriter:
    """Writes the readings of each loaded group in order, on one thread; ``saved`` counts
    what was written. Leaving the ``with`` block waits for every group; leaving it on an
    exception (a Ctrl-C) finishes the group being written and drops the ones waiting: those
    documents are loaded, and the report reads their files again."""

    def __init__(self, out_dir: str, logger: logging.Logger, pending: int = 2):
        self.out_dir, self.logger, self.pending = out_dir, logger, max(1, pending)
        self.saved = 0
        self._writing: deque[Future[int]] = deque()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readings-writer")

    def write(self, readings: list[ReadingBundle]) -> None:
        """Queue ``readings`` to be written; waits while ``pending`` groups are queued."""
        while len(self._writing) >= self.pending:
            self._count(self._writing.popleft())
        self._writing.append(self._pool.submit(save_readings, readings, self.out_dir,
                                               self.logger))

    def _count(self, future: Future[int]) -> None:
        if future.cancelled():  # dropped at a Ctrl-C (``__exit__``)
            return
        try:
            self.saved += future.result()
        except Exception as exc:  # noqa: BLE001 - a reading is never worth a run
            self.logger.warning("readings not saved: %s: %s", type(exc).__name__, exc)

    def close(self) -> int:
        """Wait until every queued reading is written; returns how many were."""
        while self._writing:
            self._count(self._writing.popleft())
        self._pool.shutdown()
        return self.saved

    def __enter__(self) -> ReadingsWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:  # the group being written finishes, the waiting ones go
            self._pool.shutdown(wait=True, cancel_futures=True)
        self.close()
