"""Số đến (sổ đăng ký văn bản đến): in sequence from 1 each calendar year per register, given
when a document is first loaded, stable across re-runs, never reused; none for a duplicate.
On DuckDB and PostgreSQL (the ``store`` fixture)."""
from __future__ import annotations

import datetime as dt

from fixtures.records import dispatch_record, failed_dispatch

MARCH = dt.date(2025, 3, 10)


def unstamped(i: int, **kw):
    return dispatch_record(i, **kw).model_copy(update={"arrival": None})


def numbers(store, register="chung") -> dict[str, tuple]:
    return {doc_id: (year, number, on, source) for doc_id, year, number, on, source in store.query(
        "SELECT doc_id, year, number, arrival_on, arrival_source FROM register_entries "
        "WHERE register = :r", {"r": register})}


def test_numbers_run_in_sequence_across_runs_and_restart_each_year(store):
    first = [unstamped(i) for i in (1, 2, 3)]
    store.load_records(first, "r1", received={r.doc_id: MARCH for r in first})
    second = [unstamped(4), unstamped(5)]
    store.load_records(second, "r2", received={r.doc_id: dt.date(2025, 4, 1) for r in second})
    store.load_records(first, "r3", received={r.doc_id: dt.date(2025, 5, 1) for r in first})
    new_year = unstamped(6)
    store.load_records([new_year], "r4", received={new_year.doc_id: dt.date(2026, 1, 2)})
    got = numbers(store)
    assert [got[unstamped(i).doc_id][:2] for i in range(1, 7)] == [
        (2025, 1), (2025, 2), (2025, 3), (2025, 4), (2025, 5), (2026, 1)]
    # a reloaded document keeps its number and its ngày đến
    assert got[first[0].doc_id][2:] == (MARCH, "received")


def test_the_arrival_stamp_gives_ngay_den_else_the_day_the_file_came(store):
    stamped = dispatch_record(1)  # ĐẾN stamp dated 2024-06-01
    store.load_records([stamped, unstamped(2)], "r1",
                       received={stamped.doc_id: MARCH, unstamped(2).doc_id: MARCH})
    got = numbers(store)
    assert got[stamped.doc_id] == (2024, 1, dt.date(2024, 6, 1), "stamp")
    assert got[unstamped(2).doc_id] == (2025, 1, MARCH, "received")
    row = store.query("SELECT ngay_den, so_den, nguon_ngay_den, so_tren_dau_den "
                      "FROM v_incoming_register WHERE doc_id = :d", {"d": stamped.doc_id})
    assert row == [(dt.date(2024, 6, 1), 1, "stamp", "501")]


def test_numbers_are_never_reused(store):
    docs = [unstamped(i) for i in (1, 2, 3)]
    store.load_records(docs, "r1", received={r.doc_id: MARCH for r in docs})
    for table in ("recipients", "references", "deadlines", "table_rows", "table_cells",
                  "warnings", "documents"):
        store.delete_documents(table, [docs[2].doc_id])  # the last one withdrawn
    store.load_records([unstamped(4)], "r2", received={unstamped(4).doc_id: MARCH})
    assert numbers(store)[unstamped(4).doc_id][:2] == (2025, 4)


def test_duplicates_and_failed_files_get_no_number(store):
    original = unstamped(1, number="77/UBND-VP", issued="2024-03-01")
    again = unstamped(2, number="77/UBND-VP", issued="2024-03-05")
    store.load_records([original, again, failed_dispatch(3)], "r1")
    assert set(numbers(store)) == {original.doc_id}
    note = store.query("SELECT so_den, ghi_chu FROM v_incoming_register WHERE doc_id = :d",
                       {"d": again.doc_id})
    assert note == [(None, "trùng số, ký hiệu và cơ quan ban hành với văn bản "
                           f"{original.doc_id}")]


def test_each_register_has_its_own_sequence(store):
    store.load_records([unstamped(1)], "r1", received={unstamped(1).doc_id: MARCH})
    store.load_records([unstamped(2)], "r2", register="mat",
                       received={unstamped(2).doc_id: MARCH})
    assert numbers(store, "mat")[unstamped(2).doc_id][:2] == (2025, 1)
    # the second register also numbers what it had not seen; with no arrival date known
    # for it here (nor a recorded run), ngày đến is the day it is registered
    assert numbers(store, "mat")[unstamped(1).doc_id][:2] == (dt.date.today().year, 1)
    assert numbers(store, "chung")[unstamped(1).doc_id][:2] == (2025, 1)


def test_nhu_tren_and_the_file_copy_are_told_apart_in_the_distribution(store):
    store.load_records([dispatch_record(1)], "r1")  # Nơi nhận: Như trên; Lưu: VT, VP
    rows = store.query("SELECT text, kind, agency_id FROM recipients WHERE role = 'cc' "
                       "ORDER BY ordinal")
    assert rows == [("Như trên", "as_above", None), ("Lưu: VT, VP", "file_copy", None)]
