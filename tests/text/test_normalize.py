"""Normalisation keeps a map back to the source: every step is checked through it."""
import unicodedata

import pytest

from pipeline.text.keys import fold_diacritics, tone_key
from pipeline.text.normalize import normalize_text


@pytest.mark.parametrize("raw, expected", [
    # Markdown emphasis and headings
    ("## **BÁO CÁO**", "BÁO CÁO"),
    ("***Nơi nhận:***", "Nơi nhận:"),
    # a footnote star is kept
    ("Chỉ tiêu (*) đạt", "Chỉ tiêu (*) đạt"),
    # HTML left in text
    ("Mục tiêu<sup>1</sup> <i>quan trọng</i>", "Mục tiêu quan trọng"),
    ("m<sup>2</sup> đất", "m2 đất"),
    ("<ul><li>Một</li><li>Hai</li></ul>", "Một\nHai"),
    ("A&nbsp;B &amp; C", "A B & C"),
    # inside a Markdown table row block tags become spaces: the row stays one line
    ("| 1 | <ul><li>Một</li><li>Hai</li></ul> |", "| 1 | Một Hai |"),
    # hard-wrapped lines inside a block are joined; new sentences and bullets are not
    ("V/v chuẩn bị nội dung họp Ban Chỉ\nđạo CCHC", "V/v chuẩn bị nội dung họp Ban Chỉ đạo CCHC"),
    ("Dòng một.\nDòng hai", "Dòng một.\nDòng hai"),
    ("- Sở A;\n- Sở B.", "- Sở A;\n- Sở B."),
    # white space
    ("ngày   tháng 3  năm 2024   ", "ngày tháng 3 năm 2024"),
    ("a\n\n\n\nb", "a\n\nb"),
    # Markdown escapes
    (r"Số 1\. Nội dung", "Số 1. Nội dung"),
])
def test_normalize_text(raw, expected):
    assert normalize_text(raw).text == expected


def test_nfd_becomes_nfc_and_offsets_point_back():
    raw = unicodedata.normalize("NFD", "Kính gửi: Sở Nội vụ")
    mapped = normalize_text(raw)
    assert mapped.text == "Kính gửi: Sở Nội vụ"
    start = mapped.text.index("Sở")
    s, e = mapped.source_span(start, start + len("Sở Nội vụ"))
    assert unicodedata.normalize("NFC", raw[s:e]) == "Sở Nội vụ"


def test_offsets_survive_markup_stripping():
    raw = "**Số: 12/UBND-VP**\n\n<i>Kính gửi</i>: Sở Y tế"
    mapped = normalize_text(raw)
    i = mapped.text.index("12/UBND-VP")
    s, e = mapped.source_span(i, i + len("12/UBND-VP"))
    assert raw[s:e] == "12/UBND-VP"
    j = mapped.text.index("Sở Y tế")
    s, e = mapped.source_span(j, j + len("Sở Y tế"))
    assert raw[s:e] == "Sở Y tế"


@pytest.mark.parametrize("a, b", [("Hoà Bình", "hòa bình"), ("thuỷ lợi", "thủy lợi"),
                                  ("QUẢN LÝ", "quản lý")])
def test_tone_key_unifies_tone_placement(a, b):
    assert tone_key(a) == tone_key(b)


def test_tone_key_leaves_closed_syllables_alone():
    assert tone_key("kế hoạch") == "kế hoạch"


def test_fold_diacritics():
    assert fold_diacritics("Đặng Minh Thông") == "Dang Minh Thong"


@pytest.mark.parametrize("seed", range(20))
def test_star_bullets_are_looked_for_wherever_one_may_open_a_line(seed):
    """The bullet pass is run exactly when a line of the text opens with a star bullet."""
    import random

    from pipeline.text.normalize import _STAR_BULLET, _may_hold_a_bullet
    rng = random.Random(seed)
    pieces = ["*", "+", " ", "\t", "\n", "a", "Sở", "**", "\u2028", "-"]
    for _ in range(300):
        t = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert _may_hold_a_bullet(t) == bool(_STAR_BULLET.search(t)), repr(t)


@pytest.mark.parametrize("seed", range(10))
def test_a_blank_before_a_newline_is_found_as_by_two_searches(seed):
    """The trailing white space pass runs when a line ends in a space or a tab."""
    import random

    from pipeline.text.normalize import _BLANK_BEFORE_NEWLINE
    rng = random.Random(seed)
    pieces = [" ", "\t", "\n", "a", "ế", "\r", "\u00a0", "  "]
    for _ in range(300):
        t = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert (_BLANK_BEFORE_NEWLINE.search(t) is not None) == (" \n" in t or "\t\n" in t), repr(t)


@pytest.mark.parametrize("seed", range(10))
def test_emphasis_is_matched_as_with_the_look_behind_first(seed):
    """``_EMPHASIS`` tries its look-behind after the first marker: the same matches as the
    pattern written in reading order."""
    import random

    import regex

    from pipeline.text.normalize import _EMPHASIS
    plain = regex.compile(r"(?<!\()(?:\*{1,3}|_{2,3})(?!\))")
    rng = random.Random(seed)
    pieces = ["*", "**", "_", "__", "(", ")", "a", "ư", "\n", " ", "(*)", "***"]
    for _ in range(500):
        t = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert [m.span() for m in _EMPHASIS.finditer(t)] == [m.span() for m in plain.finditer(t)], \
            repr(t)
