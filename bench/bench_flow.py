"""Benchmark: the ingest flow vs calling ``extract_file`` in a plain loop, same run, same files.

    .venv/bin/python bench/bench_flow.py [--docs 1000] [--batch-size 50] [--workers N]

Generates N small text dispatches, then measures
  1. plain loop: ``extract_file`` over every file (the baseline, no Prefect, no database);
  2. plain load: the same records into a fresh DuckDB + exports (the loader, no Prefect);
  3. the flow: ``run_ingest`` (extraction cache refreshed so every file is extracted) —
     flow time as measured inside the flow, plus wall time with Prefect's ephemeral API start.
Prints documents/s for each and the Prefect overhead per document:
  (flow − plain loop − plain load) / N.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the builders the tests use (tests/fixtures)

from fixtures.dispatches import write_inbox  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()

    from flows.ingest import run_ingest
    from pipeline.extract import extract_file
    from pipeline.load import open_store

    with tempfile.TemporaryDirectory(prefix="bench-flow-") as tmp:
        tmp = Path(tmp)
        paths = write_inbox(tmp / "inbox", args.docs)
        n = len(paths)

        t0 = time.perf_counter()
        records = [extract_file(p) for p in paths]
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
                             workers=args.workers, refresh_cache=True)
        wall = time.perf_counter() - t0
        assert summary.loaded == n, summary.counts
        flow = summary.seconds

    overhead_ms = (flow - plain - load) / n * 1000
    print(f"documents                      {n}  (batch size {args.batch_size}, "
          f"{-(-n // args.batch_size)} extraction tasks)")
    print(f"plain extract_file loop        {plain:7.2f} s  {n / plain:8.1f} docs/s   (baseline 1.00×)")
    print(f"plain load (DuckDB + exports)  {load:7.2f} s  {n / load:8.1f} docs/s")
    print(f"ingest flow (inside the flow)  {flow:7.2f} s  {n / flow:8.1f} docs/s   "
          f"({flow / plain:.2f}× the plain loop, {flow / (plain + load):.2f}× loop + load)")
    print(f"ingest flow, wall incl. start  {wall:7.2f} s  {n / wall:8.1f} docs/s")
    print(f"Prefect overhead per document  {overhead_ms:7.2f} ms  "
          f"(flow − loop − load, divided by {n})")


if __name__ == "__main__":
    main()
