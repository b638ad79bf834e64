"""The hot deadline patterns run by the standard library's ``re`` (``stdlib_form``) match what
``regex`` matches: the classes spelt out take the characters ``regex`` takes, every letter of
a pattern that ignores case matches the characters it matches under ``regex``, and every
pattern matches the same spans and groups at every place of real text."""
import re
import sys
from array import array

import pytest
import regex

from extractors import deadlines as d
from extractors.dates import DATE_RANGE_RE, DAY_MONTH_DATE_RE, stdlib_form
from fixtures.long_dispatches import long_dispatch_text
from pipeline.settings import Settings
from pipeline.text.normalize import normalize_text


@pytest.fixture(scope="module")
def every_character():
    codes = array("I", range(0xD800))
    codes.extend(range(0xE000, sys.maxunicode + 1))
    return codes.tobytes().decode(f"utf-32-{sys.byteorder[0]}e")


def _pairs():
    """(name, the pattern as regex runs it, as the extractor runs it) of every fast pattern."""
    fast, slow = d._patterns(), d._regex_patterns()
    anchor = Settings().deadline_anchor_max_chars
    return [(name, getattr(slow, name), getattr(fast, name)) for name in d._FAST] + [
        ("relative", d._relative_regex(anchor), d._relative_pattern(anchor))]


def test_the_hot_patterns_are_run_by_re():
    assert all(isinstance(fast, re.Pattern) for _, _, fast in _pairs())
    assert isinstance(stdlib_form(DAY_MONTH_DATE_RE), re.Pattern)


@pytest.mark.parametrize("source", [r"[\p{L}]", r"(?<![\p{L}])", r"\d", r"\s", r"\s+\d"])
@pytest.mark.parametrize("flags", [0, regex.I])
def test_classes_spelt_out_take_the_characters_regex_takes(every_character, source, flags):
    slow = regex.compile(source + "." if source.startswith("(?<") else source, flags | regex.S)
    fast = stdlib_form(slow)
    assert isinstance(fast, re.Pattern)
    assert [m.span() for m in fast.finditer(every_character)] == \
        [m.span() for m in slow.finditer(every_character)]


@pytest.mark.parametrize("source", [r"\w+", r"\bx", r"[\d/]x", r"\S", r"\p{Lu}", r"[[a]b]"])
def test_what_re_has_not_or_means_otherwise_stays_with_regex(source):
    pattern = regex.compile(source, regex.I)
    assert stdlib_form(pattern) is pattern


def test_each_letter_of_the_patterns_ignoring_case_matches_what_it_matches_in_regex(
        every_character):
    letters = {c for _, slow, _ in _pairs() if slow.flags & regex.I
               for c in slow.pattern if c.isalpha()}
    assert len(letters) > 40
    odd = 0
    for c in sorted(letters):
        slow = regex.compile(regex.escape(c), regex.I)
        fast = stdlib_form(slow)
        assert isinstance(fast, re.Pattern)
        assert fast.findall(every_character) == slow.findall(every_character), c
        # the letters re alone would match more or fewer characters with ("İ" for "i")
        odd += re.findall(c, every_character, re.I) != slow.findall(every_character)
    assert odd  # "i" and "I": the test can see a difference


_ODD = ["Giao Sở Nội vụ báo cáo trước ngày ٢٥/٣/٢٠٢٤ và chậm nhất\x1cngày 5/4/2024.",
        "x²trước ngày 5/6/2024; ͅtrước ngày 6/6/2024; Ⅻtừ 1/2 đến 3/4/2024",
        "TRƯỚC NGÀY 18 HẰNG THÁNG, trước 15 GIỜ 00 hằng ngày, Hoàn Thành Trong Quý II/2024",
        "trong vòng mười lăm ngày kể từ ngày nhận được văn bản; sau 10 ngày làm việc",
        "chậm nhất\u00a0ngày\u200930/6/2024, trước 17h30 ngày 1-7-2024, từ 29/3 – 05/4/2024"]


def test_the_fast_patterns_match_as_regex_does_at_every_place():
    texts = [normalize_text(long_dispatch_text(i, md=i % 2 == 1)).text for i in range(3)] + _ODD
    matched = 0
    for name, slow, fast in _pairs():
        for text in texts:
            for at in range(len(text)):
                a, b = slow.match(text, at), fast.match(text, at)
                assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict())), \
                    (name, text[at:at + 60])
                matched += a is not None
            assert [m.span() for m in slow.finditer(text)] == \
                [m.span() for m in fast.finditer(text)], name
    assert matched > 500


def test_a_date_range_run_by_re_is_read_as_by_regex():
    m = stdlib_form(DATE_RANGE_RE).search("từ ngày 29/3/2024 đến ngày 05/4/2024")
    assert (m.group("sd"), m.group("sm"), m.group("d"), m.group("m"), m.group("y")) == \
        ("29", "3", "05", "4", "2024")
