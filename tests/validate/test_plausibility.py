"""A value that cannot be what its field holds is left out and flagged, never registered.

Each case is a generated OCR'd page (words with confidences, as Tesseract gives them) run
through the whole record step, so the check is seen where an archivist meets it.
"""
from __future__ import annotations

from pipeline.extract import record_from_document
from pipeline.text.document import RawDocument, RawPage
from pipeline.text.normalize import normalize_document
from pipeline.text.scan import OcrWord, ScanFacts, align_words
from pipeline.validate.plausibility import mend_surname, personal_name_problem
from schemas import ESignature

HEADER = ("{issuer_block}\n"
          "Số: 196/UBND-VP {date_line}\n"
          "V/v chủ động ứng phó mưa lũ\n"
          "Kính gửi: Sở Nội vụ tỉnh Hòa Bình.\n"
          "Thực hiện Công văn số 12/BNN-PCTT ngày 05 tháng 10 năm 2025 của Bộ Nông nghiệp và "
          "Môi trường, Ủy ban nhân dân tỉnh yêu cầu các cơ quan chủ động triển khai.\n"
          "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n"
          "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n{signer}\n")
# as the OCR layout gives a two-column letterhead: one column after the other
LETTERHEAD = ("ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH\n"
              "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
DATE_LINE = "Hòa Bình, ngày 08 tháng 10 năm 2025"
SIGNED = ESignature(organisation="UBND TỈNH HÒA BÌNH", signed_at="2025-10-09T10:00:00+07:00")


def page(*, issuer_block=LETTERHEAD, date_line=DATE_LINE, signer="Đặng Minh Thông",
         scanned=True, e_signature=SIGNED, subject="chủ động ứng phó mưa lũ",
         recipients="Sở Nội vụ tỉnh Hòa Bình.", doubtful=()):
    """The letter as an OCR'd page; words in ``doubtful`` were read at confidence 0.6."""
    text = HEADER.format(issuer_block=issuer_block, date_line=date_line, signer=signer)
    text = text.replace("chủ động ứng phó mưa lũ", subject)
    text = text.replace("Kính gửi: Sở Nội vụ tỉnh Hòa Bình.", f"Kính gửi: {recipients}")
    words = [OcrWord(token, 0.6 if token in doubtful else 0.93, j * 100, i * 60, j * 100 + 90,
                     i * 60 + 50, (1, 1, i))
             for i, line in enumerate(text.splitlines()) for j, token in enumerate(line.split())]
    raw = RawDocument("scan.pdf" if scanned else "typed.pdf", "pdf",
                      [RawPage(1, text, ocr=scanned, ocr_confidence=0.93 if scanned else None)],
                      e_signature=e_signature,
                      scan=ScanFacts(words={1: align_words(text, words)}) if scanned
                      else ScanFacts())
    return record_from_document(normalize_document(raw))


def flagged(record) -> list[str]:
    return [w.field for w in record.warnings if w.code == "needs_review"]


def test_a_plausible_scan_is_registered_whole():
    record = page()
    assert record.signer.name == "Đặng Minh Thông"
    assert record.issuer.name == "Ủy ban nhân dân tỉnh Hòa Bình"
    assert record.issued_date == "2025-10-08"
    assert flagged(record) == []


def test_a_heading_in_the_signature_area_is_no_signer():
    record = page(signer="NHIỆM VỤ TRỌNG TÂM")
    assert record.signer.name is None and "signer.name" in flagged(record)
    # the block itself stays: it was read where a block stands
    assert (record.signer.authority, record.signer.title) == ("KT", "Phó Chủ tịch")


def test_a_name_without_a_vietnamese_surname_is_flagged_on_a_scan():
    record = page(signer="Quốc Gia Hòa")
    assert record.signer.name is None and "signer.name" in flagged(record)
    typed = page(signer="Quốc Gia Hòa", scanned=False)  # typed text: no OCR slip to fear
    assert typed.signer.name == "Quốc Gia Hòa"


def test_one_ocr_slip_in_the_surname_is_mended():
    assert page(signer="Đồ Ngọc Huỳnh").signer.name == "Đỗ Ngọc Huỳnh"
    assert mend_surname("Đồ Ngọc Huỳnh") == "Đỗ Ngọc Huỳnh"
    assert mend_surname("Nguyễn Văn A") == "Nguyễn Văn A"
    assert mend_surname("Quốc Gia") is None
    assert personal_name_problem("Nguyễn Văn A") is None
    assert personal_name_problem("Nguyễn") and personal_name_problem("PHẠM MINH CHÍNH")


def test_a_margin_note_over_the_letterhead_is_no_issuer():
    record = page(issuer_block="TTĐT(2)\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                               "Độc lập - Tự do - Hạnh phúc")
    assert record.issuer is None and "issuer" in flagged(record)


def test_a_body_citation_date_is_not_the_issue_date():
    # the handwritten day is unreadable: the date line gives nothing, and the first date in
    # the text is the cited dispatch's (05/10/2025), which must not be borrowed
    record = page(date_line="Hòa Bình, ngày tháng năm 2025")
    # what was read is kept as a partial date, and the archivist is told to complete it
    assert record.issued_date == "2025" and "issued_date" in flagged(record)
    typed = page(date_line="Hòa Bình, ngày tháng năm 2025", scanned=False)
    assert typed.issued_date == "2025" and "issued_date" not in flagged(typed)  # a draft


def test_a_misread_year_before_the_signing_time_is_flagged():
    record = page(date_line="Hòa Bình, ngày 08 tháng 10 năm 2023")
    assert record.issued_date is None
    assert "issued_date" in flagged(record)
    unsigned = page(date_line="Hòa Bình, ngày 08 tháng 10 năm 2023", e_signature=None)
    assert unsigned.issued_date == "2023-10-08"  # nothing to compare with: kept


def test_a_subject_with_a_doubtful_word_or_stamp_noise_is_flagged():
    assert page().subject == "chủ động ứng phó mưa lũ"
    doubtful = page(doubtful=("ứng",))
    assert doubtful.subject is None and "subject" in flagged(doubtful)
    assert "ứng" in next(w.message for w in doubtful.warnings if w.field == "subject")
    noisy = page(subject="chủ động ứng phó mưa lũ ¬ _")
    assert noisy.subject is None and "subject" in flagged(noisy)
    typed = page(subject="chủ động ứng phó mưa lũ ¬ _", scanned=False)
    assert typed.subject == "chủ động ứng phó mưa lũ ¬ _"  # typed text is what was typed


def test_recipients_with_broken_words_go_to_a_person():
    for broken in ("Bộ trưởng các cBộ: Tài chính, Xây dựng.",
                   "Tổng công ty nhà nước (4anh sách kèm theo).",
                   "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc . Trung ương."):
        record = page(recipients=broken)
        assert record.recipients == [] and "recipients" in flagged(record), broken
        assert not any(k.startswith("recipients.") for k in record.provenance)
        assert page(recipients=broken, scanned=False).recipients  # typed: kept
    assert page().recipients == ["Sở Nội vụ tỉnh Hòa Bình"]


def test_a_subject_with_a_syllable_vietnamese_does_not_use_is_flagged():
    # "ết" (the "K" lost to a stamp's edge) is no syllable of administrative Vietnamese
    record = page(subject="ết luận của Phó Thủ tướng Chính phủ tại cuộc họp")
    assert record.subject is None
    assert "ết" in next(w.message for w in record.warnings if w.field == "subject")
    assert page(subject="Kết luận của Phó Thủ tướng Chính phủ tại cuộc họp").subject
