"""The portal's signing stamp: parsed into the record, never mistaken for the document."""
from __future__ import annotations

from pipeline.readers.esignature import (
    is_overlay_only, overlay_spans, parse_e_signature, signing_time)

STAMP = ("Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ\n"
         "Email: thongtinchinhphu@chinhphu.vn\n"
         "Cơ quan: VĂN PHÒNG CHÍNH PHỦ\n"
         "Thời gian ký: 06.10.2025 10:34:22 +07:00\n")


def test_stamp_parsed():
    sig = parse_e_signature(STAMP)
    assert sig.model_dump() == {"signer": "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ",
                   "email": "thongtinchinhphu@chinhphu.vn",
                   "organisation": "VĂN PHÒNG CHÍNH PHỦ",
                   "signed_at": "2025-10-06T10:34:22+07:00"}


def test_ocr_noise_and_one_line_layout():
    # OCR drops diacritics and glues the logo text to a label; pdfplumber may give one line
    text = ("Nguoi ky: SỞ NỘI VỤ Email: snv@tinh.gov.vn Co quan: UBND TỈNH X "
            "CHINHPHU.VNThoi gian ky: 1.2.2024 08:05 +0700")
    sig = parse_e_signature(text)
    assert sig.organisation == "UBND TỈNH X"
    assert sig.email == "snv@tinh.gov.vn"
    assert sig.signed_at == "2024-02-01T08:05:00+07:00"


def test_body_text_is_not_a_stamp():
    assert parse_e_signature("Cơ quan: Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan.") \
        is None
    assert parse_e_signature("Người ký: Nguyễn Văn A") is None  # no signing time


def test_signing_time_forms():
    assert signing_time("31/12/2024 23:59:59") == "2024-12-31T23:59:59"
    assert signing_time("30.02.2024 10:00:00") is None
    assert signing_time("06.10.2025") == "2025-10-06"


def test_overlay_only_page():
    assert is_overlay_only(STAMP)
    assert is_overlay_only("\n" + STAMP + "  1 \n")  # a stray page number is tolerated
    body = STAMP + "UBND TỈNH BÀ RỊA-VŨNG TÀU\nSố: 7338/UBND-SNV\nV/v thực hiện khâu đột phá"
    assert not is_overlay_only(body)
    assert not is_overlay_only("")


def test_overlay_spans_cover_only_stamp_lines():
    text = "Số: 12/UBND-VP\n" + STAMP + "Kính gửi: Sở Nội vụ"
    spans = overlay_spans(text)
    covered = "".join(text[s:e] for s, e in spans)
    assert "Thời gian ký" in covered and "Người ký" in covered
    assert "Số: 12" not in covered and "Kính gửi" not in covered
