"""One Prefect test harness for the whole session (it costs 10–20 s to start here)."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def _load_pg_server():
    path = Path(__file__).resolve().parents[1] / "load" / "pg_server.py"
    spec = importlib.util.spec_from_file_location("flows_pg_server", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    from prefect.settings import PREFECT_LOCAL_STORAGE_PATH, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # cached extractions of earlier sessions must not answer for this one
    storage = tmp_path_factory.mktemp("prefect-results")
    with prefect_test_harness(server_startup_timeout=120), \
            temporary_settings({PREFECT_LOCAL_STORAGE_PATH: storage}):
        yield


@pytest.fixture
def flow_env(prefect_harness):
    """Marks a test that runs flows (all of them share the session harness)."""
    return None


@pytest.fixture(scope="session")
def pg_server_url():
    pg = _load_pg_server()
    url, why = pg.find_server()
    if url is None:
        pytest.skip(f"PostgreSQL flow tests skipped: {why}")
    return url


@pytest.fixture
def pg_url(pg_server_url):
    pg = _load_pg_server()
    url, schema = pg.fresh_schema_url(pg_server_url)
    yield url
    pg.drop_schema(pg_server_url, schema)
