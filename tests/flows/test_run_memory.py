"""What a run keeps in memory past its phases (issue 14): nothing of a document once its
batch is loaded, and no extraction process once the extraction is over."""
from __future__ import annotations

import gc

import psutil
import pytest

import flows.ingest as ingest
from fixtures.dispatches import write_inbox
from flows.ingest import run_ingest
from pipeline.extract import ReadingBundle
from schemas import Record

pytestmark = pytest.mark.slow


def live(kind: type) -> int:
    gc.collect()
    return sum(isinstance(o, kind) for o in gc.get_objects())


def worker_processes() -> list[psutil.Process]:
    found = []
    for p in psutil.Process().children(recursive=True):
        try:
            if "pipeline.extract.worker" in " ".join(p.cmdline()):
                found.append(p)
        except psutil.Error:  # a zombie (ended, not yet reaped) or gone: not a live worker
            continue
    return found


def test_at_the_export_no_document_and_no_worker_outlives_the_extraction(
        flow_env, tmp_path, monkeypatch):
    write_inbox(tmp_path / "inbox", 12)
    seen = {}
    export = ingest.export_dataset

    def export_dataset(run):
        seen.update(records=live(Record), readings=live(ReadingBundle),
                    workers=worker_processes())
        export(run)

    monkeypatch.setattr(ingest, "export_dataset", export_dataset)
    summary = run_ingest(tmp_path / "inbox", tmp_path / "out", batch_size=3,
                         refresh_cache=True, write_report=False)
    assert summary.loaded == 12
    # 12 records and readings were made, in 4 batches; the flow keeps counts only
    assert seen == {"records": 0, "readings": 0, "workers": []}
