"""The dataset in an embedded DuckDB file (the default store)."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb

from pipeline.load.ddl import column_type, quote, table_spec
from pipeline.load.locking import open_when_free, resolve_lock_timeout
from pipeline.load.store import DatasetStore

STREAM_ROWS = 2048  # rows fetched at a time by stream() and arrow_reader()
# A checkpoint rewrites the changed row groups and the indexes of the tables: its cost grows
# with the file. So the loader checkpoints once the WAL holds as much as the file (and at
# least this much): checkpoints then come further apart as the file grows, and what they cost
# per document stays the same (a growing array's doubling), whatever the size of the dataset.
MIN_CHECKPOINT_WAL = 16 * 1024 * 1024  # DuckDB's own default checkpoint_threshold
WRITER_ALLOCATOR = ("allocator_flush_threshold = '4MB'",
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
        self.con = open_when_free(
            lambda: duckdb.connect(str(self.path), read_only=read_only), self.path,
            resolve_lock_timeout(lock_timeout))
        self._depth = 0
        if not read_only:
            # DuckDB would checkpoint at every 16 MiB of WAL: checkpoint_when_due decides
            self.con.execute("SET checkpoint_threshold = '1TB'")
            # a writer's statements touch a batch's rows: DuckDB's worker threads cost more
            # CPU to coordinate than they save (a third of the loader's, measured), taken
            # from the extraction workers beside it
            self.con.execute("SET threads = 1")
            # what DuckDB frees goes back to the system at once (a background thread purges
            # it), not kept for reuse up to 128 MiB, its default: the exports at the end of a
            # run kept 30 MB more resident (measured over 4,000 documents)
            for setting in WRITER_ALLOCATOR:
                self.con.execute(f"SET {setting}")
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

    def value_lists(self, values: list[str], name: str = "id"
                    ) -> Iterator[tuple[dict[str, object], str]]:
        # all of them in one JSON parameter (see insert_rows), however many
        if values:
            yield {name: _to_json(values)}, f"SELECT unnest(from_json(:{name}, '[\"VARCHAR\"]'))"

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
        except BaseException:
            self.con.rollback()
            raise
        else:
            # durable once committed: DuckDB writes and syncs the WAL at commit and replays it
            # when the file is next opened; no checkpoint after every commit (at a few
            # thousand documents it was half the loader's time per batch)
            self.con.commit()
            if not self.read_only:
                self.checkpoint_when_due()
        finally:
            self._depth = 0

    def checkpoint_when_due(self) -> None:
        """Fold the WAL into the file once it holds as much as the file (``MIN_CHECKPOINT_WAL``
        at least): see above."""
        try:
            wal = wal_path(self.path).stat().st_size
        except FileNotFoundError:
            return
        if wal >= max(MIN_CHECKPOINT_WAL, self.path.stat().st_size):
            self.con.execute("CHECKPOINT")

    def close(self) -> None:
        self.con.close()  # DuckDB checkpoints as it closes a file it wrote: no WAL is left


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


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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
