"""Whether a local Prefect server must migrate its database at its start
(``migration_skipped``), for the kept server (``prefect_server.py``, which loads this file
with ``runpy``: stdlib only here, Prefect and SQLAlchemy imported when called) and the API a
run starts in its own process (``prefect_api.InProcessApi``).

Prefect's server migrates its database at every start: on a database already at the head
revision alembic still loads every migration script to learn that (13 MB of the server, half
a second). The first server that migrates a SQLite database notes the revision it left it
at (``dispatches-db-migrated.json`` in ``PREFECT_HOME``, with the Prefect version and the
file); a later server of the same Prefect finding that very revision in that file starts
without migrating. Any other case migrates as Prefect does: another Prefect, another or a
missing file, another revision, a server database that is not SQLite, or a user who set
``PREFECT_SERVER_DATABASE_MIGRATE_ON_START`` (anywhere Prefect reads settings). A SQLite
database this Prefect has not noted is migrated by a child process that then ends
(``migrate_apart``, as Prefect's lifespan would: ``create_db``), so that alembic and the
migration scripts are not kept resident in the server for its lifetime (216 MB against 179
at a 10,000-document run's peak on a fresh ``PREFECT_HOME``, measured); if the child fails,
the server migrates as Prefect's does.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, closing, nullcontext
from importlib.metadata import version
from pathlib import Path

MIGRATED = "dispatches-db-migrated.json"


def sqlite_revision(path: Path) -> str | None:
    """The alembic revision a SQLite database file is at; None without one (no file, no
    table), and never creates the file."""
    try:
        with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as db:
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def database_file(url: str) -> Path | None:
    """The file of a SQLite database URL (``sqlite+aiosqlite:////home/u/.prefect/prefect.db``);
    None for another database or an in-memory one."""
    from sqlalchemy.engine import make_url  # Prefect's own: loaded by the server anyway

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def migration_note(database: Path) -> dict | None:
    """What ``MIGRATED`` holds once a server has migrated ``database``: this Prefect, the
    file, the revision it is at; None when it has none."""
    revision = sqlite_revision(database)
    if revision is None:
        return None
    return {"prefect": version("prefect"), "database": str(database.resolve()),
            "revision": revision}


def migrated_already(database: Path | None, note_path: Path) -> bool:
    """True when ``database`` is at the revision a server of this Prefect migrated it to."""
    if database is None:
        return False
    try:
        noted = json.loads(note_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return noted == migration_note(database)


def note_migrated(database: Path, note_path: Path) -> None:
    """Write ``MIGRATED`` for ``database`` (whole or not at all: two servers may race)."""
    note = migration_note(database)
    if note is None:
        return
    fd, tmp = tempfile.mkstemp(dir=note_path.parent, prefix=note_path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(note, f)
    os.replace(tmp, note_path)


_EXCEPTION_LINE = re.compile(r"[\w.]+(?:Error|Exception|Exit)\b")


def reason(text: str) -> str:
    """What a log or a traceback says went wrong, in one line: its last exception line
    (SQLAlchemy ends its tracebacks with a link), else its last line."""
    lines = text.strip().splitlines()
    said = [line for line in lines if _EXCEPTION_LINE.match(line)]
    return (said or lines or [""])[-1].strip()


def _say(message: str) -> None:
    print(f"prefect_server: {message}", file=sys.stderr, flush=True)


_MIGRATE = ("import asyncio; from prefect.server.database import provide_database_interface; "
            "asyncio.run(provide_database_interface().create_db())")


def migrate_apart(database: Path, note_path: Path, say: Callable[[str], None] = _say) -> bool:
    """Migrate the server's database in a child process and note it; True when the database
    is then at the noted revision (the server can start without migrating)."""
    done = subprocess.run([sys.executable, "-c", _MIGRATE], stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        say(f"migrating {database} apart failed (exit {done.returncode}): "
            f"{reason(done.stderr.decode('utf-8', 'replace'))}")
        return False
    try:
        note_migrated(database, note_path)
    except OSError:  # no note: the server migrates, as Prefect's would
        return False
    return migrated_already(database, note_path)


def _note_once_started(server, database: Path, note_path: Path) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.2)
    if server.started:  # the lifespan (and so the migration) is done
        try:
            note_migrated(database, note_path)
        except OSError:  # no note: the next server migrates, as Prefect's would
            pass


def migration_skipped(server, say: Callable[[str], None] = _say) -> AbstractContextManager:
    """The settings ``server`` (a ``uvicorn.Server`` of Prefect's app, not yet run) runs in:
    ``PREFECT_API_DATABASE_MIGRATE_ON_START`` off when its SQLite database is at the revision
    this Prefect migrated it to (noted, or migrated now by ``migrate_apart``); as they are
    otherwise (the server migrates as Prefect's does, noted once started); ``say`` tells which
    (the server's log). Enter it in the thread that runs the server: its tasks run in copies
    of that thread's context."""
    from prefect.settings import (PREFECT_API_DATABASE_MIGRATE_ON_START, get_current_settings,
                                  temporary_settings)

    settings = get_current_settings()
    if "migrate_on_start" in settings.server.database.model_fields_set:  # the user's
        return nullcontext()
    note_path = settings.home / MIGRATED
    database = database_file(settings.server.database.connection_url.get_secret_value())
    if migrated_already(database, note_path):
        say(f"{database} already at the revision this Prefect migrated it to: not migrated "
            "again")
    elif database is not None and migrate_apart(database, note_path, say):
        say(f"{database} migrated by a process of its own")
    else:
        if database is not None:
            threading.Thread(target=_note_once_started, args=(server, database, note_path),
                             daemon=True, name="migration-note").start()
        return nullcontext()
    return temporary_settings(updates={PREFECT_API_DATABASE_MIGRATE_ON_START: False})
