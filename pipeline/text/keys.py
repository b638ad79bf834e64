"""Keys for comparing Vietnamese text: tone placement and diacritics folded away.

The document text keeps its own spelling; these keys are what matching compares, so
"hoà" finds "hòa" (``tone_key``) and OCR's "Quang Ngai" finds "Quảng Ngãi"
(``fold_diacritics``).
"""
from __future__ import annotations

import unicodedata

import regex

# Old ("hoà", "thuỷ") and new ("hòa", "thủy") tone placement both occur.
_OLD_TONE = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_OLD_TONE.update({k.upper(): v.upper() for k, v in list(_OLD_TONE.items())})
_OLD_TONE.update({k[0].upper() + k[1:]: v[0].upper() + v[1:] for k, v in list(_OLD_TONE.items())
                  if k.islower()})
# only at the end of a syllable: "hoà" → "hòa", but "hoạch" has one placement only
_OLD_TONE_RE = regex.compile("(?:" + "|".join(sorted(_OLD_TONE, key=len, reverse=True)) + r")(?!\p{L})")


def tone_key(s: str) -> str:
    """NFC, lower case, new tone placement, single spaces: a key for comparing text."""
    s = unicodedata.normalize("NFC", s)
    s = _OLD_TONE_RE.sub(lambda m: _OLD_TONE[m.group(0)], s)
    return regex.sub(r"\s+", " ", s).strip().lower()


def fold_diacritics(s: str) -> str:
    """Strip Vietnamese diacritics (đ → d) for accent-insensitive matching of OCR text."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", regex.sub(r"\p{Mn}+", "", s))
