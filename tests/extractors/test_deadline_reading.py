"""How the deadline extractor reads a document cheaply, checked against the plain readings it
stands for: sentence ends found by one ``finditer``, each rule's matches tried only at its
cue words (and only where the words its pattern spells out follow), look-backs searched only
where their words are, a numbered heading's body read only when asked."""
import pytest
import regex

from extractors import deadlines as d
from extractors.agencies import looks_like_agency
from extractors.dates import DATE_RANGE_RE, DAY_MONTH_DATE_RE, date_hit
from fixtures.long_dispatches import long_dispatch_text
from pipeline.settings import Settings
from pipeline.text.anchored import finditer_at
from pipeline.text.keys import single_spaced
from pipeline.text.normalize import normalize_text

# the sentence end as a look-behind before the white space (what _SENTENCE_STOP restates
# with the stop first): the reference the spans are checked against
_LOOKBEHIND_END = regex.compile(
    r"(?<=(?:[\p{Ll}\d)”\"%]|\p{Lu}{3,})[.;!?])\s+(?=[-+•]?\s*[\p{Lu}\d“\"(])")


def _texts(count=8):
    return [normalize_text(long_dispatch_text(i, md=i % 2 == 1)).text for i in range(count)]


def _reference_spans(line):
    start, out = 0, []
    for m in _LOOKBEHIND_END.finditer(line):
        out.append((start, m.start()))
        start = m.end()
    return out + [(start, len(line))]


@pytest.mark.parametrize("line", [
    "Báo cáo trước ngày 25/3/2024. Sở Nội vụ tổng hợp; Giao Sở Tài chính thẩm định.",
    "Theo Quyết định số 12/QĐ-UBND. - Các đơn vị thực hiện.   “Điều 3” nêu rõ.",
    "TP. Hồ Chí Minh và UBND. Tỉnh; còn lại! 5 đơn vị? (xem phụ lục)",
    "Kết thúc bằng dấu chấm.",
    "Hai khoảng\tcách.\t\tSau đó tiếp.  \u00a0Và nữa.",
    "",
])
def test_sentence_spans_are_where_the_look_behind_pattern_splits(line):
    assert list(d._sentence_spans(line)) == _reference_spans(line)


def test_sentence_spans_of_every_line_of_long_dispatches():
    lines = [line for text in _texts() for line in text.split("\n")]
    assert sum(len(_reference_spans(line)) > 1 for line in lines) > 50  # lines that split
    assert [list(d._sentence_spans(line)) for line in lines] == \
        [_reference_spans(line) for line in lines]


def _sentences_with_cues(texts):
    settings = Settings()
    for text in texts:
        index = d._CueIndex.of(text)
        for s in d.sentences(text, settings):
            cues = [(a - s.start, b) for a, b in zip(index.at, index.bits)
                    if s.start <= a < s.start + len(s.text)]
            if cues:
                yield s, cues, index.lowered[s.start:s.start + len(s.text)]


def test_each_rules_matches_are_finditer_at_its_cue_words():
    """The words a rule needs after its cue and the phrases that must open there only spare
    tries that cannot match: every rule finds what ``finditer`` at its cue words finds (a
    plain period only after a completion verb and without a year, as the period rule keeps)."""
    settings = Settings()
    p = d._patterns()
    lookback = settings.deadline_completion_lookback_chars
    checked = matched = 0
    for s, cues, low in _sentences_with_cues(_texts()):
        found = d._cue_matches(s.text, cues, settings, low)
        for rule in d._RULE_NAMES:
            pattern = d._relative_pattern(settings.deadline_anchor_max_chars) \
                if rule == "relative" else getattr(p, rule)
            bits = d._cue_bits(rule)
            want = [m.span() for m in finditer_at(pattern, s.text,
                                                  [at for at, b in cues if b & bits])
                    if rule != "weak_period" or not m.group("yy") and p.completion.search(
                        s.text[max(0, m.start() - lookback):m.start()])]
            assert [m.span() for m in found.get(rule, ())] == want, (rule, s.text)
            checked += 1
            matched += bool(want)
    assert matched > 50 and checked > 1000


def test_a_sentence_of_cue_words_only_is_left_unread():
    text = "Trong quá trình thực hiện, các đơn vị hoàn thành nhiệm vụ định kỳ theo quy định."
    assert d.extract_deadlines(text, "2024-01-15") == []
    settings = Settings()
    [s] = d.sentences(text, settings)
    index = d._CueIndex.of(text)
    cues = list(zip(index.at, index.bits))
    assert cues  # "trong", "hoàn", "định" (kỳ) begin in it
    assert d._cue_matches(s.text, cues, settings, text.lower()) == {}


@pytest.mark.parametrize("s", [
    "Sở Nội vụ tổng hợp", " lề trái", "lề phải ", "hai  khoảng", "tab\tở giữa",
    "xuống\ndòng", "không\u00a0ngắt", "dấu\u2028dòng", "phân\x1ccách", "", " ", "một",
])
def test_single_spaced_fast_path_is_single_spaced(s):
    assert d._single_spaced(s) == single_spaced(s)


def test_look_backs_searched_only_where_their_words_are_lose_nothing():
    """Wherever a look-back pattern matches before a cue, ``lacks`` says its words are there."""
    p = d._patterns()
    settings = Settings()
    tested = found = 0
    for s, cues, low in _sentences_with_cues(_texts()):
        r = d._Reading(s, "2024-01-15", settings, cues, 2024, {}, low)
        for at, _ in cues:
            for back in (settings.deadline_not_due_lookback_chars,
                         settings.deadline_yearly_lookback_chars,
                         settings.deadline_completion_lookback_chars):
                start = max(0, at - back)
                window = s.text[start:at]
                for pattern, words in ((p.not_due_before, p.not_due_words),
                                       (p.yearly_before, p.yearly_words),
                                       (p.completion, p.completion_words),
                                       (p.past, p.past_words)):
                    tested += 1
                    if pattern.search(window):
                        found += 1
                        assert not r.lacks(start, at, words), (pattern.pattern, window)
    assert found > 20 and tested > 1000


@pytest.mark.parametrize("before, not_due", [
    ("Văn bản này có hiệu lực ", True),
    ("Các đơn vị ĐÃ gửi ", True),
    ("Số liệu tính đến ", True),
    ("Các đơn vị gửi báo cáo ", False),
])
def test_not_due_reads_its_words_in_any_case(before, not_due):
    text = before + "trước ngày 30/6/2024."
    [s] = d.sentences(text, Settings())
    r = d._Reading(s, "2024-01-15", Settings())
    m = d._patterns().absolute.search(text)
    assert r.not_due(m) is not_due


def test_a_numbered_heading_is_read_for_its_body_only_when_a_sentence_asks():
    text = ("1. Sở Nội vụ\n\n"
            "- Báo cáo chậm nhất ngày 25/3/2024.\n\n"
            "a) Nội dung triển khai\n\n"
            "- Hoàn thành trước ngày 30/4/2024.\n\n"
            "2. Sở Tài chính\n\n"
            "- Tổng hợp số liệu.\n\n"
            "- Gửi báo cáo chậm nhất ngày 15/5/2024.\n")
    got = [(f.value.due_date, f.value.assignee) for f in d.extract_deadlines(text, "2024-01-15")]
    assert got == [("2024-03-25", "Sở Nội vụ"), ("2024-04-30", "Sở Nội vụ"),
                   ("2024-05-15", "Sở Tài chính")]
    # the headings of a line are a snapshot: a later heading does not change what an
    # earlier sentence is under, whenever it is asked
    headings = d._Headings(Settings())
    headings.read("1. Sở Nội vụ")
    first = headings.current
    headings.read("2. Sở Tài chính")
    assert (first.name(), headings.current.name()) == ("Sở Nội vụ", "Sở Tài chính")


@pytest.mark.parametrize("pattern, text, iso", [
    (DAY_MONTH_DATE_RE, "ngày 18 tháng 12 năm 2024", "2024-12-18"),
    (DAY_MONTH_DATE_RE, "30/6", "2023-06-30"),
    (DATE_RANGE_RE, "từ ngày 29/3/2024 đến ngày 05/4/2024", "2024-04-05"),  # no long-form groups
])
def test_date_hit_reads_the_groups_its_pattern_has(pattern, text, iso):
    assert date_hit(pattern.search(text)).iso(2023) == iso


def test_date_hit_of_a_pattern_without_date_groups_is_none():
    assert date_hit(regex.compile(r"(?P<x>\d+)").search("12")) is None


@pytest.mark.parametrize("text", [
    "Về İstanbul, giao Sở Nội vụ tổng hợp chậm nhất ngày 25/3/2024.",
    "Về dự án İ, đề nghị Sở Tài chính thẩm định, hoàn thành trong tháng 6 năm nay; "
    "trong vòng 10 ngày kể từ ngày nhận hồ sơ.",
    "İİİ Giao Sở Xây dựng báo cáo trước ngày 18 hằng tháng.",
])
def test_a_letter_that_lowers_to_two_reads_as_its_plain_twin(text):
    """"İ" lowers to two characters: no offset of the lower-cased text is used then, and the
    deadlines (spans, assignees) are those of the same text with a plain "I"."""
    def read(t):
        return [(f.start, f.end, f.value.kind, f.value.assignee, f.value.due_date,
                 f.value.recurrence, f.value.offset)
                for f in d.extract_deadlines(t, "2024-03-01")]
    assert len(text.lower()) != len(text)
    got = read(text)
    assert got and got == read(text.replace("İ", "I"))
    assert all(assignee for _, _, _, assignee, *_ in got)


def test_a_line_no_rule_can_match_in_has_no_sentence_with_a_match():
    """``_line_tries`` asks of the rest of the line what ``_cue_matches`` asks of the rest of
    the sentence: where it says no rule can match, no sentence of the line has a match; where
    it gives the rules to try, a sentence trying only those finds what ``_cue_matches`` finds."""
    settings = Settings()
    skipped = kept = 0
    for text in _texts():
        index = d._CueIndex.of(text)
        pos = 0
        for line in text.split("\n"):
            end = pos + len(line)
            cues = [k for k, a in enumerate(index.at) if pos <= a < end]
            if cues:
                tries = d._line_tries(index.lowered, index.at, index.bits, cues[0],
                                      cues[-1] + 1, pos, end, settings)
                found = []
                for start, stop in d._sentence_spans(line):
                    own = [k for k in cues if pos + start <= index.at[k] < pos + stop]
                    if own:
                        said, low = line[start:stop], index.lowered[pos + start:pos + stop]
                        want = d._cue_matches(said, [(index.at[k] - pos - start, index.bits[k])
                                                     for k in own], settings, low)
                        found.append(want)
                        if tries is not None:
                            got = d._tried_matches(
                                said, [(index.at[k] - pos - start, tries[k - cues[0]])
                                       for k in own], settings, low)
                            assert {r: [m.span() for m in ms] for r, ms in got.items()} == \
                                {r: [m.span() for m in ms] for r, ms in want.items()}, said
                assert tries is not None or not any(found), line
                skipped += tries is None
                kept += tries is not None and any(found)
            pos = end + 1
    assert skipped > 20 and kept > 20


def test_lazy_headings_are_the_headings_read_line_by_line():
    """``_LazyHeadings``, worked out up from a line when asked, name at every line the body
    ``_Headings`` names after reading every line down to it — asked in any order."""
    settings = Settings()
    texts = _texts(6) + [
        "I. Sở Nội vụ\n1. Nội dung\n- việc một;\na) Sở Y tế\n- việc hai;\n2. Chung\n- ba.\n",
        "Văn phòng UBND tỉnh:\n\n- gửi báo cáo.\nII. KHÁC\n\n  1.1. Sở Tài chính  \n- bốn;",
        "", "\n\n", "- chỉ có gạch đầu dòng;\n- và một dòng nữa.",
    ]
    compared = named = 0
    for text in texts:
        eager = d._Headings(settings)
        want = []
        for line in text.split("\n"):
            eager.read(line.strip())
            current = eager.current
            want.append(current.name() if current is not None else None)
        starts = [0]
        for line in text.split("\n")[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        for order in (starts, starts[::-1]):
            lazy = d._LazyHeadings(text, settings)
            got = {start: lazy.at(start).name() for start in order}
            assert [got[start] for start in starts] == want, text[:60]
        compared += len(starts)
        named += sum(w is not None for w in want)
    assert compared > 500 and named > 200


def _old_subject_upto(text, max_chars, whole=False):
    """``_subject_upto`` as it read before its first-letter tests: the reference."""
    lead = d._SUBJECT_LEAD.match(text)
    text_stripped = text[lead.end():] if lead else text
    shift = len(text) - len(text_stripped)
    if d._patterns().verb.match(text_stripped[:1].lower() + text_stripped[1:]):
        return None
    verb = d._patterns().verb.search(text_stripped)
    end = verb.start() if verb else len(text_stripped)
    if whole and end < len(text_stripped) - 1:
        return None
    name = text_stripped[:end].strip(" ,:;.-")
    if not name or len(name) > max_chars or not looks_like_agency(name):
        return None
    return name, shift + end


@pytest.mark.parametrize("clause, subject", [
    ("Gửi Văn phòng UBND tỉnh trước ngày 5/6", None),  # opens with its verb, capitalised
    ("gửi Văn phòng UBND tỉnh", None),
    ("Giao Sở Nội vụ chủ trì, phối hợp", "Sở Nội vụ"),
    ("Đối với Sở Tài chính: tổng hợp", "Sở Tài chính"),
    ("Riêng Công an tỉnh thực hiện", "Công an tỉnh"),
    ("Ủy ban nhân dân các huyện tổ chức", "Ủy ban nhân dân các huyện"),
    ("", None),
])
def test_a_subject_is_read_as_before_the_first_letter_tests(clause, subject):
    got = d._subject_upto.__wrapped__(clause, 200)
    assert got == _old_subject_upto(clause, 200)
    assert (got and got[0]) == subject


def test_subjects_of_every_clause_of_long_dispatches_are_read_as_before():
    """The lead and the opening verb are tried only after one of their first letters: every
    clause and line of the long dispatches gives the subject it gave."""
    settings = Settings()
    clauses = set()
    for text in _texts(4):
        for line in text.split("\n"):
            clauses.add(line.strip())
            for part in regex.split(r"[,;:]", line):
                clauses.update((part.strip() + " ", part.lstrip()[:1].lower() + part.strip()[1:]))
    found = 0
    for clause in clauses:
        for whole in (False, True):
            got = d._subject_upto.__wrapped__(clause, settings.deadline_max_assignee_chars, whole)
            assert got == _old_subject_upto(clause, settings.deadline_max_assignee_chars, whole)
            found += got is not None
    assert found > 20 and len(clauses) > 500


def test_a_sentence_left_unmatched_once_is_left_again_and_one_with_a_deadline_is_read_again():
    """Boilerplate with no deadline is kept as unmatched and skipped when it comes back; the
    same words with a deadline, or the deadline sentence itself, are read every time."""
    settings = Settings(deadline_anchor_max_chars=161)  # a cache of its own, empty
    boiler = "Kết quả thực hiện là tiêu chí đánh giá mức độ hoàn thành nhiệm vụ trong năm 2024."
    task = "Sở Y tế chủ trì, báo cáo trước ngày 30/6/2024."
    doc = f"{boiler} {task}\n\n{boiler}\n"
    first = d.extract_deadlines(doc, "2024-01-15", settings)
    assert boiler in d._unmatched(settings) and task not in d._unmatched(settings)
    again = d.extract_deadlines(f"{boiler} {task}\n", "2024-01-15", settings)
    assert [f.value for f in again] == [f.value for f in first] and len(first) == 1
    assert first[0].value.due_date == "2024-06-30" and first[0].value.assignee == "Sở Y tế"


def test_deadlines_of_documents_read_after_others_are_those_read_afresh():
    """The unmatched sentences kept from earlier documents change no later document's deadlines."""
    settings = Settings(deadline_anchor_max_chars=162)
    texts = _texts(6)
    warmed = [d.extract_deadlines(t, "2024-01-15", settings) for t in texts]
    assert len(d._unmatched(settings)) > 3
    for text, got in zip(texts, warmed):
        d._unmatched(settings).clear()
        assert d.extract_deadlines(text, "2024-01-15", settings) == got
