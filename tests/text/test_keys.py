"""Keys and spacing helpers: the shortcuts answer as the plain substitution does."""
import random

import pytest
import regex

from pipeline.text.keys import one_spaced

_SPACES = regex.compile(r"\s+")


@pytest.mark.parametrize("seed", range(40))
def test_one_spaced_is_the_substitution(seed):
    rng = random.Random(seed)
    pieces = ["a", "Sở", " ", "  ", "\t", "\n", "\u00a0", "\x1c", "\u2003", "1", ";", "\r\n"]
    for _ in range(200):
        s = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert one_spaced(s) == _SPACES.sub(" ", s)


def test_one_spaced_keeps_a_string_that_needs_nothing():
    s = "Sở Nội vụ tỉnh Bà Rịa - Vũng Tàu"
    assert one_spaced(s) is s


def test_every_white_space_but_the_plain_space_is_unprintable():
    # one_spaced's shortcut: a printable string holds no white space but " "
    spaces = [c for c in map(chr, range(0x110000)) if _SPACES.match(c)]
    assert " " in spaces and len(spaces) > 20
    assert all(not c.isprintable() for c in spaces if c != " ")
