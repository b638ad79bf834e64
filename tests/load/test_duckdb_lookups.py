"""DuckDB: a batch's look-ups go through indexes, so a batch reads about as many rows in a
big dataset as in a small one (DuckDB's own count of the rows each statement read); the
indexes give the answers a scan gives, through reloads, edited files and reopened files;
the last số đến a store remembers is checked against the file."""
from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import Counter

import pytest

import pipeline.load.duckdb_store as duckdb_store
from fixtures.records import dispatch_record, failed_dispatch
from pipeline.load import open_store
from schemas.dataset import CHILD_TABLES
from test_incremental_links import expected, random_record, stored, unregistered


class Counting:
    """A DuckDB connection that keeps, for each statement, the rows DuckDB read to answer
    it (its profiler's ``cumulative_rows_scanned``)."""

    def __init__(self, con):
        self.con, self.read, self._rows = con, [], None

    def execute(self, sql, params=None):
        self.con.execute(sql, params)
        try:
            self._rows = self.con.fetchall()
        except Exception:  # noqa: BLE001 - a statement without a result
            self._rows = []
        info = json.loads(self.con.get_profiling_information(format="json"))
        # the statement's words without the values it names
        self.read.append((info["cumulative_rows_scanned"],
                          " ".join(re.sub(r"'[^']*'|\b\d+\b", "?", sql).split())[:120]))
        return self

    def fetchall(self):
        rows, self._rows = self._rows, None
        return rows

    def __getattr__(self, name):
        return getattr(self.con, name)


def batch(start: int) -> list:
    """New documents citing stored ones, a duplicate of a stored one, a failure."""
    return ([dispatch_record(i, references=(f"{100 + i - 20}/UBND-VP", "1/XX"))
             for i in range(start, start + 8)]
            + [dispatch_record(start + 8, number=f"{100 + start - 20}/UBND-VP"),
               failed_dispatch(start + 9)])


def rows_read_by_a_batch(store, start: int) -> list[tuple[int, str]]:
    """What each statement of a batch's load read, the batch followed by an edited file
    (a new document at a stored path) and a reloaded document with another number."""
    store.con.execute("PRAGMA enable_profiling = 'no_output'")
    counting = store.con = Counting(store.con)
    try:
        store.load_records(batch(start), run_id="measured")
        store.load_records([dispatch_record(start + 500).model_copy(
            update={"source": dispatch_record(start - 30).source})], run_id="measured")
        store.load_records([dispatch_record(start - 40, number=f"9{start}/UBND-VP")],
                           run_id="measured")
    finally:
        store.con = counting.con
        store.con.execute("PRAGMA disable_profiling")
    return counting.read


def test_a_batch_reads_as_many_rows_in_a_big_dataset_as_in_a_small_one(tmp_path, monkeypatch):
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_WAL", 1 << 40)  # one connection throughout
    with open_store(tmp_path / "d.duckdb") as store:
        store.ensure_schema()
        for start in range(1, 60, 10):
            store.load_records(batch(start), run_id="r")
        small = rows_read_by_a_batch(store, 61)
        for start in range(71, 400, 10):
            store.load_records(batch(start), run_id="r")
        big = rows_read_by_a_batch(store, 401)
    assert len(big) > 30 and len(small) > 30
    # each statement about as many rows at 7× the documents (a statement that read a whole
    # table would read ~400 rows or more), and all of them together
    by_statement = Counter()
    for rows, sql in small:
        by_statement[sql] -= rows
    for rows, sql in big:
        by_statement[sql] += rows
    grown = {sql: more for sql, more in by_statement.items() if more > 20}
    # but for the child rows of a document reloaded or edited away, deleted by a scan of
    # each child table (an index on each would be written whole at every checkpoint, for
    # batches of new documents that delete nothing), and the loader's warning taken off a
    # document no longer a duplicate (here: the first of its group edited away)
    scans = {f'DELETE FROM "{table}" WHERE doc_id IN (?)'
             for table in CHILD_TABLES if table != "references"} | {
        "DELETE FROM warnings WHERE origin = ? AND code = ? AND doc_id IN (?)"}
    assert set(grown) <= scans and len(grown) >= 2, grown
    rest = [(rows, sql) for rows, sql in big if sql not in scans]
    assert sum(b for b, _ in rest) < 1.2 * sum(s for s, sql in small if sql not in scans) + 100


@pytest.mark.parametrize("seed", [5, 6])
def test_the_indexes_answer_as_a_scan_does_after_reloads_edits_and_reopening(
        tmp_path, monkeypatch, seed):
    # a checkpoint (the connection reopened) at almost every commit: the indexes are
    # written to the file and read back from it again and again
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_WAL", 16 * 1024)
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_SHARE", 0)  # whatever the file's size
    rng = random.Random(seed)
    target = tmp_path / "d.duckdb"
    loaded = []
    for step in range(12):
        with open_store(target) as store:
            store.ensure_schema()
            for _ in range(3):
                records = []
                for _ in range(rng.randint(1, 6)):
                    kind = rng.random()
                    if kind < 0.2 and loaded:  # an edited file: new bytes at a loaded path
                        records.append(random_record(rng, 1000 + len(loaded),
                                                     path=rng.choice(loaded)))
                    elif kind < 0.3:
                        records.append(failed_dispatch(rng.randint(1, 60)))
                    else:  # new, or reloaded with other fields
                        loaded.append(rng.randint(1, 60))
                        records.append(random_record(rng, loaded[-1]))
                store.load_records(records, run_id=f"r{step}")
            assert stored(store) == expected(store), f"step {step}"
            assert unregistered(store) == set(), f"step {step}"
            # every index on a text column (the loader's look-ups are by text keys)
            indexed = store.query(
                "SELECT i.table_name, c.column_name FROM duckdb_indexes() i "
                "JOIN duckdb_columns() c ON c.table_name = i.table_name "
                "AND i.expressions = '[' || c.column_name || ']' "
                "WHERE c.data_type = 'VARCHAR'")
            assert len(indexed) >= 7
            for table, column in indexed:
                values = sorted({str(v) for v, in store.query(
                    f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')}
                    | {"absent"})
                picked = rng.sample(values, min(len(values), 7))
                listed = ", ".join("'" + v.replace("'", "''") + "'" for v in picked)
                through_index = store.query(
                    f'SELECT * FROM "{table}" WHERE "{column}" IN ({listed})')
                scanned = store.query(  # not the column: no index serves it
                    f'SELECT * FROM "{table}" WHERE "{column}" || \'\' IN ({listed})')
                assert sorted(map(repr, through_index)) == sorted(map(repr, scanned)), \
                    (step, table, column)


def register(store) -> dict[str, tuple[int, int]]:
    return {doc_id: (year, number) for doc_id, year, number in store.query(
        "SELECT doc_id, year, number FROM register_entries WHERE register = 'chung'")}


def unstamped(i: int):
    return dispatch_record(i).model_copy(update={"arrival": None})


def test_the_last_number_remembered_is_checked_against_the_file(tmp_path):
    target = tmp_path / "d.duckdb"
    day = {unstamped(i).doc_id: dt.date(2025, 3, i) for i in range(1, 20)}
    with open_store(target) as store:
        store.ensure_schema()
        store.load_records([unstamped(i) for i in (1, 2, 3)], "r1", received=day)
        assert store.last_numbers("chung", {2025, 2026}) == {2025: 3, 2026: None}
        # a batch numbered, then rolled back: what the store remembered is gone from the file
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.load_records([unstamped(i) for i in (4, 5)], "r2", received=day)
                assert store.last_numbers("chung", {2025}) == {2025: 5}
                raise RuntimeError("the batch fails after its numbers")
        assert store.last_numbers("chung", {2025}) == {2025: 3}
        store.load_records([unstamped(6)], "r3", received=day)
        assert register(store)[unstamped(6).doc_id] == (2025, 4)  # no number skipped
        # the last entry passed on to an edited file's new version
        edited = unstamped(7).model_copy(update={"source": unstamped(6).source})
        store.load_records([edited], "r4", received=day)
        assert register(store)[edited.doc_id] == (2025, 4)
        store.load_records([unstamped(8)], "r5", received=day)
        assert register(store)[unstamped(8).doc_id] == (2025, 5)
    with open_store(target) as store:  # another store: nothing remembered, the file read
        store.ensure_schema()
        store.load_records([unstamped(9)], "r6", received=day)
        assert register(store)[unstamped(9).doc_id] == (2025, 6)
        assert store.last_numbers("chung", {2025}) == {2025: 6}
        assert sorted(n for _, n in register(store).values()) == [1, 2, 3, 4, 5, 6]


def test_values_sql_text_cannot_hold_are_looked_up_and_set_all_the_same(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setattr(duckdb_store, "LITERALS", 3)  # several statements per call
    with open_store(tmp_path / "d.duckdb") as store:
        store.ensure_schema()
        rows = [{"doc_id": f"d{k % 5}", "ordinal": k, "raw": "x", "doc_type": None,
                 "number": f"{k}/UBND", "date": None, "issuer": None, "referenced_doc_id": None}
                for k in range(20)]
        store.insert_rows("references", rows)
        store.insert_rows("document_keys", [{"doc_id": "nul\x00id", "number_key": "k"},
                                            {"doc_id": "it's", "number_key": "k"}])
        for wanted in (["nul\x00id", "it's", "x"], ["it's", "y", "z", "w"]):
            found = []
            for names, listed in store.value_lists(wanted):
                found += store.query(f"SELECT doc_id FROM document_keys WHERE doc_id IN "
                                     f"({listed})", names)
            assert sorted(found) == sorted((d,) for d in wanted if d in ("nul\x00id", "it's"))
        for value in ("it's", "nul\x00inside"):  # written out; one JSON parameter
            changes = [{"doc_id": f"d{k % 5}", "ordinal": k, "referenced_doc_id": f"{value}{k}",
                        "date": None if k % 2 else "2024-05"} for k in range(1, 20, 3)]
            store.update_rows("references", ("doc_id", "ordinal"), changes)
            got = store.query('SELECT doc_id, ordinal, referenced_doc_id, date '
                              'FROM "references" ORDER BY ordinal')
            changed = {c["ordinal"]: c for c in changes}
            assert got == [(r["doc_id"], r["ordinal"], *(
                (changed[r["ordinal"]]["referenced_doc_id"], changed[r["ordinal"]]["date"])
                if r["ordinal"] in changed else (None, None))) for r in rows]
            store.update_rows("references", ("doc_id", "ordinal"), [
                {"doc_id": c["doc_id"], "ordinal": c["ordinal"], "referenced_doc_id": None,
                 "date": None} for c in changes])
