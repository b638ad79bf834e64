"""Repairs of the OCR confusions that break fields; run on OCR'd text only.

Each repair targets one confusion Tesseract makes on Vietnamese dispatches and
leaves well-formed text alone (tests check clean text comes back unchanged):

- ``Ð`` (U+00D0, Icelandic eth) for ``Đ`` (U+0110); ``ð`` for ``đ``;
- ``§`` for ``S`` before a letter (``§ố:`` → ``Số:``);
- a lost hyphen in a số/ký hiệu, when both halves are known codes
  (``07/CĐUBND`` → ``07/CĐ-UBND``; ``7338/UBNDSNV`` → ``7338/UBND-SNV``);
- a letter read twice in a code (``07/CĐĐ-UBND`` → ``07/CĐ-UBND``);
- ``Nơnhận:`` / ``Nơinhận:`` / ``Noi nhận:`` → ``Nơi nhận:``;
- a range dash with a space lost on one side (``2019- 2023`` → ``2019 - 2023``);
- split diacritics: a combining mark detached by a space, or a spacing accent
  (´ ` ˜) after a vowel, put back on its letter.
"""
from __future__ import annotations

import unicodedata
from functools import cache

import regex

from pipeline.lexicon import load_lexicon

# codes that are neither in the document-type list nor in the agency gazetteer
_EXTRA_CODES = {"UBND", "HĐND", "UBMTTQ", "MTTQ", "VP", "TU", "HU", "ĐU", "BCĐ", "BCH", "BQL",
                "TTg", "VPCP", "CP", "BNV", "BTC", "TW"}


@cache
def known_codes() -> frozenset[str]:
    """Type codes (QĐ, CĐ, KH…) and issuer/unit codes (UBND, SNV, TTg…) from the lexicons."""
    codes = set(_EXTRA_CODES)
    for entry in (load_lexicon("doc_types") or {}).values():
        if isinstance(entry, dict) and entry.get("code"):
            codes.add(str(entry["code"]))
    for agency in (load_lexicon("agencies") or {}).get("agencies", []):
        codes.update(str(c) for c in agency.get("codes") or [])
    return frozenset(c for c in codes if c)


def _split_known(code: str) -> tuple[str, str] | None:
    """``CĐUBND`` → (``CĐ``, ``UBND``) when exactly one split gives two known codes."""
    codes = known_codes()
    if code in codes:
        return None
    splits = [(code[:i], code[i:]) for i in range(1, len(code))
              if code[:i] in codes and code[i:] in codes]
    return splits[0] if len(splits) == 1 else None


_SYMBOL = regex.compile(r"(?<=\b\d{1,5}/(?:\d{4}/)?)(\p{Lu}[\p{L}&]{2,11})(?=[-\s.,;:)]|$)")


def _restore_symbol_hyphen(m: regex.Match) -> str:
    split = _split_known(m.group(1))
    return m.group(0) if split is None else f"{split[0]}-{split[1]}"


_LOPSIDED_DASH = regex.compile(r"(?<=\d)(?:- | -)(?=\d)")
_ETH = regex.compile(r"[\u00d0\u00f0]")
_SECTION_S = regex.compile(r"§(?=\p{L})")
_NOI_NHAN = regex.compile(r"\bN[oơ]\s?i?\s?nh[ậâa]n(?=\s*:)")
_DETACHED_MARK = regex.compile(r"(?<=\p{L})[ \t]+(\p{Mn}+)")
_SPACING_ACCENT = regex.compile(r"(?<=[aăâeêioôơuưyAĂÂEÊIOÔƠUƯY])([\u00b4\u0060\u02dc\u02cb\u02ca])")
_COMBINING_FOR = {"\u00b4": "\u0301", "\u02ca": "\u0301", "\u0060": "\u0300", "\u02cb": "\u0300",
                  "\u02dc": "\u0303"}


_SYMBOL_PART = regex.compile(r"(?<=\b\d{1,5}/(?:\d{4}/)?(?:[\p{L}&]+-)*)(\p{Lu}[\p{L}&]{1,11})"
                             r"(?=[-\s.,;:)]|$)")


def _undouble(m: regex.Match) -> str:
    """``CĐĐ`` → ``CĐ``: a letter read twice, when only the single reading is a known code."""
    code = m.group(1)
    codes = known_codes()
    if code in codes:
        return code
    fixes = {code[:i] + code[i + 1:] for i in range(1, len(code)) if code[i] == code[i - 1]}
    fixes &= codes
    return fixes.pop() if len(fixes) == 1 else code


def repair_ocr_text(text: str) -> str:
    """Apply every OCR repair; text that was not broken comes back unchanged."""
    text = _ETH.sub(lambda m: "Đ" if m.group(0) == "\u00d0" else "đ", text)
    text = _SECTION_S.sub("S", text)
    text = _NOI_NHAN.sub("Nơi nhận", text)
    text = _DETACHED_MARK.sub(r"\1", text)
    text = _SPACING_ACCENT.sub(lambda m: _COMBINING_FOR[m.group(1)], text)
    text = _SYMBOL.sub(_restore_symbol_hyphen, text)
    text = _LOPSIDED_DASH.sub(" - ", text)
    text = _SYMBOL_PART.sub(_undouble, text)
    return unicodedata.normalize("NFC", text)
