"""Text that remembers where each character came from.

Every normalisation step (NFC, markup stripping, joining wrapped lines, OCR
repairs, legacy-encoding conversion) is a substitution on a ``MappedText``, so
the span of any part of the final text can be traced back to the source text:
that is what makes provenance exact.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable

import regex

Replacement = str | Callable[[regex.Match], str]


@dataclass(frozen=True)
class MappedText:
    """``text`` plus, for each of its characters, the source span it came from.

    ``starts[i]``/``ends[i]`` are the source offsets of character ``i``; a
    character made from several source characters (an NFC composition, a
    replaced sequence) spans all of them.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def identity(cls, text: str, base: int = 0) -> "MappedText":
        return cls(text, tuple(range(base, base + len(text))),
                   tuple(range(base + 1, base + len(text) + 1)))

    @classmethod
    def synthetic(cls, text: str, at: int) -> "MappedText":
        """Text that has no source of its own (a page separator), placed at source offset ``at``."""
        return cls(text, (at,) * len(text), (at,) * len(text))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source span of ``text[start:end]``: from its first character to after its last."""
        if not self.text:
            return 0, 0
        if end <= start:
            at = self.starts[start] if start < len(self.text) else self.ends[-1]
            return at, at
        return self.starts[start], self.ends[end - 1]

    def offset_of(self, source: int) -> int:
        """Offset in ``text`` of the first character read at or after source offset ``source``."""
        return bisect.bisect_left(self.starts, source)

    def sub(self, pattern: str | regex.Pattern, repl: Replacement, flags: int = 0) -> "MappedText":
        """``regex.sub`` that keeps the map.

        Characters of a replacement map one to one onto the characters of the
        match while both last; the last one also reaches to the match's end, so
        a shortened span still covers all it replaced.
        """
        compiled = pattern if isinstance(pattern, regex.Pattern) else regex.compile(pattern, flags)
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        changed = False
        for m in compiled.finditer(self.text):
            new = repl(m) if callable(repl) else m.expand(repl)
            if new == m.group(0):
                continue
            changed = True
            pieces.append(self.text[last:m.start()])
            starts.extend(self.starts[last:m.start()])
            ends.extend(self.ends[last:m.start()])
            pieces.append(new)
            width = m.end() - m.start()
            for i in range(len(new)):
                src = m.start() + min(i, max(width - 1, 0))
                starts.append(self.starts[src] if width else self._at(m.start()))
                last_char = i == len(new) - 1
                ends.append(self.ends[m.end() - 1] if width and last_char
                            else self.ends[src] if width else self._at(m.start()))
            last = m.end()
        if not changed:
            return self
        pieces.append(self.text[last:])
        starts.extend(self.starts[last:])
        ends.extend(self.ends[last:])
        return MappedText("".join(pieces), tuple(starts), tuple(ends))

    def _at(self, i: int) -> int:
        """Source offset of the position before character ``i`` (for inserted text)."""
        if i < len(self.text):
            return self.starts[i]
        return self.ends[-1] if self.text else 0

    def __add__(self, other: "MappedText") -> "MappedText":
        return MappedText(self.text + other.text, self.starts + other.starts, self.ends + other.ends)
