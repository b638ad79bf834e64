"""The second reader of page 1's number and date lines, combined with Tesseract's reading."""
from __future__ import annotations

import shutil

import pytest
from PIL import Image, ImageDraw

from pipeline.readers.ocr import second_reader as sr
from pipeline.settings import DEFAULT_SETTINGS
from pipeline.text.scan import OcrWord, align_words, effective_confidence
from fixtures.scans import font_path, text

THRESHOLD = DEFAULT_SETTINGS.min_handwritten_confidence


def _line(texts: list[str], conf: float, line: tuple = (1, 1, 1), top: int = 100,
          left: int = 100) -> list[OcrWord]:
    out, x = [], left
    for t in texts:
        out.append(OcrWord(t, conf, x, top, x + 25 * len(t), top + 50, line))
        x += 25 * len(t) + 20
    return out


def _page(number: list[str], date: list[str], conf: float = 0.75):
    """Aligned words and the page text of a number line and a date line, one per row."""
    words = _line(number, conf, (1, 1, 1), top=100) + _line(date, conf, (2, 1, 1), top=200)
    text = " ".join(number) + "\n" + " ".join(date) + "\nV/v phòng chống bão\n"
    return text, align_words(text, words)


class FakeReader:
    """A line reader whose number line is the upper crop."""

    def __init__(self, number: str, date: str):
        self.number, self.date = number, date

    def __call__(self, crop) -> str:
        return self.number if crop.info.get("row") == 1 else self.date


class RowImage:
    """Enough of a PIL image for ``second_read``: crops know which row they came from."""
    height, size = 2000, (2000, 2000)

    def crop(self, box):
        img = Image.new("L", (max(1, box[2] - box[0]), max(1, box[3] - box[1])), 255)
        img.info["row"] = 1 if box[1] < 150 else 2
        return img


def _digit_words(words, line):
    return [w for w in words if w.line == line and any(c.isdigit() for c in w.text)]


# ------------------------------------------------------------------ pure rule
def test_decide():
    assert sr.decide("number", "Số: 105/BC-UBND", "Số: 105 /BC-UBND") == "agree"
    assert sr.decide("number", "Số: 1O5/BC-UBND", "Số: 105/BC-UBND") == "second"
    assert sr.decide("number", "Số: 105/BC-UBND", "Số: 106/BC-UBND") == "disagree"
    assert sr.decide("number", "Số: 105/BC-UBND", "So l05") == "keep"
    assert sr.decide("date", "Hà Nội, ngày 08 tháng 10 năm 2025",
                     "Hà Nội, ngày 8 tháng 10 năm 2025") == "agree"
    assert sr.decide("date", "Hà Nội, ngàv O8 tháng 10 năm 2025",
                     "Hà Nội, ngày 08 tháng 10 năm 2025") == "second"
    assert sr.decide("date", "ngày 08 tháng 10 năm 2025", "ngày 09 tháng 10 năm 2025") == "disagree"
    assert sr.decide("date", "ngày 08 tháng 10 năm 2025", None) == "keep"


def test_replacement_keeps_the_place():
    assert sr.replacement_line("date", "Hà Nội, ngàv O8 thang 1O năm 2025",
                               "Hà Nôi, ngày 08 tháng 10 năm 2025") == \
        "Hà Nội, ngày 08 tháng 10 năm 2025"
    assert sr.replacement_line("number", "Sô: 1O5/BC-UBND", "Số:105/BC-UBND") == \
        "Số: 105/BC-UBND"


def test_agreement_raises_the_digit_words():
    text, words = _page(["Số:", "105/BC-UBND"], ["Hà", "Nội,", "ngày", "08", "tháng", "10",
                                                 "năm", "2025"])
    new_text, new = sr.second_read(RowImage(), words, text, FakeReader(
        "Số: 105/BC-UBND", "Hà Nội, ngày 8 tháng 10 năm 2025"))
    assert new_text == text
    for w in _digit_words(new, (1, 1, 1)) + _digit_words(new, (2, 1, 1)):
        assert w.reread_confidence == sr.AGREE_CONFIDENCE
        assert effective_confidence(w) > w.confidence
    assert effective_confidence(_digit_words(new, (1, 1, 1))[0]) >= THRESHOLD


def test_unparsed_tesseract_line_is_replaced_but_unconfirmed():
    text, words = _page(["Số:", "1O5/BC-UBND"], ["Hà", "Nội,", "ngàv", "O8", "thang", "10",
                                                 "năm", "2025"])
    new_text, new = sr.second_read(RowImage(), words, text, FakeReader(
        "Số: 105/BC-UBND", "Hà Nôi, ngày 08 tháng 10 năm 2025"))
    assert new_text.splitlines()[:3] == ["Số: 105/BC-UBND", "Hà Nội, ngày 08 tháng 10 năm 2025",
                                         "V/v phòng chống bão"]
    # every word aligned to the new text, spans consistent
    assert all(w.start >= 0 and new_text[w.start:w.end] == w.text for w in new)
    number = _digit_words(new, (1, 1, 1))
    assert [w.text for w in number] == ["105/BC-UBND"]
    assert effective_confidence(number[0]) < THRESHOLD  # a candidate, still reviewed
    day, month, year = _digit_words(new, (2, 1, 1))
    assert day.text == "08" and effective_confidence(day) < THRESHOLD
    # the month both readers read "10": that part is confirmed
    assert month.reread == "10" and effective_confidence(month) >= 0.75


def test_disagreement_is_flagged_with_both_readings():
    text, words = _page(["Số:", "105/BC-UBND"], ["Hà", "Nội,", "ngày", "08", "tháng", "10",
                                                 "năm", "2025"], conf=0.95)
    new_text, new = sr.second_read(RowImage(), words, text, FakeReader(
        "Số: 106/BC-UBND", "Hà Nội, ngày 09 tháng 10 năm 2025"))
    assert new_text == text
    (number,) = _digit_words(new, (1, 1, 1))
    assert number.reread == "106" and effective_confidence(number) < THRESHOLD
    day, month, year = _digit_words(new, (2, 1, 1))
    assert day.reread == "09" and effective_confidence(day) < THRESHOLD
    assert month.reread is None and effective_confidence(month) == 0.95  # agreed part


def test_no_reader_changes_nothing():
    text, words = _page(["Số:", "1O5/BC-UBND"], ["ngày", "08", "tháng", "10", "năm", "2025"])
    assert sr.second_read(RowImage(), words, text, None) == (text, words)


# ------------------------------------------------------------------ the real reader
@pytest.mark.skipif(font_path() is None, reason="fonts-dejavu-core not installed")
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_end_to_end_on_a_generated_page():
    pytest.importorskip("asterocr")
    if sr.line_reader() is None:
        pytest.skip("asterocr without its bundled model")
    from pipeline.readers.ocr.engine import ocr_image

    img = Image.new("RGB", (2480, 1200), "white")
    d = ImageDraw.Draw(img)
    text(d, (200, 300), "Số: 105/BC-UBND", 48)
    text(d, (1300, 300), "Hà Nội, ngày 08 tháng 10 năm 2025", 48)
    text(d, (200, 500), "V/v phòng chống bão số 11", 48, True)
    page = ocr_image(img, page=1)
    assert "105/BC-UBND" in page.text and "ngày 08 tháng 10 năm 2025" in page.text
    number = [w for w in page.facts.words if "105" in w.text]
    assert number and number[0].reread == "105"
    assert number[0].reread_confidence == sr.AGREE_CONFIDENCE
    assert all(w.start < 0 or page.text[w.start:w.end] == w.text for w in page.facts.words)
