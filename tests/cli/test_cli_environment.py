"""A machine that cannot take the output: one line naming the path and the cause, exit code 3
(apart from 1, a file failed, and 2, usage or a locked dataset)."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.cli.environment import EXIT_ENVIRONMENT, environment_message, unwritable

SAMPLE = Path(__file__).parents[2] / "samples" / "01-cong-van-hoa-toc-mua-lon.md"


def test_extract_into_a_missing_folder(tmp_path, capsys):
    assert main(["extract", str(SAMPLE), "--out", str(tmp_path / "no" / "x.jsonl")]) == \
        EXIT_ENVIRONMENT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such folder" in err and "Traceback" not in err


@pytest.mark.skipif(not os.path.isdir("/sys"), reason="needs a read-only /sys")
def test_run_into_a_folder_that_cannot_be_written(tmp_path, capsys):
    assert main(["run", str(SAMPLE.parent), "--out", "/sys/dispatches-out"]) == EXIT_ENVIRONMENT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write /sys/dispatches-out" in err


def test_the_causes_are_said_in_words(tmp_path):
    full = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out"))
    assert environment_message(full) == f"cannot write {tmp_path / 'out'}: no space left on device"
    assert unwritable(tmp_path / "new" / "out") is None and (tmp_path / "new" / "out").is_dir()
    (tmp_path / "file").write_text("x")
    assert "a file where a folder is needed" in unwritable(tmp_path / "file" / "out")
