"""Stamps read from a scan: urgency (độ khẩn) and the arrival stamp (dấu "ĐẾN").

Both are stamped, often tilted, usually red, sometimes half handwritten, so their
OCR text is noisy: ``HÓA TÔC``, ``HOA T0C``, ``ĐẾN 22 001401205.|_``. These are pure
functions over the OCR text of a stamp region (the red layer, or a rotated crop) and,
when known, the words' confidences.

The arrival stamp (Decree 30/2020, Appendix IV: "ĐẾN / Số: … / Ngày: … / Chuyển: …";
the portal's own reads "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ / ĐẾN / Giờ: … / Ngày: …")
gives the first columns of the incoming register (sổ văn bản đến). Its slots are
filled by hand: a value is kept only when it parses and its words were read with
confidence; otherwise it is named in ``needs_review``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex
from rapidfuzz import fuzz

from extractors.dates import parse_filled_in_date
from extractors.spans import Found
from pipeline.normalize import fold_diacritics
from pipeline.ocr_words import OcrWord, span_confidence

# OCR confidence under which a handwritten slot is not trusted
MIN_SLOT_CONFIDENCE = 0.70
URGENCY_WORDS = (("THUONG KHAN", "thuong_khan"), ("HOA TOC", "hoa_toc"), ("KHAN", "khan"))
# the urgency words may be read with these confusions (Ỏ→Ó/O, Ố→Ô/0, Ẩ→A/Â)
_FUZZY_CUTOFF = 80


def _folded_upper(text: str) -> str:
    # keep one character per character so offsets agree with ``text``
    return fold_diacritics(text).upper().replace("0", "O")


@dataclass(frozen=True)
class Stamp:
    """What a stamp region said: urgency and/or arrival, with review notes."""

    urgency: Found[str] | None = None
    arrival: dict | None = None
    confidences: dict[str, float] = field(default_factory=dict)
    needs_review: list[str] = field(default_factory=list)


def urgency_from_stamp(text: str) -> Found[str] | None:
    """``hoa_toc`` / ``thuong_khan`` / ``khan`` from a stamp's OCR text, tolerant to noise.

    Meant for stamp text (a red layer or a stamp crop), not for body text, where "khẩn
    trương" is an ordinary word: a lone ``KHẨN`` counts only as a whole short line.
    """
    folded = _folded_upper(text)
    for m in regex.finditer(r"[^\n]+", folded):
        line = m.group(0)
        letters = regex.sub(r"[^A-Z ]+", " ", line)
        letters = " ".join(letters.split())
        if not letters:
            continue
        for words, code in URGENCY_WORDS:
            if code == "khan":
                # a lone KHẨN stamp: the line is that word and little else
                if regex.fullmatch(r"\W*KHAN\W*", line.strip()) or \
                        regex.fullmatch(r"(?:\S{0,2} )?KHAN(?: \S{0,2})?", letters):
                    return Found(code, m.start(), m.end(), 0.8)
                continue
            score = _window_score(words, letters)
            if score >= _FUZZY_CUTOFF and len(letters) <= 4 * len(words):
                return Found(code, m.start(), m.end(), round(score / 100, 2))
    return None


def _window_score(words: str, letters: str) -> float:
    """Best similarity of ``words`` to a run of as many tokens of ``letters`` (or glued)."""
    n = len(words.split())
    tokens = letters.split()
    best = 0.0
    for i in range(max(1, len(tokens) - n + 1)):
        window = tokens[i:i + n]
        best = max(best, fuzz.ratio(words, " ".join(window)),
                   fuzz.ratio(words.replace(" ", ""), "".join(window)))
    return best


# printed in capitals on the stamp: "đến ngày 15" in a sentence is no stamp
_ARRIVAL_MARK = regex.compile(r"(?<![A-Za-z])D\s?E\s?N(?![A-Za-z])")
_SLOT = {
    "number": regex.compile(r"(?<![A-Z])S[O0Ô]\s*(?:DEN)?\s*[:;.,]"),
    "time": regex.compile(r"(?<![A-Z])GI?[O0]\s*[:;.,]"),  # OCR: "Gờ:"
    "date": regex.compile(r"(?<![A-Z])NGAY\s*[:;.,]?"),
}
_TIME_DIGITS = regex.compile(r"(\d{1,2})\s*(?:[hHgG:.]|giờ|gio)\s*(\d{2})?")


def is_arrival_stamp(text: str) -> bool:
    """The text holds an arrival stamp: the word ĐẾN and at least one of its slots."""
    folded = _folded_upper(text)
    return bool(_ARRIVAL_MARK.search(fold_diacritics(text))) and \
        any(p.search(folded) for p in _SLOT.values())


def _slot_values(text: str) -> dict[str, tuple[int, int]]:
    """Span of each slot's value: from after its label to the next label or line end."""
    folded = _folded_upper(text)
    labels = sorted((m.start(), m.end(), name) for name, p in _SLOT.items()
                    for m in p.finditer(folded))
    out: dict[str, tuple[int, int]] = {}
    for i, (_, value_start, name) in enumerate(labels):
        if name in out:
            continue
        stop = labels[i + 1][0] if i + 1 < len(labels) else len(text)
        nl = text.find("\n", value_start)
        if 0 <= nl < stop:
            stop = nl
        out[name] = (value_start, stop)
    return out


def _clean_slot(s: str) -> str:
    # the dotted fill-in line: "....06.10.2025....." / "………"
    return regex.sub(r"^[\s.…_·:,]+|[\s.…_·:,|]+$", "", s)


def _parse_time(s: str) -> str | None:
    m = _TIME_DIGITS.search(s)
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def parse_arrival(text: str, words: list[OcrWord] | None = None, *,
                  year_hint: int | None = None) -> Stamp | None:
    """``{"number", "date", "time"}`` of an arrival stamp's OCR text, with review notes.

    ``words`` (aligned to ``text``) give each slot's confidence: a slot whose value
    parses but was read under ``MIN_SLOT_CONFIDENCE`` is left out and named in
    ``needs_review``; so is a slot with writing in it that does not parse ("C", "43/10").
    ``year_hint`` (the issue year) rejects years that cannot be.
    """
    if not is_arrival_stamp(text):
        return None
    arrival: dict[str, str | None] = {"number": None, "date": None, "time": None}
    confidences: dict[str, float] = {}
    review: list[str] = []
    for name, (start, end) in _slot_values(text).items():
        raw = _clean_slot(text[start:end])
        if not raw:
            continue  # an empty slot: nothing written, nothing to review
        if name == "date":
            value = parse_filled_in_date(raw, year_hint)
        elif name == "time":
            value = _parse_time(raw)
        else:
            m = regex.search(r"\d[\d\s]*\d|\d", raw)
            value = m.group(0).replace(" ", "") if m else None
        conf = span_confidence(words, start, end) if words else None
        if value is None or (conf is not None and conf < MIN_SLOT_CONFIDENCE):
            review.append(f"arrival.{name}")
            continue
        arrival[name] = value
        confidences[f"arrival.{name}"] = 1.0 if conf is None else round(conf, 3)
    return Stamp(arrival=arrival, confidences=confidences, needs_review=review)


def read_stamps(text: str, words: list[OcrWord] | None = None, *,
                year_hint: int | None = None) -> Stamp:
    """Urgency and arrival from one stamp region's OCR text."""
    urgency = urgency_from_stamp(text)
    arrival = parse_arrival(text, words, year_hint=year_hint)
    if arrival is None:
        return Stamp(urgency=urgency)
    return Stamp(urgency=urgency, arrival=arrival.arrival, confidences=arrival.confidences,
                 needs_review=arrival.needs_review)


# ---------------------------------------------------------------------------
# Stamps of a whole document: in the body's OCR text (a bilevel scan keeps the stamp
# ink black) and in the stamp passes a reader ran (``doc.meta["stamps"]``: the red
# layer, rotated crops), each ``{"page", "text", "words"}``.

STAMP_WINDOW_LINES = 4  # the arrival stamp's slots sit on the lines after "ĐẾN"


@dataclass(frozen=True)
class DocumentStamps:
    urgency: Found[str] | None = None
    arrival: dict | None = None
    arrival_page: int | None = None
    arrival_span: tuple[int, int] | None = None  # in the normalised text, when read there
    confidences: dict[str, float] = field(default_factory=dict)
    needs_review: list[tuple[str, int]] = field(default_factory=list)  # (field, page)


def _arrival_window(text: str) -> tuple[int, int] | None:
    """Span of the lines holding an arrival stamp in ``text``, or ``None``."""
    folded = fold_diacritics(text)
    for m in _ARRIVAL_MARK.finditer(folded):
        start = text.rfind("\n", 0, m.start()) + 1
        # the stamp's top line ("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ") may stand above
        prev = text.rfind("\n", 0, max(0, start - 1)) + 1
        if start and regex.search(r"THONG\s*TIN|CHINH\s*PHU", folded[prev:start].upper()):
            start = prev
        end = m.end()
        for _ in range(STAMP_WINDOW_LINES):
            nl = text.find("\n", end + 1)
            end = len(text) if nl == -1 else nl
        window = text[start:end]
        if is_arrival_stamp(window):
            return start, end
    return None


def document_stamps(doc, words_for_span=None, *, year_hint: int | None = None) -> DocumentStamps:
    """Urgency and arrival stamps of a document (``doc``: ``pipeline.document.Document``).

    ``words_for_span(start, end)`` returns the OCR words of a normalised-text span,
    aligned to ``doc.text`` offsets (``extractors.review`` provides it); without it,
    slots are judged on parsing alone.
    """
    urgency: Found[str] | None = None
    arrival = None
    arrival_page = None
    arrival_span = None
    confidences: dict[str, float] = {}
    review: list[tuple[str, int]] = []
    head_end = doc.page_starts[1] if doc.pages > 1 else len(doc.text)
    window = _arrival_window(doc.text[:head_end])
    if window is not None and doc.ocr:
        start, end = window
        words = words_for_span(start, end) if words_for_span else None
        local = [replace_span(w, -start) for w in words] if words else None
        found = parse_arrival(doc.text[start:end], local, year_hint=year_hint)
        if found is not None:
            arrival, arrival_page, arrival_span = found.arrival, doc.page_of(start), window
            confidences.update(found.confidences)
            review.extend((f, arrival_page) for f in found.needs_review)
    for region in doc.meta.get("stamps") or []:
        text, words, page = region.get("text", ""), region.get("words"), region.get("page", 1)
        if urgency is None:
            u = urgency_from_stamp(text)
            if u is not None:
                urgency = Found(u.value, doc.page_starts[page - 1], doc.page_starts[page - 1],
                                u.confidence)
        if arrival is None or not any(arrival.values()):
            found = parse_arrival(text, words, year_hint=year_hint)
            if found is not None and (arrival is None or any(found.arrival.values())):
                arrival, arrival_page, arrival_span = found.arrival, page, None
                confidences = dict(found.confidences)
                review = [(f, page) for f in found.needs_review]
    return DocumentStamps(urgency, arrival, arrival_page, arrival_span, confidences, review)


def replace_span(word: OcrWord, shift: int) -> OcrWord:
    from dataclasses import replace as _replace

    if word.start < 0:
        return word
    return _replace(word, start=word.start + shift, end=word.end + shift)
