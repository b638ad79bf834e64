"""Prefect tasks of the ingest flow: thin wrappers that orchestrate pipeline functions.

A task is a BATCH of files, never one file: Prefect costs about 12 ms per task run on these
machines, more than extracting a small text dispatch. Retries (with exponential back-off)
happen only for transient I/O errors (``TransientReadError``); a bad file is a failed record,
not a failed task. A batch also returns what was read of each file (``ReadingBundle``), which
the flow writes to ``OUT/readings/`` for the report and the review app (``flows.readings``).

A batch is cached only when every file in it was extracted: a failure (Tesseract missing, a
timeout, a file being written) may not happen again, so it is never answered from the cache.
"""
from __future__ import annotations

import base64
import datetime as dt
import errno
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from prefect.serializers import PickleSerializer
from prefect.tasks import exponential_backoff
from prefect.transactions import get_transaction
from prefect.utilities.hashing import hash_objects
from prefect.utilities.importtools import from_qualified_name
from pydantic import Field

from flows.progress import file_extracted
from flows.quarantine import Quarantined, quarantine_file
from pipeline.extract import ReadingBundle
from pipeline.extract.record import Extracted
from pipeline.extract.worker import ExtractionWorker
from pipeline.readers import supported_suffixes
from pipeline.readers.walk import list_folder
from pipeline.extract.version import PIPELINE_VERSION
from schemas import Record

# Errors that say something about the file itself: retrying will not help.
_PERMANENT_OSERRORS = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)
_PERMANENT_ERRNOS = {errno.ENAMETOOLONG, errno.ELOOP}


class TransientReadError(OSError):
    """Reading a file failed in a way that may pass (EIO, ESTALE, EAGAIN on a network share…)."""


@dataclass(frozen=True)
class FileRef:
    """A file found in the inbox, with the sha256 of its bytes (the record's doc_id)."""

    path: str
    sha256: str | None
    size: int | None = None
    read_error: str | None = None
    # the day the file reached the inbox (its modification time, local): ngày đến when the
    # document bears no arrival stamp
    received: dt.date | None = None


@dataclass
class InboxListing:
    """The files of the inbox, and what was not read with its reason (path, reason)."""

    files: list[FileRef]
    not_read: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class BatchResult:
    records: list[Record]
    timed_out: list[str] = field(default_factory=list)
    # what was read of each file, in the order of ``records`` (None: a failed file); part of
    # the cached result, so a batch answered from the cache still saves its readings
    readings: list[ReadingBundle | None] = field(default_factory=list)
    # a failed file's traceback, by path, taken when it failed (quarantine shows it)
    explanations: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def joined(cls, results: list[BatchResult]) -> BatchResult:
        """One result for batches loaded together, their records in the batches' order."""
        if len(results) == 1:
            return results[0]
        return cls(records=[r for result in results for r in result.records],
                   timed_out=[p for result in results for p in result.timed_out],
                   readings=[b for result in results for b in result.readings],
                   explanations={path: tb for result in results
                                 for path, tb in result.explanations.items()})

    def release(self) -> None:
        """Empty this result once its batch is stored. Prefect's future holds it in a
        reference cycle (future ↔ state), which only a full collection of the garbage
        collector frees: each batch's ~3,000 objects (records, provenance, readings)
        outlived the young collections and waited for one in the oldest generation (a
        10,000-document run held ~35 MB more at its peak, measured)."""
        self.records, self.readings, self.timed_out, self.explanations = [], [], [], {}


def is_transient(exc: BaseException) -> bool:
    return (isinstance(exc, OSError) and not isinstance(exc, _PERMANENT_OSERRORS)
            and exc.errno not in _PERMANENT_ERRNOS)


def retry_if_transient(task, task_run, state) -> bool:
    """``retry_condition_fn``: retry only when the task failed on a transient I/O error."""
    exc = state.result(raise_on_failure=False)
    return isinstance(exc, TransientReadError)


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a transient OS error becomes ``TransientReadError`` (so it is retried)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        if is_transient(exc):
            raise TransientReadError(exc.errno, f"{path}: {exc.strerror or exc}") from exc
        raise


def file_ref(path: Path) -> FileRef:
    try:
        data = read_bytes(path)
    except TransientReadError:
        raise
    except OSError as exc:  # permanent: extraction will turn it into a failed record
        return FileRef(str(path), None, None, f"{path}: cannot read file: {exc.strerror or exc}")
    try:
        received = dt.date.fromtimestamp(path.stat().st_mtime)
    except OSError:
        received = None
    return FileRef(str(path), hashlib.sha256(data).hexdigest(), len(data), received=received)


@task(name="discover-inbox", retries=3, retry_delay_seconds=exponential_backoff(0.5),
      retry_condition_fn=retry_if_transient, cache_policy=NO_CACHE)
def discover_inbox(inbox: str, exclude: list[str]) -> InboxListing:
    """List the inbox and hash every file (sha256 of the bytes = doc_id = cache key); links
    out of the inbox, dangling links and unreadable folders are listed as not read."""
    listing = list_folder(Path(inbox), supported_suffixes(), [Path(e) for e in exclude])
    return InboxListing([file_ref(p) for p in listing.files],
                        [(str(s.path), s.reason) for s in listing.skipped])


def batch_cache_key(context: TaskRunContext, parameters: dict) -> str | None:
    """Cache key of an extraction batch: the files' sha256 and the pipeline version.

    Not the paths (``cache_policy=INPUTS`` would hash those): the same bytes anywhere give
    the same record, and a changed file gets a new key. ``None`` (no caching) when a file
    could not be hashed.
    """
    files: list[FileRef] = parameters["files"]
    if any(f.sha256 is None for f in files):
        return None
    # "v3": a cached result must have every field of today's BatchResult
    return "extract-v3-" + hash_objects(PIPELINE_VERSION, [f.sha256 for f in files],
                                        parameters.get("file_timeout"))


def keep_out_of_cache(result: BatchResult) -> None:
    """Do not store a batch with a failed file under its cache key: the cause may be fixed
    by the next run (a program installed, a file finished writing, a longer timeout).

    Every task run is a Prefect transaction that writes its result on commit; turning
    ``write_on_commit`` off is how Prefect's own engine keeps a result out of the cache.
    """
    txn = get_transaction()
    if txn is not None and any(r.status == "failed" for r in result.records):
        txn.write_on_commit = False


def file_bytes(ref: FileRef) -> bytes | None:
    """The bytes to extract ``ref`` from; ``None`` when it could not be read when the inbox
    was listed (the worker reads it again: its record says why it fails). A transient
    error raises (``TransientReadError``: the batch is retried)."""
    return read_bytes(Path(ref.path)) if ref.read_error is None else None


def extract_files(files: list[FileRef], timeout: float | None, worker: ExtractionWorker
                  ) -> Iterator[tuple[Extracted, bool]]:
    """(what was extracted, timed_out) of each file, in order: extracted in ``worker``, the
    next file handed over while this one's answer waits (``ExtractionWorker.extract_all``),
    each killed after ``timeout`` seconds (``None``/0: no limit)."""
    return worker.extract_all(((Path(ref.path), file_bytes(ref)) for ref in files), timeout)


class OneLinePickleSerializer(PickleSerializer):
    """Prefect's ``PickleSerializer`` (the standard pickle here), its base64 on one line.

    Prefect's ``base64.encodebytes`` breaks the text every 76 characters, in a Python loop
    of 57 bytes a turn, and the result record's JSON then escapes every break. Writing the
    result of a batch of 50 small dispatches (``ResultRecord.serialize``, in the run's own
    process) took 0.13–0.16 ms a document so, and 0.06–0.09 with ``b64encode``, one call;
    the ``loads`` it inherits reads both forms. A type of its own, named in each result it
    writes, so Prefect reads those back with it.
    """

    type: str = Field(default="dispatches-pickle", frozen=True)
    picklelib: str = "pickle"

    def dumps(self, obj) -> bytes:
        return base64.b64encode(from_qualified_name(self.picklelib).dumps(obj))


# cache_result_in_memory off: Prefect would keep the last 1000 results — every batch's
# records and readings to the end of the run; the cache on disk is what answers a rerun.
# The standard pickle, not Prefect's default cloudpickle: a BatchResult holds only
# importable classes, and cloudpickle's per-object hook took half the time of writing it
# (bench/bench_flow.py), in the run's own process.
@task(name="extract-batch", cache_key_fn=batch_cache_key, persist_result=True,
      result_serializer=OneLinePickleSerializer(),
      cache_result_in_memory=False, cache_expiration=dt.timedelta(days=30), retries=2,
      retry_delay_seconds=exponential_backoff(1), retry_jitter_factor=0.5,
      retry_condition_fn=retry_if_transient)
def extract_batch(files: list[FileRef], file_timeout: float | None = 120.0) -> BatchResult:
    """Extract a batch of files in a worker process (killed at a file's time limit, so a
    hanging file stops and the run can exit); every file gets a record (failed ones:
    status ``failed``, and then the batch is not cached)."""
    result = BatchResult([])
    with ExtractionWorker() as worker:
        for ref, (done, timed_out) in zip(files, extract_files(files, file_timeout, worker)):
            result.records.append(done.record)
            result.readings.append(done.reading)
            if timed_out:
                result.timed_out.append(ref.path)
            if done.traceback:
                result.explanations[ref.path] = done.traceback
            file_extracted(ref.path, done.record.status == "failed")
    keep_out_of_cache(result)
    return result


@task(name="load-batch", cache_policy=NO_CACHE, cache_result_in_memory=False, retries=2,
      retry_delay_seconds=exponential_backoff(1), retry_condition_fn=retry_if_transient)
def load_batch(store, records: list[Record], run_id: str, register: str,
               received: dict[str, dt.date]) -> int:
    """Upsert one batch of records into the dataset (one transaction), giving new documents
    their số đến in ``register``."""
    return store.load_records(records, run_id, register=register, received=received)


@task(name="quarantine-failures", cache_policy=NO_CACHE, cache_result_in_memory=False)
def quarantine_failures(records: list[Record], inbox: str, quarantine_dir: str, move: bool,
                        run_id: str, timed_out: list[str] = (),
                        explanations: dict[str, list[str]] | None = None) -> list[Quarantined]:
    """Move failed files out of the inbox (after their rows are committed) with the reason;
    ``timed_out``: the paths that failed by running out of time; ``explanations``: tracebacks
    taken when the files failed (``BatchResult.explanations``; no file is run again)."""
    return [quarantine_file(r, Path(inbox), Path(quarantine_dir), move=move, run_id=run_id,
                            timed_out=r.source.path in timed_out,
                            explanation=(explanations or {}).get(r.source.path))
            for r in records if r.status == "failed"]
