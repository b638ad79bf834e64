"""Benchmark: what a file in NFD (decomposed: "e" + U+0323 + U+0302 for "ệ") costs over its
NFC twin.

    .venv/bin/python bench/bench_nfd_text.py [--docs 40] [--repeat 2] [--max-ratio 1.6]
                                             [--code-dir DIR]

Builds ``--docs`` long generated dispatches (``tests/fixtures/long_dispatches``) in NFC and
the same texts in NFD, then measures, in CPU time, each in a fresh process that reads every
document once (the per-line caches would flatter a second pass over the same text), after a
warm-up on other documents:

  1. ``load_document`` (read + normalise) of the NFD files, and in another process of their
     NFC twins: what the NFD form adds per accented letter (a letter NFC makes of several
     characters);
  2. ``extract_file`` of the NFD files, and, in another process, of their NFC twins
     (the same text once normalised: one process would serve the second from caches).

Prints the NFD / NFC ratio of the whole extraction (the baseline: the same documents in NFC,
measured the same way) and, with ``--code-dir`` (another checkout: the "before"), load time
per NFD document old → new and whether both wrote the same records for the NFD files
(``pipeline_version`` aside). Passes alternate between the kinds and checkouts so a change
in the machine's load falls on all; the best of ``--repeat`` is kept. Exit 1 when the NFD /
NFC ratio exceeds ``--max-ratio`` (default 1.6: NFC edit by edit cost 2.4 there) or a
record differs.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from cpu_passes import add_pass_options, records_without_version, run_worker

ROOT = Path(__file__).resolve().parents[1]
WARM_UP_DOCS = 4
KINDS = ("load-nfd", "load-nfc", "extract-nfd", "extract-nfc")


def worker(corpus: Path, kind: str, out: Path) -> dict:
    """One pass of ``kind`` in this process, with the code on ``sys.path``."""
    from pipeline.extract import extract_file
    from pipeline.extract.record import load_document

    form = kind.split("-")[1]
    for p in sorted((corpus / "warm-up").iterdir()):  # imports, lexicons, compiled patterns
        extract_file(p, p.read_bytes())
    datas = [(p, p.read_bytes()) for p in sorted((corpus / form).iterdir())]
    run = load_document if kind.startswith("load") else extract_file
    results = []
    cpu = time.process_time()
    for p, data in datas:
        results.append(run(p, data))
    seconds = time.process_time() - cpu
    if not kind.startswith("load"):
        out.write_text("".join(r.to_json_line() + "\n" for r in results), encoding="utf-8")
    return {"docs": len(datas), "seconds": seconds}


def _measure(corpus: Path, code: Path, kind: str, out: Path) -> float:
    return run_worker(__file__, code, str(corpus), "--kind", kind,
                      "--records", str(out))["seconds"]


def _write_corpus(corpus: Path, count: int) -> tuple[int, int]:
    """NFC dispatches in ``nfc/``, the same in NFD in ``nfd/``, warm-up files; the NFD bytes
    and how many letters the NFD files spell in several characters."""
    sys.path.insert(0, str(ROOT / "tests"))  # the builders the tests use (tests/fixtures)
    from fixtures.long_dispatches import long_dispatch_text

    nfd_bytes = letters = 0
    for form in ("nfc", "nfd", "warm-up"):
        (corpus / form).mkdir()
    for k in range(count):
        i = 1000 + k
        name = f"cv-dai-{i:04d}.{'md' if i % 3 == 2 else 'txt'}"
        text = unicodedata.normalize("NFC", long_dispatch_text(i, md=i % 3 == 2))
        (corpus / "nfc" / name).write_text(text, encoding="utf-8")
        nfd = unicodedata.normalize("NFD", text)
        nfd_bytes += (corpus / "nfd" / name).write_bytes(nfd.encode("utf-8"))
        letters += sum(len(unicodedata.normalize("NFD", c)) > 1 for c in text)
    for k in range(WARM_UP_DOCS):  # both forms, other texts
        text = long_dispatch_text(20_000 + k)
        form = "NFD" if k % 2 else "NFC"
        (corpus / "warm-up" / f"w{k}.txt").write_text(unicodedata.normalize(form, text),
                                                       encoding="utf-8")
    return nfd_bytes, letters


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=40)
    add_pass_options(ap, 2, "passes of each kind, each in a fresh process; the best is kept")
    ap.add_argument("--max-ratio", type=float, default=1.6,
                    help="fail when an NFD document costs more than this times its NFC twin")
    ap.add_argument("--kind", choices=KINDS, help=argparse.SUPPRESS)
    ap.add_argument("--records", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.kind, args.records)))
        return 0

    codes = {"new": ROOT}
    if args.code_dir is not None:
        codes["old"] = args.code_dir.resolve()
    with tempfile.TemporaryDirectory(prefix="bench-nfd-") as tmp:
        corpus = Path(tmp)
        nfd_bytes, letters = _write_corpus(corpus, args.docs)
        print(f"measures: {args.docs} generated long dispatches in NFD ({nfd_bytes / 1e6:.2f} MB, "
              f"{letters} letters of several characters) "
              f"and their NFC twins; CPU time, a fresh process per pass and kind, best of "
              f"{args.repeat}")
        best: dict[tuple[str, str], float] = {}
        for _ in range(args.repeat):
            for kind in KINDS:
                for name, code in codes.items():
                    s = _measure(corpus, code, kind, corpus / f"{name}-{kind}.jsonl")
                    best[name, kind] = min(best.get((name, kind), s), s)
        ms = 1000 / args.docs
        for name, code in codes.items():
            extra = (best[name, "load-nfd"] - best[name, "load-nfc"]) / letters * 1e6
            print(f"  {name} ({code}): load_document {best[name, 'load-nfd'] * ms:.2f} ms per NFD "
                  f"document, {best[name, 'load-nfc'] * ms:.2f} ms per NFC twin ({extra:.2f} µs "
                  f"more per accented letter); extract_file {best[name, 'extract-nfd'] * ms:.2f} "
                  f"ms per NFD document, {best[name, 'extract-nfc'] * ms:.2f} ms per NFC twin: "
                  f"NFD / NFC {best[name, 'extract-nfd'] / best[name, 'extract-nfc']:.3f}")
        ratio = best["new", "extract-nfd"] / best["new", "extract-nfc"]
        differ = 0
        if "old" in codes:
            print(f"  old → new: load_document of an NFD document ×"
                  f"{best['old', 'load-nfd'] / best['new', 'load-nfd']:.2f} faster; "
                  f"its extract_file ×"
                  f"{best['old', 'extract-nfd'] / best['new', 'extract-nfd']:.2f} faster")
            for kind in ("extract-nfd", "extract-nfc"):
                a = records_without_version(corpus / f"old-{kind}.jsonl")
                b = records_without_version(corpus / f"new-{kind}.jsonl")
                n = sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))
                print(f"  records ({kind}): {len(b)} vs {len(a)}, {n} differ")
                differ += n
    ok = ratio <= args.max_ratio and differ == 0
    print(f"{'PASS' if ok else 'MISS'}: an NFD document costs {ratio:.3f} × its NFC twin "
          f"(threshold ≤ {args.max_ratio:g}); {differ} records differ")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
