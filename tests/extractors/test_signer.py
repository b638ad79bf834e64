import pytest

from extractors.signer import signer_block
from pipeline.settings import Confidence, Settings
from pipeline.text.normalize import normalize_text

CC = "Nơi nhận:\n- Như trên;\n- Lưu: VT, SNV.\n\n"


@pytest.mark.parametrize("block, expected", [
    # KT. signs for the head
    ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\n\nĐặng Minh Thông",
     ("Đặng Minh Thông", "Phó Chủ tịch", "KT", "Chủ tịch")),
    # TL. by order, bold markup, no space after the dot
    ("**TL.CHỦ TỊCH  \nCHÁNH VĂN PHÒNG**\n\n**Phan Khắc Duy**",
     ("Phan Khắc Duy", "Chánh Văn phòng", "TL", "Chủ tịch")),
    # TM. and KT. stacked
    ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nLê Đức Giang",
     ("Lê Đức Giang", "Phó Chủ tịch", "KT", "Chủ tịch")),
    # TM. alone: the position is the head of the collective body
    ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n(Đã ký)\nNguyễn Văn Thọ",
     ("Nguyễn Văn Thọ", "Chủ tịch", "TM", "Ủy ban nhân dân")),
    # Q. acting head
    ("TM. ỦY BAN NHÂN DÂN\nQ. CHỦ TỊCH\nTrần Trí Quang", ("Trần Trí Quang", "Chủ tịch", "Q", None)),
    # no mark; a stray footnote mark before the name
    ("CHỦ TỊCH\n\n(2)\n\nHoàng Vũ Thành", ("Hoàng Vũ Thành", "Chủ tịch", None, None)),
    # a rank before the name; a typo in the position
    ("BỘ TRƯỞNG\nThượng tướng Lương Tam Quang", ("Lương Tam Quang", "Bộ trưởng", None, None)),
    ("KT. THỦ TƯỚNG\nPHÓ THỦ TUỚNG\nLê Thành Long", ("Lê Thành Long", "Phó Thủ tuớng", "KT", "Thủ tướng")),
])
def test_signer_block(block, expected):
    found = signer_block(normalize_text(CC + block).text)
    s = found.value
    assert (s.name, s.title, s.authority, s.on_behalf_of) == expected


def test_name_alone_after_the_distribution_list():
    found = signer_block(normalize_text(CC + "(2)\n\n\n\nĐặng Minh Thông\n\nPhụ lục 01").text)
    assert found.value.name == "Đặng Minh Thông"
    assert found.confidence < 0.9


def test_authority_line_of_a_decision_is_no_signer():
    text = "QUYẾT ĐỊNH\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\nCăn cứ Luật Tổ chức chính quyền địa phương;"
    assert signer_block(normalize_text(text).text) is None


def test_confidence_follows_the_shape_of_the_name():
    title_case = signer_block(normalize_text(CC + "CHỦ TỊCH\nNguyễn Văn Thọ").text)
    capitals = signer_block(normalize_text(CC + "CHỦ TỊCH\nNGUYỄN VĂN THỌ").text)
    assert title_case.confidence == Confidence.STRUCTURED
    assert capitals.confidence == Confidence.WEAK


def test_the_name_is_looked_for_within_the_settings_window():
    text = normalize_text(CC + "CHỦ TỊCH\n(Đã ký)\n(Đã ký)\n(Đã ký)\nNguyễn Văn Thọ").text
    assert signer_block(text).value.title == "Chủ tịch"
    # out of reach of the position: only the name standing after the list is left
    guessed = signer_block(text, Settings(signer_name_lines=2))
    assert guessed.value.title is None and guessed.confidence == Confidence.GUESSED
