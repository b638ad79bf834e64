"""Typed copies of the handwritten header values: the number and date an appendix repeats.

On a signed scan the number (số) and the day are often written by hand and left unread
(``review``); the document's appendix or attached regulation repeats them in type: "Ban hành
kèm theo Quyết định số 2179/QĐ-TTg ngày 06 tháng 10 năm 2025 của Thủ tướng Chính phủ",
"Phụ lục … kèm theo Công văn số …". Such a line is read as a citation (``references``); when
its type is the document's own and its symbol is the one printed on the number line, it is
the document itself:

- the header's number left unread → filled from the copy, with provenance at the copy's line
  and a ``filled_from_copy`` warning saying so; the copy leaves ``references`` (a document's
  own number is not one of its references);
- the issue date unread or partial → filled from the copy's date when it agrees with what was
  read and is not after the e-signature's signing time;
- a number read on the header that a copy contradicts → ``number_mismatch`` (nothing changed:
  one of the two is misprinted or misread, a person decides).

Only on OCR'd documents; the copy's digits must have been read with the confidence a
handwritten number needs (``Settings.min_handwritten_confidence``).
"""
from __future__ import annotations

from dataclasses import replace

import regex
from rapidfuzz import fuzz

from extractors.assemble import Extraction
from extractors.number_symbol import parse_number_symbol
from extractors.references import find_references
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.document import Document, mask_furniture
from pipeline.text.keys import fold_diacritics
from pipeline.text.scan import effective_confidence
from pipeline.validate.review import NUMBER_LINE
from schemas import Provenance, Reference, RecordWarning

# what stands right before the copy's type word ("… kèm theo Quyết định số …")
_COPY_CUE = regex.compile(r"kèm\s+theo\s*$", regex.I)
_COPY_CUE_CHARS = 40
_SAME_SYMBOL = 80  # rapidfuzz ratio of two symbols read from the same print


def _symbol_of(number: str) -> str:
    """``2179/QĐ-TTg`` → ``QD-TTG``: the part after the digits, folded, for comparing."""
    tail = number.split("/", 1)[1] if "/" in number else number
    return fold_diacritics(regex.sub(r"\s+", "", tail)).upper()


def _number_line_symbol(doc: Document, settings: Settings) -> str | None:
    head = doc.text[:min(len(doc.text), settings.header_chars)]
    m = NUMBER_LINE.search(fold_diacritics(head))
    if not m or "/" not in m["rest"]:
        return None
    return _symbol_of(m["rest"].split()[0] if m["rest"].split() else m["rest"])


def copies_of_self(doc: Document, x: Extraction, settings: Settings = DEFAULT_SETTINGS
                   ) -> list[tuple[Reference, Provenance]]:
    """The citations that are typed copies of this document, each with its provenance (its
    confidence: the lowest OCR confidence of the copy's number digits)."""
    symbol = _number_line_symbol(doc, settings)
    if symbol is None or x.doc_type is None:
        return []
    text = mask_furniture(doc)
    out = []
    # every citation, the document's own number included: extraction left those out
    for found in find_references(text, settings=settings):
        ref = found.value
        if ref.doc_type != x.doc_type or not ref.number or "/" not in ref.number:
            continue
        before = text[max(0, found.start - _COPY_CUE_CHARS):found.start]
        if not _COPY_CUE.search(before) or fuzz.ratio(_symbol_of(ref.number), symbol) < _SAME_SYMBOL:
            continue
        out.append((ref, Provenance(page=doc.page_of(found.start), start=found.start,
                                    end=found.end, confidence=_digits_confidence(doc, found))))
    return out


def _digits_confidence(doc: Document, found) -> float:
    """How surely the copy's number was read: its digit words' lowest OCR confidence."""
    at = doc.text.find(found.value.number.split("/")[0], found.start, found.end)
    if at < 0:
        return found.confidence
    words = doc.span_words(at, at + len(found.value.number))
    digits = [effective_confidence(w) for w in words if regex.search(r"\d", w.text)]
    return round(min(digits, default=found.confidence), 3)


def _without_references(x: Extraction, numbers: set[str]) -> tuple[list, dict]:
    """References and provenance without the citations of ``numbers``, renumbered."""
    kept = [i for i, r in enumerate(x.references) if r.number not in numbers]
    provenance = {k: v for k, v in x.provenance.items() if not k.startswith("references.")}
    for new, old in enumerate(kept):
        if f"references.{old}" in x.provenance:
            provenance[f"references.{new}"] = x.provenance[f"references.{old}"]
    return [x.references[i] for i in kept], provenance


def _date_fits(copy_date: str | None, read: str | None, signed_at: str | None) -> bool:
    if not copy_date or len(copy_date) < 10:
        return False
    if read and not copy_date.startswith(read):
        return False
    return not signed_at or copy_date <= signed_at[:10]


def typed_copy_review(doc: Document, x: Extraction,
                      settings: Settings = DEFAULT_SETTINGS) -> Extraction:
    """Fill or check the header's number and date from the appendix's typed copies."""
    if not doc.ocr_pages:
        return x
    copies = [(r, p) for r, p in copies_of_self(doc, x, settings)
              if p.confidence >= settings.min_handwritten_confidence]
    if not copies:
        return x
    x = _number_from_copies(x, copies)
    return _date_from_copies(doc, x, copies)


def _filled(x: Extraction, field: str, prov: Provenance, ref: Reference) -> list[RecordWarning]:
    kept = [w for w in x.warnings if not (w.code == "needs_review" and w.field == field)]
    return kept + [RecordWarning(
        code="filled_from_copy", field=field, page=prov.page,
        message=f"{field} unread on the header: taken from the typed copy on page "
                f"{prov.page} ({ref.raw[:90]!r})")]


def _number_from_copies(x: Extraction, copies: list) -> Extraction:
    if x.number is not None:
        digits = regex.match(r"\d+", x.number.raw or "")
        for ref, prov in copies:
            if digits and not ref.number.startswith(digits.group(0) + "/"):
                return replace(x, warnings=x.warnings + [RecordWarning(
                    code="number_mismatch", field="number", page=prov.page,
                    message=f"the header reads {x.number.raw}, the copy on page {prov.page} "
                            f"{ref.number}: one is misprinted or misread")])
        return x
    if len({r.number for r, _ in copies}) != 1:
        return x  # copies that disagree fill nothing
    ref, prov = copies[0]
    # the copy is the document itself, not one of its references
    references, provenance = _without_references(x, {ref.number})
    return replace(x, number=parse_number_symbol(ref.number), references=references,
                   provenance={**provenance, "number": prov},
                   warnings=_filled(x, "number", prov, ref))


def _date_from_copies(doc: Document, x: Extraction, copies: list) -> Extraction:
    if x.issued_date is not None and len(x.issued_date) == len("2025-10-06"):
        return x
    signed_at = doc.e_signature.signed_at if doc.e_signature else None
    fitting = [(r, p) for r, p in copies if _date_fits(r.date, x.issued_date, signed_at)]
    if len({r.date for r, _ in fitting}) != 1:
        return x
    ref, prov = fitting[0]
    return replace(x, issued_date=ref.date, provenance={**x.provenance, "issued_date": prov},
                   warnings=_filled(x, "issued_date", prov, ref))
