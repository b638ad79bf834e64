"""Per-format field agreement: each sample rendered to PDF, DOCX (Unicode, TCVN3, VNI runs),
legacy .txt (TCVN3, VNI bytes) and a scan, extracted, and compared with the record of
the sample's text version, field by field.

    .venv/bin/python bench/format_accuracy.py [--scans N] [--samples DIR] [--quick]
                                              [--min-agree 0.98] [--min-scan-agree 0.90]

Measures and prints a table: for each format, the share of (sample, field) pairs equal to
the text version's. Strings are compared with ``tone_key`` (case, old/new tone placement),
since a TCVN3 file cannot carry a capital toned letter.

Thresholds (exit 1 when one is missed): every born-digital format (PDF, DOCX, legacy .txt)
agrees on at least ``--min-agree`` (default 98 %) of its fields, scans (OCR) on at least
``--min-scan-agree`` (default 90 %). ``--quick``: one scanned sample.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the builders the tests use (tests/fixtures)

from fixtures.formats import (build_docx, build_pdf, build_scan, legacy_bytes,  # noqa: E402
                            parse_dispatch)

from fixtures.record_fields import FIELDS, field_values  # noqa: E402

from pipeline.extract import extract_file  # noqa: E402


def render_formats(sample: Path, out: Path, *, scan: bool) -> dict[str, Path]:
    """Every rendering of one sample, by format label."""
    text = sample.read_text(encoding="utf-8-sig")
    layout = parse_dispatch(text)
    stem = sample.stem
    made = {
        "pdf": build_pdf(layout, out / f"{stem}.pdf"),
        "docx": build_docx(layout, out / f"{stem}.docx"),
        "docx-tcvn3": build_docx(layout, out / f"{stem}.tcvn3.docx", legacy="tcvn3"),
        "docx-vni": build_docx(layout, out / f"{stem}.vni.docx", legacy="vni"),
    }
    for enc in ("tcvn3", "vni"):
        p = out / f"{stem}.{enc}.txt"
        p.write_bytes(legacy_bytes(_nfc(text), enc))
        made[f"txt-{enc}"] = p
    if scan:
        made["scan"] = build_scan(made["pdf"], out / f"{stem}.scan.pdf")
    return made


def _nfc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--scans", type=int, default=3, help="how many samples to scan (OCR)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every mismatch")
    parser.add_argument("--quick", action="store_true", help="scan (OCR) one sample only")
    parser.add_argument("--min-agree", type=float, default=0.98,
                        help="least agreement of a born-digital format (default 0.98)")
    parser.add_argument("--min-scan-agree", type=float, default=0.90,
                        help="least agreement of scans (default 0.90)")
    args = parser.parse_args(argv)
    if args.quick:
        args.scans = min(args.scans, 1)
    print("measures: fields of each format's record equal to the text version's record")
    samples = sorted(p for p in args.samples.iterdir() if p.suffix in {".md", ".txt"})
    totals: dict[str, list[int]] = {}
    per_field: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, sample in enumerate(samples):
            expected = field_values(extract_file(sample))
            for fmt, path in render_formats(sample, Path(tmp), scan=i < args.scans).items():
                t = time.perf_counter()
                record = extract_file(path)
                got = field_values(record)
                ok = totals.setdefault(fmt, [0, 0, 0])
                ok[2] += 1
                for f in FIELDS:
                    same = got[f] == expected[f]
                    ok[0] += same
                    ok[1] += 1
                    per_field.setdefault(fmt, {}).setdefault(f, 0)
                    per_field[fmt][f] += same
                    if not same and args.verbose:
                        print(f"  {sample.name} [{fmt}] {f}: {got[f]!r} != {expected[f]!r}"
                              f"{'  (' + str(record.error) + ')' if record.error else ''}")
                if args.verbose:
                    print(f"{sample.name} [{fmt}] {time.perf_counter() - t:.2f}s")
    print(f"{'format':<12} {'docs':>4} {'fields':>7} {'agree':>7}  " +
          " ".join(f"{f[:10]:>10}" for f in FIELDS))
    misses = []
    for fmt, (good, n, docs) in totals.items():
        cols = " ".join(f"{per_field[fmt][f]:>4}/{docs:<5}" for f in FIELDS)
        print(f"{fmt:<12} {docs:>4} {n:>7} {good / n:>7.1%}  {cols}")
        least = args.min_scan_agree if fmt == "scan" else args.min_agree
        if good / n < least:
            misses.append(f"{fmt} {good / n:.1%} < {least:.0%}")
    print(f"thresholds: born-digital ≥ {args.min_agree:.0%}, scans ≥ {args.min_scan_agree:.0%}: "
          + ("FAIL — " + "; ".join(misses) if misses else "PASS"))
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
