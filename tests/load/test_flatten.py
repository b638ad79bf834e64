"""record → rows: one row per thing, keyed so that the same record gives the same rows."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from fixtures.records import dispatch_record, failed_dispatch
from pipeline.load.flatten import agency_key, full_date, number_key, record_to_rows
from schemas.dataset import CHILD_TABLES, TABLES


@pytest.mark.parametrize("value, expected", [
    ("2024-05-31", dt.date(2024, 5, 31)),
    ("2024-05-31T08:00", dt.date(2024, 5, 31)),   # a date-time keeps its day
    ("2024-05", None),                            # month precision: no full date
    ("2024", None),
    ("2024-02-30", None),                         # not a real day
    (None, None),
])
def test_full_date_only_for_dates_that_state_a_day(value, expected):
    assert full_date(value) == expected


@pytest.mark.parametrize("a, b", [
    ("Ủy ban nhân dân tỉnh Bà Rịa-Vũng Tàu", "UỶ BAN NHÂN DÂN TỈNH BÀ RỊA - VŨNG TÀU"),  # case, ỷ/ủy, dash
    ("Sở Nội vụ", "SỞ NỘI VỤ"),
])
def test_agency_key_ignores_case_diacritics_and_punctuation(a, b):
    assert agency_key(a) == agency_key(b)


def test_agency_key_keeps_different_agencies_apart():
    assert agency_key("Sở Nội vụ") != agency_key("Sở Tài chính")


def test_number_key_ignores_spaces_case_and_diacritics():
    assert number_key("61/2018/NĐ-CP") == number_key("61 / 2018 / nđ-cp") == "61/2018/ND-CP"
    assert number_key(None) is None


def test_rows_match_the_table_specs_and_carry_the_doc_id():
    rows = record_to_rows(dispatch_record(3, references=("5/UBND-VP",)), run_id="r1")
    assert list(rows.document) == TABLES["documents"].column_names
    assert rows.document["run_id"] == "r1" and rows.document["issued_on"] == dt.date(2024, 5, 4)
    for table in CHILD_TABLES:
        for row in rows.children[table]:
            assert set(row) == set(TABLES[table].column_names), table
            assert row["doc_id"] == rows.doc_id


def test_recipients_keep_role_and_order():
    rows = record_to_rows(dispatch_record(1)).children["recipients"]
    assert [(r["role"], r["ordinal"], r["text"]) for r in rows] == [
        ("to", 0, "Sở Nội vụ"), ("to", 1, "Sở Tài chính"),
        ("cc", 0, "Như trên"), ("cc", 1, "Lưu: VT, VP")]


def test_table_rows_keep_section_and_row_json_and_cells():
    children = record_to_rows(dispatch_record(1)).children
    rows, cells = children["table_rows"], children["table_cells"]
    assert [r["section"] for r in rows] == ["I. KHỐI SỞ", "I. KHỐI SỞ"]
    assert json.loads(rows[1]["row"])["Cơ quan"] == "Sở Tài chính"
    assert [(c["row_index"], c["column_name"], c["value"]) for c in cells if c["row_index"] == 0] \
        == [(0, "Stt", "1"), (0, "Cơ quan", "Sở Nội vụ"), (0, "section", "I. KHỐI SỞ")]


def test_deadline_due_on_only_when_the_day_is_known():
    full = record_to_rows(dispatch_record(1, due="2024-06-30")).children["deadlines"][0]
    month = record_to_rows(dispatch_record(1, due="2024-06")).children["deadlines"][0]
    assert full["due_on"] == dt.date(2024, 6, 30) and full["due_date"] == "2024-06-30"
    assert month["due_on"] is None and month["due_date"] == "2024-06"


def test_failed_record_gives_a_failed_document_and_a_warning_row():
    rows = record_to_rows(failed_dispatch(1))
    assert rows.document["status"] == "failed" and "empty file" in rows.document["error"]
    [warning] = rows.children["warnings"]
    assert warning["code"] == "extraction_failed" and "empty file" in warning["message"]


def test_same_record_same_rows():
    assert record_to_rows(dispatch_record(7), "r") == record_to_rows(dispatch_record(7), "r")
