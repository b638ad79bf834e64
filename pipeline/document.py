"""The one type every reader produces and every extractor reads.

Readers (txt, md, pdf, docx, OCR) turn a file into a ``RawDocument``: page texts
in reading order plus any tables they found. ``pipeline.normalize`` turns that
into a ``Document``: one normalised text with a map back to the page and the
character offset in that page's raw text.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from pipeline.mapped_text import MappedText


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
    # normalised-text offset of the table's place in the flow, when the reader knows it
    anchor: int | None = None
    title: str | None = None


@dataclass
class RawPage:
    number: int
    text: str
    ocr: bool = False
    ocr_confidence: float | None = None
    # character spans (in this page's raw text) that are page furniture: running
    # headers, page numbers, footnotes, overlays. Extractors skip them.
    furniture: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class RawDocument:
    path: str
    format: str
    pages: list[RawPage]
    encoding: str = "utf-8"
    tables: list[RawTable] = field(default_factory=list)
    # e.g. the portal's e-signature stamp: {"organisation", "email", "signed_at", "signer"}
    e_signature: dict | None = None
    # arrival stamp or other facts a reader learnt outside the text
    meta: dict = field(default_factory=dict)


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
    e_signature: dict | None = None
    meta: dict = field(default_factory=dict)
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
