"""Confidence of fields read by OCR, and what an archivist must check by eye.

A wrong number registered with confidence is worse than no number. For a field read
from an OCR'd page, the words Tesseract read it from (``doc.meta["ocr_words"]``,
aligned to the page's raw text) tell how sure the reading is:

- every field's provenance confidence is scaled by the mean confidence of its words;
- the handwritten-prone fields — the number (số) and the day/month of the issue date —
  are judged on their digit words alone, lowered when a digit-only re-read disagrees
  (``ocr_words.effective_confidence``); under ``MIN_HANDWRITTEN_CONFIDENCE`` the value
  is left out (``null``) and a ``needs_review`` warning names the field, the page and
  the doubtful reading;
- a number or date line that is there but did not parse ("ngày 0 tháng 4ô") is named
  in ``needs_review`` too, so an empty field is never silent.

Also here: the signing time of the portal's e-signature is an upper bound for the
issue date (``date_after_signing``). Pure functions over the document and the fields.
"""
from __future__ import annotations

from typing import Any

import regex

from pipeline.document import Document
from pipeline.esignature import issue_date_after_signing
from pipeline.normalize import fold_diacritics
from pipeline.ocr_words import OcrWord, effective_confidence, words_in_span
from schemas import Provenance, RecordWarning

MIN_HANDWRITTEN_CONFIDENCE = 0.80
HANDWRITTEN_FIELDS = ("number", "issued_date")
# any other field read under this OCR confidence is more likely noise than text (a
# scribbled mark above the letterhead read as the issuer, a seal read as a recipient)
MIN_FIELD_CONFIDENCE = 0.50
LIST_FIELDS = ("recipients", "cc")
HEADER_CHARS = 1500  # the header of page 1: where the number and date lines are


def page_words(doc: Document, page: int) -> list[OcrWord]:
    return (doc.meta.get("ocr_words") or {}).get(page, [])


def _raw_span(doc: Document, start: int, end: int) -> tuple[int, int]:
    return doc.source_span(start, end)


def span_words(doc: Document, start: int, end: int) -> list[OcrWord]:
    """OCR words a normalised-text span was read from (empty for a text page)."""
    words = page_words(doc, doc.page_of(start))
    if not words:
        return []
    raw_start, raw_end = _raw_span(doc, start, end)
    return words_in_span(words, raw_start, raw_end)


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
        words = _digit_words(span_words(doc, hs, he))
        if words:
            return min(effective_confidence(w) for w in words)
    words = span_words(doc, prov.start, prov.end)
    if not words:
        return None
    return sum(effective_confidence(w) for w in words) / len(words)


def _candidate(doc: Document, field: str, prov: Provenance, words: list[OcrWord]) -> str:
    rereads = [w.reread for w in words if w.reread]
    read = doc.text[prov.start:prov.end]
    return f"read {read!r}" + (f", digit re-read {' '.join(rereads)!r}" if rereads else "")


def review_fields(doc: Document, fields: dict[str, Any]) -> list[RecordWarning]:
    """Scale provenance confidences by OCR word confidence; null doubtful handwritten fields.

    Changes ``fields`` (and ``fields["provenance"]``) in place; returns the warnings.
    """
    provenance: dict[str, Provenance] = fields.get("provenance", {})
    warnings: list[RecordWarning] = []
    if doc.ocr_pages and doc.meta.get("ocr_words"):
        for name, prov in list(provenance.items()):
            conf = field_confidence(doc, name, prov)
            if conf is None:
                continue
            scaled = round(max(0.0, min(1.0, prov.confidence * conf)), 3)
            provenance[name] = prov.model_copy(update={"confidence": scaled})
            if name in HANDWRITTEN_FIELDS and conf < MIN_HANDWRITTEN_CONFIDENCE:
                hs, he = handwritten_span(doc, name, prov.start, prov.end)
                words = _digit_words(span_words(doc, hs, he))
                warnings.append(RecordWarning(
                    code="needs_review", field=name, page=prov.page,
                    message=f"{name} not registered: handwritten or unclear "
                            f"({_candidate(doc, name, prov, words)}, OCR confidence "
                            f"{conf:.2f}); check it on the scan"))
                fields[name] = None
                del provenance[name]
            elif conf < MIN_FIELD_CONFIDENCE and name.split(".")[0] not in HANDWRITTEN_FIELDS:
                warnings.append(RecordWarning(
                    code="needs_review", field=name, page=prov.page,
                    message=f"{name} not registered: OCR read {doc.text[prov.start:prov.end][:60]!r} "
                            f"at confidence {conf:.2f}; check it on the scan"))
                _drop(fields, provenance, name)
        _compact_lists(fields, provenance)
        flagged = {w.field for w in warnings}
        warnings.extend(w for w in unparsed_header_lines(doc, fields) if w.field not in flagged)
    warnings.extend(signing_time_check(doc, fields))
    return warnings


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


_NUMBER_LINE = regex.compile(r"(?m)^\W{0,3}s[oô0]\s*[:;.]\s*\S")
_DATE_LINE = regex.compile(r"ngay\W*\S{0,6}\W*thang\W*\S{0,6}\W*nam\W*\d{4}", regex.I)


def unparsed_header_lines(doc: Document, fields: dict[str, Any]) -> list[RecordWarning]:
    """A number or date line on an OCR'd first page that gave no value: say so."""
    if 1 not in doc.ocr_pages:
        return []
    head = doc.text[:min(len(doc.text), HEADER_CHARS)]
    folded = fold_diacritics(head).lower()
    out: list[RecordWarning] = []
    if fields.get("number") is None:
        m = _NUMBER_LINE.search(folded)
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


def signing_time_check(doc: Document, fields: dict[str, Any]) -> list[RecordWarning]:
    """The issue date must not be later than the e-signature's signing time."""
    sig = doc.e_signature or {}
    issued = fields.get("issued_date")
    if issue_date_after_signing(issued, sig.get("signed_at")):
        prov = fields.get("provenance", {}).get("issued_date")
        return [RecordWarning(
            code="date_after_signing", field="issued_date", page=prov.page if prov else None,
            message=f"issued {issued}, later than the e-signature's signing time "
                    f"{sig.get('signed_at')}: one of them is misread")]
    return []


def words_in_text(doc: Document, start: int, end: int) -> list[OcrWord]:
    """OCR words of a normalised-text span, with spans in ``doc.text`` offsets."""
    from dataclasses import replace

    from pipeline.ocr_words import align_words

    words = span_words(doc, start, end)
    if not words:
        return []
    bare = [replace(w, start=-1, end=-1) for w in words]
    aligned = align_words(doc.text[start:end], bare)
    return [replace(w, start=w.start + start, end=w.end + start) if w.start >= 0 else w
            for w in aligned]


def stamp_fields(doc: Document, fields: dict[str, Any]) -> list[RecordWarning]:
    """Urgency (when the header gave none) and arrival from the stamps; in place."""
    from extractors.stamps import document_stamps
    from schemas import Arrival

    issued = fields.get("issued_date")
    year = int(issued[:4]) if issued else None
    if year is None and (doc.e_signature or {}).get("signed_at"):
        year = int(doc.e_signature["signed_at"][:4])
    stamps = document_stamps(doc, lambda s, e: words_in_text(doc, s, e), year_hint=year)
    provenance: dict[str, Provenance] = fields.setdefault("provenance", {})
    if fields.get("urgency") is None and stamps.urgency is not None:
        u = stamps.urgency
        fields["urgency"] = u.value
        provenance["urgency"] = Provenance(page=doc.page_of(u.start), start=u.start, end=u.end,
                                           confidence=u.confidence)
    warnings = [RecordWarning(code="needs_review", field=f, page=p,
                              message=f"{f} in the arrival stamp is handwritten or unclear: "
                                      "not registered; check it on the scan")
                for f, p in stamps.needs_review]
    if stamps.arrival and any(stamps.arrival.values()):
        fields["arrival"] = Arrival(**stamps.arrival)
        page = stamps.arrival_page or 1
        s, e = stamps.arrival_span or (doc.page_starts[page - 1],) * 2
        for name, value in stamps.arrival.items():
            if value is not None:
                provenance[f"arrival.{name}"] = Provenance(
                    page=page, start=s, end=e, confidence=stamps.confidences.get(f"arrival.{name}", 1.0))
    return warnings


def scan_checks(doc: Document, fields: dict[str, Any]) -> list[RecordWarning]:
    """Everything a scan adds to extraction: stamps, OCR confidences, review flags."""
    return stamp_fields(doc, fields) + review_fields(doc, fields)
