"""Benchmark: the ingest flow vs calling ``extract_file`` directly, same run, same files.

    .venv/bin/python bench/bench_flow.py [--docs 1000] [--batch-size 50] [--workers N]
                                         [--quick] [--max-overhead-ms 5]

Generates N small text dispatches, extracts a few untimed (every path starts warm: imports,
lexicon, spaCy), then measures
  1. plain pool: ``extract_file`` over every file in batches of ``--batch-size`` on a
     thread pool of ``--workers`` threads (default: CPU count) — the flow's own parallelism
     and batching, without Prefect or a database (the baseline);
  2. plain load: the same records into a fresh DuckDB + exports (the loader, no Prefect);
  3. the flow: ``run_ingest`` with the same workers and batch size (extraction cache
     refreshed so every file is extracted) — flow time as measured inside the flow, plus
     wall time with Prefect's ephemeral API start.
Prints documents/s for each and the Prefect overhead per document:
  (flow − plain pool − plain load) / N.
Threshold: overhead ≤ ``--max-overhead-ms`` (default 5 ms) per document; exit 1 when missed.
``--quick``: 200 documents.
"""
from __future__ import annotations

import argparse
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


def plain_pool(paths: list[Path], batch_size: int, workers: int) -> list:
    """The baseline: the flow's batching and thread count, nothing else."""
    from pipeline.extract import extract_file

    batches = [paths[i:i + batch_size] for i in range(0, len(paths), batch_size)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = pool.map(lambda batch: [extract_file(p) for p in batch], batches)
        return [record for batch in done for record in batch]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--workers", type=int, default=None, help="threads (default: CPU count)")
    ap.add_argument("--quick", action="store_true", help="200 documents")
    ap.add_argument("--max-overhead-ms", type=float, default=5.0,
                    help="fail when Prefect costs more than this per document (default 5)")
    args = ap.parse_args(argv)
    if args.quick:
        args.docs = min(args.docs, 200)
    workers = args.workers or os.cpu_count() or 2

    from flows.ingest import run_ingest
    from pipeline.extract import extract_file
    from pipeline.load import open_store

    print(f"measures: what the Prefect flow costs over the same extraction and load without "
          f"it ({workers} threads, batches of {args.batch_size}, warm)")
    with tempfile.TemporaryDirectory(prefix="bench-flow-") as tmp:
        tmp = Path(tmp)
        paths = write_inbox(tmp / "inbox", args.docs)
        n = len(paths)
        warm = write_inbox(tmp / "warm-up", WARM_UP_DOCS, start=n)
        for p in warm:  # untimed: imports, lexicon, spaCy — for every path below
            extract_file(p)

        t0 = time.perf_counter()
        records = plain_pool(paths, args.batch_size, workers)
        plain = time.perf_counter() - t0

        t0 = time.perf_counter()
        with open_store(tmp / "plain" / "d.duckdb") as store:
            store.ensure_schema()
            for i in range(0, n, args.batch_size):
                store.load_records(records[i:i + args.batch_size], run_id="bench")
            store.export_parquet(tmp / "plain")
            store.export_records(tmp / "plain" / "records.jsonl")
        load = time.perf_counter() - t0

        t0 = time.perf_counter()
        summary = run_ingest(tmp / "inbox", tmp / "out", batch_size=args.batch_size,
                             workers=workers, refresh_cache=True)
        wall = time.perf_counter() - t0
        assert summary.loaded == n, summary.counts
        flow = summary.seconds

    overhead_ms = (flow - plain - load) / n * 1000
    print(f"documents                      {n}  (batch size {args.batch_size}, "
          f"{-(-n // args.batch_size)} extraction tasks, {workers} threads)")
    print(f"plain extract_file pool        {plain:7.2f} s  {n / plain:8.1f} docs/s   (baseline 1.00×)")
    print(f"plain load (DuckDB + exports)  {load:7.2f} s  {n / load:8.1f} docs/s")
    print(f"ingest flow (inside the flow)  {flow:7.2f} s  {n / flow:8.1f} docs/s   "
          f"({flow / plain:.2f}× the plain pool, {flow / (plain + load):.2f}× pool + load)")
    print(f"ingest flow, wall incl. start  {wall:7.2f} s  {n / wall:8.1f} docs/s")
    ok = overhead_ms <= args.max_overhead_ms
    print(f"Prefect overhead per document  {overhead_ms:7.2f} ms  "
          f"(flow − pool − load, divided by {n}; threshold ≤ {args.max_overhead_ms:g} ms): "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
