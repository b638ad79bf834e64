"""What the CPU-time benchmarks that measure one pass per fresh process share
(``bench_text_speed``, ``bench_deadline_speed``, ``bench_nfd_text``): each pass runs the
script again as a worker, with a checkout's code first on ``PYTHONPATH``, and prints its
figures as one JSON line; the best pass is kept. ``least_time`` serves the wall-clock
benchmarks too (``bench_formats``)."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path


def least_time(fn: Callable[[], object], repeat: int,
               clock: Callable[[], float] = time.process_time) -> float:
    """The least time of ``repeat`` calls of ``fn`` on ``clock`` (process CPU time unless
    told otherwise)."""
    best = float("inf")
    for _ in range(repeat):
        t = clock()
        fn()
        best = min(best, clock() - t)
    return best


def add_pass_options(ap: argparse.ArgumentParser, repeat: int, repeat_help: str) -> None:
    """The options every one-pass-per-process benchmark takes: ``--repeat``, ``--code-dir``
    (the "before"), and the hidden ``--worker`` a pass is started with."""
    ap.add_argument("--repeat", type=int, default=repeat, help=repeat_help)
    ap.add_argument("--code-dir", type=Path, help="another checkout's code (the 'before')")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)


def mb_per_s(m: dict) -> tuple[float, float]:
    """(extraction, calibration) MB/s of a pass's figures (``bytes``, ``extraction_s``,
    ``calibration_s``)."""
    mb = m["bytes"] / 1e6
    return mb / m["extraction_s"], mb / m["calibration_s"]


def run_worker(script: str, code: Path, *args: str) -> dict:
    """``script --worker …`` in a fresh process, ``code``'s pipeline imported (``code`` is
    its working directory and first on ``PYTHONPATH``); the JSON its last line prints."""
    env = dict(os.environ, PYTHONPATH=str(code))
    proc = subprocess.run([sys.executable, script, "--worker", *args],
                          cwd=code, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"measuring {' '.join(args)} with {code} failed:\n"
                         f"{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fastest(passes: list[dict], keys: Iterable[str]) -> dict:
    """The first pass's figures, each of ``keys`` the least any pass measured."""
    best = dict(passes[0])
    for key in keys:
        best[key] = min(m[key] for m in passes)
    return best


def records_without_version(path: Path) -> list[dict]:
    """The records of a JSONL file, ``pipeline_version`` left out (it names the code)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record.pop("pipeline_version", None)
        out.append(record)
    return out
