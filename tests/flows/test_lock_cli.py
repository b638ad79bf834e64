"""``dispatches run`` on a dataset another process holds: one line on stderr, exit code 2."""
from __future__ import annotations

import subprocess
import sys

import pytest

from fixtures.dispatches import write_inbox
from pipeline.cli import main as dispatches
from pipeline.load.locking import LOCK_TIMEOUT_ENV

pytestmark = pytest.mark.slow

HOLD = ("import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
        "sys.stdin.read()")


def test_cli_run_on_a_locked_dataset_says_who_holds_it_in_one_line(flow_env, tmp_path, capfd,
                                                                   monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    write_inbox(inbox, 1)
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out / "dispatches.duckdb")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        monkeypatch.setenv(LOCK_TIMEOUT_ENV, "0.5")
        capfd.readouterr()
        assert dispatches(["run", str(inbox), "--out", str(out), "-q"]) == 2
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    err = capfd.readouterr().err
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    assert line.startswith(f"dispatches run: {out / 'dispatches.duckdb'} is locked by "
                           f"PID {holder.pid}")
    assert "waited 0.5 s" in line
