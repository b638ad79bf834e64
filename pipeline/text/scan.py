"""What a scanned page tells beyond its text: typed scan facts (the reader → extractor hand-off).

OCR text alone loses what Tesseract knew about each word: how sure it was. A
handwritten number comes back as ``Í5”5 Z7`` at 16 % confidence beside ``Số:`` at
89 %; keeping the words lets an extractor tell a confident reading from a guess.
``OcrWord.start``/``end`` are the word's span in the page's raw text once aligned
(``align_words``), so a field's provenance span finds the words it came from.

``ScanFacts`` carries, per document, what the OCR readers learnt: the words of each
page, its furniture spans (page numbers, footnotes), the stamp readings (urgency
and arrival stamps read in their own passes) and the page images OCR read (``PageImage``,
kept so a reviewer sees the page without OCR-ing it again). Readers build it; extractors
and the review step only read it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex

from pipeline.text.keys import fold_diacritics


@dataclass(frozen=True)
class OcrWord:
    text: str
    confidence: float  # 0-1, as Tesseract reports it
    left: int
    top: int
    right: int
    bottom: int
    line: tuple[int, ...] = ()  # Tesseract's (block, paragraph, line) key
    start: int = -1  # span in the page's raw text, -1 when not aligned
    end: int = -1
    # a digit-only re-read of the word's crop (handwritten numbers and dates)
    reread: str | None = None
    reread_confidence: float | None = None

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.left, self.top, self.right, self.bottom


@dataclass(frozen=True)
class StampReading:
    """One stamp region read in its own OCR pass (the red ink layer, or a tilted crop).

    ``words`` are aligned to ``text``; ``box`` is the region in page pixels and ``angle``
    the rotation it was read at.
    """

    page: int
    text: str
    words: tuple[OcrWord, ...] = ()
    box: tuple[int, int, int, int] | None = None
    angle: int = 0


@dataclass(frozen=True)
class PageImage:
    """A page as OCR read it, downscaled and JPEG-encoded for a reviewer.

    ``scale`` maps OCR pixel coordinates (``OcrWord.box``) onto this image: the page was
    read at full resolution and saved smaller.
    """

    page: int
    width: int
    height: int
    jpeg: bytes = field(repr=False)
    scale: float = 1.0


@dataclass(frozen=True)
class ScanFacts:
    """Facts of a document's OCR'd pages, keyed by page number (empty for typed files)."""

    words: dict[int, list[OcrWord]] = field(default_factory=dict)
    # spans in that page's raw text that are page furniture: extractors skip them
    furniture: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    stamps: tuple[StampReading, ...] = ()
    # what each OCR'd page looked like (not a fact extraction reads: see ``__bool__``)
    images: dict[int, PageImage] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.words or self.furniture or self.stamps)


REREAD_AGREES = 0.85

_KEY = regex.compile(r"[\p{L}\p{N}]+")


def _key(s: str) -> str:
    return "".join(_KEY.findall(fold_diacritics(s).lower()))


def align_words(text: str, words: list[OcrWord], *, window: int = 400) -> list[OcrWord]:
    """Find each word in ``text`` (the page's OCR text after layout and repairs).

    Words are searched in order from a cursor; a word the repairs changed beyond
    recognition, or that layout moved far, stays unaligned (``start == -1``). Layout
    may put a right-hand column after the left one, so a word not found ahead is
    searched again from the start of the text.
    """
    out: list[OcrWord] = []
    cursor = 0
    for w in words:
        found = _find(text, w.text, cursor, cursor + window)
        if found is None:
            found = _find(text, w.text, 0, len(text))
        if found is None:
            out.append(w)
            continue
        start, end = found
        cursor = end
        out.append(replace(w, start=start, end=end))
    return out


def _find(text: str, word: str, lo: int, hi: int) -> tuple[int, int] | None:
    at = text.find(word, lo, hi + len(word))
    if at >= 0:
        return at, at + len(word)
    key = _key(word)
    if len(key) < 2:
        return None
    # the repairs changed punctuation or diacritics: compare letters and digits only
    for m in regex.finditer(r"\S+", text[lo:hi + len(word)]):
        if _key(m.group(0)) == key:
            return lo + m.start(), lo + m.end()
    return None


def words_in_span(words: list[OcrWord], start: int, end: int) -> list[OcrWord]:
    """Aligned words that overlap ``[start, end)`` of the page's raw text."""
    return [w for w in words if w.start >= 0 and w.start < end and w.end > start]


def digits(s: str) -> str:
    """The first run of digits (``Số:188/CĐ-TTg`` → ``188``): what a number re-read checks."""
    m = regex.search(r"\d+", s)
    return m.group(0) if m else ""


def effective_confidence(word: OcrWord) -> float:
    """A word's confidence, lowered when a digit-only re-read disagrees with its digits.

    Two readings of a hasty "196" can agree on "136", so agreement is weak proof: it
    raises a word only half-way towards a confident re-read; disagreement is proof
    of doubt.
    """
    if word.reread is None:
        return word.confidence
    if digits(word.reread) == digits(word.text):
        # a confident second reading that agrees lends some weight (a bold printed
        # number Tesseract gives 0.77); a hasty hand gets no such second reading
        if (word.reread_confidence or 0.0) >= REREAD_AGREES:
            return max(word.confidence, (word.confidence + word.reread_confidence) / 2)
        return word.confidence
    return min(word.confidence, word.reread_confidence or 0.0) * 0.5


def span_confidence(words: list[OcrWord], start: int, end: int) -> float | None:
    """The lowest confidence of the words a span was read from (``None``: no word known)."""
    inside = words_in_span(words, start, end)
    return min((w.confidence for w in inside), default=None)
