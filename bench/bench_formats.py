"""Speed of the format readers against the raw tools, measured in the same run.

    .venv/bin/python bench/bench_formats.py [--repeat N] [--ocr-pages N]

1. Text PDFs: pages/s of ``pipeline.readers.pdf.read_pdf`` (words, reading order, tables,
   legacy fonts) against ``pdfplumber``'s plain ``extract_text`` on the same files.
2. Scans: seconds per page of ``read_pdf`` on an image-only PDF (render at 300 dpi, Tesseract
   ``vie`` on a thread pool, layout, repairs) against the ``tesseract`` CLI run page after page
   on the same 300 dpi images.

Inputs are the samples rendered by ``tests/formats/build_fixtures.py``.
"""
from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the builders the tests use (tests/fixtures)

from fixtures.formats import build_pdf, build_scan, parse_dispatch  # noqa: E402

from pipeline.readers.pdf import read_pdf, render_pages  # noqa: E402


def _timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def bench_text_pdfs(pdfs: list[Path], repeat: int) -> None:
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

    t_raw, t_ours = _timed(raw, repeat), _timed(ours, repeat)
    print(f"text PDFs: {len(blobs)} files, {pages} pages (best of {repeat})")
    print(f"  pdfplumber extract_text : {pages / t_raw:8.1f} pages/s")
    print(f"  pipeline read_pdf       : {pages / t_ours:8.1f} pages/s")
    print(f"  ratio ours/raw          : {t_raw / t_ours:8.2f}  (1.0 = as fast as extract_text)")


def bench_scans(scans: list[Path], limit: int, workers: int | None) -> None:
    pairs = []
    for scan in scans:
        data = scan.read_bytes()
        pairs.append((scan, data))
    pages = []
    for scan, data in pairs:
        import pypdfium2 as pdfium

        n = len(pdfium.PdfDocument(data))
        pages.extend((scan, data, i) for i in range(1, n + 1))
    pages = pages[:limit]
    used = {}
    for scan, data, i in pages:
        used.setdefault(scan, []).append(i)
    with tempfile.TemporaryDirectory() as tmp:
        images = []
        for scan, numbers in used.items():
            for number, image in render_pages(scan.read_bytes(), numbers, 300):
                png = Path(tmp) / f"{scan.stem}-{number}.png"
                image.save(png)
                images.append(png)
        t = time.perf_counter()
        for png in images:
            subprocess.run(["tesseract", str(png), "-", "-l", "vie"], capture_output=True,
                           check=True)
        t_cli = time.perf_counter() - t
    from pipeline.readers.pdf import ocr_pdf_pages
    from pipeline.text.document import RawPage

    t = time.perf_counter()
    for scan, numbers in used.items():
        raw_pages = [RawPage(n, "", ocr=True) for n in numbers]
        ocr_pdf_pages(scan, scan.read_bytes(), raw_pages, numbers, max_workers=workers)
    t_ours = time.perf_counter() - t
    n = len(images)
    print(f"scans: {n} pages at 300 dpi")
    print(f"  tesseract CLI, page after page : {t_cli / n:6.2f} s/page")
    print(f"  pipeline OCR (render+pool)     : {t_ours / n:6.2f} s/page")
    print(f"  ratio cli/ours                 : {t_cli / t_ours:6.2f}  (>1: faster than the CLI)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ocr-pages", type=int, default=4, help="scanned pages to OCR")
    parser.add_argument("--workers", type=int, default=None, help="OCR threads (default: cores)")
    parser.add_argument("--no-ocr", action="store_true")
    args = parser.parse_args(argv)
    samples = sorted(p for p in args.samples.iterdir() if p.suffix in {".md", ".txt"})
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = [build_pdf(parse_dispatch(s.read_text(encoding="utf-8-sig")),
                          Path(tmp) / f"{s.stem}.pdf") for s in samples]
        bench_text_pdfs(pdfs, args.repeat)
        if not args.no_ocr:
            scans = [build_scan(p, Path(tmp) / f"{p.stem}.scan.pdf") for p in pdfs[:args.ocr_pages]]
            bench_scans(scans, args.ocr_pages, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
