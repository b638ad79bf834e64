"""Confidence of fields read by OCR, and what an archivist must check by eye.

A wrong number registered with confidence is worse than no number. For a field read
from an OCR'd page, the words Tesseract read it from (``doc.scan.words``, aligned to
the page's raw text) tell how sure the reading is:

- every field's provenance confidence is scaled by the mean confidence of its words;
- the handwritten-prone fields — the number (số) and the day/month of the issue date —
  are judged on their digit words alone, lowered when a digit-only re-read disagrees
  (``pipeline.text.scan.effective_confidence``); under ``Settings.min_handwritten_confidence`` the value
  is left out (``null``) and a ``needs_review`` warning names the field, the page and
  the doubtful reading;
- a number or date line that is there but did not parse ("ngày 0 tháng 4ô") is named
  in ``needs_review`` too, so an empty field is never silent.

Also here: the signing time of the portal's e-signature is an upper bound for the
issue date (``signing_time_check``). ``review_extraction`` takes an ``Extraction`` and
returns a new one with the review applied; nothing is changed in place.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import regex

from extractors.assemble import Extraction
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.document import Document
from pipeline.text.keys import fold_diacritics
from pipeline.text.scan import OcrWord, effective_confidence
from schemas import Provenance, RecordWarning

HANDWRITTEN_FIELDS = ("number", "issued_date")
LIST_FIELDS = ("recipients", "cc")


def _digit_words(words: list[OcrWord]) -> list[OcrWord]:
    return [w for w in words if regex.search(r"\d", w.text)]


def handwritten_span(doc: Document, field: str, start: int, end: int) -> tuple[int, int]:
    """The part of a field's span that may be written by hand.

    Number: its leading digits (``196`` of ``196/CĐ-TTg``); date: day and month (the
    year is printed: ``ngày 08 tháng 10`` of ``… năm 2025``).
    """
    text = doc.text[start:end]
    if field == "number":
        m = regex.match(r"\D{0,4}\d[\d\s.]*", text)
        return (start, start + m.end()) if m else (start, end)
    m = regex.search(r"ngày.*?tháng\s*\S*", text, regex.I | regex.S)
    if m:
        return start + m.start(), start + m.end()
    m = regex.match(r"\D*\d{1,2}\s*[/.\-]\s*\d{1,2}", text)  # 08/10/2025
    return (start, start + m.end()) if m else (start, end)


def field_confidence(doc: Document, field: str, prov: Provenance) -> float | None:
    """Confidence of an OCR'd field from its words; ``None`` for a text page."""
    if field in HANDWRITTEN_FIELDS:
        hs, he = handwritten_span(doc, field, prov.start, prov.end)
        words = _digit_words(doc.span_words(hs, he))
        if words:
            return min(effective_confidence(w) for w in words)
    words = doc.span_words(prov.start, prov.end)
    if not words:
        return None
    return sum(effective_confidence(w) for w in words) / len(words)


def _candidate(doc: Document, field: str, prov: Provenance, words: list[OcrWord]) -> str:
    rereads = [w.reread for w in words if w.reread]
    read = doc.text[prov.start:prov.end]
    return f"read {read!r}" + (f", digit re-read {' '.join(rereads)!r}" if rereads else "")


def review_extraction(doc: Document, extraction: Extraction,
                      settings: Settings = DEFAULT_SETTINGS) -> Extraction:
    """The extraction with OCR review applied and its warnings added (a new value)."""
    fields = extraction.record_fields()
    warnings = review_fields(doc, fields, settings)
    return replace(extraction, **{**fields, "warnings": fields["warnings"] + warnings})


def review_fields(doc: Document, fields: dict[str, Any],
                  settings: Settings = DEFAULT_SETTINGS) -> list[RecordWarning]:
    """Scale provenance confidences by OCR word confidence; null doubtful handwritten fields.

    Works on ``fields``, a private copy of an extraction's fields (``review_extraction``
    makes it), and returns the warnings.
    """
    provenance: dict[str, Provenance] = fields.get("provenance", {})
    warnings: list[RecordWarning] = []
    if doc.ocr_pages and doc.scan.words:
        for name, prov in list(provenance.items()):
            conf = field_confidence(doc, name, prov)
            if conf is None:
                continue
            scaled = round(max(0.0, min(1.0, prov.confidence * conf)), 3)
            provenance[name] = prov.model_copy(update={"confidence": scaled})
            if name == "issued_date" and conf < settings.min_handwritten_confidence:
                partial = partial_issue_date(doc, fields, prov, settings)
                if partial is not None:
                    fields[name] = partial
                    warnings.append(partial_date_warning(doc, fields, prov,
                                                         f"OCR confidence {conf:.2f}"))
                    continue
            if name in HANDWRITTEN_FIELDS and conf < settings.min_handwritten_confidence:
                hs, he = handwritten_span(doc, name, prov.start, prov.end)
                words = _digit_words(doc.span_words(hs, he))
                warnings.append(RecordWarning(
                    code="needs_review", field=name, page=prov.page,
                    message=f"{name} not registered: handwritten or unclear "
                            f"({_candidate(doc, name, prov, words)}, OCR confidence "
                            f"{conf:.2f}); check it on the scan"))
                fields[name] = None
                del provenance[name]
            elif conf < settings.min_field_confidence and name.split(".")[0] not in HANDWRITTEN_FIELDS:
                warnings.append(RecordWarning(
                    code="needs_review", field=name, page=prov.page,
                    message=f"{name} not registered: OCR read {doc.text[prov.start:prov.end][:60]!r} "
                            f"at confidence {conf:.2f}; check it on the scan"))
                _drop(fields, provenance, name)
        _compact_lists(fields, provenance)
        flagged = {w.field for w in warnings}
        if fields.get("issued_date") is None and "issued_date" not in flagged:
            found = partial_from_date_line(doc, settings)
            if found is not None:
                fields["issued_date"], provenance["issued_date"] = found
                warnings.append(partial_date_warning(doc, fields, found[1],
                                                     "the line did not parse"))
                flagged.add("issued_date")
        warnings.extend(w for w in unparsed_header_lines(doc, fields, settings) if w.field not in flagged)
    warnings.extend(signing_time_check(doc, fields))
    return warnings


def _words_confidence(doc: Document, start: int, end: int) -> float | None:
    words = _digit_words(doc.span_words(start, end))
    return min((effective_confidence(w) for w in words), default=None)


def _confident(doc: Document, start: int, end: int, settings: Settings) -> float | None:
    """The digit words' OCR confidence over a span when it reaches the handwriting
    threshold, else ``None``."""
    conf = _words_confidence(doc, start, end)
    return conf if conf is not None and conf >= settings.min_handwritten_confidence else None


def partial_issue_date(doc: Document, fields: dict[str, Any], prov: Provenance,
                       settings: Settings) -> str | None:
    """What can be kept of an issue date whose day is unreadable: ``YYYY-MM`` when the month
    was read with confidence, ``YYYY`` when only the printed year was, else ``None``."""
    issued = fields.get("issued_date") or ""
    text = doc.text[prov.start:prov.end]
    year = regex.search(r"năm\s*\S+|\d{4}\s*$", text, regex.I)
    month = regex.search(r"tháng\s*\S+", text, regex.I)
    if not year or len(issued) < 4 or \
            _confident(doc, prov.start + year.start(), prov.start + year.end(), settings) is None:
        return None
    if month and len(issued) >= 7 and \
            _confident(doc, prov.start + month.start(), prov.start + month.end(), settings):
        return issued[:7]
    return issued[:4]


# what a date line that did not parse still tells: "ngày 0ó tháng 10 năm 2025"
_MONTH_YEAR = regex.compile(r"thang\W*(?P<m>\d{1,2})?\S*\W*nam\W*(?P<y>(?:19|20)\d{2})", regex.I)


def partial_from_date_line(doc: Document, settings: Settings) -> tuple[str, Provenance] | None:
    """``(YYYY-MM or YYYY, provenance)`` from page 1's date line that gave no date: the
    printed year (and month) when read with confidence; ``None`` otherwise."""
    if 1 not in doc.ocr_pages:
        return None
    head = doc.text[:min(len(doc.text), settings.header_chars)]
    folded = fold_diacritics(head)
    line = _DATE_LINE.search(folded)
    if line is None:
        return None
    m = _MONTH_YEAR.search(folded, line.start(), line.end())
    if m is None:
        return None
    year_conf = _confident(doc, m.start("y"), m.end("y"), settings)
    if year_conf is None:
        return None
    value, conf = m["y"], year_conf
    month_conf = _confident(doc, m.start("m"), m.end("m"), settings) \
        if m["m"] and 1 <= int(m["m"]) <= 12 else None
    if month_conf is not None:
        value, conf = f"{m['y']}-{int(m['m']):02d}", min(conf, month_conf)
    return value, Provenance(page=1, start=line.start(), end=line.end(), confidence=round(conf, 3))


def partial_date_warning(doc: Document, fields: dict[str, Any], prov: Provenance,
                         detail: str) -> RecordWarning:
    """A partial issue date, with the bounds the scan gives (signing time, arrival stamp)."""
    bounds = []
    if doc.e_signature and doc.e_signature.signed_at:
        bounds.append(doc.e_signature.signed_at[:10])
    arrival = fields.get("arrival")
    if arrival is not None and arrival.date:
        bounds.append(arrival.date)
    bound = f"; it is on or before {min(bounds)}" if bounds else ""
    return RecordWarning(
        code="needs_review", field="issued_date", page=prov.page,
        message=f"issue date kept as {fields['issued_date']}: the day is handwritten or unclear "
                f"(read {doc.text[prov.start:prov.end]!r}, {detail}){bound}; "
                "complete it from the scan")


def _drop(fields: dict[str, Any], provenance: dict[str, Provenance], name: str) -> None:
    """Leave a field (or one item of a list field) out, keeping list provenance aligned."""
    head, _, index = name.partition(".")
    if head in LIST_FIELDS and index.isdigit():
        items = fields.get(head) or []
        i = int(index)
        if i < len(items):
            items[i] = None  # removed after the loop over provenance: indices stay valid
        provenance.pop(name, None)
        return
    if head in fields and not index:
        fields[head] = None
        provenance.pop(name, None)


def _compact_lists(fields: dict[str, Any], provenance: dict[str, Provenance]) -> None:
    for head in LIST_FIELDS:
        items = fields.get(head) or []
        if None not in items:
            continue
        kept = [i for i, v in enumerate(items) if v is not None]
        old = {i: provenance.pop(f"{head}.{i}", None) for i in range(len(items))}
        fields[head] = [items[i] for i in kept]
        for new, i in enumerate(kept):
            if old[i] is not None:
                provenance[f"{head}.{new}"] = old[i]


# page 1's number line as OCR gives it, diacritics folded: "Số: 2179/QĐ-TTg", "So:  /QĐĐ-TTg"
NUMBER_LINE = regex.compile(r"(?m)^\W{0,3}s[oô0]\s*[:;.]\s*(?P<rest>\S[^\n]*)", regex.I)
_DATE_LINE = regex.compile(r"ngay\W*\S{0,6}\W*thang\W*\S{0,6}\W*nam\W*\d{4}", regex.I)


def unparsed_header_lines(doc: Document, fields: dict[str, Any],
                          settings: Settings = DEFAULT_SETTINGS) -> list[RecordWarning]:
    """A number or date line on an OCR'd first page that gave no value: say so."""
    if 1 not in doc.ocr_pages:
        return []
    head = doc.text[:min(len(doc.text), settings.header_chars)]
    folded = fold_diacritics(head).lower()
    out: list[RecordWarning] = []
    if fields.get("number") is None:
        m = NUMBER_LINE.search(folded)
        if m:
            line = head[m.start():].split("\n", 1)[0]
            out.append(RecordWarning(
                code="needs_review", field="number", page=1,
                message=f"number line found but not read: {line.strip()[:60]!r}; "
                        "check it on the scan"))
    if fields.get("issued_date") is None:
        m = _DATE_LINE.search(folded)
        if m:
            out.append(RecordWarning(
                code="needs_review", field="issued_date", page=1,
                message=f"date line found but not read: {head[m.start():m.end()]!r}; "
                        "check it on the scan"))
    return out


def issue_date_after_signing(issued_date: str | None, signed_at: str | None) -> bool:
    """The issue date is later than the signing time: one of them was misread.

    Compared at the issue date's precision (``2025-10`` against ``2025-10-06T…``).
    """
    if not issued_date or not signed_at:
        return False
    return issued_date > signed_at[:len(issued_date)]


def signing_time_check(doc: Document, fields: dict[str, Any]) -> list[RecordWarning]:
    """The issue date must not be later than the e-signature's signing time."""
    signed_at = doc.e_signature.signed_at if doc.e_signature else None
    issued = fields.get("issued_date")
    if issue_date_after_signing(issued, signed_at):
        prov = fields.get("provenance", {}).get("issued_date")
        return [RecordWarning(
            code="date_after_signing", field="issued_date", page=prov.page if prov else None,
            message=f"issued {issued}, later than the e-signature's signing time "
                    f"{signed_at}: one of them is misread")]
    return []
