"""What a run read of a document (``schemas.Reading``): built from the ``Document``, saved and
found again under ``RUN_DIR/readings/<doc_id>/``.

A reviewer needs the normalised text the record's spans index and, for a scan, the page as
OCR saw it with each word's box; re-reading the source for that re-runs OCR (most of a run's
time) and fails once the inbox moved. So each run saves it beside its records:

    RUN_DIR/readings/<doc_id>/reading.json   the Reading (text, pages, word boxes)
    RUN_DIR/readings/<doc_id>/page-<n>.jpg   the page images it names

Files are written atomically (temporary file, then rename) and ``reading.json`` last, so a
reader never sees a half-written file nor a reading whose images are missing.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from pipeline.extract.version import PIPELINE_VERSION
from pipeline.readers.page_image import pdf_page_images
from pipeline.text.document import Document
from pipeline.text.scan import PageImage, effective_confidence
from pipeline.text.word_runs import align_runs
from schemas import PageReading, Reading, WordBox

READINGS_DIR = "readings"
READING_FILE = "reading.json"
_DOC_ID = re.compile(r"[0-9a-f]{64}")
_ALNUM = re.compile(r"[^\W_]")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadingBundle:
    """A reading and the bytes of the page images it names (file name → JPEG)."""

    reading: Reading
    images: Mapping[str, bytes] = field(default_factory=dict, repr=False)


def image_name(page: int) -> str:
    return f"page-{page}.jpg"


def build_reading(doc: Document, doc_id: str, data: bytes | None = None) -> ReadingBundle:
    """The reading of a normalised document; ``data`` (the file's bytes) renders text-PDF pages.

    OCR'd pages keep the image OCR read (``doc.scan.images``) and their words, with spans
    in ``doc.text`` and boxes scaled onto that image; other PDF pages are rendered small
    (``data``: the file's bytes, needed for that).
    """
    images = dict(doc.scan.images)
    if doc.format == "pdf" and data is not None:
        images.update(_rendered(doc, data, [n for n in range(1, doc.pages + 1)
                                            if n not in images]))
    pages: list[PageReading] = []
    files: dict[str, bytes] = {}
    for i, start in enumerate(doc.page_starts):
        number = i + 1
        end = doc.page_starts[i + 1] if i + 1 < len(doc.page_starts) else len(doc.text)
        image = images.get(number)
        ocr = number in doc.ocr_pages
        words = _words(doc, number, start, end, image) if ocr and image is not None else []
        if image is not None:
            files[image_name(number)] = image.jpeg
        pages.append(PageReading(
            page=number, start=start, ocr=ocr,
            image=image_name(number) if image is not None else None,
            width=image.width if image is not None else None,
            height=image.height if image is not None else None, words=words))
    reading = Reading(doc_id=doc_id, source_path=doc.path, source_format=doc.format,
                      pipeline_version=PIPELINE_VERSION, text=doc.text, pages=pages)
    return ReadingBundle(reading, files)


def _rendered(doc: Document, data: bytes, numbers: list[int]) -> dict[int, PageImage]:
    if not numbers:
        return {}
    try:
        return pdf_page_images(data, numbers)
    except Exception as exc:  # noqa: BLE001 - a page preview is never worth a failed file
        log.warning("%s: pages not rendered for review: %s", doc.path, exc)
        return {}


def _words(doc: Document, page: int, start: int, end: int, image: PageImage) -> list[WordBox]:
    """The page's OCR words placed in ``doc.text[start:end]`` (``align_runs``), boxed on the
    saved image, in text order; words not found, and lone punctuation, are left out."""
    out: list[WordBox] = []
    for w in align_runs(doc.text[start:end], doc.scan.words.get(page, [])):
        if w.start < 0 or not _ALNUM.search(w.text):
            continue
        box = tuple(min(max(round(v * image.scale), 0), limit) for v, limit in
                    zip(w.box, (image.width, image.height, image.width, image.height)))
        out.append(WordBox(start=start + w.start, end=start + w.end, box=box,
                           confidence=round(effective_confidence(w), 3)))
    return sorted(out, key=lambda b: b.start)


def _reading_dir(run_dir: Path, doc_id: str) -> Path | None:
    """``run_dir/readings/<doc_id>``, or ``None`` when ``doc_id`` is not a sha256 in hex."""
    if not isinstance(doc_id, str) or not _DOC_ID.fullmatch(doc_id):
        return None
    return Path(run_dir) / READINGS_DIR / doc_id


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the file from a review server
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_reading(run_dir: str | Path, bundle: ReadingBundle) -> Path:
    """Write a reading and its page images under ``run_dir/readings/<doc_id>/``; returns the
    ``reading.json`` path. Raises ``ValueError`` for a doc_id that is not a sha256."""
    folder = _reading_dir(Path(run_dir), bundle.reading.doc_id)
    if folder is None:
        raise ValueError(f"not a document id: {bundle.reading.doc_id!r}")
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in bundle.images.items():
        if name not in {p.image for p in bundle.reading.pages}:
            raise ValueError(f"{name!r} is not a page image of the reading")
        _write_atomic(folder / name, data)
    target = folder / READING_FILE
    _write_atomic(target, bundle.reading.model_dump_json().encode("utf-8"))
    return target


def load_reading(run_dir: str | Path, doc_id: str) -> Reading | None:
    """The reading a run saved for ``doc_id``; ``None`` when missing, unreadable or invalid."""
    folder = _reading_dir(Path(run_dir), doc_id)
    if folder is None:
        return None
    try:
        reading = Reading.model_validate_json((folder / READING_FILE).read_bytes())
    except (OSError, ValidationError, ValueError):
        return None
    return reading if reading.doc_id == doc_id else None


def page_image_path(run_dir: str | Path, doc_id: str, page: int) -> Path | None:
    """The saved image of ``page`` (1-based) of ``doc_id``, or ``None``.

    Safe to call with untrusted input (a web request): anything but a 64-hex doc_id and a
    positive int page is refused, and a path that resolves outside ``run_dir/readings``
    (a planted symlink) is never returned.
    """
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        return None
    folder = _reading_dir(Path(run_dir), doc_id)
    if folder is None:
        return None
    path = folder / image_name(page)
    root = (Path(run_dir) / READINGS_DIR).resolve()
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved
