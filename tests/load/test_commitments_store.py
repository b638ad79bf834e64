"""Commitments in the dataset: the ``commitments`` table and ``v_commitments_due`` (by unit
and due month), in DuckDB and PostgreSQL."""
from __future__ import annotations

import datetime as dt

from fixtures.records import dispatch_record, failed_dispatch

from pipeline.load.flatten import commitment_rows
from schemas import Commitment

COMMITMENTS = [
    Commitment(table=0, row=0, unit="Sở Nội vụ", agency_id="so-noi-vu",
               commitment="Hồ sơ trực tuyến", indicator="Tỷ lệ hồ sơ trực tuyến", target=95,
               target_unit="%", due_date="2024-12-31"),
    Commitment(table=0, row=1, unit="Sở Tài chính", commitment="Giải ngân vốn",
               target=1265.5, target_unit="tỷ đồng", due_date="2024-09", period="2024-Q3"),
    Commitment(table=0, row=2, unit="Sở Nội vụ", commitment="Số hóa hồ sơ cán bộ",
               due_date="2024-12-15"),
    Commitment(table=0, row=3, unit="Sở Y tế", commitment="Bệnh án điện tử", due_date="2024",
               period="2024"),  # a year only: no month
    Commitment(table=1, row=0, unit="Sở Xây dựng", commitment="Duy trì thứ hạng"),
]


def with_commitments(i: int, items=COMMITMENTS):
    return dispatch_record(i).model_copy(update={"commitments": list(items)})


def test_commitment_rows_flatten_a_record():
    rows = commitment_rows(with_commitments(1))
    assert [r["ordinal"] for r in rows] == [0, 1, 2, 3, 4]
    assert rows[0]["due_on"] == dt.date(2024, 12, 31) and rows[1]["due_on"] is None
    assert rows[1]["target"] == 1265.5 and rows[0]["target"] == 95.0
    assert rows[1]["agency_id"] == "so_tai_chinh"  # no known body: the name's key


def test_commitments_are_loaded_and_replaced_with_their_document(store):
    store.load_records([with_commitments(1)], run_id="r")
    rows = store.query("SELECT ordinal, table_index, row_index, unit, target, target_unit, "
                       "due_date, due_on, period FROM commitments ORDER BY ordinal")
    assert rows[0] == (0, 0, 0, "Sở Nội vụ", 95.0, "%", "2024-12-31", dt.date(2024, 12, 31), None)
    assert rows[1][6:] == ("2024-09", None, "2024-Q3")
    assert len(rows) == 5
    store.load_records([with_commitments(1, COMMITMENTS[:1])], run_id="r")
    assert store.query("SELECT count(*) FROM commitments")[0][0] == 1


def test_commitments_due_by_unit_and_month(store):
    failed = failed_dispatch(3).model_copy(update={"commitments": COMMITMENTS[:1]})
    store.load_records([with_commitments(1), with_commitments(2, COMMITMENTS[2:3]), failed],
                       run_id="r")
    rows = store.query("SELECT unit, agency_id, month, count, commitments FROM v_commitments_due")
    assert [(u, m, n) for u, _, m, n, _ in rows] == [
        ("Sở Tài chính", dt.date(2024, 9, 1), 1),
        ("Sở Nội vụ", dt.date(2024, 12, 1), 3),  # two documents, one unit, one month
        ("Sở Y tế", dt.date(2024, 12, 1), 1),  # for the year 2024: due by its December
    ]  # the undated and the failed document's commitments are left out
    by_unit = {u: texts for u, _, _, _, texts in rows}
    assert sorted(by_unit["Sở Nội vụ"].split("; ")) == [
        "Hồ sơ trực tuyến", "Số hóa hồ sơ cán bộ", "Số hóa hồ sơ cán bộ"]
