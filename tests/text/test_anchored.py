"""Matching tried only where a pattern can begin gives exactly ``finditer``'s matches; the
fast white-space squeeze gives exactly the regex one."""
from __future__ import annotations

import random

import pytest
import regex

from pipeline.text.anchored import anchored_finditer, finditer_at
from pipeline.text.keys import single_spaced

WORDS = ["trước", "TRƯỚC", "Trước", "chậm nhất", "chậm\nnhất", "ngày", "25/3/2024", "5/4", "hạn",
         "thời hạn", "xong", "trong", "vào", "sau", "15", "giờ", " ", "  ", "\n", ",", ".", "a",
         "chậmnhất", "İ", "hằng tháng", "quý II"]
PATTERNS = [
    # a cue alternation behind a look-behind, as the deadline rules are built
    (regex.compile(r"(?<![\p{L}])(?P<cue>chậm nhất|thời hạn|trước|xong|hạn)\s*(?:ngày\s+)?"
                   r"(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}))?", regex.I),
     ("chậm", "thời", "trước", "xong", "hạn")),
    (regex.compile(r"(?:trước|vào|chậm\s+nhất)\s+(?:ngày\s+)?(?P<n>\d{1,2})\s+hằng\s+tháng",
                   regex.I), ("trước", "vào", "chậm")),
    (regex.compile(r"(?<![\p{L}])(?:trong|vào)\s+quý\s+(?:IV|I{1,3})", regex.I), ("trong", "vào")),
    # case-sensitive: lower-cased words still find every place it can begin
    (regex.compile(r"(?<![\p{L}])(?:trước|sau)(?![\p{L}])"), ("trước", "sau")),
]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) + rng.choice(["", " "]) for _ in range(rng.randint(0, 30)))


@pytest.mark.parametrize("seed", range(200))
def test_anchored_matches_are_finditer_matches(seed):
    rng = random.Random(seed)
    text = _text(rng)
    for pattern, first_words in PATTERNS:
        expected = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
        got = [(m.span(), m.groupdict()) for m in anchored_finditer(pattern, text, first_words)]
        assert got == expected, (pattern.pattern, text)


def test_finditer_at_goes_on_after_each_match():
    pattern = regex.compile(r"(?<=[.;])\s+(?=\p{Lu})")
    line = "Một câu.  Hai câu; Ba. bốn. Năm"
    starts = [i + 1 for i, c in enumerate(line) if c in ".;"]
    assert [m.span() for m in finditer_at(pattern, line, starts)] == \
        [m.span() for m in pattern.finditer(line)]


@pytest.mark.parametrize("seed", range(100))
def test_single_spaced_is_the_regex_squeeze(seed):
    rng = random.Random(seed)
    s = "".join(rng.choice(["a", "Sở", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\x1c", "\x1f",
                            "\u2028", "\x85", ".", "-"]) for _ in range(rng.randint(0, 25)))
    assert single_spaced(s) == regex.sub(r"\s+", " ", s).strip()
