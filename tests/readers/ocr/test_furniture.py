"""Page numbers and footnotes are not body text: a footnote of provinces is no recipient list."""
from __future__ import annotations

from dataclasses import replace

from extractors.assemble import extract_fields
from pipeline.readers.ocr.furniture import furniture_spans, text_furniture_spans
from pipeline.text.document import RawDocument, RawPage, mask_furniture
from pipeline.text.normalize import normalize_document
from pipeline.text.scan import OcrWord, ScanFacts, align_words

HEIGHT = 3500


def _words(lines: list[tuple[str, int, int]]) -> tuple[str, list[OcrWord]]:
    """``(text, top, letter height)`` lines → page text and aligned words."""
    words = []
    for i, (line, top, h) in enumerate(lines):
        for j, token in enumerate(line.split()):
            words.append(OcrWord(token, 0.9, 200 + j * 120, top, 300 + j * 120, top + h, (1, 1, i)))
    text = "\n".join(line for line, _, _ in lines)
    return text, align_words(text, words)


BODY = [
    ("2", 150, 40),
    ("THỦ TƯỚNG CHÍNH PHỦ điện:", 400, 50),
    ("- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố khu vực Bắc Bộ1;", 460, 50),
    ("- Bộ trưởng các Bộ: Quốc phòng, Công an, Công Thương;", 520, 50),
    ("Theo báo cáo của Trung tâm Dự báo khí tượng thủy văn quốc gia, ngày", 700, 50),
    ("07/10/2025 hoàn lưu bão số 11 đã gây mưa to đến rất to tại khu vực", 760, 50),
    ("Bắc Bộ và Thanh Hóa, đặc biệt tại Thái Nguyên, Bắc Ninh, Lạng Sơn.", 820, 50),
    ("1 Thái Nguyên, Lạng Sơn, Bắc Ninh, Cao Bằng, Tuyên Quang, Phú Thọ, Lào Cai,", 3150, 32),
    ("Quảng Ninh, Hải Phòng, Hà Nội, Sơn La, Lai Châu, Điện Biên", 3195, 32),
]


def test_page_number_and_footnote_found():
    text, words = _words(BODY)
    spans = furniture_spans(words, HEIGHT)
    found = [text[s:e] for s, e in spans]
    assert found[0] == "2"
    assert found[1].startswith("1 Thái Nguyên") and found[2].startswith("Quảng Ninh")
    assert len(found) == 3  # body lines (and the marker "Bộ1" in the body) untouched


def test_small_type_without_note_mark_is_not_a_footnote():
    lines = BODY[:-2] + [("Nơi nhận:", 3150, 32), ("- Như trên;", 3195, 32)]
    text, words = _words(lines)
    assert [text[s:e] for s, e in furniture_spans(words, HEIGHT)] == ["2"]


def test_masked_text_keeps_offsets_and_drops_footnote_from_recipients():
    lines = [("Số: 189/CĐ-TTg Hà Nội, ngày 07 tháng 10 năm 2025", 300, 50)] + BODY[1:]
    text, words = _words(lines)
    raw = RawDocument("s.pdf", "pdf", [RawPage(1, text, ocr=True)],
                      scan=ScanFacts(furniture={1: furniture_spans(words, HEIGHT)}))
    doc = normalize_document(raw)
    masked = mask_furniture(doc)
    assert len(masked) == len(doc.text)
    assert "Quảng Ninh" not in masked and "Quảng Ninh" in doc.text
    assert "Bắc Ninh, Lạng Sơn" in masked  # the body's own mention stays
    fields = extract_fields(doc)
    assert fields.recipients and not any("Quảng Ninh" in r for r in fields.recipients)
    assert all(p.end <= len(doc.text) for p in fields.provenance.values())
    assert mask_furniture(replace(doc, scan=ScanFacts())) == doc.text


def test_text_page_numbers():
    text = "- 3 -\nĐiều 5. Tổ chức thực hiện\n...\n3"
    assert [text[s:e] for s, e in text_furniture_spans(text)] == ["- 3 -", "3"]
    assert text_furniture_spans("Điều 1. Phạm vi\nĐiều 2. Đối tượng") == []
