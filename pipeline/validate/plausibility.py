"""Plausibility of what was read (kiểm tra tính hợp lý): a value that cannot be what its field
holds is not registered, and the archivist is told where to look.

OCR confidence says how clearly a word was printed, not whether it is the right word: a
heading read cleanly ("NHIỆM VỤ TRỌNG TÂM") is no signer's name, a margin note ("TTĐT(2)")
is no issuer, a citation's date in the body is no issue date. These checks ask what each
field must look like:

- signer's name: a Vietnamese personal name — 2 to 4 syllables, not a line in capitals, and
  on a scan its first syllable is a known surname (``pipeline/lexicon/names.yaml``). One OCR
  slip in the surname ("Đồ" for "Đỗ") is mended when a single surname has the same letters;
- issuer (scans): a public body the gazetteer knows, or the e-signature's organisation;
- subject (scans): every word read with confidence, every syllable one Vietnamese
  administrative text uses (the syllable model, ``pipeline/lexicon/syllables.py``: "ết" is
  none), and nothing but words, numbers and punctuation a trích yếu holds (no stray ``¬ _``
  from a stamp's edge) — Tesseract is sure of a wrong tone mark as often as not, so one
  doubtful word is enough to ask a person;
- recipients (scans): each item written as words are — no capital inside a word ("các
  cBộ"), no stray symbol; one broken item sends the whole list to a person;
- issue date (scans): read on the place-date line ("Hà Nội, ngày … tháng … năm …"), not in
  a sentence; and not long before the portal's signing time (a misread year). A partial
  date (the handwritten day unread) is kept as read and flagged for the day to be added.

An implausible value is left out (``null``) with a ``needs_review`` warning naming the field,
the page and what was read. ``plausibility_review`` returns a new ``Extraction``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache

import regex

from extractors.assemble import Extraction
from pipeline.lexicon import load_lexicon
from pipeline.lexicon.syllables import line_syllables, syllable_model
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.document import Document
from pipeline.text.keys import fold_diacritics
from pipeline.text.scan import effective_confidence
from pipeline.validate.review import partial_from_date_line
from schemas import RecordWarning

# what may stand before "ngày" on a place-date line: the place and a comma, nothing else —
# after the number line's "Số: 196/UBND-VP" when a layout ran the two columns together
_NUMBER_PART = regex.compile(r"^\W{0,3}s[oốô0]\s*[:;.]?\s*\S+\s+", regex.I)
_PLACE_BEFORE_DATE = regex.compile(r"^[\p{L}\s.'\-]{0,40},?\s*$")
# what a trích yếu or a recipient is written with; anything else on a scan is noise read as text
_PRINTED_CHARS = regex.compile(r"[\p{L}\p{N}\s.,;:()/%\-–+&\"'“”]+")


@cache
def surnames() -> frozenset[str]:
    return frozenset(load_lexicon("names")["surnames"])


@cache
def _surnames_by_letters() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for name in surnames():
        out.setdefault(fold_diacritics(name).lower(), []).append(name)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def mend_surname(name: str) -> str | None:
    """``name`` with its surname mended when it is one OCR diacritic slip from exactly one
    known surname ("Đồ Ngọc Huỳnh" → "Đỗ Ngọc Huỳnh"); ``None`` when no single surname fits."""
    first, _, rest = name.partition(" ")
    if first in surnames():
        return name
    same_letters = _surnames_by_letters().get(fold_diacritics(first).lower(), ())
    if len(same_letters) != 1:
        return None
    return f"{same_letters[0]} {rest}".strip()


def personal_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a Vietnamese personal name, or ``None`` when it can."""
    sizes = load_lexicon("names")["syllables"]
    syllables = name.split()
    if not sizes["min"] <= len(syllables) <= sizes["max"]:
        return f"{len(syllables)} syllables"
    if name.isupper():
        return "a line in capitals (a heading), not a name"
    if not all(s[:1].isupper() for s in syllables):
        return "not every syllable starts with a capital"
    return None


def _warning(field: str, page: int | None, message: str) -> RecordWarning:
    return RecordWarning(code="needs_review", field=field, page=page,
                         message=f"{message}; not registered: check it on the scan")


def _page(extraction: Extraction, key: str) -> int | None:
    prov = extraction.provenance.get(key)
    return prov.page if prov else None


def _on_scan(doc: Document, extraction: Extraction, key: str) -> bool:
    prov = extraction.provenance.get(key)
    return prov is not None and prov.page in doc.ocr_pages


def check_signer(doc: Document, x: Extraction) -> tuple[Extraction, list[RecordWarning]]:
    signer = x.signer
    if signer is None or not signer.name:
        return x, []
    name, scanned = signer.name, _on_scan(doc, x, "signer")
    problem = personal_name_problem(name)
    if problem is None and scanned:
        mended = mend_surname(name)
        if mended is None:
            problem = f"'{name.split()[0]}' is no Vietnamese surname"
        elif mended != name:
            return replace(x, signer=signer.model_copy(update={"name": mended})), []
    if problem is None:
        return x, []
    warning = _warning("signer.name", _page(x, "signer"),
                       f"signer's name read as {name!r} ({problem})")
    return replace(x, signer=signer.model_copy(update={"name": None})), [warning]


def check_issuer(doc: Document, x: Extraction) -> tuple[Extraction, list[RecordWarning]]:
    issuer = x.issuer
    if issuer is None or not issuer.name or not _on_scan(doc, x, "issuer"):
        return x, []
    signed_by = doc.e_signature.organisation if doc.e_signature else None
    if issuer.agency_id or (signed_by and signed_by.casefold() == issuer.name.casefold()):
        return x, []
    warning = _warning("issuer", _page(x, "issuer"),
                       f"issuer read as {issuer.name!r}, which is no public body the gazetteer "
                       "knows")
    provenance = {k: v for k, v in x.provenance.items() if k != "issuer"}
    return replace(x, issuer=None, provenance=provenance), [warning]


def unknown_syllables(text: str, min_count: int = 2) -> list[str]:
    """Syllables of ``text`` seen fewer than ``min_count`` times in the syllable model's
    corpus (once is a typo of the corpus as often as a word), acronyms in capitals aside."""
    model = syllable_model()
    return [text[s:e] for s, e, key, _ in line_syllables(text)
            if model.unigram(key) < min_count and not text[s:e].isupper()]


def check_subject(doc: Document, x: Extraction,
                  settings: Settings) -> tuple[Extraction, list[RecordWarning]]:
    subject, prov = x.subject, x.provenance.get("subject")
    if not subject or prov is None or prov.page not in doc.ocr_pages:
        return x, []
    problem = None
    if not _PRINTED_CHARS.fullmatch(subject):
        odd = "".join(sorted(set(_PRINTED_CHARS.sub("", subject))))
        problem = f"holds characters no trích yếu is written with ({odd!r})"
    else:
        doubtful = [w.text for w in doc.span_words(prov.start, prov.end)
                    if effective_confidence(w) < settings.min_subject_word_confidence]
        unknown = unknown_syllables(subject, settings.min_syllable_count)
        if doubtful:
            problem = f"words read without confidence: {', '.join(doubtful[:5])}"
        elif unknown:
            problem = f"syllables no Vietnamese text uses: {', '.join(unknown[:5])}"
    if problem is None:
        return x, []
    warning = _warning("subject", prov.page, f"subject read as {subject[:120]!r}: {problem}")
    provenance = {k: v for k, v in x.provenance.items() if k != "subject"}
    return replace(x, subject=None, provenance=provenance), [warning]


# OCR glueing noise to a word: a capital inside it ("cBộ"), a digit before its letters
# ("4anh sách"), a lone stop between words ("trực thuộc . Trung ương")
_BROKEN_WORD = regex.compile(r"\p{Ll}\p{Lu}|(?<![\p{L}\p{N}])\d\p{Ll}|\p{L}\s[.,;:]\s\p{L}")


def check_recipients(doc: Document, x: Extraction) -> tuple[Extraction, list[RecordWarning]]:
    keys = [f"recipients.{i}" for i in range(len(x.recipients))]
    if not x.recipients or not any(_on_scan(doc, x, k) for k in keys):
        return x, []
    broken = [r for r in x.recipients
              if _BROKEN_WORD.search(r) or not _PRINTED_CHARS.fullmatch(r)]
    if not broken:
        return x, []
    warning = _warning("recipients", _page(x, keys[0]),
                       f"recipients read with broken words ({broken[0][:80]!r})")
    provenance = {k: v for k, v in x.provenance.items() if not k.startswith("recipients.")}
    return replace(x, recipients=[], provenance=provenance), [warning]


def _date_line_problem(doc: Document, start: int) -> str | None:
    line_start = doc.text.rfind("\n", 0, start) + 1
    before = _NUMBER_PART.sub("", doc.text[line_start:start])
    if _PLACE_BEFORE_DATE.match(before):
        return None
    return f"read in a sentence ({doc.text[line_start:start + 30].strip()[:70]!r}), " \
           "not on the place-date line"


def _signing_problem(issued: str, signed_at: str | None, settings: Settings) -> str | None:
    if not signed_at or len(issued) < 7:
        return None
    signed = dt.date.fromisoformat(signed_at[:10])
    first_day = dt.date.fromisoformat(issued if len(issued) == 10 else f"{issued}-01")
    if (signed - first_day).days > settings.max_days_before_signing:
        return (f"{(signed - first_day).days} days before the e-signature's signing time "
                f"{signed_at[:10]} (a misread year?)")
    return None


def check_issued_date(doc: Document, x: Extraction,
                      settings: Settings) -> tuple[Extraction, list[RecordWarning]]:
    issued, prov = x.issued_date, x.provenance.get("issued_date")
    if not issued or prov is None or prov.page not in doc.ocr_pages:
        return x, []
    signed_at = doc.e_signature.signed_at if doc.e_signature else None
    problem = _date_line_problem(doc, prov.start) or _signing_problem(issued, signed_at, settings)
    if problem is None:
        if len(issued) < len("2025-10-08"):  # the day (or month) was not read: keep, flag
            return x, [RecordWarning(
                code="needs_review", field="issued_date", page=prov.page,
                message=f"issue date read only as {issued}: the day is handwritten or "
                        "unclear; complete it from the scan")]
        return x, []
    warning = _warning("issued_date", prov.page, f"issue date {issued} {problem}")
    provenance = {k: v for k, v in x.provenance.items() if k != "issued_date"}
    partial = partial_from_date_line(doc, settings)  # what the date line itself still tells
    if partial is not None and _signing_problem(partial[0], signed_at, settings) is None:
        return replace(x, issued_date=partial[0],
                       provenance={**provenance, "issued_date": partial[1]}), [warning]
    return replace(x, issued_date=None, provenance=provenance), [warning]


def plausibility_review(doc: Document, extraction: Extraction,
                        settings: Settings = DEFAULT_SETTINGS) -> Extraction:
    """The extraction with implausible values left out and flagged (a new value)."""
    warnings: list[RecordWarning] = []
    x = extraction
    for check in (check_signer, check_issuer, check_recipients):
        x, found = check(doc, x)
        warnings += found
    for check_with_settings in (check_subject, check_issued_date):
        x, found = check_with_settings(doc, x, settings)
        warnings += found
    flagged = {w.field for w in x.warnings if w.code == "needs_review"}
    return replace(x, warnings=x.warnings + [w for w in warnings if w.field not in flagged])
