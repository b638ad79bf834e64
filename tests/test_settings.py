"""One settings object: a caller's override reaches the step that uses it, end to end."""
from __future__ import annotations

import pytest

from pipeline.extract import record_from_document
from pipeline.settings import DEFAULT_SETTINGS, Confidence, Settings
from pipeline.text.document import RawDocument, RawPage
from pipeline.text.normalize import normalize_document
from pipeline.text.scan import OcrWord, ScanFacts, align_words

LETTER = ("ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH\n"  # the two letterhead columns, as OCR lays them out
          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
          "Số: 196/UBND-VP Hòa Bình, ngày 08 tháng 10 năm 2025\n"
          "V/v chủ động ứng phó mưa lũ\n"
          "Kính gửi: Sở Nội vụ tỉnh Hòa Bình.\n"
          "Thực hiện Công văn số 12/BNN-PCTT ngày 05/10/2025 của Bộ Nông nghiệp, "
          "Ủy ban nhân dân tỉnh yêu cầu các cơ quan chủ động triển khai.\n")


def _scan(number_confidence: float):
    """The letter as an OCR'd page whose number was read at ``number_confidence``."""
    words = [OcrWord(token, number_confidence if token.startswith("196") else 0.93,
                     j * 100, i * 60, j * 100 + 90, i * 60 + 50, (1, 1, i))
             for i, line in enumerate(LETTER.splitlines()) for j, token in enumerate(line.split())]
    raw = RawDocument("scan.pdf", "pdf", [RawPage(1, LETTER, ocr=True, ocr_confidence=0.9)],
                      scan=ScanFacts(words={1: align_words(LETTER, words)}))
    return normalize_document(raw)


def test_an_unknown_setting_is_an_error_not_a_no_op():
    with pytest.raises(TypeError, match="min_feild_confidence"):
        DEFAULT_SETTINGS.override(min_feild_confidence=0.6)
    assert DEFAULT_SETTINGS.override(header_chars=900).header_chars == 900
    assert DEFAULT_SETTINGS.header_chars == 1500  # the default object is never changed


def test_review_threshold_override_reaches_the_review():
    doc = _scan(number_confidence=0.75)
    strict = record_from_document(doc)
    assert strict.number is None
    assert [w.field for w in strict.warnings if w.code == "needs_review"] == ["number"]
    lenient = record_from_document(doc, Settings(min_handwritten_confidence=0.7))
    assert lenient.number.raw == "196/UBND-VP"
    assert not [w for w in lenient.warnings if w.code == "needs_review"]


def test_extractor_window_override_reaches_the_extractor():
    doc = normalize_document(RawDocument("a.txt", "txt", [RawPage(1, LETTER)]))
    cited = record_from_document(doc).references
    assert [(r.number, r.date) for r in cited] == [("12/BNN-PCTT", "2025-10-05")]
    # the date stands 6 characters after the symbol: a 3-character window cannot see it
    narrow = record_from_document(doc, Settings(reference_date_chars=3)).references
    assert [(r.number, r.date) for r in narrow] == [("12/BNN-PCTT", None)]


def test_confidence_levels_are_ordered_and_in_range():
    levels = [Confidence.READ, Confidence.STRUCTURED, Confidence.CUED, Confidence.CUED_LOOSELY,
              Confidence.INFERRED, Confidence.WEAK, Confidence.GUESSED]
    assert levels == sorted(levels, reverse=True) and len(set(levels)) == len(levels)
    assert all(0 < c <= 1 for c in levels)
