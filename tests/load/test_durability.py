"""DuckDB: a committed batch is durable without a checkpoint after it (the WAL holds it), a
writer killed after its commits leaves a file the next run opens and loads into, a Ctrl-C
during a COMMIT leaves nothing open, and the WAL is folded into the file once it holds
``CHECKPOINT_WAL`` (or a share of a bigger file)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pipeline.load.duckdb_store as duckdb_store
from fixtures.records import dispatch_record
from pipeline.extract.version import PIPELINE_VERSION
from pipeline.load import open_store

ROOT = Path(__file__).resolve().parents[2]

# loads two batches (two commits), then dies as a kill -9 would: no close, no checkpoint
KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    from fixtures.records import dispatch_record
    from pipeline.load import open_store

    store = open_store(sys.argv[1])
    store.ensure_schema()
    store.load_records([dispatch_record(i) for i in range(1, 4)], run_id="killed")
    store.load_records([dispatch_record(i, references=("101/UBND-VP",))
                        for i in range(4, 6)], run_id="killed")
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_batches_committed_before_a_kill_are_there_and_the_next_load_goes_on(tmp_path):
    target = tmp_path / "dataset.duckdb"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]))
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(target)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    # the commits are in the WAL, not yet in the file
    assert duckdb_store.wal_path(target).stat().st_size > 0

    with open_store(target) as store:
        assert sorted(store.query("SELECT doc_id FROM documents")) == sorted(
            (dispatch_record(i).doc_id,) for i in range(1, 6))
        assert store.query("SELECT count(*) FROM recipients") == \
            store.query("SELECT sum(recipient_count) FROM documents")
        # the first commit after the replay (DuckDB 1.5 has aborted the process there)
        store.ensure_schema()
        store.load_records([dispatch_record(6)], run_id="next")
        linked = store.query('SELECT DISTINCT referenced_doc_id FROM "references" '
                             "WHERE referenced_doc_id IS NOT NULL")
        assert linked == [(dispatch_record(1).doc_id,)]
    assert not duckdb_store.wal_path(target).exists()  # closing checkpoints
    with open_store(target, read_only=True) as store:
        assert store.query("SELECT count(*) FROM documents") == [(6,)]


class CtrlCAtCommit:
    """The store's connection, whose next COMMIT is cut by a Ctrl-C as it starts."""

    def __init__(self, con):
        self._con, self.armed = con, True

    def commit(self):
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt
        return self._con.commit()

    def __getattr__(self, name):
        return getattr(self._con, name)


def test_a_ctrl_c_during_a_commit_leaves_no_transaction_open(tmp_path):
    with open_store(tmp_path / "dataset.duckdb") as store:
        store.ensure_schema()
        store.start_run("cut", "/inbox", PIPELINE_VERSION)
        store.load_records([dispatch_record(1)], run_id="cut")
        store.con = CtrlCAtCommit(store.con)
        with pytest.raises(KeyboardInterrupt):
            store.load_records([dispatch_record(2)], run_id="cut")
        # what the flow does next: record the run interrupted, on the same connection
        store.finish_run("cut", "interrupted", {"loaded": 1})
        assert store.query("SELECT status FROM runs") == [("interrupted",)]
        assert store.query("SELECT count(*) FROM documents") == [(1,)]  # the cut one rolled back
        store.load_records([dispatch_record(2)], run_id="cut")
        assert store.query("SELECT count(*) FROM documents") == [(2,)]


def test_the_wal_is_folded_into_the_file_once_it_holds_checkpoint_wal(tmp_path, monkeypatch):
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_WAL", 64 * 1024)
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_SHARE", 0)  # whatever the file's size
    target = tmp_path / "dataset.duckdb"
    wal = duckdb_store.wal_path(target)
    sizes, reopened = [], 0
    with open_store(target) as store:
        store.ensure_schema()
        for start in range(1, 200, 10):
            con = store.con
            store.load_records([dispatch_record(i) for i in range(start, start + 10)], "r")
            reopened += store.con is not con
            sizes.append(wal.stat().st_size if wal.exists() else 0)
            # never left holding CHECKPOINT_WAL after a commit, however big the file
            assert sizes[-1] < duckdb_store.CHECKPOINT_WAL
        # and the connection opened again goes on with the same data
        assert store.query("SELECT count(*) FROM documents") == [(200,)]
    assert reopened >= 3
    # yet not folded at every commit: the WAL grew between checkpoints
    assert any(later > earlier for earlier, later in zip(sizes, sizes[1:]))


def test_the_wal_may_hold_a_share_of_a_bigger_file_up_to_checkpoint_wal_max(monkeypatch):
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_WAL", 4 << 20)
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_SHARE", 0.25)
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_WAL_MAX", 16 << 20)
    threshold = duckdb_store.checkpoint_threshold
    assert threshold(0) == threshold(16 << 20) == 4 << 20  # a small file: the least
    assert threshold(40 << 20) == 10 << 20  # DuckDB writes every index whole at each one
    assert threshold(64 << 20) == threshold(1 << 40) == 16 << 20  # memory stays bounded


def test_a_writer_checkpoints_less_often_as_its_file_grows(tmp_path, monkeypatch):
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_WAL", 512 * 1024)
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_SHARE", 0.25)
    monkeypatch.setattr(duckdb_store, "CHECKPOINT_WAL_MAX", 1024 * 1024)
    target = tmp_path / "dataset.duckdb"
    wal = duckdb_store.wal_path(target)
    held = []  # (file size, WAL size) after each commit
    with open_store(target) as store:
        store.ensure_schema()
        for start in range(1, 1000, 10):
            store.load_records([dispatch_record(i) for i in range(start, start + 10)], "r")
            held.append((target.stat().st_size, wal.stat().st_size if wal.exists() else 0))
        assert store.query("SELECT count(*) FROM documents") == [(1000,)]
    # never left holding what the file's size calls for, nor CHECKPOINT_WAL_MAX
    assert all(w < duckdb_store.checkpoint_threshold(f) for f, w in held)
    assert max(w for _, w in held) < 1024 * 1024
    # a small file: folded at CHECKPOINT_WAL; a file past 4 × that: more waits
    assert max(w for f, w in held if f <= 2 * 1024 * 1024) < 512 * 1024
    assert any(w >= 512 * 1024 for f, w in held if f > 2 * 1024 * 1024)
