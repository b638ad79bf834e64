"""Text that remembers where each character came from.

Every normalisation step (NFC, markup stripping, joining wrapped lines, OCR
repairs, legacy-encoding conversion) is a substitution on a ``MappedText``, so
the span of any part of the final text can be traced back to the source text:
that is what makes provenance exact.

The map is kept as runs, one per edit rather than one entry per character: a run
of text characters either advances with the source (characters copied one for one)
or stays at one source span (what a replacement longer than its match adds). A
substitution costs the regex pass plus the edits it makes.
"""
from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Callable

import regex

Replacement = str | Callable[[regex.Match], str]


class _Runs:
    """Runs of a map, built in text order.

    Run ``k`` covers text offsets ``t[k]`` up to the next run's start; character ``i`` in
    it came from ``a[k] + step[k]·(i − t[k])`` to ``b[k] + step[k]·(i − t[k])`` in the
    source, ``step`` being 1 (copied) or 0 (all from one span).
    """

    __slots__ = ("t", "a", "b", "step", "length")

    def __init__(self) -> None:
        self.t: list[int] = []
        self.a: list[int] = []
        self.b: list[int] = []
        self.step: list[int] = []
        self.length = 0

    def add(self, n: int, a: int, b: int, step: int) -> None:
        """``n`` more characters from ``a``/``b`` on, advancing by ``step``."""
        if n <= 0:
            return
        if self.t:
            k = len(self.t) - 1
            size = self.length - self.t[k]
            s = self.step[k]
            if (s == step or n == 1) and a == self.a[k] + s * size and b == self.b[k] + s * size:
                self.length += n
                return
            if size == 1 and step == 1 and a == self.a[k] + 1 and b == self.b[k] + 1:
                self.step[k] = 1  # a lone character that a copied run continues
                self.length += n
                return
        self.t.append(self.length)
        self.a.append(a)
        self.b.append(b)
        self.step.append(step)
        self.length += n

    def copy(self, other: "MappedText", lo: int, hi: int) -> None:
        """The map of ``other``'s characters ``lo`` … ``hi`` (exclusive), appended."""
        if hi <= lo:
            return
        t, a, b, step = other._t, other._a, other._b, other._step
        k = bisect.bisect_right(t, lo) - 1
        last = bisect.bisect_right(t, hi - 1) - 1  # the run of the last character copied
        if last - k > 2:
            # the first run (part of it), the next one by ``add`` (either may join the run
            # before), the whole runs between them as they are (no two of them join: ``add``
            # built them), the last run (part of it): a text edited in thousands of places
            # (an NFD file) is copied in slices rather than run by run
            self.copy(other, lo, t[k + 2])
            shift = self.length - t[k + 2]
            # (no shift when nothing before them changed length: the slice as it is)
            self.t.extend(map(shift.__add__, t[k + 2:last]) if shift else t[k + 2:last])
            self.a.extend(a[k + 2:last])
            self.b.extend(b[k + 2:last])
            self.step.extend(step[k + 2:last])
            self.length += t[last] - t[k + 2]
            self.copy(other, t[last], hi)
            return
        i = lo
        while i < hi:
            end = t[k + 1] if k + 1 < len(t) else len(other.text)
            stop = min(end, hi)
            d = step[k] * (i - t[k])
            self.add(stop - i, a[k] + d, b[k] + d, step[k])
            i = stop
            k += 1


    def copy_shifted(self, other: "MappedText", shift: int) -> None:
        """All of ``other``'s map appended, its source offsets moved by ``shift``: its first
        two runs by ``add`` (either may join the run before), the rest as they are (``add``
        built them: no two join), moved in C (``map``) rather than run by run."""
        t, a, b, step = other._t, other._a, other._b, other._step
        bounds = (*t[1:], len(other.text))
        for k in range(min(2, len(t))):
            self.add(bounds[k] - t[k], a[k] + shift, b[k] + shift, step[k])
        if len(t) > 2:
            moved = self.length - t[2]
            self.t.extend(map(moved.__add__, t[2:]) if moved else t[2:])
            self.a.extend(map(shift.__add__, a[2:]) if shift else a[2:])
            self.b.extend(map(shift.__add__, b[2:]) if shift else b[2:])
            self.step.extend(step[2:])
            self.length += len(other.text) - t[2]


class _Column(Sequence):
    """``starts`` or ``ends`` of a map read through its runs (what ``bisect`` probes)."""

    __slots__ = ("_map", "_ends")

    def __init__(self, mapped: "MappedText", ends: bool) -> None:
        self._map = mapped
        self._ends = ends

    def __len__(self) -> int:
        return len(self._map.text)

    def __getitem__(self, i):  # an int only: what bisect asks
        return self._map._end(i) if self._ends else self._map._start(i)

    def __iter__(self):
        return iter(self._map.columns()[self._ends])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (_Column, tuple, list)):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # equal to a tuple, so not hashable as one


class MappedText:
    """``text`` plus, for each of its characters, the source span it came from.

    ``starts[i]``/``ends[i]`` are the source offsets of character ``i``; a
    character made from several source characters (an NFC composition, a
    replaced sequence) spans all of them. ``MappedText(text, starts, ends)`` builds
    one from those columns.
    """

    def __init__(self, text: str, starts: Sequence[int], ends: Sequence[int]) -> None:
        if len(starts) != len(text) or len(ends) != len(text):
            raise ValueError("MappedText: one start and one end per character")
        runs = _Runs()
        if (isinstance(starts, _Column) and isinstance(ends, _Column)
                and starts._map is ends._map and not starts._ends and ends._ends):
            runs.copy(starts._map, 0, len(text))  # another map's columns: its runs
        else:
            for s, e in zip(starts, ends):
                runs.add(1, s, e, 1)
        self._set(text, runs)

    def _set(self, text: str, runs: _Runs) -> None:
        self.text = text
        self._t, self._a, self._b, self._step = (
            tuple(runs.t), tuple(runs.a), tuple(runs.b), tuple(runs.step))

    @classmethod
    def _of(cls, text: str, runs: _Runs) -> "MappedText":
        out = cls.__new__(cls)
        out._set(text, runs)
        return out

    @classmethod
    def from_runs(cls, text: str, t: list[int], a: list[int], b: list[int],
                  step: list[int]) -> "MappedText":
        """A map given as its runs (``_Runs``' columns), as ``_Runs.add`` would have built
        them: the caller's word that no run joins the one before it (``copy`` relies on it)."""
        out = cls.__new__(cls)
        out.text = text
        out._t, out._a, out._b, out._step = tuple(t), tuple(a), tuple(b), tuple(step)
        return out

    @classmethod
    def identity(cls, text: str, base: int = 0) -> "MappedText":
        runs = _Runs()
        runs.add(len(text), base, base + 1, 1)
        return cls._of(text, runs)

    @classmethod
    def synthetic(cls, text: str, at: int) -> "MappedText":
        """Text that has no source of its own (a page separator), placed at source offset ``at``."""
        runs = _Runs()
        runs.add(len(text), at, at, 0)
        return cls._of(text, runs)

    @classmethod
    def joined(cls, pieces: list[tuple["MappedText", int]]) -> "MappedText":
        """The pieces' texts one after another, each piece's source offsets moved by the
        number beside it."""
        runs = _Runs()
        for piece, shift in pieces:
            runs.copy_shifted(piece, shift)
        return cls._of("".join(piece.text for piece, _ in pieces), runs)

    def identity_base(self) -> int | None:
        """The source offset of the first character when every character maps to itself
        from there on (``identity``: a fresh page), else ``None``."""
        if len(self._t) == 1 and self._step[0] == 1 and self._b[0] == self._a[0] + 1:
            return self._a[0]
        return None

    # --- reading the map ------------------------------------------------------------

    @property
    def runs(self) -> int:
        """How many runs hold the map (what its size grows with: the edits, not the text)."""
        return len(self._t)

    def _run(self, i: int) -> tuple[int, int]:
        """(run, offset into it) of character ``i``; negative ``i`` counts from the end."""
        n = len(self.text)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("MappedText index out of range")
        k = bisect.bisect_right(self._t, i) - 1
        return k, self._step[k] * (i - self._t[k])

    def _start(self, i: int) -> int:
        k, d = self._run(i)
        return self._a[k] + d

    def _end(self, i: int) -> int:
        k, d = self._run(i)
        return self._b[k] + d

    @property
    def starts(self) -> Sequence[int]:
        """Source start of every character (a view: read through the runs)."""
        return _Column(self, ends=False)

    @property
    def ends(self) -> Sequence[int]:
        """Source end of every character (a view: read through the runs)."""
        return _Column(self, ends=True)

    def columns(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """``(starts, ends)`` written out, one entry per character."""
        starts: list[int] = []
        ends: list[int] = []
        bounds = (*self._t[1:], len(self.text))
        for t, stop, a, b, step in zip(self._t, bounds, self._a, self._b, self._step):
            n = stop - t
            starts.extend(range(a, a + n) if step else (a,) * n)
            ends.extend(range(b, b + n) if step else (b,) * n)
        return tuple(starts), tuple(ends)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MappedText):
            return NotImplemented
        return self.text == other.text and self.columns() == other.columns()

    def __hash__(self) -> int:
        return hash((self.text, self.columns()))

    def __repr__(self) -> str:
        return f"MappedText({self.text!r}, runs={self.runs})"

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source span of ``text[start:end]``: from its first character to after its last."""
        if not self.text:
            return 0, 0
        if end <= start:
            at = self._start(start) if start < len(self.text) else self._end(-1)
            return at, at
        return self._start(start), self._end(end - 1)

    def offset_of(self, source: int) -> int:
        """Offset in ``text`` of the first character read at or after source offset ``source``."""
        return bisect.bisect_left(self.starts, source)

    # --- editing --------------------------------------------------------------------

    def sub(self, pattern: str | regex.Pattern, repl: Replacement, flags: int = 0) -> "MappedText":
        """``regex.sub`` that keeps the map.

        Characters of a replacement map one to one onto the characters of the
        match while both last; the last one also reaches to the match's end, so
        a shortened span still covers all it replaced.
        """
        compiled = pattern if isinstance(pattern, regex.Pattern) else regex.compile(pattern, flags)
        # a template without a backslash is the replacement itself (no group to expand)
        literal = repl if isinstance(repl, str) and "\\" not in repl else None
        text = self.text
        edits: list[tuple[int, int, str]] = []
        for m in compiled.finditer(text):
            new = literal if literal is not None else repl(m) if callable(repl) else m.expand(repl)
            s, e = m.span()
            if new != text[s:e]:
                edits.append((s, e, new))
        return self.replace_spans(edits)

    def replace_spans(self, edits: list[tuple[int, int, str]]) -> "MappedText":
        """``text`` with each ``text[s:e]`` replaced by ``new`` (``edits``: ``(s, e, new)`` in
        order, not overlapping), the map kept as ``sub`` keeps it."""
        if not edits:
            return self
        if len(self._t) == 1:
            return self._replace_in_one_run(edits)
        text = self.text
        pieces: list[str] = []
        runs = _Runs()
        last = 0
        for s, e, new in edits:
            pieces.append(text[last:s])
            runs.copy(self, last, s)
            pieces.append(new)
            n = len(new)
            if n and s == e:  # an insertion: placed before the character that follows
                at = self._at(s)
                runs.add(n, at, at, 0)
            elif n:
                # one for one while both last; the rest from the match's last character on
                k = min(n, e - s) - 1
                runs.copy(self, s, s + k)
                runs.add(n - k, self._start(s + k), self._end(e - 1), 0)
            last = e
        pieces.append(text[last:])
        runs.copy(self, last, len(text))
        return MappedText._of("".join(pieces), runs)

    def _replace_in_one_run(self, edits: list[tuple[int, int, str]]) -> "MappedText":
        """``replace_spans`` on a map of one run (a fresh page: NFC comes first), with its
        offsets computed in line rather than looked up."""
        text = self.text
        a0, b0, step = self._a[0], self._b[0], self._step[0]
        pieces: list[str] = []
        runs = _Runs()
        add = runs.add
        last = 0
        for s, e, new in edits:  # (``add`` adds nothing for no character: not called then)
            pieces.append(text[last:s])
            if s > last:
                add(s - last, a0 + step * last, b0 + step * last, step)
            pieces.append(new)
            n = len(new)
            if n and s == e:  # an insertion: placed before the character that follows
                at = a0 + step * s if s < len(text) else b0 + step * (len(text) - 1)
                add(n, at, at, 0)
            elif n:
                k = min(n, e - s) - 1
                if k > 0:
                    add(k, a0 + step * s, b0 + step * s, step)
                add(n - k, a0 + step * (s + k), b0 + step * (e - 1), 0)
            last = e
        pieces.append(text[last:])
        add(len(text) - last, a0 + step * last, b0 + step * last, step)
        return MappedText._of("".join(pieces), runs)

    def _at(self, i: int) -> int:
        """Source offset of the position before character ``i`` (for inserted text)."""
        if i < len(self.text):
            return self._start(i)
        return self._end(-1) if self.text else 0

    def __add__(self, other: "MappedText") -> "MappedText":
        runs = _Runs()
        runs.copy(self, 0, len(self.text))
        runs.copy(other, 0, len(other.text))
        return MappedText._of(self.text + other.text, runs)
