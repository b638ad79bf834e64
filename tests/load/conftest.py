from __future__ import annotations

import pytest

from pg_server import drop_schema, find_server, fresh_schema_url
from pipeline.load import open_store


@pytest.fixture(scope="session")
def pg_server_url():
    url, why = find_server()
    if url is None:
        pytest.skip(f"PostgreSQL loader tests skipped: {why}")
    return url


@pytest.fixture
def pg_url(pg_server_url):
    url, schema = fresh_schema_url(pg_server_url)
    yield url
    drop_schema(pg_server_url, schema)


@pytest.fixture(params=["duckdb", "postgresql"])
def store(request, tmp_path):
    """An empty dataset with its schema, in DuckDB and in PostgreSQL."""
    target = (str(tmp_path / "dataset.duckdb") if request.param == "duckdb"
              else request.getfixturevalue("pg_url"))
    s = open_store(target)
    s.ensure_schema()
    yield s
    s.close()
