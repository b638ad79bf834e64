"""The real flow follows its inbox: ``Số: 215`` edited to ``Số: 216`` leaves one document (the
old version in documents_history, its số đến kept); a deleted file is withdrawn."""
from __future__ import annotations

import json

import pytest

from fixtures.dispatches import dispatch_text
from flows.ingest import run_ingest
from pipeline.load import open_store

pytestmark = pytest.mark.slow


def test_an_edited_and_a_deleted_file(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "cv-1.txt").write_text(dispatch_text(1, number=215), encoding="utf-8")
    (inbox / "cv-2.txt").write_text(dispatch_text(2), encoding="utf-8")
    run_ingest(inbox, out, quarantine=False, write_report=False)
    db = out / "dispatches.duckdb"
    with open_store(db) as store:
        before = dict(store.query("SELECT source_path, so_den FROM v_incoming_register"))

    (inbox / "cv-1.txt").write_text(dispatch_text(1, number=216), encoding="utf-8")
    (inbox / "cv-2.txt").unlink()
    summary = run_ingest(inbox, out, quarantine=False, write_report=False)
    assert summary.withdrawn == [str(inbox / "cv-2.txt")]

    with open_store(db) as store:
        live = store.query("SELECT source_path, number_raw FROM documents "
                           "WHERE withdrawn_at IS NULL")
        assert live == [(str(inbox / "cv-1.txt"), "216/UBND-SNV")]
        assert store.query("SELECT count(*) FROM deadlines d JOIN documents USING (doc_id) "
                           "WHERE source_path = :p", {"p": str(inbox / "cv-1.txt")}) == [(1,)]
        assert sorted(r for (r,) in store.query("SELECT reason FROM documents_history")) == [
            "edited", "withdrawn"]
        after = dict(store.query("SELECT source_path, so_den FROM v_incoming_register"))
        assert after == before  # the edited file keeps its số đến; the withdrawn one too
    records = [json.loads(x) for x in (out / "records.jsonl").read_text().splitlines()]
    assert [r["number"]["raw"] for r in records] == ["216/UBND-SNV"]
