"""NFC of a fresh page, its map written at once, is the map built edit by edit before.

``_edit_by_edit`` below is that algorithm as it was (each line that is not NFC read
grapheme by grapheme, each change a ``replace_spans`` edit, the lines joined); random texts
of every kind of character NFC touches, and the generated NFD dispatches, must give the same
text and the same runs (not only the same start and end per character: ``_Runs.copy``
relies on no two runs of a map joining).
"""
from __future__ import annotations

import random
import unicodedata

import pytest
import regex
from fixtures.long_dispatches import long_dispatch_text

from pipeline.text import normalize
from pipeline.text.mapped_text import MappedText
from pipeline.text.normalize import _nfc, normalize_text

_GRAPHEME = regex.compile(r"\X")


def _edit_by_edit(source: str, base: int) -> MappedText:
    """The reference: ``_nfc`` of ``MappedText.identity(source, base)`` edit by edit."""
    pieces = []
    kept = pos = 0
    for line in source.split("\n"):
        end = pos + len(line)
        if not unicodedata.is_normalized("NFC", line):
            if pos > kept:
                pieces.append((MappedText.identity(source[kept:pos]), base + kept))
            edits = []
            for m in _GRAPHEME.finditer(line):
                new = unicodedata.normalize("NFC", m.group())
                if new != m.group():
                    edits.append((m.start(), m.end(), new))
            pieces.append((MappedText.identity(line).replace_spans(edits), base + pos))
            kept = end
        pos = end + 1
    if kept < len(source):
        pieces.append((MappedText.identity(source[kept:]), base + kept))
    return MappedText.joined(pieces)


def _runs(mapped: MappedText):
    return mapped.text, mapped._t, mapped._a, mapped._b, mapped._step


def _same_as_before(source: str, base: int = 0) -> MappedText:
    normalize._nfc_line.cache_clear()  # each line mapped afresh, not served from the cache
    new = _nfc(MappedText.identity(source, base))
    assert _runs(new) == _runs(_edit_by_edit(source, base))
    assert new.text == unicodedata.normalize("NFC", source)
    return new


# NFD Vietnamese: bases, the five tone marks, circumflex, breve, horn; tab, CR, LF
# (and U+0340, U+0341: the old grave and acute tone marks, NFC turns them into U+0300, U+0301)
_VIETNAMESE = ["a", "e", "o", "u", "y", "d", "đ", " ", ",", "–", "\t", "\r", "\n", "\r\n",
               "\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b",
               "ơ", "ệ", "Ế", "\u0340", "\u0341"]
# and what else NFC touches: a grapheme NFC makes 2+ characters of (U+0344), marks it
# reorders (q + U+0302 + U+0323), Hangul jamo, singletons (U+212B Å, U+2126 Ω, U+0340),
# U+0345 (iota subscript), a grapheme joiner (U+034F), Hebrew points, a prepended U+0600
_EVERYTHING = _VIETNAMESE + ["q", "A\u030a", "\u00c5", "\u212b", "\u2126", "\u0340", "\u0344",
                             "\u0345", "\u034f", "\u1100", "\u1161", "\u11a8", "\uac00",
                             "\u05b1", "\u05b0", "\u0600", "\u0928\u093c", "\u09c7\u09be"]


@pytest.mark.parametrize("pieces", [_VIETNAMESE, _EVERYTHING], ids=["vietnamese", "everything"])
@pytest.mark.parametrize("seed", range(150))
def test_random_texts_map_as_before(pieces, seed):
    rng = random.Random(seed)
    source = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 80)))
    _same_as_before(source, rng.choice([0, 7]))


@pytest.mark.parametrize("source", [
    "a\u0344b",                                   # one grapheme made two characters
    "\u0344x\n\u0301\u0302y",                     # marks opening the text, a line
    "q\u0302\u0323 a\u0302\u0323",                # marks reordered; reordered and composed
    "\u1100\u1161\u11a8 \uac00\u11a8",            # Hangul jamo composed; LV + T
    "\u212b \u2126\u2126 A\u030a",                # singletons, alone and side by side
    "Kính gửi\r\n" + unicodedata.normalize("NFD", "Sở Nội vụ\r\n\r\n") + "Hà Nội\n",
    unicodedata.normalize("NFD", "Nơi nhận:\n\n- Như trên;\n") + "đã ký\n\t\u0301\u0302",
    unicodedata.normalize("NFD", "Quyết định " * 300),   # a line past the cache's limit
    "\u0301",
    "\u0340a\u0341 a\n\u0341\u0340\t\u0340",          # singletons in a plain text
    "\u0341ab e\u0301\nx",                            # one opening the text, then a stretch
    # "é" + U+0301: NFC (no letter is both), the rest of the page NFD
    unicodedata.normalize("NFD", "Kính gửi: Sở Nội vụ\n") + "\u00e9\u0301 ệ",
    "e\u0301\u0301\u0323",
])
def test_the_hard_cases_map_as_before(source):
    _same_as_before(source, 3)


@pytest.mark.parametrize("i", [5, 22, 39, 1, 2])
def test_nfd_dispatches_map_as_before_written_at_once(i):
    source = unicodedata.normalize("NFD", long_dispatch_text(i, md=i % 3 == 2))
    new = _same_as_before(source, 11)
    # the whole page went the fast way: split at the mark runs, its runs written at once
    assert normalize._nfc_plain(source, 11) == new
    # and the normalised text reads the same spans as the NFC twin's, through the NFD source
    twin = normalize_text(unicodedata.normalize("NFC", source))
    mapped = normalize_text(source)
    assert mapped.text == twin.text
    for m in regex.finditer(r"\w+", mapped.text[:3000]):
        s, e = mapped.source_span(*m.span())
        assert unicodedata.normalize("NFC", source[s:e]) == m.group()


def _plain_chars() -> list[str]:
    """The characters a plain text may hold (``normalize._NOT_PLAIN``), marks aside."""
    chars = [chr(c) for c in range(0x2200) if not normalize._NOT_PLAIN.match(chr(c))]
    assert normalize._NOT_PLAIN.match("\u2200") and normalize._NOT_PLAIN.match("\u0370")
    return [c for c in chars if not regex.match(r"\p{Mn}", c)]


def _second_of_a_composition() -> set[str]:
    """Every character some canonical composition takes after a first one."""
    out = set()
    for c in range(0x110000):
        d = unicodedata.decomposition(chr(c)).split()
        if len(d) == 2 and not d[0].startswith("<"):
            out.add(chr(int(d[1], 16)))
    return out


def test_in_a_plain_text_only_a_mark_run_and_the_character_before_it_change():
    seconds = _second_of_a_composition()
    plain = _plain_chars()
    assert "\t" in plain and "\n" in plain and "ơ" in plain and "₫" in plain
    for c in plain:
        assert unicodedata.normalize("NFC", c) == c, hex(ord(c))
        assert c not in seconds, hex(ord(c))  # composes with nothing before it
        assert unicodedata.combining(c) == 0, hex(ord(c))  # no mark is reordered past it
        before, after = _GRAPHEME.findall("a" + c), _GRAPHEME.findall(c + "a")
        assert len(before) == 2 and len(after) == 2, hex(ord(c))  # a grapheme of its own
        expected = [c, "\u0301"] if c in "\t\n\r" else [c + "\u0301"]  # marks join it
        assert _GRAPHEME.findall(c + "\u0301") == expected, hex(ord(c))
    for mark in map(chr, range(0x300, 0x370)):
        assert normalize._MARKED.fullmatch("a" + mark + mark)
        assert _GRAPHEME.findall("a" + mark + "\u0323") == ["a" + mark + "\u0323"]
