"""A Ctrl-C is told apart from a failure: raised as is, or as the error DuckDB makes of it."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

import pytest

from flows.interrupt import interrupted


def test_a_keyboard_interrupt_and_what_it_caused_are_interrupts():
    assert interrupted(KeyboardInterrupt())
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as cause:
            raise RuntimeError("Query interrupted") from cause
    except RuntimeError as exc:
        assert interrupted(exc)
        wrapped = exc
    try:  # raised while handling it (a task engine's own error on the way out)
        try:
            raise wrapped
        except RuntimeError:
            raise ValueError("state not saved")  # noqa: B904 - its __context__ is the point
    except ValueError as exc:
        assert interrupted(exc)


def test_other_errors_are_not_and_a_cycle_ends():
    assert not interrupted(None)
    assert not interrupted(RuntimeError("disk full"))
    looped = ValueError("a")
    looped.__context__ = RuntimeError("b")
    looped.__context__.__context__ = looped
    assert not interrupted(looped)


# a fresh interpreter (Python's own SIGINT handler, whatever the test session installed):
# a statement that would run for hours, then the Ctrl-C
DUCKDB_STATEMENT = """
import json
import duckdb
from flows.interrupt import interrupted
con = duckdb.connect()
print("running", flush=True)
try:
    con.execute("SELECT count(*) FROM range(1000000000000) a WHERE a.range % 7 = 3")
except BaseException as exc:
    print(json.dumps({"raised": repr(exc), "interrupted": interrupted(exc)}))
"""


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX signals")
def test_a_ctrl_c_during_a_duckdb_statement_is_an_interrupt():
    proc = subprocess.Popen([sys.executable, "-c", DUCKDB_STATEMENT], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stdout.readline().strip() == "running"
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        # its answer, not its end: DuckDB's threads may go on with the statement's tasks
        # while the interpreter exits
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        said = proc.stdout.readline() if ready else None
    finally:
        proc.kill()
        proc.wait(30)
    # DuckDB 1.5 ends the statement with RuntimeError('Query interrupted') caused by it
    assert said, "no answer within 60 s of the interrupt"
    result = json.loads(said)
    assert result["interrupted"], result
