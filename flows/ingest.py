"""The ingest flow: inbox folder → records → the normalised dataset.

    discover (hash every file) → skip what the dataset already holds at this pipeline
    version → extraction tasks, one per BATCH of files (cached by content hash + pipeline
    version) → load each batch as it completes (one transaction) → quarantine failed files →
    export Parquet + records.jsonl → summary artifact.

Run it with ``dispatches run INBOX --out DIR`` (Prefect's ephemeral local API: no server to
start) or ``run_ingest(...)`` from Python. The inbox is read only; the one change made to it is
moving a failed file into the quarantine folder, which ``quarantine=False`` turns off.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from flows.progress import ProgressLine
from flows.summary import RunSummary
from flows.tasks import (
    BatchResult, FileRef, discover_inbox, extract_batch, load_batch, quarantine_failures,
)
from pipeline.extract import failed_record
from pipeline.load import open_store
from pipeline.extract.version import PIPELINE_VERSION
from schemas import Record

DEFAULT_BATCH_SIZE = 50
DUCKDB_NAME = "dispatches.duckdb"


def dataset_target(out: Path, db: str | None) -> str:
    """Where the dataset goes: ``--db URL`` or ``OUT/dispatches.duckdb``."""
    return db or str(out / DUCKDB_NAME)


def batches_of(files: list[FileRef], size: int) -> list[list[FileRef]]:
    size = max(1, size)
    return [files[i:i + size] for i in range(0, len(files), size)]


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


@flow(name="ingest", task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 2),
      validate_parameters=True)
def ingest(inbox: str, out: str = "out", db: str | None = None,
           batch_size: int = DEFAULT_BATCH_SIZE, quarantine: bool = True,
           quarantine_dir: str | None = None, file_timeout: float | None = 120.0,
           refresh_cache: bool = False, show_progress: bool = False) -> RunSummary:
    """Register every dispatch in ``inbox`` into the dataset (DuckDB in ``out`` or ``db``).

    quarantine: move failed files to ``quarantine_dir`` (default ``OUT/quarantine``); when
    off, the inbox is left untouched and only the ``.error.json`` reports are written there.
    """
    logger = get_run_logger()
    started = time.perf_counter()
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    qdir = Path(quarantine_dir) if quarantine_dir else out_dir / "quarantine"
    run_id = str(flow_run.id or f"local-{int(time.time())}")
    target = dataset_target(out_dir, db)
    summary = RunSummary(run_id=run_id, inbox=inbox, target=target,
                         pipeline_version=PIPELINE_VERSION)

    store = open_store(target)
    finished = False
    try:
        store.ensure_schema()
        store.start_run(run_id, inbox, PIPELINE_VERSION)
        files = discover_inbox(inbox, [str(qdir), str(out_dir)])
        stored = store.stored_documents()
        pending = [f for f in files if needs_extraction(f, stored)]
        summary.files_seen, summary.skipped = len(files), len(files) - len(pending)
        batches = batches_of(pending, batch_size)
        logger.info("%d files, %d already loaded, %d to extract in %d batches",
                    len(files), summary.skipped, len(pending), len(batches))

        extract = extract_batch.with_options(refresh_cache=refresh_cache)
        futures = {extract.submit(batch, file_timeout): batch for batch in batches}
        progress = ProgressLine(len(pending), enabled=show_progress)
        for future in as_completed(list(futures)):
            batch = futures[future]
            try:
                result: BatchResult = future.result()
            except Exception as exc:  # retries exhausted: the batch's files fail, the run goes on
                logger.error("extraction batch failed: %s", exc)
                result = BatchResult([failed_record(Path(f.path), f"{f.path}: {exc}")
                                      for f in batch])
            records = [_with_path(r, f.path) for r, f in zip(result.records, batch)]
            summary.extracted += len(records)
            summary.loaded += load_batch(store, records, run_id)
            failed = [r for r in records if r.status == "failed"]
            summary.ok += sum(r.status == "ok" for r in records)
            summary.partial += sum(r.status == "partial" for r in records)
            summary.failed += len(failed)
            summary.timed_out += len(result.timed_out)
            summary.failures += [(r.source.path, r.error or "failed") for r in failed]
            if failed:
                moved = quarantine_failures(failed, inbox, str(qdir), quarantine, run_id)
                summary.quarantined += sum(q.moved_to is not None for q in moved)
            progress.advance(len(records), len(failed))
        progress.close()

        summary.seconds = time.perf_counter() - started
        store.finish_run(run_id, "completed", summary.counts)
        finished = True
        store.export_parquet(out_dir)
        store.export_records(out_dir / "records.jsonl")
        summary.overdue = [tuple(str(v) if v is not None else None for v in row)
                           for row in store.overdue_deadlines()]
        summary.overdue_total = store.overdue_count()
        summary.dataset_rows = store.count_rows()
    finally:
        try:
            if not finished:
                store.finish_run(run_id, "failed", summary.counts)
        finally:
            store.close()
    create_markdown_artifact(key="ingest-summary", markdown=summary.to_markdown(),
                             description=f"dispatches ingest of {inbox}")
    logger.info("run %s: %s", run_id, summary.counts)
    return summary


def run_ingest(inbox: str | Path, out: str | Path = "out", *, db: str | None = None,
               runner: str = "threads", dask_address: str | None = None,
               workers: int | None = None, **params) -> RunSummary:
    """Run the flow in this process (ephemeral Prefect API unless PREFECT_API_URL is set)."""
    flow_ = ingest.with_options(task_runner=task_runner_for(runner, dask_address, workers))
    return flow_(inbox=str(inbox), out=str(out), db=db, **params)
