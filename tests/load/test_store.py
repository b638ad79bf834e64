"""The loader against DuckDB and a real PostgreSQL: idempotent upserts, duplicates, views."""
from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest

from fixtures.records import dispatch_record, failed_dispatch
from pipeline.load import SchemaVersionError, open_store
from pipeline.load.ddl import quote
from schemas import Record
from schemas.dataset import EXPORTED_TABLES, EXPORTED_VIEWS, SCHEMA_VERSION, TABLES


def snapshot(store, tables=EXPORTED_TABLES) -> dict[str, list[tuple]]:
    """Every row of every table (runs aside when asked), sorted: what 'changes no row' means."""
    out = {}
    for name in tables:
        rows = store.query(f"SELECT * FROM {quote(name)}")
        out[name] = sorted((tuple(json.dumps(v, sort_keys=True, default=str)
                                  if isinstance(v, (dict, list)) else v for v in r)
                            for r in rows), key=repr)
    return out


DATA_TABLES = [t for t in EXPORTED_TABLES if t != "runs"]


def test_loading_the_same_records_twice_changes_no_row(store):
    records = [dispatch_record(i) for i in range(5)] + [failed_dispatch(1)]
    store.load_records(records, run_id="run-1")
    first = snapshot(store, DATA_TABLES)
    store.load_records(records, run_id="run-1")
    assert snapshot(store, DATA_TABLES) == first
    assert first["documents"] and len(first["documents"]) == 6
    assert len(first["recipients"]) == 5 * 4


def test_a_changed_record_replaces_its_child_rows(store):
    store.load_records([dispatch_record(1), dispatch_record(2)], run_id="r")
    store.load_records([dispatch_record(1, recipients=("Công an tỉnh",))], run_id="r")
    rows = store.query("SELECT doc_id, role, text FROM recipients WHERE role = 'to' "
                       "ORDER BY doc_id, ordinal")
    assert [(d[-1], t) for d, _, t in rows] == [
        ("1", "Công an tỉnh"), ("2", "Sở Nội vụ"), ("2", "Sở Tài chính")]


def test_same_number_and_issuer_is_flagged_as_duplicate_not_merged(store):
    original = dispatch_record(1, number="77/UBND-VP", issued="2024-03-01")
    again = dispatch_record(2, number="77/UBND-VP", issued="2024-03-05")
    other_issuer = dispatch_record(3, number="77/UBND-VP", issuer="Ủy ban nhân dân tỉnh Cà Mau")
    store.load_records([again, other_issuer], run_id="r")
    store.load_records([original], run_id="r")
    dup = dict(store.query("SELECT doc_id, duplicate_of FROM documents"))
    assert dup == {original.doc_id: None, again.doc_id: original.doc_id, other_issuer.doc_id: None}
    warnings = store.query("SELECT doc_id, code FROM warnings WHERE origin = 'loader'")
    assert warnings == [(again.doc_id, "duplicate_number")]
    # reloading the duplicate keeps the flag (it is derived from the whole dataset)
    store.load_records([again], run_id="r")
    assert dict(store.query("SELECT doc_id, duplicate_of FROM documents"))[again.doc_id] \
        == original.doc_id


def test_references_link_to_documents_in_the_dataset(store):
    cited = dispatch_record(1, number="5/UBND-VP")
    citing = dispatch_record(2, references=("5/UBND-VP", "999/UBND-VP"))
    store.load_records([citing], run_id="r")
    assert [r[0] for r in store.query(
        'SELECT referenced_doc_id FROM "references" ORDER BY ordinal')] == [None, None]
    store.load_records([cited], run_id="r")  # the cited document arrives later
    assert [r[0] for r in store.query(
        'SELECT referenced_doc_id FROM "references" ORDER BY ordinal')] == [cited.doc_id, None]


def test_agencies_collect_spellings_of_one_issuer(store):
    store.load_records([dispatch_record(1, issuer="Ủy ban nhân dân tỉnh Nghệ An"),
                        dispatch_record(2, issuer="Ủy ban nhân dân tỉnh Nghệ An"),
                        dispatch_record(3, issuer="UỶ BAN NHÂN DÂN TỈNH NGHỆ AN")], run_id="r")
    [(agency_id, name, aliases)] = store.query("SELECT * FROM agencies")
    aliases = aliases if isinstance(aliases, list) else json.loads(aliases)
    assert agency_id == "uy_ban_nhan_dan_tinh_nghe_an"
    assert name == "Ủy ban nhân dân tỉnh Nghệ An" and aliases == ["UỶ BAN NHÂN DÂN TỈNH NGHỆ AN"]


def test_failed_document_is_a_row_with_a_warning(store):
    store.load_records([failed_dispatch(4)], run_id="r")
    [(status, error)] = store.query("SELECT status, error FROM documents")
    assert status == "failed" and "empty file" in error
    assert store.query("SELECT code FROM warnings") == [("extraction_failed",)]


def test_views_give_the_incoming_register_and_deadlines(store):
    store.load_records([dispatch_record(1, due="2024-06-30"), dispatch_record(2, due="2999-01-01"),
                        dispatch_record(3, due="2024-07")], run_id="r")
    register = store.query("SELECT ngay_den, so_den, tac_gia, so_ky_hieu, ngay_van_ban, "
                           "ten_loai_trich_yeu, don_vi_nhan, ghi_chu FROM v_incoming_register "
                           "ORDER BY so_den")
    assert register[0] == (dt.date(2024, 6, 1), 1, "Ủy ban nhân dân tỉnh Nghệ An",
                           "101/UBND-VP", dt.date(2024, 5, 2), "Công văn - triển khai nhiệm vụ 1",
                           None, None)  # đơn vị nhận: the internal unit, set in the review app
    deadlines = store.query("SELECT source_number, days_left FROM v_open_deadlines "
                            "ORDER BY due_date")
    assert [n for n, _ in deadlines] == ["101/UBND-VP", "102/UBND-VP"]  # month-only: no due date
    assert deadlines[0][1] < 0 < deadlines[1][1]
    assert store.overdue_count() == 1


def test_a_failing_batch_leaves_no_half_document(store):
    good = dispatch_record(1)
    broken = dispatch_record(2).model_copy(update={"status": None})  # violates NOT NULL
    with pytest.raises(Exception):
        store.load_records([good, broken], run_id="r")
    assert store.query("SELECT count(*) FROM documents")[0][0] == 0
    assert store.query("SELECT count(*) FROM recipients")[0][0] == 0


def test_schema_is_versioned_and_a_newer_one_is_refused(store):
    assert store.ensure_schema() == SCHEMA_VERSION  # again: idempotent
    assert store.query("SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    store.execute("INSERT INTO schema_version (version) VALUES (:v)", {"v": SCHEMA_VERSION + 1})
    with pytest.raises(SchemaVersionError, match="newer"):
        store.ensure_schema()


def test_stored_documents_tell_version_and_status(store):
    store.load_records([dispatch_record(1, version="v1"), failed_dispatch(2, version="v1")], "r")
    stored = store.stored_documents()
    assert {(s.pipeline_version, s.status) for s in stored.values()} == {("v1", "ok"), ("v1", "failed")}


def test_runs_are_recorded(store):
    store.start_run("run-9", "inbox", "v1")
    store.finish_run("run-9", "completed", {"files_seen": 3, "loaded": 2, "failed": 1})
    [(status, seen, loaded, failed)] = store.query(
        "SELECT status, files_seen, loaded, failed FROM runs WHERE run_id = 'run-9'")
    assert (status, seen, loaded, failed) == ("completed", 3, 2, 1)


def test_exports_round_trip(store, tmp_path):
    records = [dispatch_record(i) for i in range(3)]
    store.load_records(records, run_id="r")
    written = store.export_parquet(tmp_path / "out")
    assert {p.stem for p in written} == {*EXPORTED_TABLES, *EXPORTED_VIEWS}
    documents = pq.read_table(tmp_path / "out" / "documents.parquet")
    assert documents.num_rows == 3 and documents.column_names == TABLES["documents"].column_names
    assert store.export_records(tmp_path / "out" / "records.jsonl") == 3
    lines = (tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert [Record.model_validate_json(line) for line in lines] == records


def test_duckdb_file_survives_reopening(tmp_path):
    path = tmp_path / "d.duckdb"
    with open_store(path) as s:
        s.ensure_schema()
        s.load_records([dispatch_record(1)], run_id="r")
    with open_store(path) as s:
        s.ensure_schema()
        assert s.query("SELECT count(*) FROM documents") == [(1,)]


def test_unknown_database_url_is_refused():
    with pytest.raises(ValueError, match="unsupported database URL"):
        open_store("mysql://x@y/z")


def test_an_unchanged_record_keeps_the_run_that_loaded_it(store):
    store.load_records([dispatch_record(1)], run_id="run-1")
    store.load_records([dispatch_record(1), dispatch_record(2)], run_id="run-2")
    assert store.query("SELECT run_id FROM documents ORDER BY doc_id") == [("run-1",), ("run-2",)]
    store.load_records([dispatch_record(1, recipients=("Công an tỉnh",))], run_id="run-3")
    assert store.query("SELECT run_id FROM documents ORDER BY doc_id") == [("run-3",), ("run-2",)]


def test_the_issuers_successor_after_the_2025_reorganisation_is_a_column(store):
    record = dispatch_record(1)
    record = record.model_copy(update={"issuer": record.issuer.model_copy(
        update={"name": "Ủy ban nhân dân tỉnh Hà Giang",
                "successor": "Ủy ban nhân dân tỉnh Tuyên Quang"})})
    store.load_records([record], run_id="r")
    assert store.query("SELECT issuer_name, issuer_successor FROM documents") == [
        ("Ủy ban nhân dân tỉnh Hà Giang", "Ủy ban nhân dân tỉnh Tuyên Quang")]
