"""``dispatches run`` ends its process without the interpreter's teardown, keeping its exit
code and its output; never when it was called from Python (a test, a notebook)."""
from __future__ import annotations

import subprocess
import sys


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)


def test_the_exit_code_and_buffered_output_survive():
    done = python("import logging, sys\n"
                  "from pipeline.cli.run import _Teardown\n"
                  "t = _Teardown(owns_process=True)\n"
                  "logging.basicConfig(stream=sys.stderr)\n"
                  "logging.getLogger('x').warning('logged last')\n"
                  "sys.stdout.write('summary without newline')\n"
                  "t.code = 3\n"
                  "sys.exit(0)\n")
    assert done.returncode == 3
    assert done.stdout == "summary without newline"
    assert "logged last" in done.stderr


def test_an_uncaught_error_ends_the_usual_way():
    done = python("from pipeline.cli.run import _Teardown\n"
                  "t = _Teardown(owns_process=True)\n"
                  "raise RuntimeError('boom')\n")
    assert done.returncode == 1 and "RuntimeError: boom" in done.stderr


def test_a_call_from_python_leaves_the_process_alone():
    done = python("import sys\n"
                  "from pipeline.cli.run import _Teardown\n"
                  "t = _Teardown(owns_process=False)\n"
                  "t.code = 3\n"
                  "sys.exit(0)\n")
    assert done.returncode == 0
