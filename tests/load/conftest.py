"""The loader's tests run against both stores."""
from __future__ import annotations

import pytest

from pipeline.load import open_store


@pytest.fixture(params=["duckdb", "postgresql"])
def store(request, tmp_path):
    """An empty dataset with its schema, in DuckDB and in PostgreSQL."""
    target = (str(tmp_path / "dataset.duckdb") if request.param == "duckdb"
              else request.getfixturevalue("pg_url"))
    s = open_store(target)
    s.ensure_schema()
    yield s
    s.close()
