"""The pdfium path's array code (``pdfium_text``, ``pdfium_words``, ``pdfium_tables``)
against pdfplumber on what a long decree rarely has: fonts and sizes changing within a
line, a paragraph wrapped over lines, a table cell wrapped over two lines and an empty
one, a blank page and a page of spaces only. The PDF is built here with fpdf2 (DejaVu
Serif, as the other PDF fixtures).

(Not here, as the fast path has always read them: a ligature glyph — "ﬁ" — which pdfium
gives as two characters and pdfminer as one, so "ﬁnal" comes out "fi" "nal"; and a
justified line, where a word's right edge can be off by a point or more.)
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest

from pipeline.readers.pdfium_tables import table_page
from pipeline.readers.pdfium_text import Advances, has_rules, read_page
from pipeline.readers.pdfium_words import extract_words


@pytest.fixture(scope="module")
def odd_pdf(font, fixture_dir) -> Path:
    from fpdf import FPDF

    bold = font.with_name("DejaVuSerif-Bold.ttf")
    if not bold.exists():
        pytest.skip(f"{bold.name} not found (fonts-dejavu-core)")
    pdf = FPDF(format="A4", unit="mm")
    pdf.add_font("Serif", "", str(font))
    pdf.add_font("Serif", "B", str(bold))
    pdf.add_page()
    pdf.set_font("Serif", "B", 12)
    pdf.write(6, "Điều 1. ")
    pdf.set_font("Serif", "", 12)
    pdf.write(6, "Phạm vi điều chỉnh ")
    pdf.set_font("Serif", "", 9)
    pdf.write(6, "(sửa đổi)")
    pdf.set_font("Serif", "", 12)
    pdf.write(6, " và hiệu quả tài chính.\n")
    pdf.multi_cell(120, 6, "Ủy ban nhân dân tỉnh giao Sở Tài chính chủ trì, phối hợp với "
                           "các sở, ban, ngành liên quan tổ chức triển khai thực hiện.",
                   align="L")
    pdf.ln(4)
    with pdf.table(col_widths=(15, 60, 40)) as table:
        for row in (["STT", "Nhiệm vụ", "Thời hạn"],
                    ["1", "Rà soát, số hóa hồ sơ tiếp nhận mới trong năm 2024", ""],
                    ["2", "Báo cáo", "18/12/2024"]):
            cells = table.row()
            for text in row:
                cells.cell(text)
    pdf.add_page()  # blank
    pdf.add_page()
    pdf.set_font("Serif", "", 12)
    pdf.cell(40, 6, "     ")  # spaces only
    out = fixture_dir / "odd-lines.pdf"
    pdf.output(str(out))
    return out


def test_words_and_tables_are_pdfplumbers(odd_pdf):
    plumber = pdfplumber.open(odd_pdf)
    doc = pdfium.PdfDocument(odd_pdf)
    advances = Advances()
    fonts, tables = set(), 0
    for i, page in enumerate(plumber.pages):
        chars = read_page(doc[i], doc[i].get_textpage(), advances)
        assert chars is not None, i
        want = page.extract_words(extra_attrs=["fontname", "size"])
        got = extract_words(chars)
        assert [w["text"] for w in got] == [w["text"] for w in want], i
        for g, w in zip(got, want):
            assert (g["fontname"], g["size"]) == (w["fontname"], w["size"])
            for key in ("x0", "top", "bottom"):
                assert g[key] == pytest.approx(w[key], abs=1e-3), (i, w["text"], key)
            # a glyph never seen followed closely ends at pdfium's loose box: "ơ"'s horn
            # overhangs its advance by half a point
            assert g["x1"] == pytest.approx(w["x1"], abs=1.0), (i, w["text"])
        fonts |= {(w["fontname"], round(w["size"])) for w in got}
        if has_rules(doc[i]):
            found = table_page(doc[i], i + 1, chars).find_tables()
            assert [t.extract() for t in found] == [t.extract() for t in page.find_tables()]
            tables += len(found)
    assert len({name for name, _ in fonts}) == 2 and len({size for _, size in fonts}) == 2
    assert tables == 1
    rows = [t.extract() for t in plumber.pages[0].find_tables()][0]
    assert "\n" in rows[1][1] and rows[1][2] == ""  # a wrapped cell, an empty one
    assert extract_words(read_page(doc[1], doc[1].get_textpage())) == []  # blank page
    assert extract_words(read_page(doc[2], doc[2].get_textpage())) == []  # spaces only


def test_advances_keep_the_narrowest_per_font_and_character():
    advances = Advances()
    regular, small = advances.font("Serif", 12.0, 1.0), advances.font("Serif", 9.0, 1.0)
    assert advances.font("Serif", 12.0, 1.0) == regular != small

    def glyph(font: int, ch: str) -> int:
        return font << 21 | ord(ch)

    advances.learn(np.array([glyph(regular, "a"), glyph(regular, "a"), glyph(small, "a")]),
                   np.array([6.2, 5.9, 4.4]))
    advances.learn(np.array([glyph(regular, "a"), glyph(regular, "b")]), np.array([6.0, 7.1]))
    found = advances.of(np.array([glyph(regular, "a"), glyph(small, "a"),
                                  glyph(regular, "b"), glyph(small, "b")]))
    assert found[:3].tolist() == [5.9, 4.4, 7.1] and math.isnan(found[3])
    assert advances.as_dict() == {("Serif", 12.0, 1.0): {"a": 5.9, "b": 7.1},
                                  ("Serif", 9.0, 1.0): {"a": 4.4}}
