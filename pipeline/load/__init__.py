"""The loader: records → the normalised dataset (DuckDB file + Parquet, or PostgreSQL).

    from pipeline.load import open_store
    with open_store("out/dispatches.duckdb") as store:     # or "postgresql://user@host/db"
        store.ensure_schema()
        store.load_records(records, run_id="…")
        store.export_parquet(Path("out"))
"""
from __future__ import annotations

from pathlib import Path

from pipeline.load.flatten import record_to_rows
from pipeline.load.store import DatasetStore, SchemaVersionError, StoredDocument


def is_database_url(target: str) -> bool:
    return "://" in str(target)


def open_store(target: str | Path) -> DatasetStore:
    """A store for a DuckDB file path or a ``postgresql://`` URL (schema not yet ensured)."""
    target = str(target)
    if target.startswith(("postgresql", "postgres://")):
        from pipeline.load.postgres import PostgresStore

        return PostgresStore(target)
    if is_database_url(target) and not target.startswith("duckdb://"):
        raise ValueError(f"unsupported database URL {target!r}: use a DuckDB file path, "
                         "duckdb:///path/file.duckdb or postgresql://user@host:port/db")
    from pipeline.load.duckdb_store import DuckDBStore

    return DuckDBStore(target.removeprefix("duckdb://"))


__all__ = ["DatasetStore", "SchemaVersionError", "StoredDocument", "is_database_url",
           "open_store", "record_to_rows"]
