"""Benchmark: the deadline extractor (thời hạn) alone, MB/s on one core.

    .venv/bin/python bench/bench_deadline_speed.py [--docs 300] [--repeat 3] [--min-mb-s 12]
                                                   [--code-dir DIR]

The texts ``extract_deadlines`` is given in a real run: the long generated dispatches of
``tests/fixtures/long_dispatches`` (the corpus of ``bench_text_speed``) are read by
``pipeline.extract.extract_file`` once, with the extractor's input caught on the way. Then,
in a fresh process per pass (one process = one core; each text read once, so that no cache
serves a text a second time), after a warm-up on the first texts:

  1. calibration: the same texts through one regex pass (``\\w+``), before and after the
     pass, the best kept: its MB/s scales with the machine and its load;
  2. ``extractors.deadlines.extract_deadlines(text, issued)`` on every text, in process CPU
     time; the best of ``--repeat`` passes (fresh processes, the checkouts alternating).

Prints MB/s per core and the ratio to the calibration. Threshold: ≥ ``--min-mb-s`` (default
12: a quarter of the 3 MB/s a core must give the whole extraction). ``--code-dir DIR``:
another checkout's extractor (the "before") on the same texts, measured the same way; prints
old → new and the CPU time ratio new/old, and checks both found the same deadlines (spans,
confidences, values): a difference fails. Exit 1 on a miss.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

from cpu_passes import add_pass_options, fastest, least_time, mb_per_s, run_worker

ROOT = Path(__file__).resolve().parents[1]
WARM_UP_TEXTS = 6


def _calibrate(texts: list[str]) -> None:
    import regex

    word = regex.compile(r"\w+")
    for text in texts:
        sum(1 for _ in word.finditer(text))


def worker(inputs: Path, code: Path) -> dict:
    """One pass of ``code``'s extractor, measured in this process (run as a subprocess)."""
    sys.path.insert(0, str(code))
    from extractors.deadlines import extract_deadlines

    cases = json.loads(inputs.read_text(encoding="utf-8"))
    texts = [text for text, _ in cases]
    for text, issued in cases[:WARM_UP_TEXTS]:  # imports, lexicons, compiled patterns
        extract_deadlines(text, issued)
    calibration = least_time(lambda: _calibrate(texts), 3)
    cpu = time.process_time()
    found = [extract_deadlines(text, issued) for text, issued in cases]
    extraction = time.process_time() - cpu
    calibration = min(calibration, least_time(lambda: _calibrate(texts), 3))
    digest = hashlib.sha256(json.dumps(
        [[(f.start, f.end, f.confidence, f.value.model_dump(mode="json")) for f in doc]
         for doc in found], ensure_ascii=False).encode()).hexdigest()
    return {"texts": len(cases), "bytes": sum(len(t.encode("utf-8")) for t in texts),
            "deadlines": sum(len(doc) for doc in found), "digest": digest,
            "calibration_s": calibration, "extraction_s": extraction}


def _pass(inputs: Path, code: Path) -> dict:
    """One pass of ``code``'s extractor in a fresh process."""
    return run_worker(__file__, code, str(inputs), "--code", str(code))


def _best_of(passes: list[dict]) -> dict:
    best = fastest(passes, ("calibration_s", "extraction_s"))
    best["same_every_pass"] = len({m["digest"] for m in passes}) == 1
    return best


def _inputs(folder: Path, docs: int) -> list[tuple[str, str | None]]:
    """What ``extract_deadlines`` is given when the generated dispatches are extracted."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))  # the builders the tests use (tests/fixtures)
    import extractors.assemble as assemble
    from fixtures.long_dispatches import write_long_inbox
    from pipeline.extract import extract_file

    caught: list[tuple[str, str | None]] = []
    extract = assemble.extract_deadlines

    def catch(text, issued_date, **settings):
        caught.append((text, issued_date))
        return extract(text, issued_date, **settings)

    assemble.extract_deadlines = catch
    try:
        for path in write_long_inbox(folder, docs):
            extract_file(path, path.read_bytes())
    finally:
        assemble.extract_deadlines = extract
    return caught


def _report(name: str, m: dict) -> tuple[float, float]:
    speed, calibration = mb_per_s(m)
    print(f"  {name}: {speed:.2f} MB/s per core (CPU {m['extraction_s']:.3f} s, "
          f"{m['deadlines']} deadlines); calibration {calibration:.1f} MB/s; "
          f"ratio {speed / calibration:.4f}")
    return speed, speed / calibration


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300)
    add_pass_options(ap, 3, "passes, each in a fresh process; the best is kept")
    ap.add_argument("--min-mb-s", type=float, default=12.0,
                    help="fail below this many MB/s per core (default 12)")
    ap.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.code)))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-deadlines-") as tmp:
        inputs = Path(tmp) / "inputs.json"
        cases = _inputs(Path(tmp) / "docs", args.docs)
        inputs.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
        size = sum(len(t.encode("utf-8")) for t, _ in cases)
        print(f"measures: extract_deadlines on the texts of {len(cases)} generated dispatches "
              f"({size / 1e6:.2f} MB), a fresh process per pass, CPU time, "
              f"best of {args.repeat}; "
              f"calibration: the same texts through one regex pass (\\w+)")
        new_passes, old_passes = [], []
        for _ in range(args.repeat):
            new_passes.append(_pass(inputs, ROOT))
            if args.code_dir is not None:
                old_passes.append(_pass(inputs, args.code_dir.resolve()))
        new = _best_of(new_passes)
        speed, ratio = _report(f"this checkout ({ROOT})", new)
        ok = speed >= args.min_mb_s and new["same_every_pass"]
        if args.code_dir is not None:
            old = _best_of(old_passes)
            old_speed, old_ratio = _report(f"other code ({args.code_dir})", old)
            time_ratio = new["extraction_s"] / old["extraction_s"]
            same = new["digest"] == old["digest"]
            print(f"  old → new: {old_speed:.2f} → {speed:.2f} MB/s per core; CPU time new/old "
                  f"{time_ratio:.3f}; ratio to calibration {old_ratio:.4f} → {ratio:.4f}")
            print(f"  deadlines: {'the same' if same else 'DIFFER'} "
                  f"({new['deadlines']} vs {old['deadlines']})")
            ok = ok and same
    print(f"{'PASS' if ok else 'MISS'}: {speed:.2f} MB/s per core "
          f"(threshold ≥ {args.min_mb_s:g}); ratio to calibration {ratio:.4f}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
