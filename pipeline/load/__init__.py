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
from pipeline.load.locking import DatasetLockedError
from pipeline.load.store import (DEFAULT_REGISTER, CorrectionError, DatasetStore,
                                 SchemaVersionError, StoredDocument)


def is_database_url(target: str) -> bool:
    return "://" in str(target)


DUCKDB_NAME = "dispatches.duckdb"  # the dataset of a run folder unless --db names another


def dataset_target(out_dir: str | Path, db: str | None = None) -> str:
    """Where a run's dataset is: ``db`` (a URL or DuckDB path) or ``OUT_DIR/dispatches.duckdb``."""
    return db or str(Path(out_dir) / DUCKDB_NAME)


def dataset_exists(target: str | Path) -> bool:
    """A database URL (the server says), or a DuckDB file that is there."""
    return is_database_url(str(target)) or Path(target).is_file()


def open_store(target: str | Path, *, read_only: bool = False,
               lock_timeout: float | None = None) -> DatasetStore:
    """A store for a DuckDB file path or a ``postgresql://`` URL (schema not yet ensured).

    A DuckDB file another process holds is waited for (``$DISPATCHES_LOCK_TIMEOUT``, default
    30 s), then ``DatasetLockedError``; ``read_only`` opens a DuckDB file for reading only."""
    target = str(target)
    if target.startswith(("postgresql", "postgres://")):
        from pipeline.load.postgres import PostgresStore

        return PostgresStore(target)
    if is_database_url(target) and not target.startswith("duckdb://"):
        raise ValueError(f"unsupported database URL {target!r}: use a DuckDB file path, "
                         "duckdb:///path/file.duckdb or postgresql://user@host:port/db")
    from pipeline.load.duckdb_store import DuckDBStore

    return DuckDBStore(target.removeprefix("duckdb://"), read_only=read_only,
                       lock_timeout=lock_timeout)


__all__ = ["DEFAULT_REGISTER", "DUCKDB_NAME", "CorrectionError", "DatasetLockedError",
           "DatasetStore", "SchemaVersionError", "StoredDocument", "dataset_exists",
           "dataset_target", "is_database_url", "open_store", "record_to_rows"]
