"""OCR tone-mark repair with the syllable bigram model (``pipeline.readers.ocr.language``).

The model here is built from generated text, so no ``../shared`` is needed.
"""
from __future__ import annotations

import pytest

from pipeline.lexicon.syllables import SyllableModel, count_syllables
from pipeline.readers.ocr.language import (SyllableRepair, repair_ocr_document,
                                           repair_syllables)
from pipeline.text.document import RawDocument, RawPage
from pipeline.text.normalize import normalize_document

# administrative phrases, repeated as a corpus would hold them
_CORPUS = "\n".join([
    "Trung tâm tư vấn pháp luật tư vấn cho người dân.",
    "Thủ tướng Chính phủ ban hành Nghị định của Chính phủ.",
    "Văn phòng Chính phủ thông báo ý kiến của Thủ tướng Chính phủ.",
    "Bảo đảm ổn định tình hình, hợp tác quốc tế về tư vấn.",
    "Chuyển giao công nghệ theo thẩm quyền được giao.",
    "Người dân vẫn chờ kết quả, văn bản vẫn còn hiệu lực.",
    "Ông Nguyễn Văn Ngoãn dự họp.",
] * 8)


@pytest.fixture(scope="module")
def model() -> SyllableModel:
    unigrams, bigrams = count_syllables([_CORPUS])
    return SyllableModel.from_counts(unigrams, bigrams)


def _doc(pages: list[tuple[str, bool]]):
    raw = RawDocument(path="x.pdf", format="pdf", pages=[
        RawPage(number=i + 1, text=text, ocr=ocr, ocr_confidence=0.9 if ocr else None)
        for i, (text, ocr) in enumerate(pages)])
    return normalize_document(raw)


def test_repairs_tone_marks(model):
    text, repairs = repair_syllables("Trung tâm tư vẫn pháp luật của Chính phú", model)
    assert text == "Trung tâm tư vấn pháp luật của Chính phủ"
    assert repairs == [SyllableRepair(13, 16, "vẫn", "vấn"), SyllableRepair(37, 40, "phú", "phủ")]


def test_two_misread_syllables_in_a_row(model):
    assert repair_syllables("hợp tác quôc tê về tư vấn", model)[0] == "hợp tác quốc tế về tư vấn"
    assert repair_syllables("bảo đảm ôn định tình hình", model)[0] == "bảo đảm ổn định tình hình"
    assert repair_syllables("Chuyền giao theo thầm quyền", model)[0] == \
        "Chuyển giao theo thẩm quyền"


def test_case_is_kept(model):
    assert repair_syllables("THỦ TƯỚNG CHÍNH PHÚ", model)[0] == "THỦ TƯỚNG CHÍNH PHỦ"
    assert repair_syllables("Tư Vẫn pháp luật", model)[0] == "Tư Vấn pháp luật"


def test_correct_text_is_left_alone(model):
    for text in ("Người dân vẫn chờ kết quả", "Ông Nguyễn Văn Ngoãn dự họp",
                 "Ngoãn", "văn bản vẫn còn hiệu lực", "tư vấn"):
        assert repair_syllables(text, model) == (text, [])


def test_a_correct_rare_syllable_is_not_changed(model):
    # "vạn" is a correct syllable the corpus never saw next to these words; "vân" a name
    assert repair_syllables("hàng vạn người", model) == ("hàng vạn người", [])
    assert repair_syllables("bà Lê Thị Vân", model) == ("bà Lê Thị Vân", [])


def test_only_ocr_pages_are_repaired_and_provenance_holds(model):
    line = "Trung tâm tư vẫn của Chính phú"
    doc = _doc([(line, False), (line, True)])
    fixed = repair_ocr_document(doc, model)
    assert fixed is not doc and len(fixed.text) == len(doc.text)
    typed, scanned = fixed.text.split("\n\n")
    assert typed == line  # a typed page with the same text is untouched
    assert scanned == "Trung tâm tư vấn của Chính phủ"
    assert fixed.source.text == fixed.text
    assert (fixed.source.starts, fixed.source.ends) == (doc.source.starts, doc.source.ends)
    # the repaired word's provenance points at what OCR read on page 2
    at = fixed.text.index("vấn", fixed.page_starts[1])
    s, e = fixed.source_span(at, at + 3)
    assert line[s:e] == "vẫn"
    at = fixed.text.index("phủ", fixed.page_starts[1])
    s, e = fixed.source_span(at, at + 3)
    assert line[s:e] == "phú"


def test_typed_document_comes_back_as_is(model):
    doc = _doc([("Trung tâm tư vẫn của Chính phú", False)])
    assert repair_ocr_document(doc, model) is doc
