"""Keys for comparing Vietnamese text: tone placement and diacritics folded away.

The document text keeps its own spelling; these keys are what matching compares, so
"hoà" finds "hòa" (``tone_key``) and OCR's "Quang Ngai" finds "Quảng Ngãi"
(``fold_diacritics``).
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

from pipeline.text.short_cache import cached_when_short

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
_SPACES = regex.compile(r"\s+")
_MARKS = regex.compile(r"\p{Mn}+")


# keys are asked for the same names and lines again and again (agencies, headings): short
# strings are cached; a whole page is not kept alive for a key asked once
@cached_when_short(200, 16384)
def tone_key(s: str) -> str:
    """NFC, lower case, new tone placement, single spaces: a key for comparing text."""
    s = unicodedata.normalize("NFC", s)
    s = _OLD_TONE_RE.sub(lambda m: _OLD_TONE[m.group(0)], s)
    return _SPACES.sub(" ", s).strip().lower()


@cached_when_short(200, 16384)
def fold_diacritics(s: str) -> str:
    """Strip Vietnamese diacritics (đ → d) for accent-insensitive matching of OCR text."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", _MARKS.sub("", s))


@lru_cache(maxsize=2)
def lowered(text: str) -> str:
    """``text.lower()`` of the last texts asked: the deadline cues and the weekday check
    both look for words in the lower-cased document."""
    return text.lower()


# a white-space run that is not one plain space: what ``\s+`` → " " would change
_UNEVEN_SPACE = regex.compile(r"\s\s|[^\S ]")


def one_spaced(s: str) -> str:
    """``regex.sub(r"\\s+", " ", s)``: each run of white space one space, the ends kept.
    The substitution is made only when a run is not one plain space already: a ``sub`` of
    the ``regex`` module costs several times a ``search``, and most strings need none.
    Every white space but the plain space is unprintable (tests/text check it), so a
    printable string without a double space needs no regex at all (``isprintable`` is C)."""
    if "  " not in s and s.isprintable():
        return s
    return _SPACES.sub(" ", s) if _UNEVEN_SPACE.search(s) else s


# ``regex``'s \s is str.isspace() but for these four separators (which str.split() cuts at)
_NOT_REGEX_SPACE = ("\x1c", "\x1d", "\x1e", "\x1f")


def single_spaced(s: str) -> str:
    """``regex.sub(r"\\s+", " ", s).strip()``: white space runs as one space, none at the
    ends; ``str.split`` does it without a regex pass."""
    if any(c in s for c in _NOT_REGEX_SPACE):
        return _SPACES.sub(" ", s).strip()
    return " ".join(s.split())
