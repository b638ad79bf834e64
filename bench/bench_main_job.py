"""Benchmark: the README's main job, ``dispatches run samples --out OUT``, on a warm machine.

    .venv/bin/python bench/bench_main_job.py [--runs 3] [--max-seconds 10] [--no-cold]
                                             [--code-dir DIR]

``--code-dir``: run another checkout's code (e.g. ``git archive <commit> | tar -x -C DIR``)
on this checkout's samples, for a before/after on the same machine at the same time.

"Warm" means what a user has on the second run of the main job into a fresh output folder:
  * one untimed run first (its own fresh OUT), which leaves Prefect's result cache holding
    every sample's extraction (keyed by the file's sha256 and the pipeline version), its
    database migrated, and the OS page cache holding the code and files (each run starts
    Prefect's server in its own process, ``pipeline.cli.prefect_api``; with
    ``DISPATCHES_PREFECT_KEEP_MINUTES`` set, the first one leaves a kept server running);
  * then ``--runs`` timed runs, each a new process into a NEW empty OUT (so a fresh DuckDB,
    Parquet, records.jsonl, readings and report are written every time: only caches carry
    over, never the dataset).
The environment is the caller's (``PREFECT_HOME``, ``PREFECT_API_URL``…), as a user has it.

Measured in the same run, as baselines:
  * ``dispatches extract samples --out X.jsonl``: the extraction of the same files in one
    process, without Prefect, the dataset or the report (no cache: it OCRs the scans);
  * unless ``--no-cold``: the main job with ``--refresh-cache`` (the same extraction work as
    the baseline, plus Prefect, the dataset and the report).
Prints wall seconds (median of the runs), the share spent before the flow's first step
(CLI start, Prefect's client import and the flow run's creation, waiting for the API) read
from the run's own phase lines on stderr, each phase, and the ratios. Threshold: the warm
main job ≤ ``--max-seconds`` (default 10) wall; exit 1 when missed.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = [ROOT]  # the checkout whose code runs (--code-dir)
LAST_CPU = [0.0]
PHASE_DONE = re.compile(r"^dispatches: (?P<name>[^:…]+): (?P<seconds>[0-9.]+) s$")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def dispatches(args: list[str]) -> tuple[float, int, dict[str, float], float | None]:
    """Run ``dispatches ARGS`` from the checkout: (wall seconds, exit code, seconds of each
    finished phase, seconds from the start to the flow's first step). ``LAST_CPU[0]``: the
    CPU seconds of the run's process and the children it waited for (not a kept server):
    what the run costs whatever else the machine is doing."""
    cpu0 = children_cpu()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(CODE[0]), *filter(None, [os.environ.get("PYTHONPATH")])])}
    t0 = time.perf_counter()
    # cwd: ``-m`` puts it first on sys.path, before PYTHONPATH
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=CODE[0], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    phases: dict[str, float] = {}
    flow_started = None
    for line in proc.stderr:  # not a terminal: the run writes plain phase lines
        if line.startswith("dispatches: reading the inbox…"):
            flow_started = time.perf_counter() - t0
        elif m := PHASE_DONE.match(line.strip()):
            phases[m["name"]] = float(m["seconds"])
    code = proc.wait()
    LAST_CPU[0] = children_cpu() - cpu0
    return time.perf_counter() - t0, code, phases, flow_started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="timed warm runs (default 3)")
    ap.add_argument("--max-seconds", type=float, default=10.0,
                    help="fail when the warm main job takes longer (default 10)")
    ap.add_argument("--no-cold", action="store_true",
                    help="skip the --refresh-cache run (the same extraction as the baseline)")
    ap.add_argument("--code-dir", type=Path, help="run this checkout's code instead")
    args = ap.parse_args(argv)
    CODE[0] = (args.code_dir or ROOT).resolve()
    samples = ROOT / "samples"
    n = sum(1 for p in samples.iterdir() if p.is_file() and p.suffix != ".rst")
    print(f"measures: `dispatches run samples --out OUT` ({n} files) warm — second run, fresh "
          f"OUT each time — against `dispatches extract samples` (same files, no Prefect)")
    with tempfile.TemporaryDirectory(prefix="bench-main-job-") as tmp:
        tmp = Path(tmp)
        wall, code, phases, _ = dispatches(["run", str(samples), "--out", str(tmp / "untimed")])
        if code not in (0, 1):
            print(f"the untimed run failed (exit {code})", file=sys.stderr)
            return 2
        started = next((k for k in phases if k.startswith("starting Prefect")), "?")
        print(f"untimed first run              {wall:7.2f} s  ({started}: "
              f"{phases.get(started, float('nan')):.1f} s)")

        t0, cpu0 = time.perf_counter(), children_cpu()
        extract = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(samples),
                                  "--out", str(tmp / "extract.jsonl")], cwd=CODE[0],
                                 env={**os.environ, "PYTHONPATH": str(CODE[0])},
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        baseline = time.perf_counter() - t0
        print(f"baseline: dispatches extract   {baseline:7.2f} s  (exit {extract.returncode}; "
              f"CPU {children_cpu() - cpu0:.1f} s; 1.00×)")

        warm, cpu = [], []
        for i in range(args.runs):
            wall, code, phases, before_flow = dispatches(
                ["run", str(samples), "--out", str(tmp / f"warm-{i}")])
            warm.append((wall, code, phases, before_flow))
            cpu.append(LAST_CPU[0])
            shown = ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())
            print(f"warm run {i + 1}                     {wall:7.2f} s  (exit {code}; CPU "
                  f"{LAST_CPU[0]:.1f} s; flow began at {before_flow or float('nan'):.1f} s; "
                  f"{shown})")
        if not args.no_cold:
            wall, code, phases, before_flow = dispatches(
                ["run", str(samples), "--out", str(tmp / "cold"), "--refresh-cache"])
            print(f"main job, --refresh-cache      {wall:7.2f} s  ({wall / baseline:.2f}× the "
                  f"baseline: the same extraction plus Prefect, the dataset and the report)")

    median = statistics.median(w for w, *_ in warm)
    before = statistics.median(b or 0.0 for *_, b in warm)
    print(f"warm main job, median          {median:7.2f} s  ({median / baseline:.2f}× the "
          f"baseline; {before / median:.0%} of it before the flow's first step: CLI start, "
          f"Prefect client, flow run, waiting for the API)")
    print(f"warm main job, CPU (median)    {statistics.median(cpu):7.2f} s  (load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: wall is what a user waits)")
    ok = median <= args.max_seconds and all(code == 0 for _, code, *_ in warm)
    print(f"threshold: warm main job ≤ {args.max_seconds:g} s: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
