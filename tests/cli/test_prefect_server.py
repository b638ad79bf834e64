"""The kept local Prefect API (``pipeline/cli/prefect_server.py``) migrates a SQLite
database once per Prefect version, not at every start (``prefect_migration``), and leaves
out the optional packages it does not need (``KEPT_OUT``)."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from importlib.metadata import version

import pytest

from pipeline.cli.prefect_api import KeptApi
from pipeline.cli.prefect_migration import (MIGRATED, database_file, migrated_already,
                                            note_migrated, sqlite_revision)
from pipeline.cli.prefect_server import KEPT_OUT

SKIPPED = "not migrated again"
APART = "migrated by a process of its own"


def database_at(path, revision: str):
    """A SQLite file whose alembic table says ``revision``, as a migrated Prefect database's does."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32))")
        db.execute("DELETE FROM alembic_version")
        db.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
        db.commit()
    return path


def test_a_sqlite_url_names_its_file_and_other_databases_none(tmp_path):
    assert database_file(f"sqlite+aiosqlite:///{tmp_path}/prefect.db") == tmp_path / "prefect.db"
    assert database_file("sqlite+aiosqlite:///:memory:") is None
    assert database_file("postgresql+asyncpg://u:p@localhost:5432/prefect") is None


def test_the_revision_is_read_without_creating_a_missing_file(tmp_path):
    assert sqlite_revision(database_at(tmp_path / "a.db", "27d8f4e1a6c9")) == "27d8f4e1a6c9"
    assert sqlite_revision(tmp_path / "missing.db") is None
    assert not (tmp_path / "missing.db").exists()
    with closing(sqlite3.connect(tmp_path / "empty.db")):
        pass
    assert sqlite_revision(tmp_path / "empty.db") is None  # no alembic table: never migrated


def test_only_the_noted_revision_of_the_noted_file_skips_the_migration(tmp_path):
    db, note = database_at(tmp_path / "prefect.db", "aaaa"), tmp_path / MIGRATED
    assert not migrated_already(db, note)  # no note yet: migrate
    note_migrated(db, note)
    assert json.loads(note.read_text()) == {"prefect": version("prefect"),
                                            "database": str(db.resolve()), "revision": "aaaa"}
    assert migrated_already(db, note)
    assert not migrated_already(database_at(tmp_path / "other.db", "aaaa"), note)  # another file
    assert not migrated_already(None, note)  # not SQLite
    database_at(db, "bbbb")  # another Prefect moved it on (or back)
    assert not migrated_already(db, note)
    note_migrated(db, note)
    assert migrated_already(db, note)
    note.write_text(note.read_text().replace(version("prefect"), "0.0.1"))  # another Prefect
    assert not migrated_already(db, note)
    db.unlink()
    assert not migrated_already(db, note)


def stop(api: KeptApi) -> None:
    api.process.terminate()
    api.process.wait(30)
    api.close()


def start(home) -> tuple[KeptApi, str]:
    api = KeptApi(home, 600)
    try:
        assert api.started
        api.wait_ready(180)
        with urllib.request.urlopen(api.url + "/flow_runs/filter", data=b"{}", timeout=10) as r:
            assert r.status == 200  # the database answers (its tables are there)
    except BaseException:  # not left serving for ten minutes after a failed test
        stop(api)
        raise
    return api, api.log_path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_kept_api_migrates_a_database_once_per_prefect_version(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    for name in ("PREFECT_SERVER_DATABASE_MIGRATE_ON_START", "PREFECT_API_DATABASE_MIGRATE_ON_START",
                 "PREFECT_SERVER_DATABASE_CONNECTION_URL", "PREFECT_API_DATABASE_CONNECTION_URL"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("PREFECT_HOME", str(home))
    api, log = start(home)  # a new database: migrated apart, and noted, before the server
    try:
        deadline = time.monotonic() + 10
        while not (home / MIGRATED).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert SKIPPED not in log and APART in log
        noted = json.loads((home / MIGRATED).read_text())
        assert noted["revision"] == sqlite_revision(home / "prefect.db") is not None
    finally:
        stop(api)

    # the next server of this Prefect: straight to serving. The revision is one alembic does
    # not know: a server that ran the migration would fail on it
    head, db = noted["revision"], home / "prefect.db"
    note_migrated(database_at(db, "0123456789ab"), home / MIGRATED)
    api, log = start(home)
    stop(api)
    assert SKIPPED in log
    note_migrated(database_at(db, head), home / MIGRATED)

    # the user asks for the migration: it runs (a server of its own key)
    monkeypatch.setenv("PREFECT_API_DATABASE_MIGRATE_ON_START", "true")
    api, log = start(home)
    stop(api)
    assert SKIPPED not in log and APART not in log  # by the server itself, as Prefect does
    assert os.path.exists(home / "prefect.db")


@pytest.mark.slow
def test_the_server_app_is_built_without_the_packages_it_keeps_out(tmp_path):
    """Prefect's whole server app is imported and built (its OpenAPI schema too) with
    ``KEPT_OUT`` unimportable, none of them loaded; without ``keep_out`` the same app loads
    them all (they are installed)."""
    probe = ("import sys; from pipeline.cli.prefect_server import KEPT_OUT, keep_out\n"
             "if sys.argv[1] == 'out': keep_out()\n"
             "from prefect.server.api.server import create_app\n"
             "app = create_app(ephemeral=True)\n"
             "print(sorted(m for m in KEPT_OUT if m in sys.modules), '|',"
             " len(app.openapi()['paths']))")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path)}
    seen = [subprocess.run([sys.executable, "-c", probe, how], env=env, capture_output=True,
                           text=True, check=True, timeout=300).stdout.split("\n")[-2]
            for how in ("out", "in")]
    (out, paths), (kept, all_paths) = (line.split(" | ") for line in seen)
    assert (out, kept) == ("[]", str(sorted(KEPT_OUT)))
    assert int(paths) == int(all_paths) > 100  # the same API: every route there
