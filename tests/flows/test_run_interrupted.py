"""Ctrl-C in a real ``dispatches run``: one line and exit code 130, no traceback; the run is
recorded ``interrupted``, what it loaded stays, and the same command goes on from there."""
from __future__ import annotations

import hashlib
import os
import signal

import pytest

from fixtures.cli_runs import start_run
from fixtures.dispatches import write_inbox
from flows.ingest import run_ingest
from pipeline.cli.interrupt import EXIT_INTERRUPTED, interrupted_message
from pipeline.load import open_store

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX process groups")


def test_ctrl_c_after_a_loaded_batch_then_the_same_run_goes_on(flow_env, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    paths = write_inbox(inbox, 300)
    proc = start_run(inbox, out, tmp_path / "prefect-home", own_process_group=True)
    said = []
    try:
        for line in proc.stderr:  # one progress line per loaded batch (stderr is not a tty)
            said.append(line)
            if "documents" in line:
                os.killpg(proc.pid, signal.SIGINT)
                break
        rest_out, rest_err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    said.append(rest_err)
    assert proc.returncode == EXIT_INTERRUPTED, "".join(said)[-3000:]
    assert "Traceback" not in "".join(said) + rest_out
    assert rest_err.rstrip().endswith(interrupted_message("run"))
    target = str(out / "dispatches.duckdb")
    with open_store(target) as store:
        loaded_before = store.query("SELECT count(*) FROM documents")[0][0]
        assert store.query("SELECT status FROM runs") == [("interrupted",)]
    assert 0 < loaded_before < len(paths)

    summary = run_ingest(inbox, out, batch_size=50)
    assert summary.skipped == loaded_before and summary.loaded == len(paths) - loaded_before
    assert summary.interrupted_runs == []  # said when it stopped, not found left running
    with open_store(target) as store:
        assert sorted(r for (r,) in store.query("SELECT doc_id FROM documents")) == sorted(
            hashlib.sha256(p.read_bytes()).hexdigest() for p in paths)
        assert sorted(store.query("SELECT status FROM runs")) == [("completed",), ("interrupted",)]
