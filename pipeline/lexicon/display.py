"""How the record's vocabulary reads in Vietnamese, from the forms the lexicon knows printed:
``quyet_dinh`` → "Quyết định" (its type line ``QUYẾT ĐỊNH``), ``hoa_toc`` → "Hỏa tốc".

For registers, exports and the review app; extraction never uses it.
"""
from __future__ import annotations

from functools import cache

from pipeline.lexicon import load_lexicon


@cache
def doc_type_names() -> dict[str, str]:
    """Document type code → its name as written in running text ("Công văn")."""
    # str.capitalize lower-cases the rest: "QUYẾT ĐỊNH" → "Quyết định"
    return {key: entry["titles"][0].capitalize()
            for key, entry in load_lexicon("doc_types").items()}


@cache
def printed_marks() -> dict[str, str]:
    """Urgency and secrecy codes → the mark as stamped ("HỎA TỐC", "TỐI MẬT")."""
    marks = load_lexicon("marks")
    return {m["code"]: m["words"] for kind in ("urgency", "secrecy") for m in marks[kind]}


@cache
def mark_names() -> dict[str, str]:
    """Urgency and secrecy codes → the mark in words ("Hỏa tốc", "Tối mật")."""
    return {code: words.capitalize() for code, words in printed_marks().items()}
