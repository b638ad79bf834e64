"""Legacy encodings (TCVN3, VNI) and OCR repairs, as (input, expected) tables."""
from __future__ import annotations

import unicodedata

import pytest
from fixtures.formats import SAMPLE_DISPATCHES as SAMPLES

from pipeline.text.errors import UnreadableFile
from pipeline.readers.legacy import (convert_legacy_text, decode_legacy_bytes, encoding_for_font,
                             is_capitals_font)
from pipeline.readers.ocr.repair import repair_ocr_text


@pytest.mark.parametrize("legacy, expected, encoding", [
    # TCVN3 header lines
    ("Céng hßa x· héi chñ nghÜa ViÖt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam", "tcvn3"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc", "tcvn3"),
    # no capital toned letters in TCVN3: capitals come back from the rest of the word/line
    ("UBND TØNH §åNG NAI", "UBND TỈNH ĐỒNG NAI", "tcvn3"),
    ("ñY BAN NH¢N D¢N", "ỦY BAN NHÂN DÂN", "tcvn3"),
    ("Së T¦ PH¸P", "SỞ TƯ PHÁP", "tcvn3"),
    ("Uû ban nh©n d©n tØnh", "Uỷ ban nhân dân tỉnh", "tcvn3"),
    # VNI
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam", "vni"),
    ("UÛY BAN NHAÂN DAÂN TÆNH", "ỦY BAN NHÂN DÂN TỈNH", "vni"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc", "vni"),
])
def test_legacy_header_lines(legacy, expected, encoding):
    assert convert_legacy_text(legacy) == (expected, encoding)


@pytest.mark.parametrize("text", [
    "Cộng hòa xã hội chủ nghĩa Việt Nam",          # Unicode
    "Số: 123/UBND-VP",                             # ASCII and Unicode
    "Café au lait, Straße, señor, año, garçon",   # other Latin languages
    "Giá 1.000 € — ±5 %",                           # symbols
])
def test_text_that_is_not_legacy_is_left_alone(text):
    assert convert_legacy_text(text) == (text, None)


@pytest.mark.parametrize("font, encoding, capitals", [
    (".VnTime", "tcvn3", False), (".VnTimeH", "tcvn3", True), (".VnArial", "tcvn3", False),
    ("ABCDEF+.VnTime", "tcvn3", False), ("VNI-Times", "vni", False),
    ("Times New Roman", None, False), (None, None, False),
])
def test_legacy_font_names(font, encoding, capitals):
    assert encoding_for_font(font) == encoding
    assert is_capitals_font(font) == capitals


def test_bytes_that_are_neither_utf8_nor_legacy_are_a_clear_error():
    with pytest.raises(UnreadableFile, match="TCVN3 or VNI"):
        decode_legacy_bytes(bytes(range(0x80, 0xa0)) * 3, "x.txt")


@pytest.mark.parametrize("broken, repaired", [
    # eth for Đ
    ("Ðiều 1. Quyết định", "Điều 1. Quyết định"),
    ("Số: 12/QÐ-UBND", "Số: 12/QĐ-UBND"),
    # section sign for S
    ("§ố: 45/BC-UBND", "Số: 45/BC-UBND"),
    # lost hyphen between two known codes
    ("Số: 07/CĐUBND", "Số: 07/CĐ-UBND"),
    ("Số: 7338/UBNDSNV", "Số: 7338/UBND-SNV"),
    ("Số: 61/2018/NĐCP", "Số: 61/2018/NĐ-CP"),
    # a letter read twice in a code
    ("Số: 07/CĐĐ-UBND", "Số: 07/CĐ-UBND"),
    # Nơi nhận
    ("Nơnhận:", "Nơi nhận:"), ("Nơinhận:", "Nơi nhận:"), ("Noi nhận:", "Nơi nhận:"),
    # split diacritics
    ("Viê \u0323t Nam", "Việt Nam"), ("ca\u00b4c cơ quan", "các cơ quan"),
    # a range dash with one space lost
    ("kỳ 2019- 2023", "kỳ 2019 - 2023"),
])
def test_ocr_repairs(broken, repaired):
    assert repair_ocr_text(broken) == repaired


@pytest.mark.parametrize("clean", [
    "Số: 10/KHTCT",                  # unknown codes: nothing to split
    "Số: 123/UBND",                  # a known code on its own
    "Số: 18-NQ/TW",
    "tổng lượng mưa 250 - 400 mm; năm 2019-2023",
    "Nơi nhận:\n- Như trên;",
    "§ 5 của Luật",                  # a section sign before a number stays
])
def test_ocr_repairs_leave_clean_text_alone(clean):
    assert repair_ocr_text(clean) == clean


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_ocr_repairs_leave_samples_unchanged(sample):
    text = unicodedata.normalize("NFC", sample.read_text(encoding="utf-8-sig"))
    assert repair_ocr_text(text) == text



@pytest.mark.parametrize("text", [
    "Cộng hòa xã hội chủ nghĩa Việt Nam — Ủy ban nhân dân tỉnh Đồng Nai " * 40,
    "Céng hßa x· héi chñ nghÜa ViÖt Nam \u2212 \u2219",                # TCVN3 as read
    "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam",                          # VNI as read
    "\u0080\u0085\u009f\u00a0\u00bf\u00c0\u00ff Ă ă Đ đ Ĩ ĩ Ũ ũ Ơ ơ Ư ư",   # every edge
    "\u1e80\u1e9f\u1ea0\u1ef9\u1efa Ạ ỹ \u0100\u01b1",                 # beside the letters
    unicodedata.normalize("NFD", "Hà Nội, ngày 5 tháng 3 năm 2024 ") * 300,
    "",
])
def test_legacy_evidence_counts_are_the_character_classes(text):
    """The counts detection reads (an encoder's, chunks of a scan stopped early) are the
    character classes' counts in the whole text."""
    from pipeline.readers import legacy

    assert legacy._legacy_char_count(text) == len(legacy._LEGACY_CHAR.findall(text))
    viet = len(legacy._UNICODE_VIET.findall(text))
    for limit in (0, viet - 1, viet - 0.5, viet, viet + 1):
        assert legacy._more_than(legacy._UNICODE_VIET_FAST, text, limit) == (viet > limit)
