"""Số và ký hiệu (number and symbol) of a document.

Forms (Decree 30/2020, Appendix I):
- typed document ``15/QĐ-BNV``, ``10/KH-TCT-CATP`` (type, issuer, drafting unit);
- công văn ``7338/UBND-SNV`` (issuer, unit; no type code);
- normative ``61/2018/NĐ-CP``, ``33/2005/QH11`` (with the year);
- Party ``18-NQ/TW``;
- draft ``/BC-UBND`` or ``…./….../TT-BCA`` (number left blank);
- before the 2004 rules (Decree 110/2004): the type between slashes ``12/TT/BTC``,
  ``15/TTLT/BTC-BNV``, and the issuer glued to the number ``1141-TC/QĐ/CĐKT``
  (number-issuer/type/unit).
"""
from __future__ import annotations

from functools import lru_cache

import regex

from extractors.doc_types import known_type_codes
from schemas import NumberSymbol

# letters used in codes: capitals, Đ, digits, and a lone lower-case letter (QyĐ, CTr, TTg, SNgV);
# two lower-case letters in a row are a word, not a code ("VPCPngày21…" is OCR'd run-on text)
_CODE = r"\p{Lu}(?:[\p{Lu}\d&]|\p{Ll}(?!\p{Ll}))*"
SYMBOL = regex.compile(
    rf"""
    (?P<num>\d{{1,6}})? \s*
    (?:
        -\s*(?P<old_issuer>{_CODE})\s*/\s*(?P<old_type>{_CODE})\s*/\s*(?P<old_unit>{_CODE}(?:\s*-\s*{_CODE})*)  # 1141-TC/QĐ/CĐKT
      | -\s*(?P<party_type>{_CODE})\s*/\s*(?P<party_issuer>{_CODE}(?:\s*-\s*{_CODE})*)   # 18-NQ/TW
      | /\s*(?:(?P<year>(?:19|20)\d\d)\s*/\s*)?(?P<codes>{_CODE}(?:\s*-\s*{_CODE})*)      # 61/2018/NĐ-CP, 7338/UBND-SNV
        (?:\s*/\s*(?P<codes2>{_CODE}(?:\s*-\s*{_CODE})*))?                                  # 12/TT/BTC
    )
    """,
    regex.X | regex.V1,
)
_SPACES = regex.compile(r"[\s\u00ad]+")  # soft hyphens too: Word hides them
# a blank number in a draft: "…./…../TT-BCA", "/BC-UBND", "     /QĐ-UBND"
_DRAFT_BLANKS = regex.compile(r"^[\s.…_]*(?:/[\s.…_]*)*(?=/)")
# Word's en dash, non-breaking and soft hyphens inside a symbol are its hyphen
_DASH_CHARS = "\u2010\u2011\u2012\u2013\u2014\u2212"
_DASHES = regex.compile(f"[{_DASH_CHARS}]")
_DRAFT_OPENERS = "/.…_"  # what a draft's blank number begins with (or white space)


@lru_cache(maxsize=8192)  # a symbol is cleaned where it is found and again when parsed
def clean_symbol(raw: str) -> str:
    """Remove stray spaces (``7338 /UBND-SNV``) and draft dots; keep the document's spelling."""
    # each substitution only where it has something to do (most symbols are clean): every
    # white space but " ", and the soft hyphen, are unprintable
    s = raw if " " not in raw and raw.isprintable() else _SPACES.sub("", raw)
    if any(d in s for d in _DASH_CHARS):
        s = _DASHES.sub("-", s)
    if s[:1] in _DRAFT_OPENERS or s[:1].isspace():  # (``in``: "" too)
        s = _DRAFT_BLANKS.sub("", s)
    return s.rstrip(".,;:")


def parse_number_symbol(raw: str) -> NumberSymbol | None:
    """Parse a number-and-symbol string; ``None`` when it is not one.

    >>> parse_number_symbol("61/2018/NĐ-CP").type_code
    'NĐ'
    """
    fields = number_symbol_fields(raw)
    return NumberSymbol(**fields) if fields is not None else None


def number_symbol_fields(raw: str) -> dict | None:
    """``parse_number_symbol``'s fields, as the keyword arguments of its ``NumberSymbol``
    (a citation wants two of them, not a model: references make thousands)."""
    s = clean_symbol(raw)
    m = SYMBOL.fullmatch(s)
    if not m:
        return None
    # the groups in one tuple, in the pattern's order (tests check it): ``regex`` looks a
    # group up by name several times slower
    num, old_issuer, old_type, old_unit, party_type, party_issuer, year, codes, codes2 = m.groups()
    number = int(num) if num else None
    known = known_type_codes()
    if old_type:
        if old_type.upper() not in known:
            return None  # three codes, none of them in the type's place: no reading is sure
        return dict(raw=s, number=number, type_code=old_type, issuer_code=old_issuer,
                    unit_code=old_unit)
    if party_type:
        return dict(raw=s, number=number, type_code=party_type, issuer_code=party_issuer)
    codes = [c for c in codes.split("-") if c]
    year = int(year) if year else None
    type_code = issuer_code = unit_code = None
    if codes2:
        codes2 = [c for c in codes2.split("-") if c]
        if len(codes) == 1 and codes[0].upper() in known:
            # "12/TT/BTC", "15/TTLT/BTC-BNV": the type between slashes, the issuer(s) after
            type_code, codes = codes[0], codes2
        elif len(codes) == 1:
            # "20/CV/XDHL": no type in the type's place; the issuer, then its unit
            codes = codes + codes2
        else:
            return None  # "2239/QĐ-TTg/QĐĐ-TTg": a whole symbol and more, no sure reading
    if type_code is None and not codes2 and codes and codes[0].upper() in known \
            and (len(codes) > 1 or year is not None):
        type_code = codes.pop(0)
    if codes:
        issuer_code = codes.pop(0)
    if codes:
        unit_code = "-".join(codes)
    if number is None and issuer_code is None and type_code is None:
        return None
    return dict(raw=s, number=number, year=year, type_code=type_code, issuer_code=issuer_code,
                unit_code=unit_code)


# A symbol as it appears inside running text (for citations): number required.
SYMBOL_IN_TEXT = regex.compile(
    rf"""
    (?<![\w/])
    (?P<sym>
        \d{{1,6}} \s?
        (?:
            -\s?{_CODE}\s?/\s?{_CODE}(?:-{_CODE})*
          | /\s?(?:(?:19|20)\d\d\s?/\s?)?{_CODE}(?:\s?-\s?{_CODE})*
        )
        # the pre-2004 third part (12/TT/BTC, 1141-TC/QĐ/CĐKT), after a single code only
        (?:(?<=[/-]{_CODE}/{_CODE}|/{_CODE})/{_CODE}(?:-{_CODE})*)?
    )
    (?![\w])
    """,
    regex.X | regex.V1,
)
