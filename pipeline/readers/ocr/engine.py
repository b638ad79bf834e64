"""Tesseract OCR of page images (Vietnamese model ``vie``), page by page, in parallel.

``ocr_image`` turns one image into reading-order text (through ``pipeline.readers.layout``,
so a scanned letterhead reads like a typed one) and the mean word confidence
(0–1). ``ocr_images`` runs pages on a bounded thread pool: each page is a
``tesseract`` process, so threads are enough and pages overlap across cores.
OCR repairs (``pipeline.readers.ocr.repair``) are applied here, to OCR text only.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterable

from pipeline.text.errors import MissingProgram
from pipeline.readers.layout import Word, lines_to_segments, segments_to_text
from pipeline.readers.ocr.repair import repair_ocr_text
from pipeline.readers.ocr.page import PageFacts, page_facts, prepare_page
from pipeline.readers.ocr.words import words_from_data
from pipeline.settings import DEFAULT_SETTINGS

OCR_LANG = "vie"
OCR_DPI = 300


@dataclass
class OcrPage:
    text: str
    confidence: float | None  # mean word confidence, 0-1; None when no word was read
    # words with confidences, furniture and stamps
    facts: PageFacts | None = None


@cache
def _tesseract_langs(cmd: str) -> frozenset[str]:
    out = subprocess.run([cmd, "--list-langs"], capture_output=True, text=True, timeout=30)
    return frozenset(line.strip() for line in (out.stdout + out.stderr).splitlines()[1:])


def check_tesseract(path: str | Path, lang: str = OCR_LANG) -> None:
    """Raise ``MissingProgram`` naming what is missing: the program or its language model."""
    import pytesseract

    cmd = shutil.which(pytesseract.pytesseract.tesseract_cmd)
    if cmd is None:
        raise MissingProgram(path, "needs OCR but the 'tesseract' program is not installed "
                                   "(scripts/install-system-deps.sh installs it)")
    if lang not in _tesseract_langs(cmd):
        raise MissingProgram(path, f"needs OCR but Tesseract has no '{lang}' language model "
                                   f"(install tesseract-ocr-{lang})")


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def ocr_image(image, lang: str = OCR_LANG, *, page: int | None = None,
              overlays: list | None = None, scale: float = 1.0) -> OcrPage:
    """OCR one page image: reading-order text (repaired) and mean confidence.

    With ``page`` given, the scan is prepared first (``overlays`` boxes in points ×
    ``scale`` blanked, red seal ink dropped) and the page's facts are read
    (``pipeline.readers.ocr.page``: word confidences, furniture, stamps on page 1).
    """
    import pytesseract

    # one thread per tesseract process: pages already run in parallel
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    original = image
    if page is not None:
        image = prepare_page(image, overlays, scale)
    data = pytesseract.image_to_data(image, lang=lang, config="--psm 3",
                                     output_type=pytesseract.Output.DICT)
    words = words_from_data(data)
    lines: dict[tuple[int, ...], list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(Word(w.text, w.left, w.right, w.top, w.bottom))
    text = segments_to_text(lines_to_segments(list(lines.values())))
    confidence = sum(w.confidence for w in words) / len(words) if words else None
    text = repair_ocr_text(text)
    facts = None
    if page is not None:
        facts = page_facts(original, image, data, words, text, page, lang=lang,
                           read_stamps=page == 1,
                           read_again=page == 1 and DEFAULT_SETTINGS.second_reader)
        if facts.text is not None:
            text = facts.text
    return OcrPage(text, confidence, facts)


def ocr_images(pages: Iterable[tuple], *, lang: str = OCR_LANG,
               max_workers: int | None = None, overlays: dict[int, list] | None = None,
               scale: float = 1.0) -> dict[int, OcrPage]:
    """OCR ``(page number, image)`` pairs — or ``(page number, image, pixels per point)``
    triples, the scale ``overlays`` are drawn at — in parallel; at most ``2 × max_workers``
    images are held at once (``pages`` is read lazily), so a long scan does not fill memory."""
    workers = max_workers or default_workers()
    results: dict[int, OcrPage] = {}
    pending: list[tuple[int, Future]] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
        for number, image, *page_scale in pages:
            pending.append((number, pool.submit(
                ocr_image, image, lang, page=number, overlays=(overlays or {}).get(number),
                scale=page_scale[0] if page_scale else scale)))
            while len(pending) >= 2 * workers:
                done_number, future = pending.pop(0)
                results[done_number] = future.result()
        for number, future in pending:
            results[number] = future.result()
    return results
