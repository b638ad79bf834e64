"""The per-edit map answers exactly as a map with one entry per character did.

``CharMap`` below is that map as it was written before runs (a start and an end per
character, every substitution rewriting them); random chains of substitutions and joins
run through both, and every question a caller can ask gets the same answer.
"""
from __future__ import annotations

import bisect
import html
import random
import unicodedata
from dataclasses import dataclass

import pytest
import regex

from pipeline.text.mapped_text import MappedText
from pipeline.text.normalize import FIRST_NFC_UNSTABLE, _nfc, normalize_text


@dataclass(frozen=True)
class CharMap:
    """The reference: one (start, end) per character."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def identity(cls, text, base=0):
        return cls(text, tuple(range(base, base + len(text))),
                   tuple(range(base + 1, base + len(text) + 1)))

    @classmethod
    def synthetic(cls, text, at):
        return cls(text, (at,) * len(text), (at,) * len(text))

    def source_span(self, start, end):
        if not self.text:
            return 0, 0
        if end <= start:
            at = self.starts[start] if start < len(self.text) else self.ends[-1]
            return at, at
        return self.starts[start], self.ends[end - 1]

    def offset_of(self, source):
        return bisect.bisect_left(self.starts, source)

    def sub(self, pattern, repl, flags=0):
        compiled = pattern if isinstance(pattern, regex.Pattern) else regex.compile(pattern, flags)
        pieces, starts, ends = [], [], []
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
        return CharMap("".join(pieces), tuple(starts), tuple(ends))

    def _at(self, i):
        if i < len(self.text):
            return self.starts[i]
        return self.ends[-1] if self.text else 0

    def __add__(self, other):
        return CharMap(self.text + other.text, self.starts + other.starts, self.ends + other.ends)


ALPHABET = ["a", "b", "ư", "Đ", " ", "  ", "\n", "\n\n", "*", "<i>", "</i>", "&amp;", "1",
            "e\u0301", "o\u0302\u0323", "\u0301", "|", "-", "Sở", "\t"]
PATTERNS = [r"\s+", r" {2,}", r"\n{2,}", r"<[^>]*>", r"\*+", r"&amp;", r"(?m)^ +", r"a", r"b",
            r"\X", r"(?<=a)", r"$", r"^", r"(\w)(\w)", r"[^\n]*\|[^\n]*", r"e\u0301", r"\d"]


def _replacement(rng: random.Random):
    """A literal (shorter, longer, empty, same length), a template or a function."""
    return rng.choice([
        "", " ", "\n", "XYZW", "-", r"\1", r"<\g<0>>",
        lambda m: unicodedata.normalize("NFC", m.group(0)),
        lambda m: m.group(0) * 2,
        lambda m: m.group(0)[:1],
        lambda m: m.group(0).upper(),
        lambda m: "",
    ])


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))


def _pair(rng: random.Random, base: int = 0):
    text = _random_text(rng)
    if rng.random() < 0.15:
        return MappedText.synthetic(text, base), CharMap.synthetic(text, base)
    return MappedText.identity(text, base), CharMap.identity(text, base)


def _edit(rng: random.Random, new: MappedText, old: CharMap):
    for _ in range(rng.randint(1, 6)):
        pattern = rng.choice(PATTERNS)
        repl = _replacement(rng)
        if isinstance(repl, str) and r"\1" in repl and not regex.compile(pattern).groups:
            repl = r"\g<0>\g<0>"
        new, old = new.sub(pattern, repl), old.sub(pattern, repl)
        if rng.random() < 0.3:
            base = rng.randint(0, 60)
            extra_new, extra_old = _pair(rng, base)
            if rng.random() < 0.5:
                new, old = new + extra_new, old + extra_old
            else:
                new, old = extra_new + new, extra_old + old
    return new, old


def _same_answers(new: MappedText, old: CharMap) -> None:
    assert new.text == old.text
    assert new.columns() == (old.starts, old.ends)
    assert tuple(new.starts) == old.starts and tuple(new.ends) == old.ends
    n = len(old.text)
    for start in range(n + 1):
        for end in range(n + 2):
            try:
                expected = old.source_span(start, end)
            except IndexError:
                with pytest.raises(IndexError):
                    new.source_span(start, end)
                continue
            assert new.source_span(start, end) == expected, (start, end)
    for source in range(-1, max(old.ends, default=0) + 3):
        assert new.offset_of(source) == old.offset_of(source), source


@pytest.mark.parametrize("seed", range(300))
def test_random_substitutions_answer_as_the_per_character_map(seed):
    rng = random.Random(seed)
    new, old = _edit(rng, *_pair(rng, rng.choice([0, 0, 7])))
    _same_answers(new, old)


def test_the_map_grows_with_the_edits_not_with_the_text():
    line = "Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan.\n"
    mapped = MappedText.identity(line * 20_000)
    assert mapped.runs == 1
    edited = mapped.sub(r"Nội vụ", "Tài chính")  # 20 000 edits, each its own run or two
    assert edited.runs <= 3 * 20_000 + 1
    assert edited.sub(r"\n", "\n").runs == edited.runs  # nothing changed: the same map
    same_text = mapped.sub(r"xyz", "")
    assert same_text is mapped


def test_columns_rebuild_the_same_map():
    old = CharMap.identity("ab  c\u0301 <i>d</i>").sub(r" {2,}", " ").sub(r"<[^>]*>", "")
    new = MappedText.identity("ab  c\u0301 <i>d</i>").sub(r" {2,}", " ").sub(r"<[^>]*>", "")
    rebuilt = MappedText(new.text, new.starts, new.ends)
    assert rebuilt == new and rebuilt.columns() == (old.starts, old.ends)
    assert MappedText(new.text, old.starts, old.ends) == new
    with pytest.raises(ValueError):
        MappedText("abc", (0, 1), (1, 2))


@pytest.mark.parametrize("raw", [
    "## **BÁO CÁO**\n\nKính gửi:  Sở Nội vụ   \n- Sở Tài  chính;\nnăm 2024\n\n\n\nHết",
    unicodedata.normalize("NFD", "Ủy ban nhân dân tỉnh Hà Tĩnh\nyêu cầu báo cáo trước ngày 5/4"),
    "Mục tiêu<sup>1</sup> <i>quan trọng</i> &amp; m<sup>2</sup>\n| a | <ul><li>x</li></ul> |",
    "\ufeffSố: 12/UBND-VP\r\n\u00a0V/v \\*ghi\\* chú\u200b\r\n* mục một\n",
    "A\u030a\u212b e\u0323\u0302 \u05b1\u05b0 \n\u0301x ộ\r\n\u0301",
    "\x1c  Sở Nội vụ\x1c \n\x1f", " \n Sở \n\n\n\n", "   \n\t ", "",
])
def test_normalisation_through_runs_matches_the_per_character_map(raw):
    """The normaliser's steps as first written, on the reference map, give the same map."""
    new = normalize_text(raw, base=3)
    old = CharMap.identity(raw, 3)
    for step in _NORMALIZE_STEPS:
        old = step(old)
    _same_answers(new, old)


def _footnotes_and_blocks(old: CharMap) -> CharMap:
    source = old.text  # as first written: the line test reads the text before footnotes go

    def block(m):
        line_start = source.rfind("\n", 0, m.start()) + 1
        return " " if source[line_start:m.start()].lstrip().startswith("|") else "\n"
    old = old.sub(regex.compile(
        r"(?<!\b(?:m|km|cm|dm|mm))<sup>\s*(?:\d{1,2}|\*+)\s*</sup>", regex.I), "")
    return old.sub(regex.compile(
        r"(?:\s*</?(?:ul|ol|li|p|div|br|tr|table|tbody|thead|h[1-6])\b[^<>]*>\s*)+", regex.I), block)


def _steps(*pairs):
    return [step if callable(step) else (lambda old, p=step, r=repl: old.sub(p, r))
            for step, repl in pairs]


# ``normalize_text``'s substitutions as first written (markdown on), for the reference map
_NORMALIZE_STEPS = _steps(
    (r"\X", lambda m: unicodedata.normalize("NFC", m.group(0))),
    (_footnotes_and_blocks, None),
    (regex.compile(r"</?(?:[a-z][a-z0-9]*)\b[^<>]*>", regex.I), ""),
    (regex.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]{2,8});", regex.I),
     lambda m: html.unescape(m.group(0))),
    (r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]", ""),
    (r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]", " "),
    (r"\r\n?", "\n"),
    (r"(?m)^[ \t]{0,3}#{1,6}[ \t]+", ""),
    (r"(?m)^([ \t]*)[*+][ \t]+", r"\1- "),
    (r"(?<!\()(?:\*{1,3}|_{2,3})(?!\))", ""),
    (r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1"),
    (regex.compile(r"[ \t]+$", regex.M), ""),
    (r"(?<=\S) {2,}(?=\S)", " "),
    (r"(?m)^ +", ""),
    (r"(?<=[\p{Ll}\p{Lu}\d,()\-–])\n(?=\p{Ll})(?![^\n]*\|)(?<![|][^\n]*\n)", " "),
    (r"\n{3,}", "\n\n"),
    (r"^\s+|\s+$", ""),
)


def test_no_code_point_below_the_first_unstable_one_changes_under_nfc():
    first = ord(FIRST_NFC_UNSTABLE)
    assert all(unicodedata.normalize("NFC", chr(c)) == chr(c) for c in range(first))
    assert unicodedata.normalize("NFC", FIRST_NFC_UNSTABLE) != FIRST_NFC_UNSTABLE


@pytest.mark.parametrize("seed", range(60))
def test_nfc_line_by_line_is_the_grapheme_substitution(seed):
    """NFC read only in the lines that need it gives the map of NFC over every grapheme."""
    rng = random.Random(seed)
    pieces = ["a", "e\u0301", "o\u0302\u0323", "\u0301", "\n", "\r\n", "\u00c5", "A\u030a",
              "\u212b", "\u0340", "\u1100\u1161", "\u01b0", " ", "\u05b1\u05b0", "\u0600", "1"]
    raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
    old = _NORMALIZE_STEPS[0](CharMap.identity(raw, 2))  # NFC over every grapheme
    _same_answers(_nfc(MappedText.identity(raw, 2)), old)
