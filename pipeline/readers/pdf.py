"""PDF files: text pages through pdfium (or pdfplumber), scanned pages through Tesseract.

Decided page by page: a page whose text layer is missing or garbage (``(cid:12)``
glyph codes with no Unicode map) is rendered at 300 dpi and OCR'd; the other
pages keep their text. Text pages are read as positioned words and put in
reading order by ``pipeline.readers.layout`` (letterhead and signature grids come out
as blocks); ruled tables are taken out of the flow and handed over as
``RawTable`` with their page. Words set in ``.VnTime``/``VNI-Times`` fonts are
converted from TCVN3/VNI.

The words come from pdfium (``pdfium_text``: the same words pdfplumber would give, a
hundred times faster) and a page with rules goes through pdfplumber's table finder on
pdfium's drawing (``pdfium_tables``). pdfplumber itself reads what that path does not
promise to read the same way: short pages (a scan's empty or stamp-only text layer, judged
as before), rotated text or pages, glyphs without Unicode, paths inside forms.
"""
from __future__ import annotations

import io
from collections import Counter
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from pdfminer.pdfpage import PDFPage
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.text.document import RawDocument, RawPage, RawTable
from pipeline.text.errors import UnreadableFile
from pipeline.readers.layout import Word, words_to_text
from pipeline.readers.legacy import convert, detect_legacy, encoding_for_font, is_capitals_font
from pipeline.readers.esignature import MAX_OVERLAY_CHARS, annotation_overlay, pdf_overlay
from pipeline.readers.pdfium_tables import PdfiumTablePage, table_page
from pipeline.readers.pdfium_text import Advances, has_rules, read_page
from pipeline.readers.pdfium_words import PageWords, page_words
from pipeline.readers.ocr.engine import OCR_DPI, check_tesseract, ocr_images
from pipeline.readers.ocr.page import scan_facts
from pipeline.readers.page_image import render_pages
from pipeline.settings import DEFAULT_SETTINGS, Settings

# a page with fewer visible characters than this, and a large image, is a scan
MIN_TEXT_CHARS = 20
MIN_IMAGE_COVER = 0.3
# a page where more than this share of words are (cid:N) codes has no usable text
MAX_CID_SHARE = 0.3
# a page with no more visible characters than this is read with pdfplumber: a scan's text
# layer (empty, or only the portal's signing stamp: esignature.MAX_OVERLAY_CHARS) is judged
# on pdfplumber's words and text as it always was. The fast path's words are pdfplumber's,
# so a longer page is one pdf_overlay and needs_ocr always let through.
SHORT_PAGE_CHARS = MAX_OVERLAY_CHARS


def open_pdf(path: Path, data: bytes):
    """pdfplumber's PDF, or ``UnreadableFile`` saying why (pdfplumber wraps pdfminer's
    errors in ``PdfminerException``: the cause is unwrapped to name it)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(io.BytesIO(data))
    except MemoryError:
        raise  # too large, not damaged: the extraction says which limit
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on broken files
        cause = exc.args[0] if type(exc).__name__ == "PdfminerException" and exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise UnreadableFile(path, "encrypted PDF: it needs a password to be read") from exc
        detail = f"{type(cause).__name__}: {cause}" if str(cause) else type(cause).__name__
        raise UnreadableFile(path, f"not a readable PDF (damaged: {detail})") from exc


def read_pdf(path: Path, data: bytes, *, max_workers: int | None = None,
             settings: Settings = DEFAULT_SETTINGS) -> RawDocument:
    pdf = open_pdf(path, data)
    pages: list[RawPage] = []
    tables: list[RawTable] = []
    encodings: Counter[str] = Counter()
    scanned: list[int] = []
    # a text layer that is only the portal's signing stamp: keep the stamp, OCR the page
    overlays: dict[int, list] = {}
    e_signature = None
    try:
        with closing(_LazyPages(pdf)) as plumber, _pdfium_document(data) as fast:
            # pdfium repairs page trees pdfminer reads otherwise: then pdfplumber reads all
            fast = fast if fast is not None and len(fast) == pdfminer_page_count(pdf) else None
            count = len(fast) if fast is not None else len(plumber.pages)
            advances = Advances()  # characters' widths measured on earlier pages
            for number in range(1, count + 1):
                fast_read = None
                if fast is not None:
                    try:
                        fast_read = fast_page(fast, number, advances)
                    except pdfium.PdfiumError:
                        pass  # pdfium cannot read this page: pdfplumber can say why
                if fast_read is not None:
                    words, table_source = fast_read.words, fast_read.tables
                else:
                    page = plumber.pages[number - 1]
                    words = page.extract_words(extra_attrs=["fontname", "size"])
                    table_source = page
                    overlay = pdf_overlay(page, words)
                    if overlay is None and not words:  # a stamp drawn in a signature widget
                        overlay = annotation_overlay(data, number)
                    if overlay is not None:
                        e_signature = e_signature or overlay[0]
                        overlays[number] = overlay[1]
                    if overlay is not None or needs_ocr(page, words):
                        scanned.append(number)
                        pages.append(RawPage(number, "", ocr=True))
                        continue
                text, page_tables, page_encodings = page_to_text(table_source, words,
                                                                 number=number)
                pages.append(RawPage(number, text))
                tables.extend(page_tables)
                encodings.update(page_encodings)
    except (UnreadableFile, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on broken files
        raise UnreadableFile(path, f"PDF could not be parsed ({type(exc).__name__}: {exc})") \
            from exc
    if not pages:
        # a damaged page tree pdfminer cannot follow may still render (pdfium repairs it):
        # read those pages as scans rather than return an empty document
        scanned = list(range(1, pdfium_page_count(path, data) + 1))
        pages = [RawPage(n, "", ocr=True) for n in scanned]
    encoding = "utf-8"
    if encodings:
        encoding = encodings.most_common(1)[0][0]
    else:
        # no legacy font names (fonts renamed or subset): judge the whole text
        found = detect_legacy("\n".join(p.text for p in pages if not p.ocr))
        if found:
            for p in pages:
                if not p.ocr:
                    p.text = convert(p.text, found)
            encoding = found
    facts = {}
    if scanned:
        facts = ocr_pdf_pages(path, data, pages, scanned, max_workers=max_workers,
                              overlays=overlays, max_pixels=settings.max_render_pixels)
    return RawDocument(path=str(path), format="pdf", pages=pages, encoding=encoding,
                       tables=tables, e_signature=e_signature, scan=scan_facts(facts))


class _LazyPages:
    """pdfplumber's PDF, its pages made when first asked for. pdfplumber's ``close`` makes
    every page first, to close each: it is only called once they are made."""

    def __init__(self, pdf) -> None:
        self.pdf = pdf
        self.made: list | None = None

    @property
    def pages(self) -> list:
        if self.made is None:
            self.made = self.pdf.pages
        return self.made

    def close(self) -> None:
        if self.made is not None:
            self.pdf.close()


class _CountedPage(PDFPage):
    """A leaf of pdfminer's page tree, counted and not read: ``PDFPage`` parses each page's
    resources and content streams when created, half of walking a long document's tree."""

    def __init__(self, doc, pageid, attrs, label) -> None:
        self.pageid = pageid  # and nothing parsed


def pdfminer_page_count(pdf) -> int:
    """The pages pdfplumber would list (pdfminer's own walk of the tree), without making
    them: pdfplumber makes its pages when one is read through it."""
    try:
        return sum(1 for _ in _CountedPage.create_pages(pdf.doc))
    except Exception as exc:  # noqa: BLE001 - wrapped as pdfplumber wraps them
        raise PdfminerException(exc) from exc


@contextmanager
def _pdfium_document(data: bytes):
    """pdfium's reading of the same bytes for the fast text path, or None (pdfplumber
    reads every page, as it always could)."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        yield None
        return
    try:
        yield doc
    finally:
        doc.close()


@dataclass
class FastPage:
    """A page read through pdfium: its words, and the stand-in page pdfplumber's table
    finder runs on when the page has rules (None: no rules, no table to look for)."""

    words: PageWords
    tables: PdfiumTablePage | None


def fast_page(doc, number: int, advances: Advances | None = None) -> FastPage | None:
    """A page read with pdfium, or None when pdfplumber must read it.

    pdfplumber reads a page pdfium's reading does not match pdfplumber's on
    (``pdfium_text.read_page``, ``pdfium_tables.table_page``) and a short page — a scan's
    empty or stamp-only text layer is judged on pdfplumber's words and text, as before.
    """
    page = doc[number - 1]
    try:
        textpage = page.get_textpage()
        try:
            chars = read_page(page, textpage, advances)
        finally:
            textpage.close()
        if chars is None:
            return None
        words = page_words(chars)
        if sum(map(len, words.text)) <= SHORT_PAGE_CHARS:
            return None
        if not has_rules(page):
            return FastPage(words, None)
        tables = table_page(page, number, chars)
        return FastPage(words, tables) if tables is not None else None
    finally:
        page.close()


def needs_ocr(page, words: list[dict]) -> bool:
    """No usable text layer: (almost) no text over a large image, or mostly ``(cid:N)``."""
    if words:
        cid = sum(1 for w in words if "(cid:" in w["text"])
        if cid / len(words) > MAX_CID_SHARE:
            return True
    visible = sum(len(w["text"]) for w in words if "(cid:" not in w["text"])
    if visible >= MIN_TEXT_CHARS:
        return False
    area = float(page.width * page.height) or 1.0
    covered = 0.0
    for im in page.images:
        w = max(0.0, min(im["x1"], page.width) - max(im["x0"], 0))
        h = max(0.0, min(im["bottom"], page.height) - max(im["top"], 0))
        covered += w * h
    return covered / area >= MIN_IMAGE_COVER


def _inside(word: dict, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    cx = (word["x0"] + word["x1"]) / 2
    cy = (word["top"] + word["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def page_to_text(page, words: list[dict] | PageWords, *, number: int | None = None,
                 ) -> tuple[str, list[RawTable], Counter[str]]:
    """Reading-order text of a text page, its ruled tables, and legacy encodings met.

    ``page`` is what pdfplumber's table finder runs on: a pdfplumber page, pdfium's
    stand-in (``pdfium_tables.PdfiumTablePage``), or None for a page without rules;
    ``words`` pdfplumber's word dicts, or pdfium's words as columns (``PageWords``)."""
    found_tables = page.find_tables() if page is not None else []
    number = number if number is not None else page.page_number
    tables: list[RawTable] = []
    boxes = []
    for found in found_tables:
        rows = found.extract()
        if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2:
            continue
        boxes.append(found.bbox)
        tables.append(RawTable(rows=[[_cell_text(c) for c in row] for row in rows],
                               page=number))
    if isinstance(words, PageWords):
        flow, encodings = _flow_columns(words, boxes)
    else:
        flow, encodings = _flow(words, boxes)
    return words_to_text(flow), tables, encodings


def _flow(words: list[dict], boxes: list) -> tuple[list[Word], Counter[str]]:
    """The words outside the tables, legacy fonts converted, and the encodings met."""
    encodings: Counter[str] = Counter()
    flow: list[Word] = []
    fonts: dict[str | None, tuple[str | None, bool]] = {}  # a page sets few fonts
    for w in words:
        if boxes and any(_inside(w, box) for box in boxes):
            continue
        text = w["text"]
        font = w.get("fontname")
        if font not in fonts:
            fonts[font] = (encoding_for_font(font), is_capitals_font(font))
        legacy, capitals = fonts[font]
        if legacy:
            text = convert(text, legacy, capitals=capitals)
            encodings[legacy] += 1
        flow.append(Word(text, w["x0"], w["x1"], w["top"], w["bottom"]))
    return flow, encodings


def _flow_columns(words: PageWords, boxes: list) -> tuple[list[Word], Counter[str]]:
    """``_flow`` on pdfium's words, a column at a time (a page's thousand words)."""
    keep = np.ones(len(words), bool)
    if boxes:
        cx, cy = (words.x0 + words.x1) / 2, (words.top + words.bottom) / 2
        for x0, top, x1, bottom in boxes:  # _inside
            keep &= ~((x0 <= cx) & (cx <= x1) & (top <= cy) & (cy <= bottom))
    at = np.flatnonzero(keep)
    texts = [words.text[k] for k in at.tolist()]
    fonts = words.font[at].tolist()
    encodings: Counter[str] = Counter()
    legacy = {k: (encoding_for_font(name), is_capitals_font(name))
              for k, name in enumerate(words.fontnames)}
    if any(encoding for encoding, _ in legacy.values()):
        for i, font in enumerate(fonts):
            encoding, capitals = legacy[font]
            if encoding:
                texts[i] = convert(texts[i], encoding, capitals=capitals)
                encodings[encoding] += 1
    flow = list(map(Word, texts, words.x0[at].tolist(), words.x1[at].tolist(),
                    words.top[at].tolist(), words.bottom[at].tolist()))
    return flow, encodings


def _cell_text(cell: str | None) -> str | None:
    """pdfplumber gives None for a cell covered by a merged cell: keep it so."""
    if cell is None:
        return None
    return " ".join(cell.split())


def pdfium_page_count(path: Path, data: bytes) -> int:
    """Pages pdfium finds in a file pdfminer found none in; none at all is unreadable."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(path, f"not a readable PDF (damaged: {exc})") from exc
    try:
        count = len(doc)
    finally:
        doc.close()
    if not count:
        raise UnreadableFile(path, "not a readable PDF (damaged: no page could be found)")
    return count


def ocr_pdf_pages(path: Path, data: bytes, pages: list[RawPage], numbers: list[int], *,
                  max_workers: int | None = None, overlays: dict[int, list] | None = None,
                  max_pixels: int = DEFAULT_SETTINGS.max_render_pixels) -> dict:
    """OCR the listed pages in place (text and confidence); returns their page facts.

    Pages are rendered at 300 dpi, a page too large for ``max_pixels`` at a lower
    resolution (its overlays drawn at the scale it was rendered at)."""
    check_tesseract(path)
    results = ocr_images(render_pages(data, numbers, OCR_DPI, max_pixels=max_pixels),
                         max_workers=max_workers, overlays=overlays)
    for page in pages:
        if page.number in results:
            page.text = results[page.number].text
            page.ocr_confidence = results[page.number].confidence
    return {n: r.facts for n, r in results.items() if r.facts is not None}
