"""The appendix repeats the number and date in type: they fill what the hand left unread."""
from __future__ import annotations

from pipeline.extract import record_from_document
from pipeline.text.document import RawDocument, RawPage
from pipeline.text.normalize import normalize_document
from pipeline.text.scan import OcrWord, ScanFacts, align_words
from schemas import ESignature

DECISION = ("THỦ TƯỚNG CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\n"
            "Số: {number}/QĐ-TTg\nHà Nội, ngày {day} tháng 10 năm 2025\n"
            "QUYẾT ĐỊNH\nBan hành Quy chế phối hợp phòng, chống thiên tai\n"
            "THỦ TƯỚNG CHÍNH PHỦ\nCăn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;\n"
            "QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Quy chế phối hợp.\n"
            "KT. THỦ TƯỚNG\nPHÓ THỦ TƯỚNG\nTrần Hồng Hà\n")
APPENDIX = ("QUY CHẾ\nPhối hợp phòng, chống thiên tai\n"
            "(Ban hành kèm theo Quyết định số {copy}/QĐ-TTg ngày 06 tháng 10 năm 2025 "
            "của Thủ tướng Chính phủ)\nChương I. QUY ĐỊNH CHUNG\n")
SIGNED = ESignature(organisation="VĂN PHÒNG CHÍNH PHỦ", signed_at="2025-10-07T16:00:00+07:00")


def _words(text: str, doubtful: set[str]) -> list[OcrWord]:
    words = [OcrWord(token, 0.3 if token in doubtful else 0.93, j * 100, i * 60,
                     j * 100 + 90, i * 60 + 50, (1, 1, i))
             for i, line in enumerate(text.splitlines()) for j, token in enumerate(line.split())]
    return align_words(text, words)


def scanned_decision(number="2179", day="06", copy="2179", doubtful=("2179/QĐ-TTg", "06")):
    """A two-page scan: the header's handwritten ``doubtful`` words read at 0.3."""
    first = DECISION.format(number=number, day=day)
    second = APPENDIX.format(copy=copy)
    raw = RawDocument("scan.pdf", "pdf", [RawPage(1, first, ocr=True, ocr_confidence=0.9),
                                          RawPage(2, second, ocr=True, ocr_confidence=0.93)],
                      e_signature=SIGNED,
                      scan=ScanFacts(words={1: _words(first, set(doubtful)),
                                            2: _words(second, set())}))
    doc = normalize_document(raw)
    return doc, record_from_document(doc)


def test_unread_number_and_day_are_taken_from_the_typed_copy():
    doc, record = scanned_decision()
    assert record.number.raw == "2179/QĐ-TTg" and record.issued_date == "2025-10-06"
    prov = record.provenance["number"]
    assert prov.page == 2 and "kèm theo Quyết định số 2179" in doc.text[prov.start - 30:prov.end]
    assert record.provenance["issued_date"].page == 2
    assert {(w.code, w.field) for w in record.warnings} >= {("filled_from_copy", "number"),
                                                             ("filled_from_copy", "issued_date")}
    assert not [w for w in record.warnings if w.code == "needs_review"
                and w.field in ("number", "issued_date")]
    assert not [r for r in record.references if r.number == "2179/QĐ-TTg"]  # itself, no citation


def test_without_the_hand_unread_nothing_is_taken_from_the_copy():
    _, record = scanned_decision(doubtful=())
    assert record.number.raw == "2179/QĐ-TTg"
    assert record.provenance["number"].page == 1
    assert "filled_from_copy" not in {w.code for w in record.warnings}


def test_a_copy_that_contradicts_the_header_is_reported_not_used():
    _, record = scanned_decision(copy="2197", doubtful=())
    assert record.number.raw == "2179/QĐ-TTg"
    assert "number_mismatch" in {w.code for w in record.warnings}


def test_a_copy_of_another_type_is_no_copy():
    doc, _ = scanned_decision()
    text_pages = [p.replace("Quyết định số", "Công văn số") for p in
                  (DECISION.format(number="2179", day="06"), APPENDIX.format(copy="2179"))]
    raw = RawDocument("scan.pdf", "pdf",
                      [RawPage(i + 1, t, ocr=True, ocr_confidence=0.9)
                       for i, t in enumerate(text_pages)],
                      e_signature=SIGNED,
                      scan=ScanFacts(words={1: _words(text_pages[0], {"2179/QĐ-TTg", "06"}),
                                            2: _words(text_pages[1], set())}))
    record = record_from_document(normalize_document(raw))
    assert record.number is None  # a cited công văn is another document
    assert "number" in {w.field for w in record.warnings if w.code == "needs_review"}
