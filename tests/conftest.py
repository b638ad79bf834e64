"""Fixtures every test folder shares: ``../shared``, fonts for generated files, PostgreSQL.

The builders themselves (PDF, DOCX, scans, records, inboxes) live in ``tests/fixtures``,
a package the benchmarks import too.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixtures.formats import find_font
from fixtures.pg_server import drop_schema, find_server, fresh_schema_url

# a `dispatches run` started by a test runs its Prefect server in its own process (the
# default, set here whatever the user's shell says): a kept one would outlive the test
# session (tests of the kept server set this themselves)
os.environ["DISPATCHES_PREFECT_KEEP_MINUTES"] = "0"

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "samples"


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests that need it skip on a fresh clone."""
    if not (SHARED / "gold").is_dir():
        pytest.skip("../shared (seeds and gold labels) is not beside this checkout")
    return SHARED


@pytest.fixture(scope="session")
def font() -> Path:
    found = find_font()
    if found is None:
        pytest.skip("DejaVuSerif.ttf not found: install fonts-dejavu-core "
                    "(scripts/install-system-deps.sh) to build the PDF fixtures")
    return found


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("formats")


@pytest.fixture(scope="session")
def pg_server_url():
    """A PostgreSQL server for loader and flow tests (``scripts/test.sh`` starts one)."""
    url, why = find_server()
    if url is None:
        pytest.skip(f"PostgreSQL tests skipped: {why}")
    return url


@pytest.fixture
def pg_url(pg_server_url):
    """A fresh schema on that server, dropped after the test."""
    url, schema = fresh_schema_url(pg_server_url)
    yield url
    drop_schema(pg_server_url, schema)
