"""The dataset in an embedded DuckDB file (the default store)."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb

from pipeline.load.ddl import column_type, quote, table_spec
from pipeline.load.locking import WriterLock, open_when_free, resolve_lock_timeout
from pipeline.load.store import DatasetStore

STREAM_ROWS = 2048  # rows fetched at a time by stream() and arrow_reader()
# The writer's memory and its CPU per document stay those of a batch, whatever the size of
# the dataset (bench/bench_scale.py --loader-only, 10,000 documents):
# - checkpoints every CHECKPOINT_WAL of WAL, each writing what came since the last one, so
#   every thousand documents carries about the same share of them (the slowest thousand is
#   what a run is judged on: a checkpoint waiting for the WAL to reach the file's size,
#   seconds long, landed whole in one of them); but DuckDB writes every index whole at each
#   checkpoint (87 ms at 850 documents, 170–190 ms from 17,000 to 20,000, for the same 900
#   documents of WAL), so once the file is bigger the WAL waits for a CHECKPOINT_SHARE of
#   its size, up to CHECKPOINT_WAL_MAX (DuckDB's own threshold): the indexes' cost per
#   document stays that of a small dataset up to a file of CHECKPOINT_WAL_MAX /
#   CHECKPOINT_SHARE, and what waits in memory for a checkpoint never passes what
#   CHECKPOINT_WAL_MAX of WAL holds. A half, not a quarter: a checkpoint and the reopen
#   after it hold the loader, the run's critical path, 0.3–0.5 s of wall time from a file
#   of ~10 MB on (0.12–0.31 s of CPU): over 10,000 documents 5–6 of them instead of 8,
#   1.9–2.4 s of the loader's time instead of 2.9–3.7 (two runs each), for ~10 MB more
#   at the run's peak (449–452 → 462 MB: the ceiling's WAL waits from a 32 MB file on);
# - row groups of ROW_GROUP_ROWS: a checkpoint rewrites each table's last row group whole, and
#   at DuckDB's default (122,880 rows) that was every table of a dataset of fewer documents,
#   at every checkpoint; finished row groups are read from the file like any block;
# - blocks of BLOCK_SIZE in a new file (DuckDB's default 256 KiB): a table's column being
#   appended to holds one in memory (IN_MEMORY_TABLE: 55 MB over the dataset's ~130
#   columns), the primary keys' index nodes are allocated by the block (ART_INDEX: 18 MB
#   at 10,000 documents, 5 MB in 16 KiB blocks); a file's block size is fixed when created;
# - the connection reopened at each checkpoint (closing checkpoints): DuckDB kept ~10 KB per
#   document loaded beyond what duckdb_memory() accounts for, and let go of it only then.
CHECKPOINT_WAL = 4 * 1024 * 1024
CHECKPOINT_SHARE = 0.5
CHECKPOINT_WAL_MAX = 16 * 1024 * 1024
ROW_GROUP_ROWS = 2048
BLOCK_SIZE = 16 * 1024
WRITER_SETTINGS = (
    # DuckDB would checkpoint at every 16 MiB of WAL: checkpoint_when_due decides
    "checkpoint_threshold = '1TB'",
    # a writer's statements touch a batch's rows: DuckDB's worker threads cost more CPU to
    # coordinate than they save (a third of the loader's, measured), taken from the
    # extraction workers beside it
    "threads = 1",
    # what DuckDB frees goes back to the system at once (a background thread purges it), not
    # kept for reuse up to 128 MiB, its default: the exports at the end of a run kept 30 MB
    # more resident (measured over 4,000 documents)
    "allocator_flush_threshold = '4MB'",
    "allocator_bulk_deallocation_flush_threshold = '4MB'",
    "allocator_background_threads = true")
_NAMED = re.compile(r"(?<![:\w]):(\w+)")


def _duckdb_params(sql: str) -> str:
    """``:name`` (the style the shared SQL uses) → DuckDB's ``$name``."""
    return _NAMED.sub(r"$\1", sql)


class DuckDBStore(DatasetStore):
    """One DuckDB file. DuckDB lets ONE process open it for writing (or several read-only):
    while another process holds it, opening retries for ``lock_timeout`` seconds (default 30,
    or ``$DISPATCHES_LOCK_TIMEOUT``), then raises ``DatasetLockedError`` naming the holder.
    ``read_only=True`` is for readers: they share the file with each other, never with the
    loader, so keep them brief (dashboards should read the exported Parquet files instead)."""

    dialect = "duckdb"

    def __init__(self, path: str | Path, *, read_only: bool = False,
                 lock_timeout: float | None = None):
        self.path = Path(path)
        self.url = str(self.path)
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        replayed = not read_only and wal_path(self.path).is_file()
        self._lock_timeout = resolve_lock_timeout(lock_timeout)
        # held across the reopens at checkpoints (see WriterLock)
        self._writer = None if read_only else WriterLock(self.path, self._lock_timeout)
        try:
            self.con = self._connect()
        except BaseException:
            if self._writer is not None:
                self._writer.release()
            raise
        self._depth = 0
        # (register, year) → (number, doc_id) of the last số đến this store gave (see
        # last_numbers)
        self._last_given: dict[tuple[str, int], tuple[int, str]] = {}
        if replayed:
            # a writer killed since its last checkpoint: what it committed was replayed from
            # the WAL as the file opened; fold it into the file before this run's first
            # commit (DuckDB 1.5 has aborted the process on the first commit after replaying
            # index changes)
            self.con.execute("CHECKPOINT")

    def execute(self, sql: str, params: dict | None = None) -> None:
        self.con.execute(_duckdb_params(sql), params or None)

    def query(self, sql: str, params: dict | None = None) -> list[tuple]:
        return self.con.execute(_duckdb_params(sql), params or None).fetchall()

    def insert_rows(self, table: str, rows: list[dict[str, object]]) -> None:
        if not rows:
            return
        # one statement per table, its rows ONE parameter: JSON text, a list per column, that
        # DuckDB parses (from_json) and unnests side by side. Every Python value bound as a
        # parameter costs the client ~35 µs (it looks for pandas, absent from a run: see
        # pipeline.cli.lean), a list of values as much per item: 2/3 of the loader's time when
        # each column was a list parameter; row-by-row executemany is ~100× slower still; an
        # Arrow batch would need pyarrow in the loader, and pandas to build it from values
        spec = table_spec(table)
        self.con.execute(_insert_sql(spec.name),
                         [_to_json({c: [r.get(c) for r in rows] for c in spec.column_names})])

    def update_rows(self, table: str, keys: tuple[str, ...], rows: list[dict[str, object]]
                    ) -> None:
        if not rows:
            return
        columns = tuple(c for c in rows[0] if c not in keys)
        values = {c: [_sql_literal(row[c]) for row in rows] for c in (*keys, *columns)}
        if all(v is not None for listed in values.values() for v in listed):
            # one statement for them all, its rows found by the first key column alone, IN a
            # list written out in the SQL: DuckDB looks that up in the column's index (a
            # primary key of one column, or one of ``ddl.link_table_statements``) only when
            # the statement has no other condition; each row's values picked by a CASE on its
            # key (joined on the key, or listed as a JSON parameter, DuckDB read every row)
            by_first: dict[object, list[int]] = defaultdict(list)
            for n, row in enumerate(rows):
                by_first[row[keys[0]]].append(n)
            firsts = sorted(by_first)
            for start in range(0, len(firsts), LITERALS):
                chunk = firsts[start:start + LITERALS]
                picked = [n for first in chunk for n in by_first[first]]
                sets = ", ".join(
                    f"{quote(c)} = CASE " + " ".join(
                        "WHEN " + " AND ".join(f"{quote(k)} = {values[k][n]}" for k in keys)
                        + f" THEN {values[c][n]}" for n in picked) + f" ELSE {quote(c)} END"
                    for c in columns)
                listed = ", ".join(values[keys[0]][by_first[first][0]] for first in chunk)
                self.con.execute(f"UPDATE {quote(table)} SET {sets} "
                                 f"WHERE {quote(keys[0])} IN ({listed})")
            return
        # a value SQL text cannot hold (a NUL character): the rows as one JSON parameter,
        # joined on their keys (a scan of the table)
        self.con.execute(_update_sql(table, tuple(keys), tuple(rows[0])),
                         [_to_json({c: [r[c] for r in rows] for c in rows[0]})])

    def value_lists(self, values: list[str], name: str = "id"
                    ) -> Iterator[tuple[dict[str, object], str]]:
        # the values written out in the SQL, no parameter: DuckDB answers ``column IN ('a',
        # 'b', …)`` from the column's index (when the statement has no other condition: see
        # update_rows), a list of parameters or a JSON one by reading the whole table; and
        # every Python value bound as a parameter costs the client ~35 µs (see insert_rows)
        if any("\0" in v for v in values):  # SQL text holds no NUL: one JSON parameter
            yield {name: _to_json(values)}, f"SELECT unnest(from_json(:{name}, '[\"VARCHAR\"]'))"
            return
        for listed in _literal_lists(values):
            yield {}, listed

    def last_numbers(self, register: str, years: set[int]) -> dict[int, int | None]:
        # the last entry this store gave in a year, if it is still there (looked up by
        # doc_id, through its index): while the store is open its writer alone adds entries
        # (WriterLock), and an entry rolled back or passed on to an edited file's new
        # version is not found, so its year is looked at again (max() by a key of three
        # columns reads the whole register)
        known = {year: self._last_given[(register, year)] for year in years
                 if (register, year) in self._last_given}
        found = set()
        for names, listed in self.value_lists(sorted({doc_id for _, doc_id in known.values()})):
            found.update(self.query("SELECT register, year, number, doc_id FROM "
                                    f"register_entries WHERE doc_id IN ({listed})", names))
        last = {year: number for year, (number, doc_id) in known.items()
                if (register, year, number, doc_id) in found}
        missing = years - last.keys()
        return last | (super().last_numbers(register, missing) if missing else {})

    def numbers_given(self, entries: list[dict[str, object]]) -> None:
        for entry in entries:  # numbered in order within each year
            self._last_given[(entry["register"], entry["year"])] = (entry["number"],
                                                                   entry["doc_id"])

    def stream(self, sql: str, params: dict | None = None) -> Iterator[tuple]:
        cursor = self.con.execute(_duckdb_params(sql), params or None)
        while rows := cursor.fetchmany(STREAM_ROWS):
            yield from rows

    def arrow_reader(self, sql: str):
        relation = self.con.sql(sql)
        # DuckDB ≥ 1.4 names it to_arrow_reader; older releases fetch_record_batch
        return (getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch)(
            STREAM_ROWS)

    def fetch_arrow(self, sql: str):
        relation = self.con.sql(sql)
        # DuckDB ≥ 1.4 names it to_arrow_table; older releases arrow()
        return (getattr(relation, "to_arrow_table", None) or relation.arrow)()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:  # nested: part of the outer transaction
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.con.begin()
        self._depth = 1
        try:
            yield
            # durable once committed: DuckDB writes and syncs the WAL at commit and replays it
            # when the file is next opened; no checkpoint after every commit (at a few
            # thousand documents it was half the loader's time per batch)
            self.con.commit()
        except BaseException:
            # a Ctrl-C during the COMMIT too: what it left open is rolled back, so the run
            # can still be recorded 'interrupted' on this connection (tests/load)
            self._rollback_if_open()
            raise
        finally:
            self._depth = 0
        if not self.read_only:
            self.checkpoint_when_due()

    def _rollback_if_open(self) -> None:
        try:
            self.con.rollback()
        except duckdb.TransactionException:
            pass  # none open: the COMMIT went through before the interrupt was raised

    def _connect(self, fresh: duckdb.DuckDBPyConnection | None = None
                 ) -> duckdb.DuckDBPyConnection:
        """Open the file (waiting while another process holds it); a writer attaches it with
        its row group size (an ``ATTACH`` option only), and a new file's block size, to
        ``fresh`` (an in-memory connection) if given."""
        if self.read_only:
            return open_when_free(lambda: duckdb.connect(str(self.path), read_only=True),
                                  self.path, self._lock_timeout)
        options = f"ROW_GROUP_SIZE {ROW_GROUP_ROWS}"
        if not self.path.exists():
            options += f", BLOCK_SIZE {BLOCK_SIZE}"
        unused = [fresh] if fresh is not None else []  # for the first attempt only

        def attach() -> duckdb.DuckDBPyConnection:
            return _attached(self.path, options, unused.pop() if unused else None)

        con = open_when_free(attach, self.path, self._lock_timeout)
        for setting in WRITER_SETTINGS:
            con.execute(f"SET {setting}")
        # where DuckDB spills what does not fit in memory, as for a file opened directly (the
        # in-memory database it is attached to has none)
        con.execute(f"SET temp_directory = {_literal(str(self.path) + '.tmp')}")
        return con

    def checkpoint_when_due(self) -> None:
        """Once the WAL holds ``checkpoint_threshold`` of the file: fold it into the file,
        closing the connection (which checkpoints), and open it again (see above)."""
        try:
            wal = wal_path(self.path).stat().st_size
            file = self.path.stat().st_size
        except FileNotFoundError:
            return
        if wal >= checkpoint_threshold(file):
            # DuckDB's lock is free between the close and the ATTACH (the new connection
            # is made before, to keep that short): another dispatches writer waits on the
            # WriterLock this store holds throughout; a reader that gets in holds up the
            # loader (lock_timeout at most), as it would have at the start of the run
            fresh = duckdb.connect()
            self.con.close()
            try:
                self.con = self._connect(fresh)
            except BaseException as exc:  # held past lock_timeout (DatasetLockedError)
                self.con = _Lost(exc)  # what was committed stays; every later use says why
                raise

    def close(self) -> None:
        try:
            self.con.close()  # DuckDB checkpoints as it closes a file it wrote: no WAL is left
        finally:
            if self._writer is not None:
                self._writer.release()


def checkpoint_threshold(file_bytes: int) -> int:
    """The WAL (bytes) a writer lets wait for a checkpoint beside a file of ``file_bytes``:
    ``CHECKPOINT_WAL``, or a ``CHECKPOINT_SHARE`` of the file once that is more, at most
    ``CHECKPOINT_WAL_MAX`` (see above)."""
    return max(CHECKPOINT_WAL, min(CHECKPOINT_WAL_MAX, int(file_bytes * CHECKPOINT_SHARE)))


class _Lost:
    """The connection of a store whose reopen at a checkpoint failed: the first error again
    at every use (the run's bookkeeping after it would otherwise fail on a closed
    connection and hide why), and nothing to close."""

    def __init__(self, error: BaseException):
        self._error = error

    def close(self) -> None:
        pass

    def __getattr__(self, name: str):
        raise self._error


def _attached(path: Path, options: str, con: duckdb.DuckDBPyConnection | None = None
              ) -> duckdb.DuckDBPyConnection:
    """``con`` (a new in-memory connection by default) with the file at ``path`` attached
    with ``options`` as its database."""
    con = con or duckdb.connect()
    try:
        con.execute(f"ATTACH {_literal(str(path))} AS dataset ({options})")
        con.execute("USE dataset")
    except BaseException:
        con.close()
        raise
    return con


@cache
def _insert_sql(table: str) -> str:
    """``INSERT`` of a table's rows from one JSON parameter: ``{"column": [values…], …}``.
    The values are read as the column's type (JSON columns as their text, cast as they are
    inserted, as a VARCHAR value would be)."""
    spec = table_spec(table)
    shape = {c.name: [column_type(c, "duckdb") if c.type != "json" else "VARCHAR"]
             for c in spec.columns}
    columns = ", ".join(map(quote, spec.column_names))
    values = ", ".join(f"unnest(j.{quote(c)})" for c in spec.column_names)
    return (f"INSERT INTO {quote(table)} ({columns}) SELECT {values} "
            f"FROM (SELECT from_json($1, {_literal(json.dumps(shape))}) AS j)")


@cache
def _update_sql(table: str, keys: tuple[str, ...], columns: tuple[str, ...]) -> str:
    """``UPDATE`` of a table's rows found by ``keys`` from one JSON parameter (as
    ``_insert_sql``), setting the other ``columns``."""
    spec = {c.name: c for c in table_spec(table).columns}
    shape = {c: [column_type(spec[c], "duckdb") if spec[c].type != "json" else "VARCHAR"]
             for c in columns}
    values = ", ".join(f"unnest(j.{quote(c)}) AS {quote(c)}" for c in columns)
    sets = ", ".join(f"{quote(c)} = u.{quote(c)}" for c in columns if c not in keys)
    on = " AND ".join(f"{quote(table)}.{quote(c)} = u.{quote(c)}" for c in keys)
    return (f"UPDATE {quote(table)} SET {sets} FROM (SELECT {values} FROM "
            f"(SELECT from_json($1, {_literal(json.dumps(shape))}) AS j)) AS u WHERE {on}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


LITERALS = 1000  # values written out in one IN (…) list


def _literal_lists(values: list[str]) -> Iterator[str]:
    """``'a', 'b', …``: ``values`` (none holding a NUL) as SQL text, ``LITERALS`` at a time."""
    for start in range(0, len(values), LITERALS):
        yield ", ".join(map(_literal, values[start:start + LITERALS]))


def _sql_literal(value: object) -> str | None:
    """``value`` as SQL text DuckDB reads back as it was; None when SQL text cannot hold it
    (a NUL character) or it is of a type the loader does not update."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\0" not in value:
        return _literal(value)
    return None


def _json_value(value: object) -> str:
    """Dates and times as ISO text, which DuckDB reads back as DATE / TIMESTAMPTZ / TIME."""
    if isinstance(value, (dt.date, dt.time)):  # datetime too
        return value.isoformat()
    raise TypeError(f"cannot load {type(value).__name__} {value!r} into DuckDB")


def _to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_value)


def wal_path(path: Path) -> Path:
    """DuckDB's write-ahead log beside a database file (there while commits are not yet
    checkpointed into the file)."""
    return path.with_name(path.name + ".wal")
