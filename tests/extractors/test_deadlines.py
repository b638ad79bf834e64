"""Deadlines: one table row per form (absolute, range, recurring, relative, period)."""
import json

import pytest

from extractors.deadlines import extract_deadlines, vn_number
from pipeline.settings import Confidence, Settings
from pipeline.text.normalize import normalize_text


def deadlines(text, issued="2024-03-25"):
    return [f.value for f in extract_deadlines(normalize_text(text).text, issued)]


def brief(text, issued="2024-03-25"):
    return [(d.kind, d.due_date, d.recurrence or d.period or d.offset)
            for d in deadlines(text, issued)]


@pytest.mark.parametrize("text, expected", [
    # absolute: chậm nhất, bold markup around it
    ("- Báo cáo kết quả gửi Sở Nội vụ **chậm nhất ngày 27/3/2024**.",
     [("absolute", "2024-03-27", None)]),
    # absolute: trước ngày
    ("Giao các cơ quan, đơn vị báo cáo UBND tỉnh trước ngày 31/5/2024.",
     [("absolute", "2024-05-31", None)]),
    # absolute: hạn chót with a colon
    ("Hạn chót: 15/4/2024, các đơn vị gửi hồ sơ về Sở Tư pháp.", [("absolute", "2024-04-15", None)]),
    # absolute: hoàn thành trước, written-out date
    ("Sở Xây dựng hoàn thành trước ngày 30 tháng 6 năm 2024.", [("absolute", "2024-06-30", None)]),
    # absolute: year implied by the issue date
    ("Các đơn vị gửi báo cáo chậm nhất ngày 05/4.", [("absolute", "2024-04-05", None)]),
    # range: in a directive, due date is its end
    ("3. Giao Văn phòng UBND tỉnh bố trí lịch họp từ ngày 29/3/2024 đến ngày 05/4/2024.",
     [("range", "2024-04-05", None)]),
    # range: a reporting period is no deadline
    ("Tình hình giải quyết hồ sơ (từ ngày 15/12/2023 đến 14/3/2024): tổng số 7.245 hồ sơ.", []),
    # recurring: monthly, hằng and hàng
    ("Gửi Văn phòng UBND tỉnh tổng hợp trước ngày 18 hàng tháng.", [("recurring", None, "monthly:18")]),
    ("Báo cáo trước ngày 20 hằng tháng.", [("recurring", None, "monthly:20")]),
    # recurring: quarterly and yearly in one sentence
    ("Số liệu quý trước ngày 18 của tháng cuối quý, số liệu năm trước ngày 18 tháng 12.",
     [("recurring", None, "quarterly:last_month:18"), ("recurring", None, "yearly:12-18")]),
    # recurring: yearly with "hằng năm" after the date
    ("Các sở gửi kế hoạch trước ngày 20 tháng 10 hằng năm.", [("recurring", None, "yearly:10-20")]),
    # recurring: daily with a time
    ("Các địa phương báo cáo trước 15 giờ 00 hằng ngày.", [("recurring", None, "daily:15:00")]),
    # relative: trong vòng N ngày kể từ
    ("Sở Tài chính thẩm định trong vòng 07 ngày kể từ ngày nhận đủ hồ sơ.",
     [("relative", None, "7d")]),
    # relative: working days, number in words
    ("Cơ quan tiếp nhận trả lời sau mười ngày làm việc.", [("relative", None, "10wd")]),
    # period: quarter, implied year
    ("Sở Y tế hoàn thành trong Quý II.", [("period", "2024-06", "2024-Q2")]),
    # period: first half of the year
    ("Hoàn thành trước 6 tháng đầu năm 2024.", [("period", "2024-06", "2024-H1")]),
    # period: a month
    ("Dự án phải hoàn thành trong tháng 06/2024.", [("period", "2024-06", "2024-06")]),
    # not a deadline: validity
    ("Quyết định này có hiệu lực từ ngày 01/7/2024.", []),
    # not a deadline: a cited document's date
    ("Căn cứ Công văn số 867/UBND-SNV ngày 19/01/2024 của UBND tỉnh.", []),
    # not a deadline: a past event
    ("Ngày 19/01/2024, UBND tỉnh đã ban hành Công văn trước ngày 25/3/2024.", []),
    # not a deadline: before the issue date
    ("Các đơn vị đã gửi báo cáo trước ngày 10/3/2024.", []),
    # not a deadline: a plain mention of a quarter
    ("Kết quả thực hiện nhiệm vụ Quý I/2024 và phương hướng Quý II/2024.", []),
])
def test_deadline_forms(text, expected):
    assert brief(text) == expected


def test_time_of_day_is_kept():
    [d] = deadlines("Gửi hồ sơ về Sở Nội vụ trước 17 giờ 00 ngày 26/10/2024.")
    assert (d.kind, d.due_date, d.time) == ("absolute", "2024-10-26", "17:00")


@pytest.mark.parametrize("text, assignee, action", [
    # "Giao X verb …"
    ("- Giao Sở Nội vụ tổng hợp báo cáo UBND tỉnh chậm nhất ngày 28/3/2024.",
     "Sở Nội vụ", "tổng hợp báo cáo UBND tỉnh"),
    # a name with a comma, ended by the verb
    ("2. Giao các cơ quan, đơn vị xây dựng Kế hoạch, báo cáo UBND tỉnh trước ngày 31/5/2024.",
     "các cơ quan, đơn vị", "xây dựng Kế hoạch, báo cáo UBND tỉnh"),
    # "Sở X chủ trì …" at the start; "Sở Xây dựng" is a name, not the verb "xây dựng"
    ("Sở Xây dựng chủ trì, phối hợp rà soát quy hoạch, hoàn thành trước ngày 30/4/2024.",
     "Sở Xây dựng", "chủ trì, phối hợp rà soát quy hoạch"),
    # yêu cầu
    ("Yêu cầu Công an tỉnh báo cáo kết quả chậm nhất ngày 10/4/2024.", "Công an tỉnh",
     "báo cáo kết quả"),
])
def test_assignee_in_the_sentence(text, assignee, action):
    [d] = deadlines(text)
    assert (d.assignee, d.action) == (assignee, action)


def test_assignee_from_numbered_heading():
    text = ("1. Các cơ quan hành chính thuộc UBND tỉnh; UBND các huyện, thị xã, thành phố\n\n"
            "- Báo cáo tiến độ gửi Sở Nội vụ chậm nhất ngày 25/3/2024.\n\n"
            "2. Đối với các cơ quan thường trực Ban Chỉ đạo CCHC\n\n"
            "- Đề xuất khâu đột phá chậm nhất ngày 27/3/2024.\n\n"
            "- Giao Sở Nội vụ tổng hợp chậm nhất ngày 28/3/2024.\n")
    got = [(d.due_date, d.assignee) for d in deadlines(text)]
    assert got == [
        ("2024-03-25", "Các cơ quan hành chính thuộc UBND tỉnh; UBND các huyện, thị xã, thành phố"),
        ("2024-03-27", "các cơ quan thường trực Ban Chỉ đạo CCHC"),
        ("2024-03-28", "Sở Nội vụ"),
    ]


def test_assignee_from_bold_heading_and_agency_id():
    text = ("## **2. Sở Thông tin và Truyền thông**\n\n"
            "- Gửi Văn phòng UBND tỉnh tổng hợp trước ngày 18 hàng tháng.\n")
    [d] = deadlines(text, "2023")
    assert (d.assignee, d.agency_id) == ("Sở Thông tin và Truyền thông", "so-thong-tin-truyen-thong")


def test_table_lines_are_not_prose():
    text = "| 1 | Sở Nội vụ | Công văn số 657/SNV-VP, hạn chót ngày 12/4/2024 |\n"
    assert deadlines(text) == []


@pytest.mark.parametrize("words, n", [("07", 7), ("mười", 10), ("mười lăm", 15),
                                      ("ba mươi", 30), ("hai mươi mốt", 21), ("abc", None)])
def test_vn_number(words, n):
    assert vn_number(words) == n


def test_seed_deadlines(shared_dir):
    """On the seeds: due dates, recurring rules and assignees of the gold labels."""
    from pipeline.extract import extract_file
    for gold_path in sorted((shared_dir / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if "deadlines" not in gold:
            continue
        record = extract_file(shared_dir / "seeds" / gold["file"])
        spec = gold["deadlines"]
        got = {d.due_date[:10] for d in record.deadlines if d.due_date}
        assert got - set(spec.get("optional_due_dates", [])) == set(spec["due_dates"]), gold["file"]
        for phrase in spec.get("recurring_text", []):
            assert any(d.kind == "recurring" and phrase in d.text for d in record.deadlines), phrase
        for item in spec.get("assignees", []):
            assert any(d.due_date == item["due_date"] and item["assignee_contains"].lower()
                       in (d.assignee or "").lower() for d in record.deadlines), item


def test_a_plain_unit_column_names_the_assignee_of_a_task_table():
    from extractors.deadlines import table_deadlines
    from pipeline.text.spans import Found
    from schemas import Table

    table = Table(columns=["STT", "Đơn vị", "Nhiệm vụ", "Thời hạn hoàn thành"],
                  rows=[{"STT": "1", "Đơn vị": "Sở Tư pháp", "Nhiệm vụ": "Số hóa sổ hộ tịch",
                         "Thời hạn hoàn thành": "31/5/2024"}])
    [found] = table_deadlines([Found(table, 0, 10)], "2024-03-20")
    assert (found.value.due_date, found.value.assignee) == ("2024-05-31", "Sở Tư pháp")


@pytest.mark.parametrize("text, confidence", [
    ("Báo cáo trước ngày 20 hằng tháng.", Confidence.CUED),                # recurring
    ("Báo cáo trước thứ Sáu hằng tuần.", Confidence.CUED_LOOSELY),          # a weekday
    ("Các sở gửi kế hoạch trước ngày 20 tháng 10 hằng năm.", Confidence.CUED_LOOSELY),
    ("3. Giao Văn phòng UBND tỉnh bố trí lịch họp từ ngày 29/3/2024 đến ngày 05/4/2024.",
     Confidence.INFERRED),                                                  # a range's end
    ("Các đơn vị gửi báo cáo chậm nhất ngày 05/4/2024.", Confidence.CUED),
    ("Các đơn vị gửi báo cáo trước ngày 05/4/2024.", Confidence.WEAK),      # a weak cue
    ("Sở Y tế hoàn thành trong Quý II.", Confidence.GUESSED),               # a period's end
    ("Sở Tài chính thẩm định trong vòng 07 ngày kể từ ngày nhận đủ hồ sơ.", Confidence.WEAK),
])
def test_confidence_of_each_kind(text, confidence):
    [found] = extract_deadlines(normalize_text(text).text, "2024-03-25")
    assert found.confidence == confidence


def test_settings_are_threaded_to_the_rules():
    text = "Quy định có hiệu lực trước ngày 30/6/2024."
    assert extract_deadlines(text, "2024-03-25") == []
    blind = Settings(deadline_not_due_lookback_chars=0)
    [found] = extract_deadlines(text, "2024-03-25", blind)
    assert found.value.due_date == "2024-06-30"
    text = "Sở Tài chính thẩm định trong vòng 07 ngày kể từ ngày nhận đủ hồ sơ của tổ chức."
    [short] = extract_deadlines(text, "2024-03-25", Settings(deadline_anchor_max_chars=10))
    assert short.value.anchor == "kể từ ngày nhận"
    [cut] = extract_deadlines("Giao Sở Nội vụ tổng hợp báo cáo chậm nhất ngày 28/3/2024.", "2024-03-25",
                              Settings(deadline_max_action_chars=8))
    assert cut.value.action == "tổng hợp"


def test_a_table_cell_is_no_surer_than_a_secondary_place():
    from extractors.deadlines import table_deadlines
    from pipeline.text.spans import Found
    from schemas import Table

    table = Table(columns=["Nhiệm vụ", "Thời hạn hoàn thành"],
                  rows=[{"Nhiệm vụ": "Số hóa", "Thời hạn hoàn thành": "Chậm nhất ngày 31/5/2024"}])
    [found] = table_deadlines([Found(table, 0, 10)], "2024-03-20")
    assert found.confidence == Confidence.INFERRED  # CUED in prose


@pytest.mark.parametrize("i", range(0, 40, 3))
def test_cue_index_finds_what_every_sentence_read_whole_finds(i):
    """The document's cue index (first words, kept only where their phrase can go on: not
    "quy định", "thời gian") leaves out no deadline that reading each sentence without it
    finds: the same deadlines, spans and values."""
    from extractors import deadlines as d
    from fixtures.long_dispatches import long_dispatch_text

    text = normalize_text(long_dispatch_text(i, md=i % 2 == 1)).text
    settings = Settings()
    issued = "2024-01-15"
    whole = [f for s in d.sentences(text, settings)
             if len(s.text) >= settings.deadline_min_sentence_chars
             for f in d._sentence_deadlines(s, issued, settings, cues=None)]
    indexed = extract_deadlines(text, issued, settings)
    assert [(f.start, f.end, f.value) for f in indexed] == [(f.start, f.end, f.value) for f in whole]
    assert indexed  # the generated dispatches set deadlines
