"""Lines of the normalised text with their offsets, and tests on their shape."""
from __future__ import annotations

from functools import lru_cache
from itertools import accumulate, repeat
from operator import add, sub
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
    """The lines, made column by column in C (``map``, ``accumulate``) rather than one at a
    time in Python: a document has hundreds. A line's text starts after its leading white
    space (a blank line: at its end, the same count), at the line's offset plus that."""
    raws = text[start:end].split("\n")
    stripped = list(map(str.strip, raws))
    lengths = list(map(len, raws))
    offsets = accumulate(map((1).__add__, lengths), initial=start)  # where each line begins
    starts = list(map(add, offsets, map(sub, lengths, map(len, map(str.lstrip, raws)))))
    ends = map(add, starts, map(len, stripped))
    # ``Line(…)`` without the named tuple's own ``__new__`` in Python
    return list(map(tuple.__new__, repeat(Line), zip(stripped, starts, ends)))


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
