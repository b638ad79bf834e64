"""Speed of the format readers against the raw tools, measured in the same run.

    .venv/bin/python bench/bench_formats.py [--repeat N] [--ocr-pages N] [--workers N] [--quick]

1. Text PDFs: pages/s of ``pipeline.readers.pdf.read_pdf`` (words, reading order, tables,
   legacy fonts) against ``pdfplumber``'s plain ``extract_text`` on the same files. Both run
   once untimed first (imports, font caches), then best of ``--repeat``.
2. Scans: seconds per page of the pipeline's OCR of an image-only PDF (render at 300 dpi,
   Tesseract ``vie``, layout, repairs) against the ``tesseract`` CLI on the same pages already
   rendered to 300 dpi PNG (rendering is not charged to the CLI). Both use the same
   parallelism — ``--workers`` threads (default: CPU count), one Tesseract thread each
   (``OMP_THREAD_LIMIT=1``) — and both OCR one page untimed first.

Thresholds (exit 1 when missed): read_pdf at least ``--min-text-ratio`` (default 0.10) of
extract_text's speed — it does far more per page; OCR at least ``--min-ocr-ratio`` (default
0.80) of the CLI's speed — the work around Tesseract must not cost more than a fifth.
``--quick``: one repetition, two OCR pages.

Inputs are the samples rendered by ``tests/fixtures/formats.py``.
"""
from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the builders the tests use (tests/fixtures)

from cpu_passes import least_time  # noqa: E402  (beside this script)
from fixtures.formats import build_pdf, build_scan, parse_dispatch  # noqa: E402

from pipeline.readers.pdf import read_pdf, render_pages  # noqa: E402


def bench_text_pdfs(pdfs: list[Path], repeat: int) -> float:
    """Returns ours/raw speed (1.0: as fast as pdfplumber's extract_text)."""
    import pdfplumber

    blobs = [(p, p.read_bytes()) for p in pdfs]
    pages = 0
    for _, data in blobs:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages += len(pdf.pages)

    def raw():
        for _, data in blobs:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for page in pdf.pages:
                    page.extract_text()

    def ours():
        for path, data in blobs:
            read_pdf(path, data)

    raw(), ours()  # warm-up, untimed: both start warm
    t_raw, t_ours = (least_time(raw, repeat, time.perf_counter),
                     least_time(ours, repeat, time.perf_counter))
    print(f"text PDFs: {len(blobs)} files, {pages} pages (warm, best of {repeat})")
    print(f"  pdfplumber extract_text : {pages / t_raw:8.1f} pages/s")
    print(f"  pipeline read_pdf       : {pages / t_ours:8.1f} pages/s")
    print(f"  ratio ours/raw          : {t_raw / t_ours:8.2f}  (1.0 = as fast as extract_text)")
    return t_raw / t_ours


def _tesseract_cli(png: Path) -> None:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # as the pipeline runs it: one thread each
    subprocess.run(["tesseract", str(png), "-", "-l", "vie"], capture_output=True, check=True,
                   env=env)


def bench_scans(scans: list[Path], limit: int, workers: int | None) -> float:
    """Returns CLI time / our time (>1: faster than the CLI) at the same parallelism."""
    import pypdfium2 as pdfium

    from pipeline.readers.ocr.engine import default_workers
    from pipeline.readers.pdf import ocr_pdf_pages
    from pipeline.text.document import RawPage

    workers = workers or default_workers()
    pages = []
    for scan in scans:
        n = len(pdfium.PdfDocument(scan.read_bytes()))
        pages.extend((scan, i) for i in range(1, n + 1))
    pages = pages[:limit]
    used: dict[Path, list[int]] = {}
    for scan, i in pages:
        used.setdefault(scan, []).append(i)

    def ours() -> None:
        for scan, numbers in used.items():
            raw_pages = [RawPage(n, "", ocr=True) for n in numbers]
            ocr_pdf_pages(scan, scan.read_bytes(), raw_pages, numbers, max_workers=workers)

    with tempfile.TemporaryDirectory() as tmp:
        images = []
        for scan, numbers in used.items():
            for number, image in render_pages(scan.read_bytes(), numbers, 300):
                png = Path(tmp) / f"{scan.stem}-{number}.png"
                image.save(png)
                images.append(png)
        # warm-up, untimed: one page each way (Tesseract's model files, our imports)
        _tesseract_cli(images[0])
        first = next(iter(used))
        ocr_pdf_pages(first, first.read_bytes(), [RawPage(1, "", ocr=True)], [1],
                      max_workers=1)
        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_tesseract_cli, images))
        t_cli = time.perf_counter() - t
    t = time.perf_counter()
    ours()
    t_ours = time.perf_counter() - t
    n = len(images)
    print(f"scans: {n} pages at 300 dpi, {workers} worker threads each way (warm)")
    print(f"  tesseract CLI on PNGs, pool    : {t_cli / n:6.2f} s/page")
    print(f"  pipeline OCR (render+pool)     : {t_ours / n:6.2f} s/page")
    print(f"  ratio cli/ours                 : {t_cli / t_ours:6.2f}  (>1: faster than the CLI)")
    return t_cli / t_ours


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ocr-pages", type=int, default=4, help="scanned pages to OCR")
    parser.add_argument("--workers", type=int, default=None,
                        help="OCR threads, both ways (default: cores)")
    parser.add_argument("--no-ocr", action="store_true")
    parser.add_argument("--quick", action="store_true", help="one repetition, two OCR pages")
    parser.add_argument("--min-text-ratio", type=float, default=0.10)
    parser.add_argument("--min-ocr-ratio", type=float, default=0.80)
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.ocr_pages = 1, min(args.ocr_pages, 2)
    print("measures: reader speed against the raw tool on the same inputs, same run")
    samples = sorted(p for p in args.samples.iterdir() if p.suffix in {".md", ".txt"})
    misses = []
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = [build_pdf(parse_dispatch(s.read_text(encoding="utf-8-sig")),
                          Path(tmp) / f"{s.stem}.pdf") for s in samples]
        text_ratio = bench_text_pdfs(pdfs, args.repeat)
        if text_ratio < args.min_text_ratio:
            misses.append(f"text PDFs: ratio {text_ratio:.2f} < {args.min_text_ratio}")
        if not args.no_ocr:
            scans = [build_scan(p, Path(tmp) / f"{p.stem}.scan.pdf") for p in pdfs[:args.ocr_pages]]
            ocr_ratio = bench_scans(scans, args.ocr_pages, args.workers)
            if ocr_ratio < args.min_ocr_ratio:
                misses.append(f"scans: ratio {ocr_ratio:.2f} < {args.min_ocr_ratio}")
    print(f"thresholds: text ratio ≥ {args.min_text_ratio}, OCR ratio ≥ {args.min_ocr_ratio}: "
          + ("FAIL — " + "; ".join(misses) if misses else "PASS"))
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
