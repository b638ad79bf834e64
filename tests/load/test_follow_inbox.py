"""The dataset follows the inbox (DuckDB and PostgreSQL): an edited file replaces its row and
children, the old version kept in documents_history, its số đến and corrections passed on; a
file gone is marked withdrawn, one moved takes its new path, one back is live again."""
from __future__ import annotations

import json
import threading

from fixtures.records import dispatch_record, failed_dispatch
from pipeline.load import open_store

CHILD_COUNTS = "SELECT (SELECT count(*) FROM deadlines), (SELECT count(*) FROM recipients)"


def at(record, path: str):
    return record.model_copy(update={"source": record.source.model_copy(update={"path": path})})


def test_an_edited_file_replaces_its_row_and_keeps_its_history(store):
    first = at(dispatch_record(1, number="215/UBND-VP"), "inbox/cv.txt")
    store.load_records([first], "r1")
    store.add_correction(first.doc_id, "assigned_to", "Phòng Tổng hợp", "Lan")
    (number,) = store.query("SELECT number FROM register_entries")[0]
    edited = at(dispatch_record(2, number="216/UBND-VP"), "inbox/cv.txt")  # same path, new bytes
    store.load_records([edited], "r2")
    assert store.query("SELECT doc_id, number_raw, assigned_to FROM documents") == [
        (edited.doc_id, "216/UBND-VP", "Phòng Tổng hợp")]
    assert store.query(CHILD_COUNTS) == [(1, 4)]  # not doubled
    assert store.query("SELECT doc_id, number FROM register_entries") == [(edited.doc_id, number)]
    history = store.query("SELECT doc_id, reason, replaced_by, record FROM documents_history")
    assert [(d, r, b) for d, r, b, _ in history] == [(first.doc_id, "edited", edited.doc_id)]
    old = history[0][3]
    assert (json.loads(old) if isinstance(old, str) else old)["number"]["raw"] == "215/UBND-VP"
    assert store.query("SELECT so_ky_hieu FROM v_incoming_register") == [("216/UBND-VP",)]


def test_a_file_gone_is_withdrawn_not_dropped(store, tmp_path):
    inbox = "inbox"
    keep, gone = at(dispatch_record(1), "inbox/a.txt"), at(dispatch_record(2), "inbox/b.txt")
    elsewhere = at(dispatch_record(3), "other/c.txt")  # another inbox loaded here: untouched
    store.load_records([keep, gone, elsewhere], "r1")
    changes = store.follow_inbox(inbox, {keep.doc_id: "inbox/a.txt"}, "r2")
    assert changes.withdrawn == ["inbox/b.txt"]
    withdrawn = dict(store.query("SELECT doc_id, withdrawn_at IS NOT NULL FROM documents"))
    assert withdrawn == {keep.doc_id: False, gone.doc_id: True, elsewhere.doc_id: False}
    assert store.query("SELECT count(*) FROM v_open_deadlines WHERE source_doc_id = :d",
                       {"d": gone.doc_id}) == [(0,)]
    note = store.query("SELECT so_den, ghi_chu FROM v_incoming_register WHERE doc_id = :d",
                       {"d": gone.doc_id})
    assert note[0][0] is not None and "đã rút" in note[0][1]  # its số đến stays in the register
    store.export_records(tmp_path / "records.jsonl")
    exported = [json.loads(x)["doc_id"] for x in
                (tmp_path / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert gone.doc_id not in exported and keep.doc_id in exported
    assert store.query("SELECT reason FROM documents_history") == [("withdrawn",)]
    # following the same inbox again changes nothing more
    assert store.follow_inbox(inbox, {keep.doc_id: "inbox/a.txt"}, "r3").withdrawn == []


def test_a_moved_file_takes_its_path_and_a_returned_one_is_live_again(store):
    a, b = at(dispatch_record(1), "inbox/a.txt"), at(dispatch_record(2), "inbox/b.txt")
    store.load_records([a, b], "r1")
    store.follow_inbox("inbox", {a.doc_id: "inbox/a.txt"}, "r2")  # b gone
    changes = store.follow_inbox("inbox", {a.doc_id: "inbox/sub/a.txt",
                                           b.doc_id: "inbox/b.txt"}, "r3")
    assert changes.moved == [("inbox/a.txt", "inbox/sub/a.txt")]
    assert changes.restored == ["inbox/b.txt"] and changes.withdrawn == []
    assert dict(store.query("SELECT source_path, withdrawn_at IS NULL FROM documents")) == {
        "inbox/sub/a.txt": True, "inbox/b.txt": True}


def test_failed_files_are_not_withdrawn_they_were_quarantined(store):
    bad = at(failed_dispatch(1), "inbox/bad.txt")
    store.load_records([bad], "r1")
    assert store.follow_inbox("inbox", {}, "r2").withdrawn == []


def test_two_writers_loading_the_same_documents_take_turns(store, tmp_path):
    """Two runs on one PostgreSQL dataset: no UniqueViolation from delete-then-insert."""
    if store.dialect != "postgresql":  # DuckDB: one writing process per file (test_lock.py)
        return
    records = [dispatch_record(i) for i in range(30)]
    errors: list[BaseException] = []

    def load():
        try:
            with open_store(store.url) as other:
                for _ in range(3):
                    other.load_records(records, "concurrent")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=load) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.query("SELECT count(*) FROM documents") == [(30,)]
    assert store.query("SELECT count(DISTINCT number) FROM register_entries") == [(30,)]
