#!/usr/bin/env python3
"""Benchmark of page-image preparation before Tesseract on the real scans (issue 11 item 5).

Usage: .venv/bin/python bench/bench_image_prep.py [SCANS_DIR] [--workers 2] [--no-cache]
                                                  [--only NAME ...] [--show]

SCANS_DIR defaults to ``../shared/real-scans`` beside the checkout; the benchmark skips
(exit 0, saying so) when it is absent. Page 1 of every labelled scan
(``bench/real_scans_expected.json``) is read in several ways and three labelled lines are
looked for in what Tesseract (``vie``) returns:

- ``number``  "Số: <number.raw>"
- ``date``    "<place>, ngày DD tháng MM năm YYYY" (day and month zero-padded, as printed)
- ``subject`` the whole trích yếu (without its V/v lead-in), usually wrapped on 2-6 lines

Variants (full page, ``--psm 3``, unless named ``hdr``):

- ``render300``   today's pipeline: pdfium render at 300 dpi, ``prepare_page`` (overlay
                  boxes blanked, red ink dropped, grey) — the baseline
- ``native``      the page's embedded image at its own resolution (200 dpi 1-bit on the
                  portal's scans), extracted with pypdfium2 (``get_bitmap(render=False)``)
- ``up1.5`` / ``up2``          native image in 'L', upscaled ×1.5 / ×2 with LANCZOS (grey)
- ``up1.5-bin`` / ``up2-bin``  the same, then a Gaussian blur (radius 1 px at the upscaled
                  size) and a threshold at 128 (smooth the stair-stepped edges, re-binarise)
- ``hdr-<source>-psm6`` / ``-psm4``  the top 35 % of page 1 (letterhead, number, date,
                  title, subject) of the ``render300`` / ``native`` / ``up2`` image, alone

Every variant's text is made as ``pipeline.readers.ocr.engine.ocr_image`` makes it
(``image_to_data`` words → layout segments → ``repair_ocr_text``). A labelled line is found in
the page text (newlines as spaces) by semi-global alignment: the substring with the smallest
Levenshtein distance to the expected line. Text is compared after NFC and whitespace
normalisation only (case, tone marks, punctuation and dashes count, as in
``bench_real_scans.py``). CER = distance / expected length, summed over the files of a line
type; ``exact`` = the line is found with distance 0.

Seconds per page: image preparation (render or extraction, resampling) + Tesseract, one
Tesseract process per page (``OMP_THREAD_LIMIT=1``), ``--workers`` pages at a time; a header
read costs its crop's time, but in the pipeline it would come on top of the full-page read
(the body still has to be read), so its "vs base" factor counts both.

A variant wins when it lowers the total CER (all labelled lines) below ``render300`` without
more than doubling the time per page. OCR results are cached in /tmp/bench_image_prep/ by the
file's sha256 and the variant name. Exit status is 0 unless the run fails.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"  # one thread per tesseract process; pages run in parallel

import numpy as np  # noqa: E402
import regex  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

EXPECTED = REPO / "bench" / "real_scans_expected.json"
CACHE = Path("/tmp/bench_image_prep")
CACHE_VERSION = "1"
HEADER_SHARE = 0.35
LINE_TYPES = ("number", "date", "subject")
BASELINE = "render300"

FULL_VARIANTS = ["render300", "native", "up1.5", "up2", "up1.5-bin", "up2-bin"]
HEADER_VARIANTS = [f"hdr-{src}-psm{psm}" for src in ("render300", "native", "up2")
                   for psm in (6, 4)]

_pdfium_lock = threading.Lock()  # pdfium is not thread-safe


def norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s)
    return regex.sub(r"\s+", " ", s).strip()


def expected_lines(labels: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    number = (labels.get("number") or {}).get("raw")
    if number:
        out["number"] = f"Số: {number}"
    if labels.get("place") and labels.get("issued_date"):
        y, m, d = labels["issued_date"].split("-")
        out["date"] = f"{labels['place']}, ngày {d} tháng {m} năm {y}"
    if labels.get("subject"):
        out["subject"] = labels["subject"]
    return {k: norm(v) for k, v in out.items()}


def _infix_end(pattern: str, text: str) -> tuple[int, int]:
    """Smallest edit distance of ``pattern`` to any substring of ``text`` and where it ends."""
    p = np.frombuffer(pattern.encode("utf-32-le"), dtype=np.uint32)
    n = len(p)
    idx = np.arange(n + 1)
    col = idx.copy()  # column 0: pattern against the empty text prefix
    best, best_end = n, 0
    for j, ch in enumerate(text, 1):
        tmp = np.empty(n + 1, dtype=np.int64)
        tmp[0] = 0  # free start anywhere in the text
        tmp[1:] = np.minimum(col[:-1] + (p != ord(ch)), col[1:] + 1)
        col = np.minimum.accumulate(tmp - idx) + idx
        if col[n] < best:
            best, best_end = int(col[n]), j
    return best, best_end


def find_line(pattern: str, text: str) -> tuple[int, str]:
    """Edit distance of the best-matching substring of ``text`` to ``pattern``, and that span."""
    if not text:
        return len(pattern), ""
    dist, end = _infix_end(pattern, text)
    # the start: same search on the reversed strings over the text up to the end found
    _, rev_end = _infix_end(pattern[::-1], text[:end][::-1])
    return dist, text[end - rev_end:end]


# --- images ---------------------------------------------------------------------------

def load_sources(path: Path) -> dict:
    """Page 1 as rendered at 300 dpi (prepared as the pipeline does) and as embedded."""
    import pdfplumber
    import pypdfium2 as pdfium
    from pipeline.readers.esignature import annotation_overlay, pdf_overlay

    data = path.read_bytes()
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words(extra_attrs=["fontname", "size"])
        overlay = pdf_overlay(page, words)
        width_pt = float(page.width)
    with _pdfium_lock:
        if overlay is None and not words:
            overlay = annotation_overlay(data, 1)
        boxes = overlay[1] if overlay else []
        doc = pdfium.PdfDocument(data)
        try:
            pg = doc[0]
            t = time.perf_counter()
            render = pg.render(scale=300 / 72).to_pil()
            t_render = time.perf_counter() - t
            t = time.perf_counter()
            images = [o for o in pg.get_objects(max_depth=5)
                      if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
            native = None
            if len(images) == 1:
                a, b, c, d, _, _ = images[0].get_matrix().get()
                bitmap = images[0].get_bitmap(render=not (b == 0 and c == 0 and a > 0 and d > 0))
                native = bitmap.to_pil().convert("L")
            t_native = time.perf_counter() - t
        finally:
            doc.close()
    return {"render": render, "t_render": t_render, "native": native, "t_native": t_native,
            "boxes": boxes, "width_pt": width_pt}


def upscale(image, factor: float, binarise: bool):
    from PIL import Image, ImageFilter

    image = image.convert("L")
    image = image.resize((round(image.width * factor), round(image.height * factor)),
                         Image.LANCZOS)
    if binarise:
        image = image.filter(ImageFilter.GaussianBlur(1.0))
        image = image.point(lambda v: 255 if v >= 128 else 0)
    return image


def variant_image(name: str, src: dict):
    """(image, seconds of preparation) of a variant, or (None, 0) when it does not apply."""
    from pipeline.readers.ocr.page import prepare_page

    header = name.startswith("hdr-")
    base = name.split("-")[1] if header else name
    t = time.perf_counter()
    if base == "render300":
        image = prepare_page(src["render"], src["boxes"], 300 / 72)
        spent = src["t_render"]
    else:
        if src["native"] is None:
            return None, 0.0
        spent = src["t_native"]
        image = src["native"]
        if base.startswith("up"):
            factor = float(base[2:].removesuffix("-bin"))
            image = upscale(image, factor, base.endswith("-bin"))
        image = prepare_page(image, src["boxes"], image.width / src["width_pt"])
    if header:
        image = image.crop((0, 0, image.width, round(image.height * HEADER_SHARE)))
    return image, spent + time.perf_counter() - t


def ocr_text(image, psm: int) -> str:
    """Text as ``ocr_image`` makes it, with a chosen page segmentation mode."""
    import pytesseract
    from pipeline.readers.layout import Word, lines_to_segments, segments_to_text
    from pipeline.readers.ocr.repair import repair_ocr_text
    from pipeline.readers.ocr.words import words_from_data

    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    data = pytesseract.image_to_data(image, lang="vie", config=f"--psm {psm}",
                                     output_type=pytesseract.Output.DICT)
    lines: dict[tuple[int, ...], list[Word]] = {}
    for w in words_from_data(data):
        lines.setdefault(w.line, []).append(Word(w.text, w.left, w.right, w.top, w.bottom))
    return repair_ocr_text(segments_to_text(lines_to_segments(list(lines.values()))))


def run_variant(name: str, src: dict) -> dict | None:
    image, t_prep = variant_image(name, src)
    if image is None:
        return None
    psm = int(name.rsplit("psm", 1)[1]) if name.startswith("hdr-") else 3
    t = time.perf_counter()
    text = ocr_text(image, psm)
    return {"text": text, "seconds": t_prep + time.perf_counter() - t,
            "size": list(image.size)}


# --- run --------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scans", nargs="?", default=str(REPO.parent / "shared" / "real-scans"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--only", nargs="*", help="file names to run (default: all labelled)")
    ap.add_argument("--variants", nargs="*", help="variant names (default: all)")
    ap.add_argument("--show", action="store_true", help="print every matched span")
    args = ap.parse_args()

    scans = Path(args.scans)
    if not scans.is_dir() or not EXPECTED.exists():
        print(f"skipped: {scans} not found (the real scans are not in this checkout)")
        return 0
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    files = [n for n, v in expected.items()
             if isinstance(v, dict) and (scans / n).exists() and (not args.only or n in args.only)]
    if not files:
        print(f"skipped: no labelled scan found in {scans}")
        return 0
    variants = args.variants or FULL_VARIANTS + HEADER_VARIANTS

    results: dict[tuple[str, str], dict | None] = {}
    todo: list[tuple[str, str, Path]] = []
    for name in files:
        sha = hashlib.sha256((scans / name).read_bytes()).hexdigest()
        for v in variants:
            cached = CACHE / f"{sha}.{v}.v{CACHE_VERSION}.json"
            if cached.exists() and not args.no_cache:
                results[(name, v)] = json.loads(cached.read_text(encoding="utf-8"))
            else:
                todo.append((name, v, cached))

    if todo:
        by_file: dict[str, list[tuple[str, Path]]] = {}
        for name, v, cached in todo:
            by_file.setdefault(name, []).append((v, cached))
        started = time.time()

        def one(name: str, v: str, src: dict, cached: Path) -> None:
            r = run_variant(v, src)
            results[(name, v)] = r
            CACHE.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps(r, ensure_ascii=False), encoding="utf-8")
            if r is not None:
                print(f"  {name} {v}: {r['seconds']:.1f} s", file=sys.stderr)

        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            futures = []
            for name, jobs in by_file.items():
                src = load_sources(scans / name)
                futures += [pool.submit(one, name, v, src, cached) for v, cached in jobs]
                # hold at most a few files' images at once
                while sum(not f.done() for f in futures) > 4 * args.workers * len(variants):
                    time.sleep(0.2)
            for f in futures:
                f.result()
        print(f"  OCR done in {time.time() - started:.0f} s", file=sys.stderr)

    # --- score -------------------------------------------------------------------------
    score: dict[str, dict] = {}
    for v in variants:
        s = {t: {"dist": 0, "len": 0, "exact": 0, "n": 0} for t in LINE_TYPES}
        seconds: list[float] = []
        for name in files:
            r = results.get((name, v))
            if r is None:
                continue
            seconds.append(r["seconds"])
            text = norm(r["text"])
            for t, line in expected_lines(expected[name]).items():
                dist, span = find_line(line, text)
                st = s[t]
                st["dist"] += dist
                st["len"] += len(line)
                st["exact"] += dist == 0
                st["n"] += 1
                if args.show:
                    print(f"{v:>18} {name:<20} {t:<7} d={dist:<3} {span!r}")
        s["seconds"] = sum(seconds) / len(seconds) if seconds else float("nan")
        s["pages"] = len(seconds)
        score[v] = s

    base_t = score[BASELINE]["seconds"] if BASELINE in score else float("nan")
    base_cer = None
    print(f"\nImage preparation on page 1 of {len(files)} labelled real scans "
          f"(Tesseract vie; exact = lines read with no error; CER = distance / length)\n")
    head = f"{'variant':<18}" + "".join(f"{t + ' exact':>14}{'CER':>7}" for t in LINE_TYPES)
    head += f"{'total CER':>11}{'s/page':>8}{'vs base':>9}  verdict"
    print(head)
    print("-" * len(head))
    for v in variants:
        s = score[v]
        if not s["pages"]:
            print(f"{v:<18} (not applicable to these files)")
            continue
        row = f"{v:<18}"
        for t in LINE_TYPES:
            st = s[t]
            cer = st["dist"] / st["len"] if st["len"] else float("nan")
            row += f"{st['exact']:>8}/{st['n']:<5}{cer:>7.3f}"
        dist = sum(s[t]["dist"] for t in LINE_TYPES)
        length = sum(s[t]["len"] for t in LINE_TYPES)
        total = dist / length if length else float("nan")
        header = v.startswith("hdr-")
        # a header read comes on top of the full-page read the body still needs
        factor = ((base_t + s["seconds"]) if header else s["seconds"]) / base_t
        if v == BASELINE:
            base_cer = total
            verdict = "baseline"
        elif base_cer is None:
            verdict = ""
        else:
            wins = total < base_cer and factor <= 2.0
            verdict = ("WINS" if wins else
                       "slower than 2x" if total < base_cer else "no gain")
        row += f"{total:>11.3f}{s['seconds']:>8.1f}{factor:>8.2f}x  {verdict}"
        print(row)
    print(f"\nvs base: s/page ÷ {BASELINE}'s; for hdr-* ({BASELINE} + crop) ÷ {BASELINE} "
          f"(the header read is added to the page read). WINS = lower total CER and ≤ 2x.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
