"""A rerun over an unchanged inbox writes nothing again but runs.parquet; a change to the
data (a correction, a file) or a missing output brings the exports and the report back."""
from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from fixtures.dispatches import write_inbox
from flows.ingest import run_ingest
from pipeline.load import open_store

pytestmark = pytest.mark.slow


def written(out) -> dict[str, int]:
    """When each output was last written (ns), by name."""
    names = ["documents.parquet", "v_incoming_register.parquet", "records.jsonl",
             "report/index.html"]
    return {n: (out / n).stat().st_mtime_ns for n in names}


def subjects(out) -> list[str]:
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return sorted(json.loads(line)["subject"] for line in lines)


def test_an_unchanged_inbox_is_not_exported_again(flow_env, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    write_inbox(inbox, 4)
    first = run_ingest(inbox, out, quarantine=False)
    before, listed = written(out), subjects(out)

    again = run_ingest(inbox, out, quarantine=False)
    assert (again.skipped, again.loaded) == (4, 0)
    assert written(out) == before
    assert subjects(out) == listed
    assert again.report == first.report
    assert pq.read_table(out / "runs.parquet").num_rows == 2  # this run is listed

    with open_store(out / "dispatches.duckdb") as store:
        doc_id = store.query("SELECT doc_id FROM documents ORDER BY source_path")[0][0]
        store.add_correction(doc_id, "subject", "về việc đã hiệu chỉnh", "chuyên viên")
    corrected = run_ingest(inbox, out, quarantine=False)
    assert corrected.loaded == 0
    now = written(out)
    assert all(now[n] != before[n] for n in now)
    assert "về việc đã hiệu chỉnh" in subjects(out)
    assert "về việc đã hiệu chỉnh" in (out / "report" / "index.html").read_text(encoding="utf-8")

    (out / "records.jsonl").unlink()  # an output gone: written again
    run_ingest(inbox, out, quarantine=False, write_report=False)
    assert "về việc đã hiệu chỉnh" in subjects(out)
