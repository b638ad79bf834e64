"""Generated PDF and Word files: a title block over several centred lines, citations in
table cells (a "Căn cứ" box, a table of "Văn bản liên quan") that the readers keep apart
from the text."""
from __future__ import annotations

import pytest
from fixtures.formats import build_docx, build_pdf, parse_dispatch

from pipeline.extract import extract_file, load_document

PLAN = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: 45/KH-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Ngãi, ngày 12 tháng 3 năm 2024

KẾ HOẠCH
Triển khai các hoạt động hưởng ứng
Ngày Chuyển đổi số quốc gia
Năm 2024 trên địa bàn tỉnh
(Kèm theo Quyết định số 120/QĐ-UBND ngày 01/3/2024 của UBND tỉnh)

Căn cứ Quyết định số 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ;

I. MỤC ĐÍCH, YÊU CẦU
Nâng cao nhận thức về chuyển đổi số trong cơ quan nhà nước.

Nơi nhận:
- Các sở, ban, ngành;
- Lưu: VT, KGVX.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Nguyễn Văn An
"""
TITLE = ["KẾ HOẠCH", "Triển khai các hoạt động hưởng ứng", "Ngày Chuyển đổi số quốc gia",
         "Năm 2024 trên địa bàn tỉnh"]
SUBJECT = "Triển khai các hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia Năm 2024 trên địa bàn tỉnh"
RELATED = [["STT", "Văn bản", "Ngày ban hành", "Trích yếu"],
           ["1", "Quyết định số 749/QĐ-TTg", "03/6/2020", "Chương trình Chuyển đổi số quốc gia"],
           ["2", "Kế hoạch số 88/KH-UBND ngày 10/4/2023", "", "Chuyển đổi số năm 2023"],
           ["3", "Quyết định số 505/QĐ-TTg", "22/4/2022", "Ngày Chuyển đổi số quốc gia"]]
FIGURES = [["STT", "Đơn vị", "Mã hồ sơ", "Đã xử lý", "Ghi chú"]] + [
    [str(i), f"Phòng {i}", f"{300 + i}/UBND-VP", f"{i}/42", "Quý I/2024"] for i in range(1, 25)]


def _plan(*, table=None, centred=False):
    layout = parse_dispatch(PLAN)
    i = layout.body.index(TITLE[1])
    if centred:
        layout.centred = set(TITLE)
    if table is not None:
        layout.body[i + 4:i + 4] = ["Văn bản liên quan:", table, ""]
    return layout


def _refs(record):
    return [(r.number, r.date, r.doc_type) for r in record.references]


def test_a_title_over_centred_lines_of_a_text_pdf_is_one_subject(tmp_path, font):
    record = extract_file(build_pdf(_plan(centred=True), tmp_path / "plan.pdf", font=font))
    assert record.doc_type == "ke_hoach"
    assert record.subject == SUBJECT


def test_the_same_title_typed_as_text(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    assert extract_file(path).subject == SUBJECT


def test_citations_in_a_word_table_count_once_each(tmp_path):
    record = extract_file(build_docx(_plan(table=RELATED), tmp_path / "plan.docx"))
    assert _refs(record) == [
        ("120/QĐ-UBND", "2024-03-01", "quyet_dinh"),
        ("749/QĐ-TTg", None, "quyet_dinh"),
        ("88/KH-UBND", "2023-04-10", "ke_hoach"),
        # cited in the text and again in the table: one reference, where the text cites it
        ("505/QĐ-TTg", "2022-04-22", "quyet_dinh")]
    doc = load_document(tmp_path / "plan.docx")
    cited = record.provenance["references.3"]
    assert doc.text[cited.start:cited.end].startswith("Quyết định số 505/QĐ-TTg")
    # a table-only citation points at its table's place: where the text goes on after it
    placed = record.provenance["references.1"]
    assert placed.start == placed.end
    assert doc.text[placed.start:].lstrip().startswith("Căn cứ Quyết định số 505/QĐ-TTg")


def test_a_word_table_is_anchored_where_it_sits_in_the_text(tmp_path):
    doc = load_document(build_docx(_plan(table=RELATED), tmp_path / "plan.docx"))
    [table] = doc.tables
    assert doc.text[:table.anchor].rstrip().endswith("Văn bản liên quan:")


def test_citations_in_a_ruled_pdf_table_count(tmp_path, font):
    record = extract_file(build_pdf(_plan(table=RELATED), tmp_path / "plan.pdf", font=font))
    assert {r[0] for r in _refs(record)} == {"120/QĐ-UBND", "749/QĐ-TTg", "88/KH-UBND",
                                             "505/QĐ-TTg"}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_table_of_codes_and_figures_adds_no_reference(tmp_path, font, fmt):
    layout = _plan(table=FIGURES)
    path = tmp_path / f"plan.{fmt}"
    path = build_docx(layout, path) if fmt == "docx" else build_pdf(layout, path, font=font)
    assert [r[0] for r in _refs(extract_file(path))] == ["120/QĐ-UBND", "505/QĐ-TTg"]
