import pytest
from fixtures.long_dispatches import long_dispatch_text

from extractors.lines import split_lines
from extractors.parties import cc_list
from extractors.signer import _is_position, _is_position_read, position_case, signer_block
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


# --- the block as OCR reads it off a scan ---------------------------------------------------
# Generated blocks (no copy of a real scan): debris of the seal and the signature between the
# lines and at their ends, position lines lost, two-column layouts torn apart.

LIST = "Nơi nhận:\n- Như trên;\n- VPCP: BTCN, các PCN;\n- Lưu: VT, TH.\n"


@pytest.mark.parametrize("text, expected", [
    # rule 1 — stacked marks: the innermost (KT.) governs; on_behalf_of is the head signed for
    (CC + "TM. CHÍNH PHỦ\nKT. THỦ TƯỚNG\nPHÓ THỦ TƯỚNG\n\nLê Văn An",
     ("Lê Văn An", "Phó Thủ tướng", "KT", "Thủ tướng")),
    (CC + "TM. ỦY BAN NHÂN DÂN\n^\nKT. CHỦ TỊCH\n¬\nPHÓ CHỦ TỊCH\n.\nTrần Thị Bình",
     ("Trần Thị Bình", "Phó Chủ tịch", "KT", "Chủ tịch")),
    (CC + "TM. HỘI ĐỒNG NHÂN DÂN\nTL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\nĐỗ Văn Cường",
     ("Đỗ Văn Cường", "Chánh Văn phòng", "TL", "Chủ tịch")),
    # rule 2 — debris lines between the block's lines and before the name are passed over
    (CC + "KT. CHỦ TỊCH\n¬\nPHÓ CHỦ TỊCH\n`\nae.\n\n^\nNguyễn Văn Dũng",
     ("Nguyễn Văn Dũng", "Phó Chủ tịch", "KT", "Chủ tịch")),
    (CC + "KT. GIÁM ĐỐC\n|\nPHÓ GIÁM ĐỐC\nx6\nÄ)\nPhan Thị Em",
     ("Phan Thị Em", "Phó Giám đốc", "KT", "Giám đốc")),
    # … and debris at a line's ends; under the seal a line's tone marks are taken from the head
    (CC + "KT. GIÁM ĐỐC r=\n: PHÓ GIAM ĐÔC s.\nỶ cớ\n\nVõ Văn Giang",
     ("Võ Văn Giang", "Phó Giám đốc", "KT", "Giám đốc")),
    # a marred line legible yet not the head's deputy: no title rather than a guess
    (CC + "KT. GIÁM ĐỐC\n: TRƯỞNG PHÒNG s.\nVõ Văn Giang",
     ("Võ Văn Giang", None, "KT", "Giám đốc")),
    # rule 3 — the position line lost under the seal: KT.'s head's deputy
    (CC + "KT. BỘ TRƯỞNG, CHỦ NHIỆM\n`\nae.\n\nLý Văn Hải",
     ("Lý Văn Hải", "Phó Chủ nhiệm", "KT", "Bộ trưởng, Chủ nhiệm")),
    (CC + "KT. BỘ TRƯỞNG\n^\n\nLý Văn Hải", ("Lý Văn Hải", "Thứ trưởng", "KT", "Bộ trưởng")),
    (CC + "TM. CHÍNH PHỦ\nKT. THỦ TƯỚNG\nP LỘ 7 THỦ TƯỚNG\n⁄\nLý Văn Hải",
     ("Lý Văn Hải", "Phó Thủ tướng", "KT", "Thủ tướng")),
    # … never for a mark that names no head signed for by a deputy
    (CC + "TL. BỘ TRƯỞNG\n¬\nLý Văn Hải", ("Lý Văn Hải", None, "TL", "Bộ trưởng")),
    (CC + "TUQ. CHỦ TỊCH\n.\nLý Văn Hải", ("Lý Văn Hải", None, "TUQ", "Chủ tịch")),
    (CC + "TM. ỦY BAN NHÂN DÂN\n^\nLý Văn Hải", ("Lý Văn Hải", None, "TM", "Ủy ban nhân dân")),
    # rule 4 — two columns: the block before the list, the name after it
    ("KT. THỦ TƯỚNG\n¬\nPHÓ THỦ TƯỚNG\n" + LIST + "\n›\n¬.Ò\nLê Minh Khôi",
     ("Lê Minh Khôi", "Phó Thủ tướng", "KT", "Thủ tướng")),
    # … the position's line after the list too (its tone marks taken from the head)
    ("KT. THỦ TƯỚNG\n\n" + LIST + "\nPHO THỦ TƯỚNG\n\nLê Minh Khôi",
     ("Lê Minh Khôi", "Phó Thủ tướng", "KT", "Thủ tướng")),
    # … the name run into the list, on a line of its own after a finished item
    ("THỦ TƯỚNG\nNơi nhận:\n- Như trên;\n- VPCP: BTCN, các PCN;\nPhạm Văn Lâm\n- Lưu: VT.\n`",
     ("Phạm Văn Lâm", "Thủ tướng", None, None)),
    # … a name inside an item is no signer's: the name was lost, the block stays
    ("KT. BỘ TRƯỞNG, CHỦ NHIỆM\nNơi nhận:\n- Như trên;\n- VPCP: BTCN, PCN Hoàng Thị Mai,\n"
     "Trợ lý TTg;\n- Lưu: VT.\n\n-.",
     (None, "Phó Chủ nhiệm", "KT", "Bộ trưởng, Chủ nhiệm")),
    ("KT. BỘ TRƯỞNG, CHỦ NHIỆM\nNơi nhận:\n- Như trên;\n- VPCP: BTCN, PCN\nHoàng Thị Mai\n"
     "- Lưu: VT.\n",
     (None, "Phó Chủ nhiệm", "KT", "Bộ trưởng, Chủ nhiệm")),
    # a marked block right after the list whose name was lost, an annex after it
    (LIST + "\nTM. CHÍNH PHỦ\nKT. THỦ TƯỚNG r=\n\nPhụ lục\nDANH SÁCH CÁC DỰ ÁN",
     (None, "Phó Thủ tướng", "KT", "Thủ tướng")),
    # "Nơi nhận" misread with debris before it
    ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n_ Wơi nhận:\n- Như trên;\n- Lưu: VT.\n\nLê Văn Nam",
     ("Lê Văn Nam", "Phó Chủ tịch", "KT", "Chủ tịch")),
])
def test_signer_block_on_a_scan(text, expected):
    s = signer_block(normalize_text(text).text).value
    assert (s.name, s.title, s.authority, s.on_behalf_of) == expected


@pytest.mark.parametrize("text, confidence", [
    (CC + "KT. CHỦ TỊCH\n¬\nPHÓ CHỦ TỊCH\n`\nNguyễn Văn Dũng", Confidence.STRUCTURED),
    (CC + "KT. CHỦ TỊCH\n¬\n`\nNguyễn Văn Dũng", Confidence.INFERRED),  # title inferred
    (LIST + "\nKT. THỦ TƯỚNG\n^\n\nPhụ lục", Confidence.INFERRED),
    ("THỦ TƯỚNG\nNơi nhận:\n- Như trên;\nPhạm Văn Lâm\n- Lưu: VT.", Confidence.WEAK),
])
def test_confidence_of_a_block_read_off_a_scan(text, confidence):
    assert signer_block(normalize_text(text).text).confidence == confidence


@pytest.mark.parametrize("text", [
    # a position in capitals before the list, no mark, no name anywhere: nothing to register
    "THỦ TƯỚNG\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\n-.",
    # a name in an annex far past the list is no signer's
    CC + "Phụ lục\n" + "".join(f"Dòng {k} của bảng\n" for k in range(20)) + "Hồ Chí Minh",
    # a marked block away from the list with no name is a template's, not the signer's
    "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nĐiều 1. Quy định chung.\n" + CC,
])
def test_no_signer_read_off_a_scan(text):
    assert signer_block(normalize_text(text).text) is None


def test_position_case_cases_each_head_of_a_list():
    assert position_case("BỘ TRƯỞNG, CHỦ NHIỆM") == "Bộ trưởng, Chủ nhiệm"


# --- 2001–2009 signature blocks ------------------------------------------------------------


@pytest.mark.parametrize("block, expected", [
    # the minister named with the ministry
    ("KT. BỘ TRƯỞNG BỘ TÀI CHÍNH\nTHỨ TRƯỞNG\n(Đã ký)\nLê Quang Tiến",
     ("Lê Quang Tiến", "Thứ trưởng", "KT", "Bộ trưởng Bộ Tài chính")),
    # … the position line lost: the deputy of the minister, not of "BỘ TRƯỞNG BỘ TÀI CHÍNH"
    ("KT. BỘ TRƯỞNG BỘ TÀI CHÍNH\n^\nLê Quang Tiến",
     ("Lê Quang Tiến", "Thứ trưởng", "KT", "Bộ trưởng Bộ Tài chính")),
    # a surname that reads as a position without its tone marks (Trương / TRƯỞNG)
    ("KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n(Đã ký)\nTrương Văn Bình",
     ("Trương Văn Bình", "Thứ trưởng", "KT", "Bộ trưởng")),
    ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(đã ký)\nNguyễn Văn An",
     ("Nguyễn Văn An", "Phó Chủ tịch", "KT", "Chủ tịch")),
    # slash marks, the abbreviation written out, the place kept in capitals
    ("T/M UBND HUYỆN GIA LỘC\nCHỦ TỊCH\n(ký tên, đóng dấu)\nVũ Đình Thuận",
     ("Vũ Đình Thuận", "Chủ tịch", "TM", "Ủy ban nhân dân huyện Gia Lộc")),
    # marks and positions typed in mixed case (TCVN3 fonts had no toned capitals)
    ("T/M UBND\nK/T Chủ tịch\nPhó Chủ tịch\n\nVũ Đình Thuận",
     ("Vũ Đình Thuận", "Phó Chủ tịch", "KT", "Chủ tịch")),
    ("TM. UBND XÃ\nQ. Chủ tịch\n(đã ký)\nLương Văn Mạnh", ("Lương Văn Mạnh", "Chủ tịch", "Q", None)),
    ("K/T GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n(Ký và ghi rõ họ tên)\nTrần Quốc Việt",
     ("Trần Quốc Việt", "Phó Giám đốc", "KT", "Giám đốc")),
    # a name ending in a body's word is a name, not a position under the mark (no position
    # line: the deputy is inferred only from a head read whole in capitals)
    ("K/T Chủ tịch\nLê Văn Sở", ("Lê Văn Sở", None, "KT", "Chủ tịch")),
])
def test_signer_block_of_an_old_document(block, expected):
    s = signer_block(normalize_text(CC + block).text).value
    assert (s.name, s.title, s.authority, s.on_behalf_of) == expected


@pytest.mark.parametrize("gap", ["\t", "    "])
def test_a_tab_laid_bottom_reads_the_list_then_the_block(gap):
    """``Nơi nhận`` on the left, the block on the right, each row one line parted by a tab
    (or run together when the tabs became spaces)."""
    text = (f"Nơi nhận:{gap}TM. ỦY BAN NHÂN DÂN\n- Như Điều 3;{gap}KT. CHỦ TỊCH\n"
            f"- Sở Tài chính;{gap}PHÓ CHỦ TỊCH\n- Lưu: VT.\n{gap}(Đã ký)\n\n{gap}Phạm Văn Khải\n")
    text = normalize_text(text).text
    s = signer_block(text).value
    assert (s.name, s.title, s.authority, s.on_behalf_of) == \
        ("Phạm Văn Khải", "Phó Chủ tịch", "KT", "Chủ tịch")
    assert [c.value for c in cc_list(text)] == ["Như Điều 3", "Sở Tài chính", "Lưu: VT"]


def test_an_item_in_capitals_on_the_list_is_no_signer():
    text = normalize_text("Nơi nhận:\n- Chủ tịch, CÁC PHÓ CHỦ TỊCH UBND TỈNH;\n- Lưu: VT.\n\n"
                          "CHỦ TỊCH\n\nNguyễn Văn Thọ").text
    assert [c.value for c in cc_list(text)] == ["Chủ tịch, CÁC PHÓ CHỦ TỊCH UBND TỈNH", "Lưu: VT"]
    assert signer_block(text).value.title == "Chủ tịch"


_EDGE_LINES = [
    "KT. CHỦ TỊCH", "K/T Chủ tịch", "K / T Chủ tịch", "Q. Giám đốc", "Q .Giám đốc", "TUQ. GIÁM ĐỐC",
    "TL.Bộ trưởng", "Q.Giám đốc", "1.TL.Bộ trưởng", "- 2.Q.Giám đốc", "T/M Ủy ban nhân dân", "- KT. CHỦ TỊCH", "(KT. CHỦ TỊCH)", "** PHÓ CHỦ TỊCH **",
    ": PHÓ CHỦ NHIÊM s.", "PHÓ CHỦ TỊCH ae. r=", "Kính gửi:", "Tiếp tục thực hiện", "Thứ trưởng",
    "Phó Chủ tịch", "UBND huyện", "1. Sở Nội vụ", "K\x1c/T Chủ tịch", "Q\x1c. Giám đốc", "¬ ^",
    "ⅰ CHỦ TỊCH", "CHỦ TỊCH ⅰi", "-------", "", "a", "Kt. Chủ tịch", "TMĐ giám đốc",
]


def test_lines_passed_over_before_reading_are_no_positions():
    """The pattern that passes over most lines of a page before a line is read as a position
    never passes over one: on every line of long generated dispatches and on edge lines, the
    answer is the full reading's."""
    lines = _EDGE_LINES + [ln.text for i in range(30)
                           for ln in split_lines(long_dispatch_text(i, md=i % 3 == 0))]
    assert sum(map(_is_position_read, lines)) >= 30  # the positions are among them
    assert [_is_position(t) for t in lines] == [_is_position_read(t) for t in lines]


@pytest.mark.parametrize("seed", range(10))
def test_an_untabbed_bottom_is_reordered_only_where_a_list_line_holds_a_position(seed):
    """``signature_columns`` passes over list lines that end as items do (";", ",", "."):
    its lines are the text's exactly when no list line splits (``_split_row``) into an item
    and a position, and reordered when one does."""
    import random

    from extractors.lines import split_lines
    from extractors.signer import _is_list_line, _split_row, signature_columns
    rng = random.Random(seed)
    pieces = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, SNV.", "- Như Điều 3; KT. CHỦ TỊCH",
              "- Sở Tài chính, PHÓ CHỦ TỊCH", "- UBND các huyện; TM. ỦY BAN NHÂN DÂN",
              "- Chủ tịch, CÁC PHÓ CHỦ TỊCH UBND TỈNH;", "+ Các sở, ngành,", "KT. CHỦ TỊCH",
              "PHÓ CHỦ TỊCH", "Lê Văn Nam", "", "Nội dung văn bản.", "noi nhan: x. GIÁM ĐỐC"]
    for _ in range(100):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        lines = split_lines(text)
        splits = any(None not in _split_row(text, ln) for ln in lines if _is_list_line(ln.text))
        columns = signature_columns(text, lines)
        assert (columns != lines) == splits, text
