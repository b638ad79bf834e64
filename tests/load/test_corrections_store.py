"""Corrections in the dataset (DuckDB and PostgreSQL): stored beside the record, winning in
every view and export, surviving re-loads and re-extraction, never dropped silently."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pyarrow.parquet as pq
import pytest

from fixtures.records import dispatch_record
from pipeline.load import CorrectionError, open_store
from pipeline.load.ddl import create_indexes, create_table
from schemas.dataset import SCHEMA_VERSION, TABLES


def register_row(store, doc_id):
    return store.query("SELECT so_ky_hieu, ngay_van_ban, don_vi_nhan FROM v_incoming_register "
                       "WHERE doc_id = :d", {"d": doc_id})[0]


def test_a_correction_wins_in_the_tables_views_and_exports(store, tmp_path):
    record = dispatch_record(1)
    store.load_records([record, dispatch_record(2)], run_id="r1")
    c = store.add_correction(record.doc_id, "number", "7338/UBND-SNV", "Lan")
    assert (c.extracted_value, c.corrected_value, c.status) == ("101/UBND-VP", "7338/UBND-SNV",
                                                                "applied")
    assert store.query("SELECT number_raw, number, unit_code, correction_count FROM documents "
                       "WHERE doc_id = :d", {"d": record.doc_id}) == [("7338/UBND-SNV", 7338,
                                                                       "SNV", 1)]
    assert register_row(store, record.doc_id)[0] == "7338/UBND-SNV"
    # the record column keeps what was read; the exported records carry the correction
    (stored,), = store.query("SELECT record FROM documents WHERE doc_id = :d",
                             {"d": record.doc_id})
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert stored["number"]["raw"] == "101/UBND-VP"
    store.export_records(tmp_path / "records.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "records.jsonl").read_text().splitlines()]
    assert {r["doc_id"]: r["number"]["raw"] for r in lines}[record.doc_id] == "7338/UBND-SNV"
    store.export_parquet(tmp_path)
    docs = pq.read_table(tmp_path / "documents.parquet").to_pylist()
    assert {d["doc_id"]: d["number_raw"] for d in docs}[record.doc_id] == "7338/UBND-SNV"
    kept = pq.read_table(tmp_path / "corrections.parquet").to_pylist()
    assert [(k["field"], k["corrected_by"]) for k in kept] == [("number", "Lan")]


def test_a_correction_survives_reloading_and_a_new_pipeline_version(store):
    record = dispatch_record(1)
    store.load_records([record], run_id="r1")
    store.add_correction(record.doc_id, "subject", "về việc khác", "Lan")
    for run, version in (("r2", "test-1"), ("r3", "test-2")):
        store.load_records([dispatch_record(1, version=version)], run_id=run)
        assert store.query("SELECT subject FROM documents") == [("về việc khác",)]
    (c,) = store.corrections([record.doc_id])
    assert (c.status, c.checked_version) == ("applied", "test-2")


def test_a_new_extraction_that_now_reads_the_corrected_value_says_so(store):
    misread = dispatch_record(1)  # OCR read the letter O for a zero
    misread = misread.model_copy(update={"number": misread.number.model_copy(
        update={"raw": "1O1/UBND-VP", "number": None})})
    store.load_records([misread], run_id="r1")
    store.add_correction(dispatch_record(1).doc_id, "number", "101/UBND-VP", "Lan")
    store.load_records([dispatch_record(1, version="test-2")], run_id="r2")
    (c,) = store.corrections()
    assert (c.extracted_value, c.corrected_value, c.status) == (
        "1O1/UBND-VP", "101/UBND-VP", "extraction_agrees")
    assert store.query("SELECT number_raw FROM documents") == [("101/UBND-VP",)]


def test_a_correction_to_a_field_the_new_extraction_lacks_becomes_a_warning(store):
    record = dispatch_record(1)
    store.load_records([record], run_id="r1")
    store.add_correction(record.doc_id, "deadlines.0.due_date", "2024-07-15", "Lan")
    store.load_records([record.model_copy(update={"deadlines": [], "pipeline_version": "t2"})],
                       run_id="r2")
    (c,) = store.corrections()
    assert c.status == "not_applicable"
    assert store.query("SELECT code, field FROM warnings WHERE code = 'correction_not_applied'") \
        == [("correction_not_applied", "deadlines.0.due_date")]


def test_done_deadlines_leave_the_open_list_and_assignment_fills_the_register(store):
    record = dispatch_record(1)
    store.load_records([record], run_id="r1")
    assert store.query("SELECT count(*) FROM v_open_deadlines")[0][0] == 1
    store.add_correction(record.doc_id, "deadlines.0.done", True, "Lan")
    store.add_correction(record.doc_id, "assigned_to", "Phòng Tổ chức cán bộ", "Lan")
    assert store.query("SELECT count(*) FROM v_open_deadlines")[0][0] == 0
    assert register_row(store, record.doc_id)[2] == "Phòng Tổ chức cán bộ"
    # corrected twice: the latest wins
    store.add_correction(record.doc_id, "deadlines.0.done", False, "Hà")
    assert store.query("SELECT count(*) FROM v_open_deadlines")[0][0] == 1
    assert len(store.corrections()) == 3


def test_corrections_are_refused_clearly(store):
    record = dispatch_record(1)
    store.load_records([record], run_id="r1")
    with pytest.raises(CorrectionError, match="no document"):
        store.add_correction("0" * 64, "subject", "x", "Lan")
    with pytest.raises(CorrectionError, match="has no deadlines.5.due_date"):
        store.add_correction(record.doc_id, "deadlines.5.due_date", "2024-01-01", "Lan")
    with pytest.raises(CorrectionError, match="who"):
        store.add_correction(record.doc_id, "subject", "x", "  ")
    assert store.corrections() == []


def test_a_correction_changes_derived_rows_too(store):
    """A corrected number makes two documents the same: the loader flags the duplicate."""
    a, b = dispatch_record(1, number="77/UBND-VP"), dispatch_record(2, number="78/UBND-VP")
    store.load_records([a, b], run_id="r1")
    store.add_correction(b.doc_id, "number", "77/UBND-VP", "Lan")
    assert dict(store.query("SELECT doc_id, duplicate_of FROM documents"))[b.doc_id] in (
        a.doc_id, None) and store.query(
        "SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL")[0][0] == 1


@pytest.mark.parametrize("engine", ["duckdb", "postgresql"])
def test_a_version_1_dataset_is_migrated_in_place(engine, tmp_path, request):
    """A dataset written before corrections existed gains the new columns and keeps its rows."""
    target = (request.getfixturevalue("pg_url") if engine == "postgresql"
              else str(tmp_path / "v1.duckdb"))
    new = {("documents", "assigned_to"), ("documents", "correction_count"), ("deadlines", "done"),
           ("documents", "received_by"), ("documents", "issuer_successor"),
           ("recipients", "kind")}
    with open_store(target) as old:
        with old.transaction():
            for spec in TABLES.values():
                if spec.name not in ("corrections", "register_entries", "commitments"):
                    cols = tuple(c for c in spec.columns if (spec.name, c.name) not in new)
                    old.execute(create_table(replace(spec, columns=cols), old.dialect))
            for sql in create_indexes(old.dialect):
                old.execute(sql)
            # something that depends on the tables, as version 1's views did
            old.execute("CREATE VIEW v_incoming_register AS SELECT doc_id FROM documents")
            old.execute("INSERT INTO schema_version (version) VALUES (1)")
            old.execute("INSERT INTO documents (doc_id, status, record) VALUES "
                        "('d1', 'ok', '{}')")
    with open_store(target) as store:
        assert store.ensure_schema() == SCHEMA_VERSION == 3
        assert store.query("SELECT doc_id, assigned_to FROM documents") == [("d1", None)]
        store.load_records([dispatch_record(1)], run_id="r1")
        store.add_correction(dispatch_record(1).doc_id, "deadlines.0.done", True, "Lan")
        assert store.query("SELECT done FROM deadlines") == [(True,)]
        assert store.query("SELECT max(version) FROM schema_version") == [(3,)]
        # the documents loaded before the register existed are numbered at the next load
        assert sorted(store.query("SELECT year, number, doc_id, arrival_source "
                                  "FROM register_entries")) == [
            (2024, 1, dispatch_record(1).doc_id, "stamp"),
            (dt.date.today().year, 1, "d1", "received")]
