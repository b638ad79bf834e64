"""Handwritten-prone fields: a confident reading fills the field, a doubtful one is flagged."""
from __future__ import annotations

from extractors.assemble import Extraction, extract_fields
from pipeline.text.document import Document, RawDocument, RawPage
from pipeline.text.normalize import normalize_document
from pipeline.text.scan import OcrWord, ScanFacts, align_words
from pipeline.validate.review import issue_date_after_signing, review_extraction
from schemas import ESignature

PAGE = ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "TỈNH HÒA BÌNH Độc lập - Tự do - Hạnh phúc\n"
        "Số: {number}/UBND-VP Hòa Bình, ngày {day} tháng 10 năm 2025\n"
        "V/v chủ động ứng phó mưa lũ\n"
        "Kính gửi: Sở Nội vụ tỉnh Hòa Bình.\n"
        "Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị chủ động triển khai.\n")


def _doc(number="196", day="08", number_conf=0.95, day_conf=0.95, reread=None,
         e_signature=None):
    text = PAGE.format(number=number, day=day)
    words = []
    for i, line in enumerate(text.splitlines()):
        for j, token in enumerate(line.split()):
            conf = 0.93
            if token.startswith(number):
                conf = number_conf
            elif token == day:
                conf = day_conf
            words.append(OcrWord(token, conf, j * 100, i * 60, j * 100 + 90, i * 60 + 50,
                                 (1, 1, i)))
    words = align_words(text, words)
    if reread is not None:
        words = [w.__class__(**{**w.__dict__, "reread": reread, "reread_confidence": 0.9})
                 if w.text.startswith(number) else w for w in words]
    raw = RawDocument("scan.pdf", "pdf", [RawPage(1, text, ocr=True, ocr_confidence=0.9)],
                      e_signature=e_signature, scan=ScanFacts(words={1: words}))
    return normalize_document(raw)


def reviewed(doc: Document) -> Extraction:
    return review_extraction(doc, extract_fields(doc))


def test_confident_reading_fills_the_field_with_its_confidence():
    doc = _doc()
    fields = reviewed(doc)
    warnings = fields.warnings
    assert fields.number.raw == "196/UBND-VP"
    assert fields.issued_date == "2025-10-08"
    assert not [w for w in warnings if w.code == "needs_review"]
    assert 0.85 <= fields.provenance["number"].confidence <= 0.95
    assert fields.provenance["subject"].confidence < 1.0  # every OCR field is scaled


def test_unconfident_number_is_left_out_and_flagged():
    doc = _doc(number_conf=0.43)
    fields = reviewed(doc)
    warnings = fields.warnings
    assert fields.number is None and "number" not in fields.provenance
    flagged = [w for w in warnings if w.code == "needs_review"]
    assert [(w.field, w.page) for w in flagged] == [("number", 1)]
    assert "196" in flagged[0].message  # the doubtful reading is kept for the reviewer


def test_reread_disagreement_flags_a_confident_looking_number():
    doc = _doc(number_conf=0.88, reread="136")
    fields = reviewed(doc)
    warnings = fields.warnings
    assert fields.number is None
    assert "'136'" in warnings[0].message


def test_handwritten_day_is_flagged():
    doc = _doc(day="0", day_conf=0.31)
    fields = reviewed(doc)
    warnings = fields.warnings
    assert fields.issued_date == "2025-10"  # the day is no day: what the line still tells
    assert [w.field for w in warnings if w.code == "needs_review"] == ["issued_date"]
    assert "did not parse" in warnings[0].message


def test_an_unreadable_day_keeps_month_and_year_with_their_bounds():
    doc = _doc(day="08", day_conf=0.31,
               e_signature=ESignature(signed_at="2025-10-09T16:20:48+07:00"))
    fields = reviewed(doc)
    assert fields.issued_date == "2025-10"  # the printed month and year, read with confidence
    warning = next(w for w in fields.warnings if w.field == "issued_date")
    assert warning.code == "needs_review" and "on or before 2025-10-09" in warning.message
    assert "08" in warning.message  # what was read, for the reviewer


def test_text_pages_are_untouched():
    raw = RawDocument("a.txt", "txt", [RawPage(1, PAGE.format(number="12", day="08"))])
    doc = normalize_document(raw)
    fields = extract_fields(doc)
    assert review_extraction(doc, fields) == fields
    assert fields.warnings == [] and fields.provenance["number"].confidence == 1.0


def test_issue_date_later_than_signing_is_warned():
    doc = _doc(e_signature=ESignature(signed_at="2025-10-06T16:20:48+07:00"))
    fields = reviewed(doc)
    warnings = fields.warnings
    assert [w.code for w in warnings] == ["date_after_signing"]


def test_noise_read_as_a_field_is_dropped_and_flagged():
    text = PAGE.format(number="196", day="08")
    words = []
    for i, line in enumerate(text.splitlines()):
        for j, token in enumerate(line.split()):
            conf = 0.2 if line.startswith("V/v") else 0.93  # the subject line is noise
            words.append(OcrWord(token, conf, j * 100, i * 60, j * 100 + 90, i * 60 + 50, (1, 1, i)))
    raw = RawDocument("scan.pdf", "pdf", [RawPage(1, text, ocr=True)],
                      scan=ScanFacts(words={1: align_words(text, words)}))
    fields = reviewed(normalize_document(raw))
    assert fields.subject is None and "subject" not in fields.provenance
    # the type was recognised by its "V/v" line: noise too
    assert sorted(w.field for w in fields.warnings) == ["doc_type", "subject"]
    assert fields.number.raw == "196/UBND-VP"  # the confident fields stay


def test_signing_time_bounds_issue_date():
    signed = "2025-10-06T16:20:48+07:00"
    assert not issue_date_after_signing("2025-10-06", signed)
    assert not issue_date_after_signing("2025-10-05", signed)
    assert issue_date_after_signing("2025-10-08", signed)
    assert not issue_date_after_signing("2025-10", signed)
    assert issue_date_after_signing("2025-11", signed)
    assert not issue_date_after_signing(None, signed)
