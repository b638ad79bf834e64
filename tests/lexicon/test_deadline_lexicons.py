"""Integrity of the date and deadline lexicons (``dates_vocabulary.yaml``,
``deadline_cues.yaml``), the way dateparser checks its language data: each entry has its
keys with their types, nothing is listed twice, text is NFC and lower case where matching
expects it, the weekday table is a week, number words read as their values — and every cue
compiles into its pattern and reads an example sentence.
"""
from __future__ import annotations

from collections import Counter

import pytest

from extractors.dates import date_vocabulary
from extractors.deadlines import _patterns, _relative_pattern, extract_deadlines, table_deadlines, vn_number
from fixtures.lexicons import strings_in
from pipeline.lexicon import load_lexicon
from pipeline.settings import DEFAULT_SETTINGS, Confidence
from pipeline.text.spans import Found
from schemas import Table

CUES = load_lexicon("deadline_cues")
VOCAB = load_lexicon("dates_vocabulary")
ISSUED = "2024-03-25"


def _kinds(text: str) -> list[tuple]:
    return [(f.value.kind, f.value.due_date, f.value.recurrence or f.value.period or f.value.offset)
            for f in extract_deadlines(text, ISSUED)]


# --- both files (loading, NFC, spaces: test_lexicons.py checks every lexicon) -------

def test_matched_words_are_lower_case():
    # patterns match ignoring case (action verbs: lower case only) and handlers compare
    # the lower-cased match with the entry; a weekday's label is for messages only
    labels = {d["label"] for d in VOCAB["weekdays"]}
    words = [s for s in strings_in(VOCAB) + strings_in(CUES) if s not in labels]
    assert [s for s in words if s != s.lower()] == []


# --- dates_vocabulary.yaml -------------------------------------------------------------

def test_weekday_entries_have_their_keys():
    for day in VOCAB["weekdays"]:
        assert set(day) == {"index", "code", "label", "after_thu", "names"}, day
        assert isinstance(day["index"], int) and isinstance(day["code"], str), day
        assert isinstance(day["label"], str) and day["label"], day
        assert all(isinstance(w, str) for w in day["after_thu"] + day["names"]), day
        assert day["after_thu"] or day["names"], f"{day['code']}: no way to write it"


def test_the_weekday_table_is_a_week():
    days = VOCAB["weekdays"]
    assert [d["index"] for d in days] == list(range(7))  # Monday first, as datetime counts
    assert len({d["code"] for d in days}) == 7 and len({d["label"] for d in days}) == 7
    words = [w for d in days for w in d["after_thu"] + d["names"]]
    assert len(words) == len(set(words)), "a word names two days"


def test_weekday_digits_are_their_day_in_vietnamese_counting():
    # "thứ 2" is Monday: the digit is the index plus two (Sunday has no digit)
    for day in date_vocabulary().weekdays:
        for w in day.after_thu:
            if w.isdigit():
                assert int(w) == day.index + 2, day


def test_number_words_map_to_ints():
    numbers = VOCAB["number_words"]
    assert set(numbers) == {"units", "ten", "tens", "not_in_patterns"}
    units = numbers["units"]
    assert all(isinstance(v, int) and 1 <= v <= 9 for v in units.values()), units
    assert set(range(1, 10)) <= set(units.values()), "a digit without its word"
    assert isinstance(numbers["ten"], str) and isinstance(numbers["tens"], str)
    assert numbers["ten"] not in units and numbers["tens"] not in units
    assert set(numbers["not_in_patterns"]) <= set(units)


@pytest.mark.parametrize("word, value", sorted(VOCAB["number_words"]["units"].items()))
def test_every_number_word_reads_as_its_value(word, value):
    assert vn_number(word) == value
    assert vn_number(f"{VOCAB['number_words']['ten']} {word}") == 10 + value


@pytest.mark.parametrize("word", sorted(set(VOCAB["number_words"]["units"])
                                        - set(VOCAB["number_words"]["not_in_patterns"])))
def test_every_number_word_is_read_in_a_relative_deadline(word):
    value = VOCAB["number_words"]["units"][word]
    assert _kinds(f"Cơ quan tiếp nhận trả lời trong vòng hai mươi {word} ngày.") == [
        ("relative", None, f"{20 + value}d")]


@pytest.mark.parametrize("day", date_vocabulary().weekdays[:6], ids=lambda d: d.code)
def test_every_weekday_word_reads_a_weekly_rule(day):
    for w in day.after_thu:
        assert _kinds(f"Các đơn vị báo cáo trước thứ {w} hằng tuần.") == [
            ("recurring", None, f"weekly:{day.code}")], w


def test_every_weekday_name_is_known_to_the_vocabulary():
    vocab = date_vocabulary()
    for day in vocab.weekdays:
        for w in (*day.after_thu, *day.names):
            assert vocab.weekday(w.upper()) == day


# --- deadline_cues.yaml: schema ------------------------------------------------------------

STRING_KEYS = {"table_date_cue", "table_period_cue"}
MAPPING_KEYS = {"relative_units"}


def test_every_key_is_a_list_of_words_or_its_own_kind():
    for key, value in CUES.items():
        if key in STRING_KEYS:
            assert isinstance(value, str) and value, key
        elif key in MAPPING_KEYS:
            assert isinstance(value, dict) and value, key
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()), key
        else:
            assert isinstance(value, list) and value, key
            assert all(isinstance(w, str) and w for w in value), key


@pytest.mark.parametrize("key", sorted(k for k, v in CUES.items() if isinstance(v, list)))
def test_no_entry_is_listed_twice(key):
    words = CUES[key]
    assert [w for w, n in Counter(words).items() if n > 1] == []


def test_subsets_are_subsets():
    assert set(CUES["weak_due_cues"]) <= set(CUES["due_cues"])
    assert set(CUES["relative_vague_cues"]) <= set(CUES["relative_cues"])


def test_relative_unit_codes_are_distinct():
    codes = list(CUES["relative_units"].values())
    assert len(codes) == len(set(codes))


def test_every_pattern_compiles():
    _patterns()
    _relative_pattern(DEFAULT_SETTINGS.deadline_anchor_max_chars)


# --- deadline_cues.yaml: every cue reads its example ----------------------------------------

@pytest.mark.parametrize("cue", CUES["due_cues"])
def test_due_cue(cue):
    m = _patterns().absolute.search(f"Các đơn vị gửi báo cáo {cue} ngày 30/6/2024.")
    assert m and m.group("cue").lower() == cue
    [(kind, due, _)] = _kinds(f"Các đơn vị gửi báo cáo {cue} ngày 30/6/2024.")
    assert (kind, due) == ("absolute", "2024-06-30")


@pytest.mark.parametrize("cue", CUES["weak_due_cues"])
def test_weak_due_cue_gives_a_weak_deadline(cue):
    [found] = extract_deadlines(f"Các đơn vị gửi báo cáo {cue} ngày 30/6/2024.", ISSUED)
    assert found.confidence == Confidence.WEAK
    [firm] = extract_deadlines("Các đơn vị gửi báo cáo chậm nhất ngày 30/6/2024.", ISSUED)
    assert firm.confidence == Confidence.CUED


@pytest.mark.parametrize("cue", CUES["period_cues"])
def test_period_cue(cue):
    m = _patterns().period.search(f"Sở Y tế {cue} Quý II/2024.")
    assert m and m.group("cue").lower() == cue
    assert _kinds(f"Sở Y tế {cue} Quý II/2024.") == [("period", "2024-06", "2024-Q2")]


@pytest.mark.parametrize("verb", CUES["completion_verbs"])
def test_completion_verb(verb):
    assert _patterns().completion.search(f"Công trình {verb}").group(0) == verb


@pytest.mark.parametrize("cue", CUES["weak_period_cues"])
def test_weak_period_cue_after_a_completion_verb(cue):
    assert _patterns().weak_period.search(f"trả hồ sơ {cue} tháng 6/2024").group("cue") == cue
    assert _kinds(f"Công trình được đưa vào sử dụng {cue} tháng 6/2024.") == [
        ("period", "2024-06", "2024-06")]
    assert _kinds(f"Kết quả giải quyết hồ sơ {cue} tháng 6/2024.") == []


@pytest.mark.parametrize("word", CUES["not_due_before"])
def test_not_due_before(word):
    assert _kinds("Văn bản gửi trước ngày 30/6/2024.") != []
    assert _kinds(f"Văn bản {word} trước ngày 30/6/2024.") == []


@pytest.mark.parametrize("word", CUES["every"])
def test_every(word):
    assert _kinds(f"Báo cáo trước ngày 18 {word} tháng.") == [("recurring", None, "monthly:18")]


@pytest.mark.parametrize("cue", CUES["yearly_cues"])
def test_yearly_cue(cue):
    assert _kinds(f"Gửi {cue} trước ngày 18 tháng 12.") == [("recurring", None, "yearly:12-18")]


@pytest.mark.parametrize("words", CUES["yearly_after"])
def test_yearly_after(words):
    assert _kinds(f"Các sở gửi kế hoạch trước ngày 20 tháng 10 {words}.") == [
        ("recurring", None, "yearly:10-20")]


@pytest.mark.parametrize("trigger", CUES["assign_triggers"])
def test_assign_trigger(trigger):
    text = f"{trigger.capitalize()} Sở Nội vụ tổng hợp báo cáo chậm nhất ngày 28/3/2024."
    [found] = extract_deadlines(text, ISSUED)
    assert found.value.assignee == "Sở Nội vụ"


@pytest.mark.parametrize("verb", CUES["action_verbs"])
def test_action_verb_ends_the_assignee(verb):
    assert _patterns().verb.search(f"Sở Nội vụ {verb} việc này").group(0) == verb
    # matched case-sensitively: capitalised, it is part of a name ("Sở Xây dựng")
    assert not _patterns().verb.match(verb.capitalize())


@pytest.mark.parametrize("cue", CUES["recurring_cues"] + CUES["recurring_cues_monthly"])
def test_recurring_cue_monthly(cue):
    assert _kinds(f"Báo cáo {cue} ngày 18 hằng tháng.") == [("recurring", None, "monthly:18")]


@pytest.mark.parametrize("cue", CUES["recurring_cues"])
def test_recurring_cue_quarterly_and_weekly(cue):
    assert _kinds(f"Báo cáo {cue} ngày 18 của tháng cuối quý.") == [
        ("recurring", None, "quarterly:last_month:18")]
    assert _kinds(f"Báo cáo {cue} thứ Sáu hằng tuần.") == [("recurring", None, "weekly:fri")]


@pytest.mark.parametrize("cue", CUES["recurring_cues"] + CUES["recurring_cues_daily"])
def test_recurring_cue_daily(cue):
    assert _kinds(f"Báo cáo {cue} 15 giờ 00 hằng ngày.") == [("recurring", None, "daily:15:00")]


@pytest.mark.parametrize("word", CUES["directive_words"])
def test_directive_word_makes_a_range_a_deadline(word):
    range_ = "tổ chức lớp học từ ngày 29/3/2024 đến ngày 05/4/2024."
    assert _kinds(f"Văn phòng {range_}") == []
    assert _kinds(f"Văn phòng {word} {range_}") == [("range", "2024-04-05", None)]


@pytest.mark.parametrize("word", CUES["past_markers"])
def test_past_marker(word):
    assert _patterns().past.search(f"các đơn vị {word} gửi")
    assert _kinds(f"Các đơn vị {word} gửi báo cáo trước ngày 30/4/2024.") == []


@pytest.mark.parametrize("cue", CUES["relative_cues"])
def test_relative_cue(cue):
    m = _relative_pattern(DEFAULT_SETTINGS.deadline_anchor_max_chars).search(
        f"thẩm định {cue} 07 ngày kể từ ngày nhận đủ hồ sơ")
    assert m and m.group("cue") == cue
    assert _kinds(f"Sở Tài chính thẩm định {cue} 07 ngày kể từ ngày nhận đủ hồ sơ.") == [
        ("relative", None, "7d")]


@pytest.mark.parametrize("cue", CUES["relative_vague_cues"])
def test_relative_vague_cue_needs_an_anchor_or_working_days(cue):
    assert _kinds(f"Cơ quan tiếp nhận trả lời {cue} 3 ngày.") == []
    assert _kinds(f"Cơ quan tiếp nhận trả lời {cue} 3 ngày làm việc.") == [("relative", None, "3wd")]


@pytest.mark.parametrize("unit, code", sorted(CUES["relative_units"].items()))
def test_relative_unit(unit, code):
    assert _kinds(f"Cơ quan tiếp nhận trả lời trong vòng 07 {unit}.") == [("relative", None, f"7{code}")]


@pytest.mark.parametrize("cue", CUES["relative_anchor_cues"])
def test_relative_anchor_cue(cue):
    [found] = extract_deadlines(f"Sở Tài chính thẩm định trong vòng 07 ngày {cue} nhận đủ hồ sơ.",
                                ISSUED)
    assert found.value.anchor == f"{cue} nhận đủ hồ sơ"


@pytest.mark.parametrize("cue", CUES["table_clause_cues"])
def test_table_clause_cue(cue):
    assert _patterns().table_clause.match(f"{cue.capitalize()} 30/6/2024")


@pytest.mark.parametrize("cell, expected", [
    ("31/5/2024", ("absolute", "2024-05-31", None)),        # table_date_cue
    ("Quý II/2024", ("period", "2024-06", "2024-Q2")),      # table_period_cue
])
def test_table_fill_in_cues(cell, expected):
    table = Table(columns=["Nhiệm vụ", "Thời hạn hoàn thành"],
                  rows=[{"Nhiệm vụ": "Số hóa sổ hộ tịch", "Thời hạn hoàn thành": cell}])
    [found] = table_deadlines([Found(table, 0, 10)], ISSUED)
    d = found.value
    assert (d.kind, d.due_date, d.period) == expected
