"""Urgency and arrival stamps from noisy OCR text of a stamp region."""
from __future__ import annotations

from extractors.stamps import is_arrival_stamp, parse_arrival, read_stamps, urgency_from_stamp
from pipeline.readers.ocr.stamp_marks import mark_words
from pipeline.settings import Confidence
from pipeline.readers.ocr.words import join_lines
from pipeline.text.scan import OcrWord


def test_urgency_tolerates_ocr_noise():
    for text in ("HỎA TỐC", "HÓA TÔC", "H0A T0C", "| HỎA TỐC |", "HOẢ TỐC\n"):
        assert urgency_from_stamp(text).value == "hoa_toc", text
    assert urgency_from_stamp("THƯỢNG KHẨN").value == "thuong_khan"
    assert urgency_from_stamp("THUONG KHAN").value == "thuong_khan"
    assert urgency_from_stamp("KHẨN").value == "khan"


def test_urgency_not_found_in_ordinary_text():
    assert urgency_from_stamp("Hòa Bình, ngày 06 tháng 10 năm 2025") is None
    assert urgency_from_stamp("các đơn vị khẩn trương triển khai thực hiện") is None
    assert urgency_from_stamp("ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH") is None
    assert urgency_from_stamp("") is None


def test_arrival_stamp_printed_slots():
    text = "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ\nĐẾN Số: 1234\nGiờ: 14h30\nNgày: 07/10/2025"
    stamp = parse_arrival(text)
    assert stamp.arrival == {"number": "1234", "date": "2025-10-07", "time": "14:30"}
    assert stamp.needs_review == []


def test_arrival_stamp_dotted_fill_in_lines():
    text = "ĐẾN Giờ:......9h.........\nNgày:...06.10.2025......"
    stamp = parse_arrival(text)
    assert stamp.arrival == {"number": None, "date": "2025-10-06", "time": "09:00"}


def test_illegible_slots_are_flagged_not_guessed():
    # the real portal stamp: "C" in the hour slot, a day read as 43
    text = "CÔNG THÔNG 1 B'ỆN TỪ CHÍNH PHÙ\nĐẾN Giờ:.......C........\nngày..43.|10.2025..."
    stamp = parse_arrival(text)
    assert stamp.arrival == {"number": None, "date": None, "time": None}
    assert sorted(stamp.needs_review) == ["arrival.date", "arrival.time"]


def test_low_confidence_slot_is_flagged():
    words = [OcrWord("ĐẾN", 0.9, 0, 0, 50, 20, (1, 1, 1)),
             OcrWord("Ngày:", 0.92, 60, 0, 120, 20, (1, 1, 1)),
             OcrWord("08.10.2025", 0.41, 130, 0, 260, 20, (1, 1, 1)),
             OcrWord("Số:", 0.95, 60, 30, 120, 50, (1, 1, 2)),
             OcrWord("512", 0.93, 130, 30, 170, 50, (1, 1, 2))]
    text, words = join_lines(words)
    stamp = parse_arrival(text, words)
    assert stamp.arrival["date"] is None and "arrival.date" in stamp.needs_review
    assert stamp.arrival["number"] == "512"
    assert stamp.confidences["arrival.number"] == 0.93


def test_year_hint_rejects_impossible_year():
    assert parse_arrival("ĐẾN Ngày: 06/10/2052", year_hint=2025).needs_review == ["arrival.date"]


def test_not_an_arrival_stamp():
    assert not is_arrival_stamp("Kính gửi: Sở Nội vụ")
    assert not is_arrival_stamp("các đơn vị đến ngày 15 tháng 10")  # no slot label after ĐẾN
    assert read_stamps("HỎA TỐC").arrival is None


def test_urgency_words_come_from_the_lexicon_longest_first():
    # THƯỢNG KHẨN must be tried before the KHẨN inside it
    assert [code for _, code in mark_words("urgency")] == ["thuong_khan", "hoa_toc", "khan"]
    assert dict(mark_words("secrecy"))["TOI MAT"] == "toi_mat"


def test_a_lone_khan_stamp_is_inferred():
    assert urgency_from_stamp("KHẨN").confidence == Confidence.INFERRED
