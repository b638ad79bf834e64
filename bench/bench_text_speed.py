"""Benchmark: whole extraction of plain-text dispatches, MB/s on one core.

    .venv/bin/python bench/bench_text_speed.py [--docs 300] [--min-mb-s 3.0] [--repeat 2]
                                               [--code-dir DIR] [--quick]

Builds a corpus of long generated dispatches (``tests/fixtures/long_dispatches``: numbered
sections, many deadlines of every kind, agencies, cited documents, task tables, .md and
.txt, one in 17 in NFD; a few hundred documents, several MB), then in a fresh process
(one process = one core):

  1. calibration: every file's bytes decoded, NFC-normalised and run through one regex
     pass (``\\w+``) — what any reader of the text must at least do; its MB/s scales with
     the machine, so ``extraction / calibration`` means the same thing elsewhere;
  2. extraction: ``pipeline.extract.extract_file(path, data)`` (what ``dispatches extract``
     runs) on each file's bytes, after a warm-up on other documents of the same kind.

Both are timed in process CPU time (the machine may be shared). Each of ``--repeat`` passes
runs in a fresh process and reads every document once, the first time that process sees it
(a pass over documents already read would be served by the per-line caches, which a real
inbox does not repeat that way); the calibration is timed before and after it, and the best
pass and the best calibration are kept. Prints MB/s per core, documents/s and the ratio to the
calibration. Threshold: extraction ≥ ``--min-mb-s`` (default 3.0) MB/s per core; exit 1
when missed.

``--code-dir DIR``: also measure another checkout's code (the "before", e.g. a
``git worktree add /tmp/text-base <commit>``) on the same corpus in the same way, print
old → new, and check that both wrote the same records (``pipeline_version`` aside).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from cpu_passes import (add_pass_options, fastest, least_time, mb_per_s, records_without_version,
                        run_worker)

ROOT = Path(__file__).resolve().parents[1]
WARM_UP_DOCS = 6


def _calibrate(datas: list[bytes]) -> None:
    import unicodedata

    import regex

    word = regex.compile(r"\w+")
    for data in datas:
        text = unicodedata.normalize("NFC", data.decode("utf-8"))
        sum(1 for _ in word.finditer(text))


def worker(corpus: Path, code: Path, out: Path) -> dict:
    """One pass, measured in this process with ``code``'s pipeline (run as a subprocess)."""
    sys.path.insert(0, str(code))
    from pipeline.extract import extract_file

    paths = sorted((corpus / "docs").iterdir())
    datas = [(p, p.read_bytes()) for p in paths]
    for p in sorted((corpus / "warm-up").iterdir()):  # imports, lexicons, compiled patterns
        extract_file(p, p.read_bytes())
    raw = [d for _, d in datas]
    # calibration before and after the pass, best of each: a shared machine's load moves
    # both the same way
    calibration = least_time(lambda: _calibrate(raw), 3)
    records: list = []
    wall = time.perf_counter()
    cpu = time.process_time()
    for p, data in datas:  # records kept, written out after the timing
        records.append(extract_file(p, data))
    extraction = time.process_time() - cpu
    wall = time.perf_counter() - wall
    calibration = min(calibration, least_time(lambda: _calibrate(raw), 3))
    out.write_text("".join(r.to_json_line() + "\n" for r in records), encoding="utf-8")
    return {"docs": len(datas), "bytes": sum(len(d) for _, d in datas),
            "calibration_s": calibration, "extraction_s": extraction, "wall_s": wall,
            "failed": sum(r.status == "failed" for r in records)}


def _pass(corpus: Path, code: Path, name: str) -> dict:
    """One pass of ``code``'s pipeline in a fresh process; its records in ``NAME.jsonl``."""
    return run_worker(__file__, code, str(corpus), "--code", str(code),
                      "--records", str(corpus / f"{name}.jsonl"))


def _best_of(passes: list[dict]) -> dict:
    best = fastest(passes, ("calibration_s", "extraction_s", "wall_s"))
    best["failed"] = max(m["failed"] for m in passes)
    return best


def _report(name: str, m: dict) -> tuple[float, float]:
    speed, calibration = mb_per_s(m)
    print(f"  {name}: {speed:.2f} MB/s per core, {m['docs'] / m['extraction_s']:.1f} documents/s "
          f"(CPU {m['extraction_s']:.2f} s, wall {m['wall_s']:.2f} s); calibration "
          f"{calibration:.1f} MB/s; ratio {speed / calibration:.4f}; "
          f"{m['failed']} failed")
    return speed, speed / calibration


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300)
    add_pass_options(ap, 2, "passes, each in a fresh process; the best is kept")
    ap.add_argument("--min-mb-s", type=float, default=3.0,
                    help="fail below this many MB/s per core (default 3.0)")
    ap.add_argument("--quick", action="store_true", help="60 documents, one pass")
    ap.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--records", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.code, args.records)))
        return 0
    if args.quick:
        args.docs, args.repeat = min(args.docs, 60), 1

    sys.path.insert(0, str(ROOT / "tests"))  # the builders the tests use (tests/fixtures)
    from fixtures.long_dispatches import write_long_inbox

    with tempfile.TemporaryDirectory(prefix="bench-text-") as tmp:
        corpus = Path(tmp)
        paths = write_long_inbox(corpus / "docs", args.docs)
        write_long_inbox(corpus / "warm-up", WARM_UP_DOCS, start=10_000)
        size = sum(p.stat().st_size for p in paths)
        print(f"measures: extract_file on {len(paths)} generated plain-text dispatches "
              f"({size / 1e6:.2f} MB), a fresh process per pass, CPU time, best of {args.repeat}; "
              f"calibration: the same bytes decoded + NFC + one regex pass (\\w+)")
        # passes of the two checkouts alternate, so that a change in the machine's load
        # falls on both
        new_passes, old_passes = [], []
        for _ in range(args.repeat):
            new_passes.append(_pass(corpus, ROOT, "new"))
            if args.code_dir is not None:
                old_passes.append(_pass(corpus, args.code_dir.resolve(), "old"))
        new = _best_of(new_passes)
        speed, ratio = _report(f"this checkout ({ROOT})", new)
        if args.code_dir is not None:
            old = _best_of(old_passes)
            old_speed, old_ratio = _report(f"other code ({args.code_dir})", old)
            print(f"  old → new: {old_speed:.2f} → {speed:.2f} MB/s per core "
                  f"(×{speed / old_speed:.1f}); ratio {old_ratio:.4f} → {ratio:.4f}")
            a = records_without_version(corpus / "old.jsonl")
            b = records_without_version(corpus / "new.jsonl")
            differ = sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))
            print(f"  records: {len(b)} vs {len(a)}, {differ} differ (pipeline_version aside)")
    ok = speed >= args.min_mb_s and new["failed"] == 0
    print(f"{'PASS' if ok else 'MISS'}: {speed:.2f} MB/s per core "
          f"(threshold ≥ {args.min_mb_s:g}); ratio to calibration {ratio:.4f}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
