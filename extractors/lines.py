"""Lines of the normalised text with their offsets, and tests on their shape."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.text.keys import fold_diacritics


@dataclass(frozen=True)
class Line:
    text: str  # stripped
    start: int  # offset of text[0] in the document
    end: int

    @property
    def blank(self) -> bool:
        return not self.text


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Lines of ``text[start:end]``, stripped, with document offsets."""
    if start == 0 and end is None:  # header, parties and signer each split the whole text
        return list(_split_whole(text))
    return _split(text, start, len(text) if end is None else end)


@lru_cache(maxsize=2)
def _split_whole(text: str) -> tuple[Line, ...]:
    return tuple(_split(text, 0, len(text)))


def _split(text: str, start: int, end: int) -> list[Line]:
    out: list[Line] = []
    pos = start
    while pos <= end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        raw = text[pos:stop]
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        out.append(Line(stripped, pos + lead, pos + lead + len(stripped)))
        if nl == -1:
            break
        pos = nl + 1
    return out


_SPACES = regex.compile(r"\s+")
_LETTER = regex.compile(r"\p{L}")
# "Nơi nhận" and OCR's "Noi nhan", "Nơinhận", "Nơ nhận": the distribution list's label
# (the signer's block is looked for next to it too)
CC_LABEL = regex.compile(r"^N[ơo]i?\s*nh[ậâa]n\s*[:;.]?\s*", regex.I)
_SEPARATOR = regex.compile(r"^[\s\-–—_*=~.·•]{3,}$")


def is_upper_line(s: str) -> bool:
    """All its letters are capitals (a letterhead, title or signer-position line)."""
    letters = _LETTER.findall(s)
    return bool(letters) and not any(map(str.islower, letters))


def is_separator(s: str) -> bool:
    """``-------``, ``******``, ``___``: the rules printed under letterhead lines."""
    return bool(_SEPARATOR.match(s))


def ascii_key(s: str) -> str:
    """Upper-case, diacritics removed, single spaces: for matching marks in OCR text."""
    return _SPACES.sub(" ", fold_diacritics(s)).strip().upper()
