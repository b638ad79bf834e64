"""Lines of the normalised text with their offsets, and tests on their shape."""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import regex

from pipeline.text.short_cache import cached_when_short
from pipeline.text.keys import fold_diacritics


class Line(NamedTuple):
    """A line, stripped, with its offsets. A named tuple: a document splits into hundreds
    and three extractors read them (a frozen dataclass costs more to make and to compare)."""

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
    make = tuple.__new__  # ``Line(…)`` without the named tuple's own ``__new__`` in Python
    pos = start
    for raw in text[start:end].split("\n"):
        stripped = raw.strip()
        if not stripped:
            at = pos + len(raw)  # a blank line: its offset after its white space
            out.append(make(Line, ("", at, at)))
        else:
            at = pos if raw[0] == stripped[0] else pos + len(raw) - len(raw.lstrip())
            out.append(make(Line, (stripped, at, at + len(stripped))))
        pos += len(raw) + 1
    return out


_SPACES = regex.compile(r"\s+")
_LETTER = regex.compile(r"\p{L}")
# "Nơi nhận" and OCR's "Noi nhan", "Nơinhận", "Nơ nhận": the distribution list's label
# (the signer's block is looked for next to it too)
CC_LABEL = regex.compile(r"^N[ơo]i?\s*nh[ậâa]n\s*[:;.]?\s*", regex.I)
_SEPARATOR = regex.compile(r"^[\s\-–—_*=~.·•]{3,}$")


@lru_cache(maxsize=8192)  # header, parties and signer ask it of the same lines
def is_upper_line(s: str) -> bool:
    """All its letters are capitals (a letterhead, title or signer-position line)."""
    letters = _LETTER.findall(s)
    return bool(letters) and not any(map(str.islower, letters))


def is_separator(s: str) -> bool:
    """``-------``, ``******``, ``___``: the rules printed under letterhead lines."""
    return bool(_SEPARATOR.match(s))


@cached_when_short(200, 8192)  # the header and the signer ask it of the same short lines
def ascii_key(s: str) -> str:
    """Upper-case, diacritics removed, single spaces: for matching marks in OCR text."""
    return _SPACES.sub(" ", fold_diacritics(s)).strip().upper()
