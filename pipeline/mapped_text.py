"""Text that remembers where each character came from.

Every normalisation step (NFC, markup stripping, joining wrapped lines, OCR
repairs, legacy-encoding conversion) is a substitution on a ``MappedText``, so
the offset of any character of the final text can be traced back to the
source text: that is what makes provenance exact.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import regex

Replacement = str | Callable[[regex.Match], str]


@dataclass(frozen=True)
class MappedText:
    """``text`` plus, for each of its characters, the offset in the source text.

    ``offsets`` has ``len(text) + 1`` entries; the last one is the source end, so
    a span ``[start, end)`` of ``text`` maps to ``[offsets[start], offsets[end])``.
    """

    text: str
    offsets: tuple[int, ...]

    @classmethod
    def identity(cls, text: str, base: int = 0) -> "MappedText":
        return cls(text, tuple(range(base, base + len(text) + 1)))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[max(start, end)]

    def sub(self, pattern: str | regex.Pattern, repl: Replacement, flags: int = 0) -> "MappedText":
        """``regex.sub`` that keeps the offset map.

        Characters of a replacement map one to one onto the characters of the
        match while both last, the rest onto the match's last character, so a
        shortened or lengthened span still points inside what it replaced.
        """
        compiled = pattern if isinstance(pattern, regex.Pattern) else regex.compile(pattern, flags)
        pieces: list[str] = []
        offsets: list[int] = []
        last = 0
        changed = False
        for m in compiled.finditer(self.text):
            new = repl(m) if callable(repl) else m.expand(repl)
            if new == m.group(0):
                continue
            changed = True
            pieces.append(self.text[last:m.start()])
            offsets.extend(self.offsets[last:m.start()])
            pieces.append(new)
            width = m.end() - m.start()
            for i in range(len(new)):
                offsets.append(self.offsets[m.start() + min(i, max(width - 1, 0))])
            last = m.end()
        if not changed:
            return self
        pieces.append(self.text[last:])
        offsets.extend(self.offsets[last:])
        return MappedText("".join(pieces), tuple(offsets))

    def __add__(self, other: "MappedText") -> "MappedText":
        return MappedText(self.text + other.text, self.offsets[:-1] + other.offsets)
