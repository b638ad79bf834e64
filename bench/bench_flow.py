"""Benchmark: the ingest flow vs the same steps as plain functions, same run, same files.

    .venv/bin/python bench/bench_flow.py [--docs 1000] [--batch-size 50] [--workers N]
                                         [--quick] [--max-overhead-ms 2] [--repeat 3]

Generates N small text dispatches, starts the local Prefect API ``dispatches run`` starts
(``pipeline.cli.prefect_api``, with its settings; in this process, stopped at the end), warms
up untimed (imports, lexicon, the API and a first flow run on a few other files), then
measures, in this order, ``--repeat`` times (default 3):
  1. the flow's steps without Prefect (the baseline): the very functions its tasks wrap
     (``discover_inbox.fn``, ``extract_batch.fn``, ``load_batch.fn``; ``ReadingsWriter``),
     the flow's batches (``batches_of``, submitted through its window ``finished_batches``)
     on a thread pool of ``--workers`` threads (default: CPU count), each batch extracted in
     an ``ExtractionWorker`` process as the task does (idle ones reused, all ended after the
     last batch, as the flow does), loaded as they complete (those done by the time the
     loader is free in one transaction, as the flow does) with their readings saved (on a
     thread of their own, as the flow does), into a fresh DuckDB; then the run's
     bookkeeping (start, follow the inbox, finish) — everything the flow's own clock
     (``RunSummary.seconds``) covers;
  2. the flow: ``run_ingest`` with the same workers and batch size (extraction cache
     refreshed so every file is extracted), timed by the flow itself (``summary.seconds``:
     from its first step to the end of following the inbox; exports and the report are
     after it, and not in the baseline either), and wall time with Prefect's API.
Prints documents/s for each and Prefect's cost per document: (flow − baseline) / N, from
the fastest of the repeats of each (the two cores are shared: another program's burst
lengthens one side's run, never shortens it), and, as a check that needs no quiet machine,
the CPU seconds per document that this process and the API server spend beyond the
baseline's (the workers' extraction is the same on both sides).
Threshold: ≤ ``--max-overhead-ms`` (default 2 ms) per document; exit 1 when missed.
``--quick``: 200 documents.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout: without it tests/schemas shadows schemas
sys.path.insert(0, str(ROOT / "tests"))  # the builders the tests use (tests/fixtures)

from fixtures.dispatches import write_inbox  # noqa: E402


WARM_UP_DOCS = 5


def api_cpu_seconds() -> float:
    """CPU seconds so far of the local Prefect API this process started (0 if none)."""
    import psutil

    total = 0.0
    for child in psutil.Process().children():
        try:
            if "uvicorn" in " ".join(child.cmdline()):
                times = child.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            pass
    return total


def cpu_seconds() -> float:
    """CPU seconds of this process (every thread) and of the API server."""
    return time.process_time() + api_cpu_seconds()


def plain_steps(inbox: Path, out: Path, batch_size: int, workers: int) -> int:
    """The baseline: the flow's steps as plain functions, its batching and thread count;
    returns how many documents were loaded."""
    from flows.ingest import batches_ahead, batches_of, finished_batches
    from flows.readings import ReadingsWriter
    from flows.tasks import BatchResult, discover_inbox, extract_batch, load_batch
    from pipeline.extract.version import PIPELINE_VERSION
    from pipeline.extract.worker import close_idle_workers
    from pipeline.load import open_store

    out.mkdir(parents=True)
    with open_store(out / "dispatches.duckdb") as store:
        store.ensure_schema()
        store.start_run("plain", str(inbox), PIPELINE_VERSION)
        listing = discover_inbox.fn(str(inbox), [str(out)])
        batches = batches_of(listing.files, batch_size, workers)
        loaded = 0
        with (ThreadPoolExecutor(max_workers=workers) as pool,
              ReadingsWriter(str(out), logging.getLogger("plain")) as readings):
            # the flow's window on the batches, as deep as the flow's for these workers
            for finished in finished_batches(
                    batches, lambda b: pool.submit(extract_batch.fn, b, 120.0),
                    batches_ahead(workers)):
                result = BatchResult.joined([future.result() for future, _ in finished])
                files = [f for _, batch in finished for f in batch]
                received = {r.doc_id: f.received for r, f in zip(result.records, files)}
                loaded += load_batch.fn(store, result.records, "plain", "chung", received)
                readings.write([b for b in result.readings if b is not None])
        close_idle_workers()  # as the flow does once its extraction is over (flows.memory)
        store.follow_inbox(str(inbox), {f.sha256: f.path for f in listing.files}, "plain")
        store.finish_run("plain", "completed", {"loaded": loaded})
    return loaded


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--workers", type=int, default=None, help="threads (default: CPU count)")
    ap.add_argument("--quick", action="store_true", help="200 documents")
    ap.add_argument("--repeat", type=int, default=3,
                    help="measure both sides this many times, alternating (default 3)")
    ap.add_argument("--max-overhead-ms", type=float, default=2.0,
                    help="fail when Prefect costs more than this per document (default 2)")
    args = ap.parse_args(argv)
    if args.quick:
        args.docs = min(args.docs, 200)
    workers = args.workers or os.cpu_count() or 2

    from pipeline.cli.prefect_api import temporary_prefect_api, using

    # the API `dispatches run` uses, with its settings (the cost measured is the one it pays)
    with temporary_prefect_api() as api:
        if api is not None:
            api.wait_ready(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
        with using(api):
            return measure(args, workers)


def measure(args: argparse.Namespace, workers: int) -> int:
    from flows.ingest import run_ingest

    print(f"measures: what the Prefect flow costs over the same steps without it "
          f"({workers} threads, batches of {args.batch_size}, worker processes, warm)")
    with tempfile.TemporaryDirectory(prefix="bench-flow-") as tmp:
        tmp = Path(tmp)
        paths = write_inbox(tmp / "inbox", args.docs)
        n = len(paths)
        write_inbox(tmp / "warm-up", WARM_UP_DOCS, start=n)
        t0 = time.perf_counter()  # untimed: imports, spaCy, Prefect's API
        plain_steps(tmp / "warm-up", tmp / "warm-plain", args.batch_size, workers)
        run_ingest(tmp / "warm-up", tmp / "warm-flow", batch_size=args.batch_size,
                   workers=workers, refresh_cache=True, write_report=False)
        warm_up = time.perf_counter() - t0

        plains, flows, walls, cpu_plain, cpu_flow = [], [], [], [], []
        for k in range(max(1, args.repeat)):
            c0, t0 = cpu_seconds(), time.perf_counter()
            assert plain_steps(tmp / "inbox", tmp / f"plain{k}", args.batch_size, workers) == n
            plains.append(time.perf_counter() - t0)
            cpu_plain.append(cpu_seconds() - c0)

            c0, t0 = cpu_seconds(), time.perf_counter()
            summary = run_ingest(tmp / "inbox", tmp / f"out{k}", batch_size=args.batch_size,
                                 workers=workers, refresh_cache=True, write_report=False)
            walls.append(time.perf_counter() - t0)
            cpu_flow.append(cpu_seconds() - c0)
            assert summary.loaded == n, summary.counts
            flows.append(summary.seconds)
            print(f"  repeat {k + 1}: plain {plains[-1]:6.2f} s, flow {flows[-1]:6.2f} s: "
                  f"{(flows[-1] - plains[-1]) / n * 1000:6.2f} ms per document; CPU "
                  f"{(cpu_flow[-1] - cpu_plain[-1]) / n * 1000:6.2f} ms per document", flush=True)

    plain, flow, wall = min(plains), min(flows), min(walls)
    overhead_ms = (flow - plain) / n * 1000
    cpu_ms = (min(cpu_flow) - min(cpu_plain)) / n * 1000
    print(f"documents                      {n}  (batch size {args.batch_size}, "
          f"{-(-n // args.batch_size)}+ extraction tasks, {workers} threads)")
    print(f"warm-up (untimed)              {warm_up:7.2f} s")
    print(f"plain steps (no Prefect)       {plain:7.2f} s  {n / plain:8.1f} docs/s   "
          f"(baseline 1.00×; fastest of {len(plains)})")
    print(f"ingest flow (inside the flow)  {flow:7.2f} s  {n / flow:8.1f} docs/s   "
          f"({flow / plain:.2f}× the baseline)")
    print(f"ingest flow, wall              {wall:7.2f} s  {n / wall:8.1f} docs/s   "
          f"(+ exports, the flow run's creation and end)")
    print(f"Prefect CPU per document       {cpu_ms:7.2f} ms  (this process + the API server, "
          f"flow − baseline, least of each)")
    ok = overhead_ms <= args.max_overhead_ms
    print(f"Prefect overhead per document  {overhead_ms:7.2f} ms  "
          f"(flow − baseline, divided by {n}; threshold ≤ {args.max_overhead_ms:g} ms): "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
