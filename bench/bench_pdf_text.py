"""Text PDFs at the speed of the PDF engine: whole-file extraction against the raw tools.

    .venv/bin/python bench/bench_pdf_text.py [--repeat N] [--pdf FILE ...]

On a long generated dispatch (``tests/fixtures/long_pdf.py``: ~80 pages of Vietnamese in
DejaVu Serif, a letterhead, a ruled table over several pages, a signature block), or on the
PDFs named with ``--pdf``, three sides are timed in the same process, each run once untimed
first (imports, font caches), then best of ``--repeat`` rounds, the sides taking turns
within each round:

- ``extract_file``: the whole record (``pipeline.extract.record.extract_file``: reading,
  layout, tables, legacy fonts, extractors, validation) — what ``dispatches extract`` does;
- pdfplumber's ``extract_text`` alone, every page;
- pypdfium2's raw text (``get_textpage().get_text_range()``), every page.

Thresholds (exit 1 when missed): extract_file at least ``--min-vs-pdfplumber`` (default 4)
times as fast as pdfplumber's extract_text, and at most ``--max-vs-pdfium`` (default 10)
times slower than pdfium's raw text.
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the builders the tests use (tests/fixtures)

from fixtures.long_pdf import build_long_pdf  # noqa: E402

from pipeline.extract.record import extract_file  # noqa: E402


def _best_interleaved(sides: list, repeat: int) -> list[float]:
    """Each side run once untimed, then ``repeat`` rounds of one timed run of every side in
    turn: on a shared machine the load then weighs on all sides alike. Best time each."""
    for fn in sides:
        fn()  # warm-up, untimed
    best = [float("inf")] * len(sides)
    for _ in range(repeat):
        for k, fn in enumerate(sides):
            t = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - t)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pdf", type=Path, nargs="*", help="PDFs to time (default: generated)")
    ap.add_argument("--min-vs-pdfplumber", type=float, default=4.0)
    ap.add_argument("--max-vs-pdfium", type=float, default=10.0)
    args = ap.parse_args()

    import pdfplumber
    import pypdfium2 as pdfium

    with tempfile.TemporaryDirectory() as tmp:
        paths = args.pdf or [build_long_pdf(Path(tmp) / "long-dispatch.pdf")]
        blobs = [(p, p.read_bytes()) for p in paths]
    pages = sum(len(pdfium.PdfDocument(data)) for _, data in blobs)

    def plumber():
        for _, data in blobs:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for page in pdf.pages:
                    page.extract_text()

    def raw_pdfium():
        for _, data in blobs:
            doc = pdfium.PdfDocument(data)
            for page in doc:
                page.get_textpage().get_text_range()
            doc.close()

    def ours():
        for path, data in blobs:
            record = extract_file(path, data)
            assert record.status != "failed", record.error

    t_plumber, t_pdfium, t_ours = _best_interleaved([plumber, raw_pdfium, ours], args.repeat)
    print(f"text PDFs: {len(blobs)} files, {pages} pages (warm, best of {args.repeat})")
    print(f"  pdfplumber extract_text     : {pages / t_plumber:8.1f} pages/s")
    print(f"  pypdfium2 get_text_range    : {pages / t_pdfium:8.1f} pages/s")
    print(f"  extract_file (whole record) : {pages / t_ours:8.1f} pages/s")
    vs_plumber, vs_pdfium = t_plumber / t_ours, t_ours / t_pdfium
    print(f"  extract_file vs pdfplumber  : {vs_plumber:8.2f}× faster "
          f"(threshold ≥ {args.min_vs_pdfplumber:g})")
    print(f"  extract_file vs pdfium      : {vs_pdfium:8.2f}× slower "
          f"(threshold ≤ {args.max_vs_pdfium:g})")
    ok = vs_plumber >= args.min_vs_pdfplumber and vs_pdfium <= args.max_vs_pdfium
    print("OK" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
