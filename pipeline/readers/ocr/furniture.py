"""Page furniture on OCR'd pages: page numbers, running headers, footnotes.

None of it is body text: a page number "2" at the top is not a list item, and a
footnote listing provinces ("¹ Thái Nguyên, Lạng Sơn, …") is not a recipient list.
Detection works on the OCR words' boxes (where on the page, how tall the letters):

- a page-number line: only a number (``2``, ``- 2 -``, ``Trang 2``) in the top or
  bottom band of the page;
- a footnote block: the last lines of the page, set in smaller type than the body,
  the first of them starting with a note mark (a digit or superscript digit).

The spans are in the page's raw text (``ScanFacts.furniture``);
``pipeline.text.document.mask_furniture`` blanks them in the normalised text with
spaces of the same length, so extractors skip them while every offset stays exact.
"""
from __future__ import annotations

from statistics import median

import regex

from pipeline.text.scan import OcrWord

EDGE_BAND = 0.09  # top/bottom share of the page where page numbers sit
FOOTNOTE_ZONE = 0.60  # footnotes start below this share of the page height
SMALL_TYPE = 0.85  # a footnote's letters are at most this share of the body's height
_PAGE_NUMBER = regex.compile(r"^(?:trang\s*)?[-–—(]?\s*\d{1,3}\s*[-–—)]?(?:\s*/\s*\d{1,3})?$",
                             regex.I)
_NOTE_MARK = regex.compile(r"^(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\(?\d{1,2}\)?|\*+)(?=\s|\p{Lu}|$)")


def _lines(words: list[OcrWord]) -> list[list[OcrWord]]:
    lines: dict[tuple, list[OcrWord]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    return sorted(lines.values(), key=lambda ws: min(w.top for w in ws))


def _height(line: list[OcrWord]) -> float:
    # letters without ascenders make a word short: a line's tallest words tell its type size
    hs = sorted(w.bottom - w.top for w in line)
    return hs[len(hs) // 2] if len(hs) < 3 else hs[-2]


def _span(line: list[OcrWord]) -> tuple[int, int] | None:
    aligned = [w for w in line if w.start >= 0]
    if not aligned:
        return None
    return min(w.start for w in aligned), max(w.end for w in aligned)


def furniture_spans(words: list[OcrWord], page_height: int) -> list[tuple[int, int]]:
    """Raw-text spans of page numbers and the footnote block of one OCR'd page."""
    lines = _lines(words)
    if not lines or page_height <= 0:
        return []
    out: list[tuple[int, int]] = []
    for line in lines:
        text = " ".join(w.text for w in line)
        top, bottom = min(w.top for w in line), max(w.bottom for w in line)
        at_edge = bottom < page_height * EDGE_BAND or top > page_height * (1 - EDGE_BAND)
        if at_edge and _PAGE_NUMBER.match(text.strip()):
            span = _span(line)
            if span:
                out.append(span)
    body = [_height(ln) for ln in lines if len(ln) >= 4]
    if len(body) < 3:
        return out
    body_height = median(body)
    # walk up from the bottom while lines are small type; the block must start with a mark
    block: list[list[OcrWord]] = []
    for line in reversed(lines):
        text = " ".join(w.text for w in line).strip()
        if _PAGE_NUMBER.match(text):
            continue
        if min(w.top for w in line) < page_height * FOOTNOTE_ZONE:
            break
        if _height(line) > body_height * SMALL_TYPE:
            break
        block.insert(0, line)
    while block and not _NOTE_MARK.match(" ".join(w.text for w in block[0]).strip()):
        block.pop(0)
    for line in block:
        span = _span(line)
        if span:
            out.append(span)
    return sorted(out)


def text_furniture_spans(text: str) -> list[tuple[int, int]]:
    """Page-number lines of a text page: the first or last line is only a number."""
    lines = [(m.start(), m.end()) for m in regex.finditer(r"[^\n]+", text)]
    lines = [(s, e) for s, e in lines if text[s:e].strip()]
    out = []
    for s, e in lines[:1] + lines[-1:]:
        if _PAGE_NUMBER.match(text[s:e].strip()):
            out.append((s, e))
    return sorted(set(out))
