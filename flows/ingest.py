"""The ingest flow: inbox folder → records → the normalised dataset.

    discover (hash every file) → skip what the dataset already holds at this pipeline
    version → extraction tasks, one per BATCH of files (cached by content hash + pipeline
    version) → load the batches as they complete (one transaction for those done by the time
    the loader is free), save what was read of each file (OUT/readings/) → quarantine failed
    files → export Parquet + records.jsonl → the review report (OUT/report/) → summary
    artifact.

The pipeline version (``pipeline.extract.version``) is the package version plus a digest of
every source that decides a record, so changed extraction code re-extracts stored documents
and misses the cache; a change to loading, reports or this flow does not.

``ingest`` only sequences the steps below (start_run → plan_batches → extract_and_load →
export_dataset → report_run → publish_summary); each step is a plain function.

Run it with ``dispatches run INBOX --out DIR`` (Prefect's ephemeral local API: no server to
start) or ``run_ingest(...)`` from Python. The inbox is read only; the one change made to it is
moving a failed file into the quarantine folder, which ``quarantine=False`` turns off.
"""
from __future__ import annotations

import heapq
import math
import os
import queue
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.inbox import folders_inside, overlap_error
from flows.interrupt import interrupted
from flows.memory import extraction_over, release_free_memory
from flows.progress import announce, files_progress
from flows.readings import ReadingsWriter
from flows.summary import RunSummary, add_dataset_figures, stale_run_age
from flows.tasks import (
    BatchResult, FileRef, discover_inbox, extract_batch, load_batch, quarantine_failures,
)
from pipeline.extract import ReadingBundle, failed_record
from pipeline.extract.version import PIPELINE_VERSION
from pipeline.load import DEFAULT_REGISTER, dataset_target, open_store
from pipeline.load.outputs import (EXPORTS, REPORT, export_files, outputs_current, outputs_token,
                                   stamp_outputs)
from pipeline.report import write_report as write_review_report
from schemas import Record

DEFAULT_BATCH_SIZE = 50
RECORDS = "records.jsonl"


def batches_of(files: list[FileRef], size: int, workers: int = 1) -> list[list[FileRef]]:
    """Batches of at most ``size`` files, and at least ``workers`` batches when there are
    files enough, so that a small inbox still keeps every worker busy.

    With several workers the files are dealt largest first to the lightest batch: bytes
    stand in for work, so the slow scans (big files, one OCR core each) land in different
    batches instead of queueing behind each other in one. The plan depends only on the
    files, so the same inbox gets the same batches (and cache keys) every run.
    """
    size = max(1, size)
    if workers <= 1 or len(files) <= 1:
        return [files[i:i + size] for i in range(0, len(files), size)]
    count = max(math.ceil(len(files) / size), min(workers, len(files)))
    batches: list[list[FileRef]] = [[] for _ in range(count)]
    # the batches not full yet, lightest first: (bytes, files, index); a heap, because
    # scanning every batch for every file grew as files × batches (seconds at 100,000)
    lightest = [(0, 0, k) for k in range(count)]
    for f in sorted(files, key=lambda f: (-(f.size or 0), f.path)):
        weight, n, i = heapq.heappop(lightest)
        batches[i].append(f)
        if n + 1 < size:
            heapq.heappush(lightest, (weight + (f.size or 0), n + 1, i))
    ordered = [sorted(b, key=lambda f: f.path) for b in batches if b]
    return sorted(ordered, key=lambda b: b[0].path)


def copies_of(files: list[FileRef]) -> list[tuple[str, str]]:
    """(path, first path) of each file whose bytes another file already has: the same
    document received twice is registered once (its doc_id is its content), and said."""
    first: dict[str, str] = {}
    copies = []
    for f in files:
        if f.sha256 in first:
            copies.append((f.path, first[f.sha256]))
        elif f.sha256:
            first[f.sha256] = f.path
    return copies


def needs_extraction(ref: FileRef, stored: dict) -> bool:
    """New files, files stored by another pipeline version, and earlier failures."""
    have = stored.get(ref.sha256) if ref.sha256 else None
    return have is None or have.pipeline_version != PIPELINE_VERSION or have.status == "failed"


def _with_path(record: Record, path: str) -> Record:
    """A cached record may come from the same bytes at another path: point it at this file."""
    old = record.source.path
    if old == path:
        return record
    update: dict = {"source": record.source.model_copy(update={"path": path})}
    if record.error:  # errors name their file
        update["error"] = record.error.replace(old, path)
    return record.model_copy(update=update)


def _reading_at(bundle: ReadingBundle, path: str) -> ReadingBundle:
    """A cached reading, like a cached record, names the file it now stands for."""
    if bundle.reading.source_path == path:
        return bundle
    return ReadingBundle(bundle.reading.model_copy(update={"source_path": path}), bundle.images)


def task_runner_for(runner: str = "threads", dask_address: str | None = None,
                    workers: int | None = None):
    """``threads`` (default) or ``dask`` (prefect-dask: a LocalCluster, or ``dask_address``)."""
    workers = workers or os.cpu_count() or 2
    if runner == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                              "dashboard_address": None})
    raise ValueError(f"unknown runner {runner!r}: use threads or dask")


@dataclass
class IngestRun:
    """What the steps of one ingest run share: where it reads and writes, and its counts."""

    inbox: str
    out_dir: Path
    quarantine_dir: Path
    quarantine: bool
    run_id: str
    summary: RunSummary
    register: str
    logger: Any
    started: float = field(default_factory=time.perf_counter)
    # doc_id → path of every file read in the inbox this run (the dataset follows it)
    present: dict[str, str] = field(default_factory=dict)
    # what the outputs are written from (``pipeline.load.outputs``), once the data is in
    outputs: str | None = None


def start_run(inbox: str, out: str, db: str | None, quarantine: bool,
              quarantine_dir: str | None, register: str = DEFAULT_REGISTER) -> IngestRun:
    """Step 1: the output folder, the run id, the target and an empty summary.

    The run's own folders are never read as input, so an inbox inside one of them would
    give a run that reads nothing: refused (``ValueError``); inside the inbox they are left
    out of it, and the summary says so.
    """
    out_dir = Path(out)
    qdir = Path(quarantine_dir) if quarantine_dir else out_dir / "quarantine"
    if error := overlap_error(inbox, out=out_dir, quarantine=qdir):
        raise ValueError(error)
    out_dir.mkdir(parents=True, exist_ok=True)
    run_id = str(flow_run.id or f"local-{int(time.time())}")
    summary = RunSummary(run_id=run_id, inbox=inbox, target=dataset_target(out_dir, db),
                         pipeline_version=PIPELINE_VERSION)
    summary.excluded = folders_inside(
        inbox, out=out_dir, quarantine=None if qdir.is_relative_to(out_dir) else qdir)
    return IngestRun(inbox, out_dir, qdir, quarantine, run_id, summary, register,
                     get_run_logger())


def plan_batches(run: IngestRun, store, batch_size: int,
                 workers: int | None = None) -> list[list[FileRef]]:
    """Step 2: hash the inbox, skip what the dataset holds at this version, batch the rest."""
    listing = discover_inbox(run.inbox, [str(run.quarantine_dir), str(run.out_dir)])
    files, run.summary.not_read = listing.files, listing.not_read
    run.summary.copies = copies_of(files)
    copies = {path for path, _ in run.summary.copies}
    # a copy is the same document: read once, at the first path
    run.present = {f.sha256: f.path for f in reversed(files) if f.sha256}
    for path, first in run.summary.copies:
        run.logger.warning("%s has the same bytes as %s: one document", path, first)
    for path, reason in listing.not_read:
        run.logger.warning("not read: %s: %s", path, reason)
    stored = store.stored_documents()
    pending = [f for f in files if f.path not in copies and needs_extraction(f, stored)]
    run.summary.files_seen, run.summary.skipped = len(files), len(files) - len(pending)
    batches = batches_of(pending, batch_size, workers or os.cpu_count() or 1)
    run.logger.info("%d files, %d already loaded, %d to extract in %d batches",
                    len(files), run.summary.skipped, len(pending), len(batches))
    return batches


def batch_result(future, batch: list[FileRef], logger) -> BatchResult:
    """The records of a finished batch; a batch whose retries ran out fails file by file."""
    try:
        return future.result()
    except Exception as exc:  # retries exhausted: the batch's files fail, the run goes on
        logger.error("extraction batch failed: %s", exc)
        return BatchResult([failed_record(Path(f.path), f"{f.path}: {exc}") for f in batch])


def count_batch(summary: RunSummary, records: list[Record], result: BatchResult) -> list[Record]:
    """Add a loaded batch's outcomes to the summary; returns its failed records."""
    failed = [r for r in records if r.status == "failed"]
    summary.ok += sum(r.status == "ok" for r in records)
    summary.partial += sum(r.status == "partial" for r in records)
    summary.failed += len(failed)
    summary.timed_out += len(result.timed_out)
    summary.failures += [(r.source.path, r.error or "failed") for r in failed]
    return failed


def store_batch(run: IngestRun, store, batch: list[FileRef], result: BatchResult,
                readings: ReadingsWriter) -> list[Record]:
    """Step 4, for the files of the batches just done (``batch``, in order, and their joined
    ``result``): load them (one transaction), count them, hand what was read of them to
    ``readings`` (written while the next batches load), then move the failed ones to
    quarantine; returns their records."""
    records = [_with_path(r, f.path) for r, f in zip(result.records, batch)]
    run.summary.extracted += len(records)  # counted even if the load fails
    received = {r.doc_id: f.received for r, f in zip(records, batch) if f.received}
    # quote(): Prefect would walk every field of every record looking for futures, twice
    # per task (most of its cost per document: bench/bench_flow.py); these are plain values
    run.summary.loaded += load_batch(store, quote(records), run.run_id, run.register,
                                     quote(received))
    failed = count_batch(run.summary, records, result)
    read = [_reading_at(b, f.path) for b, f in zip(result.readings, batch) if b is not None]
    if read:
        readings.write(read)
    if failed:
        moved = quarantine_failures(quote(failed), run.inbox, str(run.quarantine_dir),
                                    run.quarantine, run.run_id, result.timed_out,
                                    quote(result.explanations))
        run.summary.quarantined += sum(q.moved_to is not None for q in moved)
    return records


def batches_ahead(workers: int | None = None) -> int:
    """Batches submitted and not yet loaded, at most: four per worker (default: one worker
    per CPU). Every worker has its next batch waiting, and a loader that falls behind finds
    up to four batches per worker finished, which it loads in one transaction
    (``finished_batches``). So its transactions grow as a run's linking work does (the
    later a document comes, the likelier what it cites, or repeats, is loaded already), and
    its cost per document falls back: a run's records loaded alone, in the order the flow
    deals them, cost 0.94 ms of CPU per document after the first thousand in transactions
    of 125 documents and 0.73 in transactions of 250 (least of three loads), about what
    the linking adds by then. Over 10,000 documents on two cores (``bench/bench_scale.py``)
    the late transactions held 190–290 documents, not ~145 as with two batches per worker;
    the last thousand's pace ÷ the first's did not change beyond the host's noise (median
    of 20 runs 0.90, of 30 before ~0.93); the peak memory rose from 437 to 452 MB:
    finished batches wait only while the loader is behind."""
    return 4 * (workers or os.cpu_count() or 1)


def finished_batches(batches: list[list[FileRef]], submit: Callable[[list[FileRef]], Any],
                     ahead: int) -> Iterator[list[tuple[Any, list[FileRef]]]]:
    """The batches as they finish, each time as (future, batch) of every one finished by
    then (at least one, in the order they finished), ``submit`` called for at most ``ahead``
    batches not yet handed out; as many are submitted as are handed out, so extraction goes
    on while those are loaded.

    Every finished batch at once, not one: the caller loads them in one transaction (a
    group commit). DuckDB's cost is mostly per statement, not per row (the loader alone, per
    document: 1.08 ms in transactions of 50 documents, 0.79 of 100, 0.62 of 200), so a loader
    that falls behind catches up with bigger transactions (over 10,000 documents, most held
    every batch the window allowed, and the run went 20–50% faster).

    Not all the batches at once: extraction outruns the loader (both share two cores), so
    the finished batches waited in memory, with their records and readings (about 50 KB a
    document), and a run's memory grew with its inbox; and the loader, left behind, drained
    them only at the end. Not Prefect's ``as_completed`` either: it keeps a set of every
    future it was given until the last one is yielded, and with each its state and result.
    Nothing is kept here once handed out."""
    finished: queue.SimpleQueue = queue.SimpleQueue()
    waiting = iter(batches)

    def start() -> int:
        batch = next(waiting, None)
        if batch is None:
            return 0
        # called with the Prefect future, any runner
        submit(batch).add_done_callback(lambda future: finished.put((future, batch)))
        return 1

    running = sum(start() for _ in range(max(1, ahead)))

    def take() -> list[tuple[Any, list[FileRef]]]:
        nonlocal running
        done = [finished.get()]
        while len(done) < running:
            try:
                done.append(finished.get_nowait())
            except queue.Empty:
                break
        running += sum(start() for _ in done) - len(done)
        return done

    while running:
        yield take()  # no name of this frame holds them while the next ones are awaited


def extract_and_load(run: IngestRun, store, batches: list[list[FileRef]], refresh_cache: bool,
                     file_timeout: float | None, show_progress: bool,
                     ahead: int | None = None) -> None:
    """Steps 3 and 4: extract the batches in parallel (one task per batch), load them as
    they are done: every batch finished by the time the loader is free, in one transaction
    (``finished_batches``); ``ahead``: batches submitted and not yet loaded, at most
    (default: ``batches_ahead()``). Returns once every reading is written
    (``flows.readings``), counted in the summary."""
    extract = extract_batch.with_options(refresh_cache=refresh_cache)
    ahead = ahead or batches_ahead()
    readings = ReadingsWriter(str(run.out_dir), run.logger)
    try:
        with files_progress(sum(len(b) for b in batches), show_progress) as progress, readings:
            # the batch is not quote()d (Prefect walks its 50 FileRefs): a Dask graph takes the
            # quote, a tuple, apart, and the task gets a plain tuple
            for finished in finished_batches(
                    batches, lambda batch: extract.submit(batch, file_timeout), ahead):
                results = [batch_result(future, batch, run.logger) for future, batch in finished]
                files = [f for _, batch in finished for f in batch]
                records = store_batch(run, store, files, BatchResult.joined(results), readings)
                for result in results:
                    result.release()
                # files the tasks did not report (cached batches, Dask): counted here
                progress.batch_loaded([(f.path, r.status == "failed")
                                       for f, r in zip(files, records)], len(records))
    finally:  # a Ctrl-C too: what was written is counted
        run.summary.readings += readings.saved


def follow_inbox(run: IngestRun, store) -> None:
    """Step 4b: the dataset follows the inbox — moved files take their new path, files gone
    are marked withdrawn, files back are live again (edited files were replaced as loaded)."""
    changes = store.follow_inbox(run.inbox, run.present, run.run_id)
    run.summary.withdrawn = changes.withdrawn
    run.summary.moved = len(changes.moved)
    run.summary.restored = len(changes.restored)
    for path in changes.withdrawn:
        run.logger.info("withdrawn: %s is no longer in the inbox", path)


def export_dataset(run: IngestRun) -> None:
    """Step 5 (after the run is marked completed): records.jsonl, Parquet, overdue deadlines.

    Exports that show the data as it is (``pipeline.load.outputs``: nothing loaded,
    corrected or followed since, same day) are left as they are, but for ``runs.parquet``,
    which gains this run.

    Each on a connection of its own, the loader's closed: reading every stored record,
    DuckDB keeps what it read until its connection closes (~60 MB over 10,000 documents,
    outside ``duckdb_memory()``), and the Parquet export reads them again and sorts them:
    one after the other, the run's peak is the larger of the two, not their sum (~10 MB
    less, measured).
    """
    target = run.summary.target
    with open_store(target) as store:
        run.outputs = outputs_token(target, store.dataset_token())
        if outputs_current(run.out_dir, EXPORTS, run.outputs, export_files(run.out_dir)):
            run.logger.info("dataset unchanged since its last export: only runs.parquet written")
            store.export_parquet(run.out_dir, ["runs"])
            add_dataset_figures(run.summary, store)
            return
        stamp_outputs(run.out_dir, EXPORTS, None)
        store.export_records(run.out_dir / RECORDS)
    release_free_memory()
    with open_store(target) as store:
        store.export_parquet(run.out_dir)
        add_dataset_figures(run.summary, store)
    stamp_outputs(run.out_dir, EXPORTS, run.outputs)


def report_run(run: IngestRun) -> None:
    """Step 6: the review site ``OUT/report/`` from records.jsonl and the saved readings.

    A report that fails leaves the run as it is (the dataset is complete): logged and said
    in the summary. A report written from the same data (``pipeline.load.outputs``) is
    left as it is.
    """
    index = run.out_dir / "report" / "index.html"
    if run.outputs and outputs_current(run.out_dir, REPORT, run.outputs, [index]):
        run.summary.report = str(index)
        return
    try:
        stamp_outputs(run.out_dir, REPORT, None)
        run.summary.report = str(write_review_report(run.out_dir))
        if run.outputs:
            stamp_outputs(run.out_dir, REPORT, run.outputs)
    except Exception as exc:  # noqa: BLE001 - the run's data is in; the report is a view of it
        run.summary.report_error = f"{type(exc).__name__}: {exc}"
        run.logger.error("review report not written: %s", run.summary.report_error)


def mark_started(run: IngestRun, store) -> None:
    """Record the run as running; earlier runs left 'running' by a kill become 'interrupted'."""
    run.summary.interrupted_runs = store.start_run(run.run_id, run.inbox, PIPELINE_VERSION,
                                                   stale_after=stale_run_age())
    if run.summary.interrupted_runs:
        run.logger.warning("earlier runs marked interrupted: %s",
                           ", ".join(run.summary.interrupted_runs))


def publish_summary(run: IngestRun) -> None:
    """Step 7: the summary as a Prefect artifact and a log line."""
    create_markdown_artifact(key="ingest-summary", markdown=run.summary.to_markdown(),
                             description=f"dispatches ingest of {run.inbox}")
    run.logger.info("run %s: %s", run.run_id, run.summary.counts)


@flow(name="ingest", task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 2),
      validate_parameters=True)
def ingest(inbox: str, out: str = "out", db: str | None = None,
           batch_size: int = DEFAULT_BATCH_SIZE, quarantine: bool = True,
           quarantine_dir: str | None = None, file_timeout: float | None = 120.0,
           refresh_cache: bool = False, show_progress: bool = False,
           write_report: bool = True, workers: int | None = None,
           register_name: str = DEFAULT_REGISTER) -> RunSummary:
    """Register every dispatch in ``inbox`` into the dataset (DuckDB in ``out`` or ``db``).

    quarantine: move failed files to ``quarantine_dir`` (default ``OUT/quarantine``); when
    off, the inbox is left untouched and only the ``.error.json`` reports are written there.
    write_report: write the review site ``OUT/report/`` at the end of the run.
    workers: how many batches run at once (default: CPU count), to plan at least as many.
    register_name: the sổ đăng ký văn bản đến new documents get their số đến in.
    """
    run = start_run(inbox, out, db, quarantine, quarantine_dir, register_name)
    announce("reading the inbox")
    store = open_store(run.summary.target)
    finished = False
    try:
        store.ensure_schema()
        mark_started(run, store)
        batches = plan_batches(run, store, batch_size, workers)
        extract_and_load(run, store, batches, refresh_cache, file_timeout, show_progress,
                         ahead=batches_ahead(workers))
        extraction_over()  # idle workers would stay through the export and the report
        announce("following the inbox")
        follow_inbox(run, store)
        run.summary.seconds = time.perf_counter() - run.started
        store.finish_run(run.run_id, "completed", run.summary.counts)
        finished = True
    finally:
        try:
            if not finished:  # a Ctrl-C is no failure: 'interrupted', as a killed run is
                status = "interrupted" if interrupted(sys.exc_info()[1]) else "failed"
                store.finish_run(run.run_id, status, run.summary.counts)
        finally:
            store.close()
    announce("exporting")
    # on connections of their own: the loader's held what the loading cached (DuckDB's
    # buffers, indexes), which the export, reading every table once, does not need
    release_free_memory()
    export_dataset(run)
    release_free_memory()  # what the export freed, before the report allocates its own
    if write_report:
        announce("writing the report")
        report_run(run)
    publish_summary(run)
    return run.summary


def run_ingest(inbox: str | Path, out: str | Path = "out", *, db: str | None = None,
               runner: str = "threads", dask_address: str | None = None,
               workers: int | None = None, **params) -> RunSummary:
    """Run the flow in this process (ephemeral Prefect API unless PREFECT_API_URL is set)."""
    flow_ = ingest.with_options(task_runner=task_runner_for(runner, dask_address, workers))
    return flow_(inbox=str(inbox), out=str(out), db=db, workers=workers, **params)
