"""What the loader passes to DuckDB comes back as given, and the file it writes keeps its
memory that of a batch: small blocks and row groups (see pipeline/load/duckdb_store.py)."""
from __future__ import annotations

import datetime as dt
import math

import duckdb
import pytest

import pipeline.load.duckdb_store as duckdb_store
from fixtures.records import dispatch_record
from pipeline.load import open_store

AWKWARD = ["", "a'b\"c\\d", "dòng 1\ndòng 2\t", "Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu",
           "nul\x00inside", "{\"json\": \"text\"}", "€ 😀", None]


def test_rows_inserted_come_back_exactly(store):
    when = dt.datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=dt.timezone.utc)
    targets = [0.1 + 0.2, 1 / 3, 1e300, 5e-324, -0.0, 95.0, math.inf, None]
    if store.dialect == "postgresql":
        AWKWARD_HERE = [t for t in AWKWARD if t is None or "\x00" not in t]  # PG: no NUL in text
    else:
        AWKWARD_HERE = AWKWARD
    rows = [{"doc_id": f"d{k}", "ordinal": k, "table_index": None if k % 2 else k,
             "row_index": -k, "unit": text, "agency_id": text, "commitment": text,
             "indicator": None, "target": targets[k % len(targets)], "target_unit": "%",
             "due_date": "2024-12", "due_on": dt.date(2024, 2, 29) if k % 3 else None,
             "period": "2024-Q1", "status": None}
            for k, text in enumerate(AWKWARD_HERE)]
    store.insert_rows("commitments", rows)
    got = store.query("SELECT doc_id, ordinal, table_index, row_index, unit, agency_id, "
                      "commitment, indicator, target, target_unit, due_date, due_on, period, "
                      "status FROM commitments ORDER BY ordinal")
    assert got == [tuple(r.values()) for r in rows]
    store.insert_rows("runs", [{"run_id": "r1", "started_at": when, "finished_at": None,
                                "status": "running", "inbox": "inbox/Văn bản đến",
                                "pipeline_version": "1", "files_seen": 2 ** 62, "skipped": 0,
                                "extracted": None, "loaded": 1, "failed": 0,
                                "quarantined": 0}])
    (started, seen, inbox), = store.query("SELECT started_at, files_seen, inbox FROM runs")
    assert (started, seen, inbox) == (when, 2 ** 62, "inbox/Văn bản đến")


def test_a_json_column_keeps_its_text(store):
    record = dispatch_record(1)
    store.load_records([record], run_id="r")
    (stored,), = store.query("SELECT record FROM documents")
    if store.dialect == "duckdb":  # PostgreSQL's JSONB keeps the value, not the text
        assert stored == record.model_dump_json()


def test_rows_updated_by_their_key_change_those_rows_only(store):
    # a key of two columns, values awkward and null, many rows in one call
    rows = [{"doc_id": f"d{k % 3}", "ordinal": k, "raw": "x", "doc_type": None,
             "number": f"{k}/UBND", "date": None, "issuer": None, "referenced_doc_id": None}
            for k in range(12)]
    store.insert_rows("references", rows)
    texts = [t for t in AWKWARD if t is None or "\x00" not in t]  # PG: no NUL in text
    changes = [{"doc_id": f"d{k % 3}", "ordinal": k, "referenced_doc_id": texts[k % len(texts)],
                "date": "2024-05"} for k in range(1, 12, 2)]
    store.update_rows("references", ("doc_id", "ordinal"), changes)
    store.update_rows("references", ("doc_id", "ordinal"), [])
    got = store.query('SELECT doc_id, ordinal, referenced_doc_id, date, number '
                      'FROM "references" ORDER BY ordinal')
    changed = {c["ordinal"]: c for c in changes}
    assert got == [(r["doc_id"], r["ordinal"],
                    changed[r["ordinal"]]["referenced_doc_id"] if r["ordinal"] in changed else None,
                    "2024-05" if r["ordinal"] in changed else None, r["number"]) for r in rows]


@pytest.mark.parametrize("count", [0, 3, 499, 500, 501, 1234])
def test_a_lookup_by_a_list_of_values_finds_every_row_listed(store, count):
    ids = [f"{i:064x}" for i in range(1, 13)]
    store.insert_rows("document_keys", [{"doc_id": i, "number_key": f"K{n}"}
                                        for n, i in enumerate(ids)])
    # the ones stored among many that are not, in and across chunks of IN (…) parameters
    wanted = sorted({ids[k * 7 % 12] for k in range(min(count, 12))}
                    | {f"x{k:063x}" for k in range(count)})
    found = []
    for names, listed in store.value_lists(wanted):
        found += store.query(f"SELECT doc_id FROM document_keys WHERE doc_id IN ({listed})",
                             names)
    assert sorted(found) == sorted((i,) for i in ids if i in wanted)


def test_a_new_file_has_small_blocks_and_row_groups(tmp_path):
    with open_store(tmp_path / "d.duckdb") as store:
        store.ensure_schema()
        store.insert_rows("agencies", [{"agency_id": f"a{i:05d}", "canonical_name": "x",
                                        "aliases": "[]"} for i in range(3 * 2048 + 5)])
        store.execute("CHECKPOINT")
        assert store.query("SELECT block_size FROM pragma_database_size() "
                           "WHERE database_name = current_database()") == [
            (duckdb_store.BLOCK_SIZE,)]
        assert store.query("SELECT count(DISTINCT row_group_id) FROM "
                           "pragma_storage_info('agencies')") == [(4,)]


def test_a_file_made_with_other_blocks_keeps_them_and_loads(tmp_path):
    target = tmp_path / "d.duckdb"
    duckdb.connect(str(target)).close()  # DuckDB's default block size
    with open_store(target) as store:
        store.ensure_schema()
        store.load_records([dispatch_record(i) for i in range(1, 4)], run_id="r")
        assert store.query("SELECT block_size FROM pragma_database_size() "
                           "WHERE database_name = current_database()") == [(262144,)]
    with open_store(target, read_only=True) as store:
        assert store.query("SELECT count(*) FROM documents") == [(3,)]
