"""The one type every reader produces and every extractor reads.

Readers (txt, md, pdf, docx, OCR) turn a file into a ``RawDocument``: page texts
in reading order plus any tables they found. ``pipeline.text.normalize`` turns that
into a ``Document``: one normalised text with a map back to the page and the
character offset in that page's raw text.

What a scan adds (OCR words, furniture, stamps) travels as typed ``ScanFacts``; the
portal's e-signature as ``schemas.ESignature``.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace

from pipeline.text.mapped_text import MappedText
from pipeline.text.scan import OcrWord, ScanFacts, align_words, words_in_span
from schemas import ESignature


@dataclass
class RawTable:
    """A table as a reader found it: rows of cell texts, on a page.

    ``header_rows`` is how many leading rows the reader knows to be headers
    (0 when unknown). ``None`` marks a cell covered by a merged cell that the
    reader has already read once.
    """

    rows: list[list[str | None]]
    page: int
    header_rows: int = 0
    # the table's place in the flow, when the reader knows it: an offset in its page's raw text
    # from a reader, in the normalised text once in a ``Document`` (normalize_document maps it)
    anchor: int | None = None
    title: str | None = None


@dataclass
class RawPage:
    number: int
    text: str
    ocr: bool = False
    ocr_confidence: float | None = None


@dataclass
class RawDocument:
    path: str
    format: str
    pages: list[RawPage]
    encoding: str = "utf-8"
    tables: list[RawTable] = field(default_factory=list)
    # the portal's e-signature stamp (chữ ký số), when a text layer carried one
    e_signature: ESignature | None = None
    # what OCR learnt beyond the text: words with confidences, furniture, stamps
    scan: ScanFacts = field(default_factory=ScanFacts)


PAGE_SEPARATOR = "\n\n"


@dataclass
class Document:
    """A normalised document.

    ``text`` is NFC, without Markdown/HTML markup, with hard-wrapped lines joined.
    ``page_starts[i]`` is the offset in ``text`` where page ``i + 1`` begins.
    ``source`` maps offsets of ``text`` back to offsets in the concatenated raw
    page texts; ``raw_page_starts`` tells where each raw page begins there.
    """

    path: str
    format: str
    text: str
    source: MappedText
    page_starts: list[int]
    raw_page_starts: list[int]
    encoding: str = "utf-8"
    ocr_pages: dict[int, float | None] = field(default_factory=dict)
    tables: list[RawTable] = field(default_factory=list)
    e_signature: ESignature | None = None
    scan: ScanFacts = field(default_factory=ScanFacts)
    sha256: str | None = None

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    @property
    def ocr(self) -> bool:
        return bool(self.ocr_pages)

    def page_of(self, offset: int) -> int:
        """Page number (1-based) of a normalised-text offset."""
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Span in the raw text of the page where ``start`` lies."""
        s, e = self.source.source_span(start, end)
        base = self.raw_page_starts[self.page_of(start) - 1]
        return s - base, e - base

    def span_words(self, start: int, end: int) -> list[OcrWord]:
        """OCR words a normalised-text span was read from (empty for a text page).

        Their ``start``/``end`` stay in the page's raw text.
        """
        words = self.scan.words.get(self.page_of(start), [])
        if not words:
            return []
        raw_start, raw_end = self.source_span(start, end)
        return words_in_span(words, raw_start, raw_end)

    def aligned_words(self, start: int, end: int) -> list[OcrWord]:
        """OCR words of a normalised-text span, with spans in ``text`` offsets."""
        words = self.span_words(start, end)
        if not words:
            return []
        bare = [replace(w, start=-1, end=-1) for w in words]
        aligned = align_words(self.text[start:end], bare)
        return [replace(w, start=w.start + start, end=w.end + start) if w.start >= 0 else w
                for w in aligned]


def mask_furniture(doc: Document) -> str:
    """``doc.text`` with page furniture blanked out (same length; newlines kept).

    Furniture spans (page numbers, footnotes) are ``doc.scan.furniture``: ``{page:
    [(start, end), …]}`` in that page's raw text, as the OCR reader found them. Blanking
    with spaces keeps every offset, so every provenance span, exact.
    """
    furniture = doc.scan.furniture
    if not any(furniture.values()):
        return doc.text
    absolute = sorted((doc.raw_page_starts[p - 1] + s, doc.raw_page_starts[p - 1] + e)
                      for p, spans in furniture.items() if 0 < p <= len(doc.raw_page_starts)
                      for s, e in spans)
    chars = list(doc.text)
    starts = doc.source.columns()[0]
    begins = [s for s, _ in absolute]
    for i, ch in enumerate(chars):
        if ch == "\n":
            continue
        src = starts[i]
        k = bisect.bisect_right(begins, src) - 1
        if k >= 0 and absolute[k][0] <= src < absolute[k][1]:
            chars[i] = " "
    return "".join(chars)
