"""The dataset in PostgreSQL, through SQLAlchemy (``--db postgresql://user@host/db``)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from pipeline.load.ddl import quote, table_spec
from pipeline.load.store import DatasetStore


def sqlalchemy_url(url: str) -> str:
    """``postgresql://…`` means psycopg 3 here (SQLAlchemy's bare default is psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


STREAM_ROWS = 2048  # rows fetched at a time by stream()
WRITER_LOCK_KEY = 0x64697370  # "disp": the dataset's writers serialise on it


class PostgresStore(DatasetStore):
    dialect = "postgresql"

    def __init__(self, url: str):
        self.url = url
        self.engine = sa.create_engine(sqlalchemy_url(url), pool_pre_ping=True)
        self._conn: sa.Connection | None = None

    @contextmanager
    def _connection(self) -> Iterator[sa.Connection]:
        if self._conn is not None:
            yield self._conn
        else:
            with self.engine.begin() as conn:
                yield conn

    def execute(self, sql: str, params: dict | None = None) -> None:
        with self._connection() as conn:
            conn.execute(sa.text(sql), params or {})

    def query(self, sql: str, params: dict | None = None) -> list[tuple]:
        with self._connection() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql), params or {})]

    def insert_rows(self, table: str, rows: list[dict[str, object]]) -> None:
        if not rows:
            return
        spec = table_spec(table)
        json_cols = {c.name for c in spec.columns if c.type == "json"}
        cols = ", ".join(map(quote, spec.column_names))
        values = ", ".join(f"CAST(:{n} AS JSONB)" if n in json_cols else f":{n}"
                           for n in spec.column_names)
        stmt = sa.text(f"INSERT INTO {quote(table)} ({cols}) VALUES ({values})")
        with self._connection() as conn:
            conn.execute(stmt, [{n: r.get(n) for n in spec.column_names} for r in rows])

    def stream(self, sql: str, params: dict | None = None) -> Iterator[tuple]:
        # a server-side cursor: the rows come STREAM_ROWS at a time
        with self._connection() as conn:
            result = conn.execution_options(yield_per=STREAM_ROWS).execute(sa.text(sql),
                                                                            params or {})
            for row in result:
                yield tuple(row)

    def fetch_arrow(self, sql: str):
        import pyarrow as pa

        with self._connection() as conn:
            result = conn.execute(sa.text(sql))
            names = list(result.keys())
            rows = [tuple(r) for r in result]
        columns = {n: [_plain(r[i]) for r in rows] for i, n in enumerate(names)}
        return pa.table(columns) if rows else pa.table({n: pa.array([], pa.string()) for n in names})

    def lock_writers(self) -> None:
        # two runs loading into one database take turns (held to the end of the transaction):
        # delete-then-insert of the same document, and số đến numbering, cannot interleave
        self.execute("SELECT pg_advisory_xact_lock(:key)", {"key": WRITER_LOCK_KEY})

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._conn is not None:  # nested: part of the outer transaction
            yield
            return
        with self.engine.begin() as conn:
            self._conn = conn
            try:
                yield
            finally:
                self._conn = None

    def close(self) -> None:
        self.engine.dispose()


def _plain(value: object) -> object:
    """JSONB comes back parsed; exports keep it as JSON text, as DuckDB does."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value
