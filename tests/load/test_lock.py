"""A DuckDB file held by another process: the store waits, then says in one line who holds it."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from fixtures.records import dispatch_record
from pipeline.load import DatasetLockedError, open_store
from pipeline.load.duckdb_store import DuckDBStore
from pipeline.load.locking import LOCK_TIMEOUT_ENV, lock_holder, resolve_lock_timeout

HOLD = ("import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro'); "
        "print('ready', flush=True); sys.stdin.read()")


class Holder:
    """A second process holding the DuckDB file until ``release()`` (closing its stdin)."""

    def __init__(self, path, read_only: bool = False):
        self.proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path),
                                      "ro" if read_only else "rw"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"
        self.pid = self.proc.pid

    def release(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "out" / "dispatches.duckdb"
    with open_store(path) as store:
        store.ensure_schema()
        store.load_records([dispatch_record(1)], run_id="r")
    return path


@pytest.fixture
def holder(dataset):
    held = Holder(dataset)
    yield held
    held.release()


def test_a_held_file_raises_one_line_naming_the_pid_after_the_timeout(dataset, holder):
    started = time.monotonic()
    with pytest.raises(DatasetLockedError) as caught:
        DuckDBStore(dataset, lock_timeout=1.0)
    waited = time.monotonic() - started
    assert 1.0 <= waited < 5.0  # retried for the timeout, then gave up
    message = str(caught.value)
    assert "\n" not in message
    assert str(dataset) in message and f"PID {holder.pid}" in message
    assert "Parquet" in message and LOCK_TIMEOUT_ENV in message
    assert caught.value.pid == holder.pid
    assert "python" in (caught.value.holder or "")  # what the holder runs


def test_the_timeout_comes_from_the_environment(dataset, holder, monkeypatch):
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "0")
    started = time.monotonic()
    with pytest.raises(DatasetLockedError):
        open_store(dataset)
    assert time.monotonic() - started < 1.0
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "soon")
    with pytest.raises(ValueError, match=LOCK_TIMEOUT_ENV):
        resolve_lock_timeout()


def test_a_lock_released_during_the_wait_lets_the_store_open(dataset, holder):
    threading.Timer(1.0, holder.release).start()
    started = time.monotonic()
    with DuckDBStore(dataset, lock_timeout=30) as store:
        assert store.query("SELECT count(*) FROM documents") == [(1,)]
    assert 1.0 <= time.monotonic() - started < 10.0


def test_readers_share_the_file_with_each_other_not_with_the_loader(dataset):
    reader = Holder(dataset, read_only=True)
    try:
        with DuckDBStore(dataset, read_only=True, lock_timeout=0) as store:
            assert store.query("SELECT count(*) FROM documents") == [(1,)]
        with pytest.raises(DatasetLockedError, match=f"PID {reader.pid}"):
            DuckDBStore(dataset, lock_timeout=0)
    finally:
        reader.release()


def test_other_errors_are_not_taken_for_a_lock(tmp_path):
    (tmp_path / "not-a-db.duckdb").write_text("plain text, not a database")
    with pytest.raises(Exception) as caught:
        DuckDBStore(tmp_path / "not-a-db.duckdb", lock_timeout=5)
    assert not isinstance(caught.value, DatasetLockedError)


def test_the_holder_is_parsed_from_duckdbs_message_or_left_unknown():
    message = ('IO Error: Could not set lock on file "/x/d.duckdb": Conflicting lock is held in '
               "/usr/bin/python3.12 (PID 999999999). See also https://duckdb.org/docs")
    assert lock_holder(message) == (999999999, "python3.12")  # no such process: the program
    assert lock_holder("IO Error: Could not set lock on file") == (None, None)
    error = DatasetLockedError("/x/d.duckdb", 30, None, None)
    assert str(error).startswith("/x/d.duckdb is locked by another process; waited 30 s.")


def test_a_second_writer_waits_for_the_first_across_its_checkpoint_reopens(dataset, monkeypatch):
    import pipeline.load.duckdb_store as duckdb_store

    monkeypatch.setattr(duckdb_store, "CHECKPOINT_WAL", 1)  # reopen after every commit
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_SHARE", 0)  # whatever the file's size
    with DuckDBStore(dataset) as first:
        first.load_records([dispatch_record(2)], run_id="r")  # closed and reopened here
        # DuckDB's own lock is this process's (its connections share one instance): only
        # the writer lock keeps a second writer out, during the reopens too
        with pytest.raises(DatasetLockedError, match=f"PID {os.getpid()}") as caught:
            DuckDBStore(dataset, lock_timeout=0.6)
        assert caught.value.waited == 0.6
        first.load_records([dispatch_record(3)], run_id="r")
    with DuckDBStore(dataset, lock_timeout=0) as second:  # released on close
        assert second.query("SELECT count(*) FROM documents") == [(3,)]
    with DuckDBStore(dataset, read_only=True, lock_timeout=0) as reader:  # readers take none
        assert reader.query("SELECT count(*) FROM documents") == [(3,)]


def test_a_reopen_held_up_past_the_timeout_keeps_what_was_committed_and_says_why(
        dataset, monkeypatch):
    import pipeline.load.duckdb_store as duckdb_store

    monkeypatch.setattr(duckdb_store, "CHECKPOINT_WAL", 1)  # reopen after every commit
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_SHARE", 0)  # whatever the file's size
    store = DuckDBStore(dataset, lock_timeout=0)
    held = DatasetLockedError(dataset, 0, 4242, "a dashboard")

    def held_up(fresh=None):
        fresh.close()
        raise held

    monkeypatch.setattr(store, "_connect", held_up)
    with pytest.raises(DatasetLockedError) as caught:
        store.load_records([dispatch_record(2)], run_id="r")  # committed, then the reopen
    assert caught.value is held
    # the run's bookkeeping after it meets the same error, not a closed connection
    with pytest.raises(DatasetLockedError):
        store.finish_run("r", "failed", {})
    store.close()  # releases the writer lock
    with DuckDBStore(dataset, lock_timeout=0) as again:
        assert again.query("SELECT count(*) FROM documents") == [(2,)]
