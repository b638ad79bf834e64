import pytest

from extractors.parties import cc_list, recipient_list
from pipeline.settings import Settings
from pipeline.text.normalize import normalize_text


def values(found):
    return [f.value for f in found]


@pytest.mark.parametrize("text, expected", [
    # one recipient on the label's line
    ("Kính gửi: Sở Nội vụ tỉnh Bình Định.\n\nNội dung", ["Sở Nội vụ tỉnh Bình Định"]),
    # a bulleted list, the last item ends with "."
    ("Kính gửi:\n\n- Các sở, ban, ngành;\n- UBND các huyện, thị xã.\n\nNội dung",
     ["Các sở, ban, ngành", "UBND các huyện, thị xã"]),
    # an urgency stamp between the label and the list
    ("Kính gửi:\n\nHỎA TỐC\n\n- Công an tỉnh;\n- Sở Y tế.\n", ["Công an tỉnh", "Sở Y tế"]),
    # a công điện names its recipients after "… điện:"
    ("THỦ TƯỚNG CHÍNH PHỦ điện:\n- Ủy ban nhân dân các tỉnh;\n- Bộ Công an.\nNội dung",
     ["Ủy ban nhân dân các tỉnh", "Bộ Công an"]),
    # no recipients stated
    ("QUYẾT ĐỊNH\nVề việc x\nĐiều 1. Nội dung", []),
])
def test_recipient_list(text, expected):
    assert values(recipient_list(normalize_text(text).text)) == expected


def test_cc_list_one_item_per_bullet_or_semicolon():
    text = ("***Nơi nhận:***\n\n- Như trên;\n- Sở Thông tin và Truyền thông; Sở Nội vụ;\n"
            "- VPUB: CVP, các PCVP;\nPhòng: KGVX, TH;\n- Lưu: VT, SNV.\n\n**KT. CHỦ TỊCH**\n")
    assert values(cc_list(normalize_text(text).text)) == [
        "Như trên", "Sở Thông tin và Truyền thông", "Sở Nội vụ", "VPUB: CVP, các PCVP",
        "Phòng: KGVX, TH", "Lưu: VT, SNV"]


def test_cc_spans_point_at_the_items():
    text = normalize_text("Nơi nhận:\n- Như trên;\n- Lưu: VT.").text
    found = cc_list(text)
    assert [text[f.start:f.end] for f in found] == ["Như trên", "Lưu: VT"]


def test_an_item_wrapped_onto_lines_that_start_with_a_capital_is_one_item():
    text = ("THỦ TƯỚNG CHÍNH PHỦ điện:\n- Chủ tịch Ủy ban nhân dân các tỉnh: Cao Bằng,\n"
            "Lào Cai, Lạng Sơn và Thanh Hóa;\n- Bộ trưởng các Bộ: Quốc phòng,\nCông an;\n"
            "- Văn phòng Ban chỉ đạo.\nTheo bản tin dự báo, bão số 11 đã vào đất liền.")
    assert values(recipient_list(normalize_text(text).text)) == [
        "Chủ tịch Ủy ban nhân dân các tỉnh: Cao Bằng, Lào Cai, Lạng Sơn và Thanh Hóa",
        "Bộ trưởng các Bộ: Quốc phòng, Công an", "Văn phòng Ban chỉ đạo"]


def test_a_footnote_mark_glued_to_an_item_is_dropped():
    text = "Kính gửi:\n- Ủy ban nhân dân các tỉnh khu vực Bắc Bộ1;\n- Công an tỉnh (PC06).\n"
    assert values(recipient_list(normalize_text(text).text)) == [
        "Ủy ban nhân dân các tỉnh khu vực Bắc Bộ", "Công an tỉnh (PC06)"]


def test_the_recipients_label_is_looked_for_within_the_settings_window():
    text = normalize_text("Về việc họp.\n\nKính gửi: Sở Nội vụ.\n").text
    assert [f.value for f in recipient_list(text)] == ["Sở Nội vụ"]
    assert recipient_list(text, Settings(recipients_label_lines=1)) == []


def test_a_typed_label_without_diacritics_counts():
    assert [f.value for f in recipient_list(normalize_text("Kinh gui: Sở Y tế.\n").text)] == ["Sở Y tế"]
