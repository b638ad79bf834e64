"""Stamps read from a scan: urgency (độ khẩn) and the arrival stamp (dấu "ĐẾN").

Both are stamped, often tilted, usually red, sometimes half handwritten, so their
OCR text is noisy: ``HÓA TÔC``, ``HOA T0C``, ``ĐẾN 22 001401205.|_``. These are pure
functions over the OCR text of a stamp region (the red layer, or a rotated crop) and,
when known, the words' confidences; which readings are stamps at all is decided by
``pipeline.readers.ocr.stamp_marks``, shared with the OCR pass.

The arrival stamp (Decree 30/2020, Appendix IV: "ĐẾN / Số: … / Ngày: … / Chuyển: …";
the portal's own reads "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ / ĐẾN / Giờ: … / Ngày: …")
gives the first columns of the incoming register (sổ văn bản đến). Its slots are
filled by hand: a value is kept only when it parses and its words were read with
confidence; otherwise it is named in ``needs_review``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex

from extractors.dates import parse_filled_in_date
from pipeline.readers.ocr.stamp_marks import (ARRIVAL_MARK, SLOT_LABELS, folded_upper,
                                              is_arrival_stamp, urgency_from_stamp)
from pipeline.settings import DEFAULT_SETTINGS, Confidence, Settings
from pipeline.text.document import Document
from pipeline.text.keys import fold_diacritics
from pipeline.text.scan import OcrWord, span_confidence
from pipeline.text.spans import Found
from schemas import Arrival, Provenance, RecordWarning

@dataclass(frozen=True)
class Stamp:
    """What a stamp region said: urgency and/or arrival, with review notes."""

    urgency: Found[str] | None = None
    arrival: dict | None = None
    confidences: dict[str, float] = field(default_factory=dict)
    needs_review: list[str] = field(default_factory=list)


_TIME_DIGITS = regex.compile(r"(\d{1,2})\s*(?:[hHgG:.]|giờ|gio)\s*(\d{2})?")


def _slot_values(text: str) -> dict[str, tuple[int, int]]:
    """Span of each slot's value: from after its label to the next label or line end."""
    folded = folded_upper(text)
    labels = sorted((m.start(), m.end(), name) for name, p in SLOT_LABELS.items()
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
                  year_hint: int | None = None,
                  settings: Settings = DEFAULT_SETTINGS) -> Stamp | None:
    """``{"number", "date", "time"}`` of an arrival stamp's OCR text, with review notes.

    ``words`` (aligned to ``text``) give each slot's confidence: a slot whose value
    parses but was read under ``Settings.min_slot_confidence`` is left out and named in
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
        if value is None or (conf is not None and conf < settings.min_slot_confidence):
            review.append(f"arrival.{name}")
            continue
        arrival[name] = value
        # without the words (a text layer) the slot was read, not guessed at
        confidences[f"arrival.{name}"] = Confidence.READ if conf is None else round(conf, 3)
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
# ink black) and in the stamp passes a reader ran (``doc.scan.stamps``: the red layer,
# rotated crops).

@dataclass(frozen=True)
class DocumentStamps:
    urgency: Found[str] | None = None
    arrival: dict | None = None
    arrival_page: int | None = None
    arrival_span: tuple[int, int] | None = None  # in the normalised text, when read there
    confidences: dict[str, float] = field(default_factory=dict)
    needs_review: list[tuple[str, int]] = field(default_factory=list)  # (field, page)


def _arrival_window(text: str, lines: int) -> tuple[int, int] | None:
    """Span of the lines holding an arrival stamp in ``text``, or ``None``."""
    folded = fold_diacritics(text)
    for m in ARRIVAL_MARK.finditer(folded):
        start = text.rfind("\n", 0, m.start()) + 1
        # the stamp's top line ("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ") may stand above
        prev = text.rfind("\n", 0, max(0, start - 1)) + 1
        if start and regex.search(r"THONG\s*TIN|CHINH\s*PHU", folded[prev:start].upper()):
            start = prev
        end = m.end()
        for _ in range(lines):
            nl = text.find("\n", end + 1)
            end = len(text) if nl == -1 else nl
        window = text[start:end]
        if is_arrival_stamp(window):
            return start, end
    return None


def document_stamps(doc: Document, words_for_span=None, *, year_hint: int | None = None,
                    settings: Settings = DEFAULT_SETTINGS) -> DocumentStamps:
    """Urgency and arrival stamps of a document.

    ``words_for_span(start, end)`` returns the OCR words of a normalised-text span,
    aligned to ``doc.text`` offsets (``Document.aligned_words``); without it, slots are
    judged on parsing alone.
    """
    urgency: Found[str] | None = None
    arrival = None
    arrival_page = None
    arrival_span = None
    confidences: dict[str, float] = {}
    review: list[tuple[str, int]] = []
    head_end = doc.page_starts[1] if doc.pages > 1 else len(doc.text)
    # an arrival stamp in the text is read on a scan only (the search folds the whole head)
    window = _arrival_window(doc.text[:head_end], settings.stamp_window_lines) if doc.ocr else None
    if window is not None:
        start, end = window
        words = words_for_span(start, end) if words_for_span else None
        local = [replace_span(w, -start) for w in words] if words else None
        found = parse_arrival(doc.text[start:end], local, year_hint=year_hint,
                              settings=settings)
        if found is not None:
            arrival, arrival_page, arrival_span = found.arrival, doc.page_of(start), window
            confidences.update(found.confidences)
            review.extend((f, arrival_page) for f in found.needs_review)
    for region in doc.scan.stamps:
        text, words, page = region.text, list(region.words) or None, region.page
        if urgency is None:
            u = urgency_from_stamp(text)
            if u is not None:
                urgency = Found(u.value, doc.page_starts[page - 1], doc.page_starts[page - 1],
                                u.confidence)
        if arrival is None or not any(arrival.values()):
            found = parse_arrival(text, words, year_hint=year_hint, settings=settings)
            if found is not None and (arrival is None or any(found.arrival.values())):
                arrival, arrival_page, arrival_span = found.arrival, page, None
                confidences = dict(found.confidences)
                review = [(f, page) for f in found.needs_review]
    return DocumentStamps(urgency, arrival, arrival_page, arrival_span, confidences, review)


def replace_span(word: OcrWord, shift: int) -> OcrWord:
    if word.start < 0:
        return word
    return replace(word, start=word.start + shift, end=word.end + shift)


@dataclass(frozen=True)
class StampFields:
    """What the stamps add to a record: urgency (used when the header gave none), the
    arrival stamp with each slot's provenance, and the slots to check by eye."""

    urgency: Found[str] | None = None
    arrival: Arrival | None = None
    provenance: dict[str, Provenance] = field(default_factory=dict)
    warnings: list[RecordWarning] = field(default_factory=list)


def stamp_fields(doc: Document, issued_date: str | None,
                 settings: Settings = DEFAULT_SETTINGS) -> StampFields:
    """Urgency and arrival (số đến, ngày đến, giờ) from a document's stamps.

    The issue year (else the e-signature's) rules out arrival years that cannot be.
    """
    year = int(issued_date[:4]) if issued_date else None
    if year is None and doc.e_signature and doc.e_signature.signed_at:
        year = int(doc.e_signature.signed_at[:4])
    stamps = document_stamps(doc, doc.aligned_words, year_hint=year, settings=settings)
    warnings = [RecordWarning(code="needs_review", field=f, page=p,
                              message=f"{f} in the arrival stamp is handwritten or unclear: "
                                      "not registered; check it on the scan")
                for f, p in stamps.needs_review]
    arrival = None
    provenance: dict[str, Provenance] = {}
    if stamps.arrival and any(stamps.arrival.values()):
        arrival = Arrival(**stamps.arrival)
        page = stamps.arrival_page or 1
        s, e = stamps.arrival_span or (doc.page_starts[page - 1],) * 2
        for name, value in stamps.arrival.items():
            if value is not None:
                provenance[f"arrival.{name}"] = Provenance(
                    page=page, start=s, end=e,
                    confidence=stamps.confidences.get(f"arrival.{name}", Confidence.READ))
    return StampFields(stamps.urgency, arrival, provenance, warnings)
