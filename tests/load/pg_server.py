"""A PostgreSQL server for the loader tests: $DISPATCHES_TEST_PG_URL, or start one.

``scripts/start-postgres.sh`` starts a throw-away cluster on loopback (apt package
``postgresql``). Each test gets its own schema, so tests never see each other's rows.
"""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[2]
START_SCRIPT = REPO / "scripts" / "start-postgres.sh"


def find_server() -> tuple[str | None, str]:
    """(url, why-not): the URL of a reachable server, or None and the reason."""
    url = os.environ.get("DISPATCHES_TEST_PG_URL")
    if not url:
        try:
            done = subprocess.run([str(START_SCRIPT)], capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, f"cannot run {START_SCRIPT.name}: {exc}"
        if done.returncode != 0:
            return None, (f"no PostgreSQL: DISPATCHES_TEST_PG_URL is unset and "
                          f"{START_SCRIPT.name} failed: {done.stderr.strip()[-300:]}")
        url = done.stdout.strip().splitlines()[-1]
    from pipeline.load.postgres import sqlalchemy_url

    try:
        engine = sa.create_engine(sqlalchemy_url(url))
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        return None, f"PostgreSQL at {url} is not reachable: {exc}"
    return url, ""


def fresh_schema_url(url: str) -> tuple[str, str]:
    """Create an empty schema; returns (url whose search_path is that schema, schema name)."""
    from pipeline.load.postgres import sqlalchemy_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(sqlalchemy_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", schema


def drop_schema(url: str, schema: str) -> None:
    from pipeline.load.postgres import sqlalchemy_url

    engine = sa.create_engine(sqlalchemy_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()
