"""A run over an inbox that has not changed since the last one, answered without Prefect.

``dispatches run`` asks this first: when every file of the inbox is already in the dataset
(its sha256, by this pipeline version, at this path, not failed), no document under the
inbox has gone, and the outputs show the data as it is (``pipeline.load.outputs``), the run
has nothing to extract, load, export or render. It is recorded in ``runs`` like any run, and
``runs.parquet`` written again; starting Prefect and its API would cost more than the
whole of it. Anything else — a new, changed, moved, gone, unreadable or copied file, a
failure to retry, another pipeline version, a dataset another process holds — answers
``None``: the flow does the run. No module here imports Prefect.
"""
from __future__ import annotations

import hashlib
import time
import uuid
from pathlib import Path

from flows.inbox import folders_inside
from flows.summary import RunSummary, add_dataset_figures, stale_run_age
from pipeline.extract.version import PIPELINE_VERSION
from pipeline.load import (DEFAULT_REGISTER, DatasetLockedError, dataset_exists, dataset_target,
                           open_store)
from pipeline.load.outputs import EXPORTS, REPORT, export_files, outputs_current, outputs_token
from pipeline.readers import supported_suffixes
from pipeline.readers.walk import list_folder
from schemas.dataset import SCHEMA_VERSION


def inbox_hashes(inbox: str, exclude: list[Path]) -> dict[str, str] | None:
    """sha256 → path of every file of the inbox; None when one is not plainly readable, is
    a copy of another, or something was left unread (the flow says why)."""
    listing = list_folder(Path(inbox), supported_suffixes(), exclude)
    if listing.skipped:
        return None
    found: dict[str, str] = {}
    for path in listing.files:
        try:
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
        if sha in found:
            return None
        found[sha] = str(path)
    return found


def _unchanged(store, inbox: str, present: dict[str, str]) -> bool:
    """Every file stored as it is, and nothing under the inbox to withdraw or restore."""
    root = Path(inbox)
    seen = 0
    for doc_id, path, status, withdrawn, version in store.query(
            "SELECT doc_id, source_path, status, withdrawn_at, pipeline_version FROM documents"):
        if doc_id in present:
            if (path != present[doc_id] or withdrawn is not None or status == "failed"
                    or version != PIPELINE_VERSION):
                return False
            seen += 1
        elif (withdrawn is None and status != "failed" and path
              and Path(path).is_relative_to(root)):
            return False  # gone from the inbox: the flow withdraws it
    return seen == len(present)


def unchanged_run(inbox: str, out: str, db: str | None = None, *,
                  quarantine_dir: str | None = None, write_report: bool = True,
                  register: str = DEFAULT_REGISTER) -> RunSummary | None:
    """The summary of a run over ``inbox`` that finds nothing to do, recorded in the
    dataset; None when there is something to do (or to say) and the flow must run.

    ``register`` is not used: an unchanged inbox has no document to register.
    """
    started = time.perf_counter()
    out_dir = Path(out)
    qdir = Path(quarantine_dir) if quarantine_dir else out_dir / "quarantine"
    target = dataset_target(out_dir, db)
    if not dataset_exists(target):
        return None
    present = inbox_hashes(inbox, [qdir, out_dir])
    if present is None:
        return None
    try:
        store = open_store(target, lock_timeout=0)
    except DatasetLockedError:
        return None
    with store:
        if store.schema_version() != SCHEMA_VERSION or not _unchanged(store, inbox, present):
            return None
        token = outputs_token(target, store.dataset_token())
        index = out_dir / "report" / "index.html"
        if not outputs_current(out_dir, EXPORTS, token, export_files(out_dir)) or (
                write_report and not outputs_current(out_dir, REPORT, token, [index])):
            return None
        run_id = f"unchanged-{uuid.uuid4()}"
        summary = RunSummary(run_id=run_id, inbox=inbox, target=target,
                             pipeline_version=PIPELINE_VERSION)
        summary.excluded = folders_inside(
            inbox, out=out_dir, quarantine=None if qdir.is_relative_to(out_dir) else qdir)
        summary.files_seen = summary.skipped = len(present)
        summary.interrupted_runs = store.start_run(run_id, inbox, PIPELINE_VERSION,
                                                   stale_after=stale_run_age())
        summary.seconds = time.perf_counter() - started
        store.finish_run(run_id, "completed", summary.counts)
        store.export_parquet(out_dir, ["runs"])
        add_dataset_figures(summary, store)
        if write_report:
            summary.report = str(index)
    return summary
