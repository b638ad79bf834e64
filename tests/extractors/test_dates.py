import datetime as dt

import pytest
import regex

from extractors.dates import (DAY_MONTH_DATE, date_hit, find_date_hits, find_date_ranges, find_dates,
                              iso_before, iso_date, parse_filled_in_date, parse_vn_date, year_of)


@pytest.mark.parametrize("text, expected", [
    # long form
    ("Bà Rịa - Vũng Tàu, ngày 25 tháng 3 năm 2024", "2024-03-25"),
    ("Hà Nội, ngày 04 tháng 04 năm 2025", "2025-04-04"),
    # partial dates of drafts keep their precision
    ("Vũng Tàu, ngày   tháng 3 năm 2024", "2024-03"),
    ("Bà Rịa-Vũng Tàu, ngày tháng năm 2023", "2023"),
    ("Hà Nội, ngày … tháng … năm 2024", "2024"),
    # numeric, with stray spaces
    ("ngày 31 / 5 /2024", "2024-05-31"),
    ("trước ngày 14/3/2024", "2024-03-14"),
    ("ngày 05.4.2024", "2024-04-05"),
    # OCR split a two-digit day
    ("Cần Thơ, ngày 0 9 tháng 4 năm 2025", "2025-04-09"),
    # impossible dates are no dates
    ("ngày 30/02/2024", None),
    ("ngày 5 tháng năm 2024", None),
    ("Quý II/2024", None),
])
def test_parse_vn_date(text, expected):
    assert parse_vn_date(text) == expected


def test_find_dates_gives_spans_in_order():
    text = "từ ngày 29/3/2024 đến ngày 05 tháng 4 năm 2024"
    found = list(find_dates(text))
    assert [f.value for f in found] == ["2024-03-29", "2024-04-05"]
    assert text[found[0].start:found[0].end] == "29/3/2024"


def test_iso_date_precision():
    assert iso_date(2024) == "2024"
    assert iso_date(2024, 3) == "2024-03"
    assert iso_date(2024, 13) is None


# --- dates in body prose: the year may be left out --------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # (year, month, day) of each date, year None where the text leaves it out
    ("trước ngày 18 tháng 12", [(None, 12, 18)]),
    ("chậm nhất ngày 30/6", [(None, 6, 30)]),
    ("ngày 18 tháng 12 năm 2024", [(2024, 12, 18)]),
    ("ngày 18 tháng 12/2024", [(2024, 12, 18)]),
    ("25/3/2024, 25-3-2024 và 25.3.2024", [(2024, 3, 25)] * 3),
    ("từ 29 / 3 đến 05/4/2024", [(None, 3, 29), (2024, 4, 5)]),
    # not dates: impossible day/month, a normative number, 29/2 of a common year
    ("ngày 32/1, ngày 5/13", []),
    ("Nghị định số 2/2024/NĐ-CP", []),
    ("ngày 29/2/2023", []),
    # without a year 31/2 is kept: the year that decides it is not known yet
    ("ngày 31/2", [(None, 2, 31)]),
])
def test_find_date_hits(text, expected):
    assert [(h.year, h.month, h.day) for h in find_date_hits(text)] == expected


@pytest.mark.parametrize("text, default_year, iso, date", [
    ("trước ngày 18 tháng 12", 2024, "2024-12-18", dt.date(2024, 12, 18)),
    ("trước ngày 18 tháng 12", None, None, None),
    ("ngày 30/6/2025", 2024, "2025-06-30", dt.date(2025, 6, 30)),  # the text's year wins
    ("ngày 29/2", 2024, "2024-02-29", dt.date(2024, 2, 29)),
    ("ngày 29/2", 2023, None, None),  # no 29 February in 2023: no date, not an invalid one
])
def test_date_hit_default_year(text, default_year, iso, date):
    [hit] = find_date_hits(text)
    assert hit.iso(default_year) == iso
    assert hit.as_date(default_year) == date


def test_date_hit_span_and_embedding():
    text = "Hạn nộp: thứ Sáu, ngày 29/3/2024."
    m = regex.search(rf"thứ\s+\S+,\s*{DAY_MONTH_DATE}", text)
    hit = date_hit(m)
    assert (hit.year, hit.month, hit.day) == (2024, 3, 29)
    assert text[hit.start:hit.end] == "thứ Sáu, ngày 29/3/2024"
    [alone] = find_date_hits(text)
    assert text[alone.start:alone.end] == "ngày 29/3/2024"


@pytest.mark.parametrize("text, expected", [
    ("từ ngày 29/3/2024 đến ngày 05/4/2024", [("2024-03-29", "2024-04-05")]),
    # the start's year is the end's
    ("từ 29/3 đến hết ngày 05/4/2024", [("2024-03-29", "2024-04-05")]),
    ("Từ 01/12/2023 – 15/01/2024", [("2023-12-01", "2024-01-15")]),
    # kept even out of order: the validator reports it
    ("(từ ngày 15/12/2024 đến 14/3/2024)", [("2024-12-15", "2024-03-14")]),
    # no year anywhere, an impossible start, or an impossible end: no range
    ("từ 29/3 đến 05/4", []),
    ("từ 29/13 đến 05/4/2024", []),
    ("từ 29/3 đến 31/4/2024", []),
])
def test_find_date_ranges(text, expected):
    assert [(r.start_date, r.end_date) for r in find_date_ranges(text)] == expected


def test_date_range_span():
    text = "Thực hiện từ ngày 29/3/2024 đến ngày 05/4/2024."
    [r] = find_date_ranges(text)
    assert text[r.start:r.end] == "từ ngày 29/3/2024 đến ngày 05/4/2024"


@pytest.mark.parametrize("text, year_hint, expected", [
    ("06/10/2025", None, "2025-10-06"),
    ("06.10.25", 2025, "2025-10-06"),  # two-digit year
    ("6 - 10 - 2025", 2025, "2025-10-06"),
    ("06/10/2021", 2025, None),  # too far from the issue year
    ("06/10/2024", 2025, "2024-10-06"),  # received the year after it was issued: possible
    ("31/9/25", None, None),
    ("06/13/25", None, None),
    ("C", None, None),
])
def test_parse_filled_in_date(text, year_hint, expected):
    assert parse_filled_in_date(text, year_hint) == expected


@pytest.mark.parametrize("a, b, before", [
    ("2024-03-25", "2024-03-26", True),
    ("2024-03", "2024-03-26", False),  # same month: not before at the precision both have
    ("2024-02", "2024-03-26", True),
    ("2024-03-25", None, False),
])
def test_iso_before(a, b, before):
    assert iso_before(a, b) is before


def test_year_of():
    assert [year_of(x) for x in ("2024-03-25", "2024", None, "Q2")] == [2024, 2024, None, None]


def test_a_range_whose_start_does_not_exist_is_no_range():
    from extractors.dates import find_date_ranges
    assert find_date_ranges("từ ngày 29/2 đến ngày 01/3/2023") == []


def test_filled_in_date_settings():
    from pipeline.settings import Settings
    assert parse_filled_in_date("06 -/- 10 -/- 25", 2025) is None  # five characters between
    assert parse_filled_in_date("06 -/- 10 -/- 25", 2025, Settings(filled_in_date_max_gap=5)) == "2025-10-06"
    assert parse_filled_in_date("06/10/2021", 2025, Settings(filled_in_year_tolerance=4)) == "2021-10-06"


@pytest.mark.parametrize("word, index, code", [
    ("Hai", 0, "mon"), ("2", 0, "mon"), ("tư", 2, "wed"), ("Bảy", 5, "sat"),
    ("Chủ  nhật", 6, "sun"), ("CHỦ NHẬT", 6, "sun"),
])
def test_date_vocabulary_weekdays(word, index, code):
    from extractors.dates import date_vocabulary
    day = date_vocabulary().weekday(word)
    assert (day.index, day.code) == (index, code)


def test_date_vocabulary_has_no_unknown_weekday():
    from extractors.dates import date_vocabulary
    assert date_vocabulary().weekday("tám") is None


# --- alternations written as a tree (word_alternation) -------------------------------------

def _flat(words, as_written):
    """The alternation as it was written before the tree: longest first, one branch a phrase."""
    words = sorted(words, key=len, reverse=True)
    if as_written:
        return "|".join(regex.escape(w) for w in words)
    return "|".join(r"\s+".join(regex.escape(p) for p in w.split()) for w in words)


def _alternation_texts():
    from fixtures.long_dispatches import long_dispatch_text
    crafted = ("CHẬM NHẤT LÀ ngày 5/6, chậm  nhất\tvào 7/8; Chậm nhất trước; chậm nhấtlà; "
               "trước hoặc\ntrong; hoàn thành xong trước; thời hạn hoàn thành; hạn chót; "
               "Gửi Văn phòng; gửi; chủ trìa; phối hợpp; đã; Đã; ĐÃ; mười lăm; hai mươi mốt; "
               "số liệu năm 2024; Báo cáo năm; hằng năm; HÀNG NĂM; định kỳ năm; của mỗi tháng; "
               "Trong vòng 07 ngày làm việc; trong thời hạn 2 tuần; sau khi; Hiệu lực; ký kết")
    return [crafted] + [long_dispatch_text(i) for i in range(3)]


@pytest.mark.parametrize("key, as_written", [
    ("due_cues", True), ("period_cues", True), ("completion_verbs", True), ("every", True),
    ("action_verbs", True), ("assign_triggers", True), ("not_due_before", True),
    ("yearly_cues", True), ("recurring_cues", False), ("weak_period_cues", False),
    ("relative_cues", False), ("relative_units", False), ("directive_words", False),
    ("table_clause_cues", False), ("yearly_after", False), ("past_markers", False),
])
def test_a_tree_alternation_matches_what_the_longest_first_list_matches(key, as_written):
    """Tried at every place of real-looking text, in either case mode, and with what follows
    the phrase asked for (so that the engine must step back into the alternation), the tree
    gives the same match as the list it stands for."""
    from extractors.dates import word_alternation
    from pipeline.lexicon import load_lexicon
    words = list(load_lexicon("deadline_cues")[key])
    tree = word_alternation(words, as_written=as_written)
    assert tree != _flat(words, as_written) or len(words) < 2  # a tree where there is one
    checked = 0
    for flags in (0, regex.I):
        for tail in ("", r"\s+\d", r"(?:\s+là)?\s*\S"):
            old = regex.compile(f"(?:{_flat(words, as_written)}){tail}", flags)
            new = regex.compile(f"(?:{tree}){tail}", flags)
            for text in _alternation_texts():
                for at in range(len(text)):
                    a, b = old.match(text, at), new.match(text, at)
                    assert (a and a.span()) == (b and b.span()), (key, text[at:at + 30])
                    checked += a is not None
    assert checked > 0


def test_number_and_weekday_words_match_as_before():
    from extractors.dates import date_vocabulary
    vocab = date_vocabulary()
    units = [w for w in vocab.units if w not in vocab.not_in_patterns]
    first = _flat([*units, vocab.ten, vocab.tens], False)
    then = _flat([*units, vocab.tens], False)
    old = regex.compile(rf"(?:\d{{1,3}}|(?:{first})(?:\s+(?:{then}))*)", regex.I)
    new = regex.compile(vocab.number_pattern(), regex.I)
    for text in ["mười lăm ngày", "hai mươi mốt", "Ba mươi", "bảy", "mười", "07", "mươi lăm"] \
            + _alternation_texts()[1:2]:
        for at in range(len(text)):
            a, b = old.match(text, at), new.match(text, at)
            assert (a and a.span()) == (b and b.span())


def test_phrases_that_differ_by_case_alone_stay_a_plain_list():
    """Two branches one of which matches the other ignoring case could be tried in another
    order in a tree: such a list is written as it was."""
    from extractors.dates import word_alternation
    assert word_alternation(["UBND", "ubnd tỉnh"]) == r"ubnd\s+tỉnh|UBND"
    assert word_alternation(["giao cho", "giao"], as_written=True) == r"giao(?:\ cho)?"
    assert word_alternation(["kể từ", "kể từ khi"], in_order=True) == r"kể\s+từ|kể\s+từ\s+khi"
