"""Tables: Markdown (with HTML lists and continuation rows), tab-separated blocks,
RawTables across pages (repeated header), DOCX-style merged section rows, PDF via fpdf2."""
import json
from pathlib import Path

import pytest

from extractors.tables import extract_tables, parse_vn_number, split_list_items
from pipeline.settings import Confidence, Settings
from pipeline.text.document import RawDocument, RawPage, RawTable
from pipeline.text.normalize import normalize_document

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def doc_of(text: str = "", tables: list[RawTable] | None = None, pages: list[str] | None = None):
    raw = RawDocument(path="t.md", format="md",
                      pages=[RawPage(i + 1, t) for i, t in enumerate(pages or [text])],
                      tables=tables or [])
    return normalize_document(raw)


def tables_of(*args, **kwargs):
    return [f.value for f in extract_tables(doc_of(*args, **kwargs))]


APPENDIX_MD = """Phụ lục 01
KHÂU ĐỘT PHÁ CỦA CÁC SỞ, BAN, NGÀNH
Kèm theo Công văn số 7338 /UBND-SNV ngày 31 / 5 /2024 của UBND tỉnh

| STT | Tên đơn vị | Khâu đột phá |
|-----|--|---|
| 1 | Sở Tài nguyên và Môi trường | <ul style="x">- Kết nối CSDL đất đai.- Sử dụng máy bay (UAV).</ul> |
| 2 | UBND H.Long Điền | <ul> - Trên 20% dân số có chữ ký số. - 100% trang thông tin được gắn nhãn</ul> |

| STT | Tên đơn vị | Khâu đột phá |
|-----|-----|--|
| | | <ul> - Xây dựng video hướng dẫn.</ul> |
| 4 | Sở Xây dựng | <i>65% hồ sơ</i> trực tuyến |
"""


def test_markdown_appendix_across_blocks():
    [t] = tables_of(APPENDIX_MD)
    assert t.title == "Phụ lục 01: KHÂU ĐỘT PHÁ CỦA CÁC SỞ, BAN, NGÀNH"
    assert t.attached_to == "Công văn số 7338/UBND-SNV ngày 31/5/2024 của UBND tỉnh"
    assert t.columns == ["STT", "Tên đơn vị", "Khâu đột phá"]
    # the repeated header is dropped, the blank-STT row joins row 2, list items stay apart
    assert [r["STT"] for r in t.rows] == ["1", "2", "4"]
    assert t.rows[0]["Khâu đột phá"] == "Kết nối CSDL đất đai.\nSử dụng máy bay (UAV)."
    assert t.rows[1]["Khâu đột phá"] == ("Trên 20% dân số có chữ ký số.\n100% trang thông tin "
                                         "được gắn nhãn\nXây dựng video hướng dẫn.")
    assert t.rows[2]["Khâu đột phá"] == "65% hồ sơ trực tuyến"
    assert not any("<" in str(v) for r in t.rows for v in r.values())
    # table units get their agency id
    assert t.rows[1]["agency_id"] == "ubnd-huyen-long-dien"


SECTIONS_MD = """Phụ lục 02

CAM KẾT THỨ HẠNG

(Kèm theo Công văn số 7338/UBND-SNV ngày 31/5/2024 của UBND tỉnh)

I. CÁC CƠ QUAN HÀNH CHÍNH THUỘC UBND TỈNH

| Stt | Cơ quan | Xếp hạng năm 2023 | Điểm |
|-----|--|--|--|
| 1 | Sở Lao động – Thương binh và Xã hội | 01 | 96,6 |
| 2 | Sở Tài chính | 02 | 1.265 |

II. UBND CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ

| Stt | Đơn vị | Xếp hạng năm 2023 | Điểm |
|-----|--|--|--|
| 1 | UBND thị xã Phú Mỹ | 1 | 90 |
"""


def test_markdown_sections_and_typed_numbers():
    tables = tables_of(SECTIONS_MD)
    assert [t.title for t in tables] == ["Phụ lục 02: CAM KẾT THỨ HẠNG"] * 2
    first, second = tables
    assert [r["section"] for r in first.rows] == ["I. CÁC CƠ QUAN HÀNH CHÍNH THUỘC UBND TỈNH"] * 2
    assert second.rows[0]["section"] == "II. UBND CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ"
    assert first.numeric_columns == ["Xếp hạng năm 2023", "Điểm"]
    assert [r["Điểm::num"] for r in first.rows] == [96.6, 1265]
    assert first.rows[0]["Điểm"] == "96,6"  # the original text stays


def test_tab_separated_block():
    text = ("Kết quả số hóa:\n"
            "Đơn vị\tSố hồ sơ (1)\tĐã số hóa (2)\tTỷ lệ (%)\n"
            "UBND phường 1\t638\t630\t98.7\n"
            "UBND xã Long Sơn\t1.044\t21\t2,0\n\nHết.")
    [t] = tables_of(text)
    assert t.columns == ["Đơn vị", "Số hồ sơ (1)", "Đã số hóa (2)", "Tỷ lệ (%)"]
    assert [r["Số hồ sơ (1)::num"] for r in t.rows] == [638, 1044]
    assert [r["Tỷ lệ (%)::num"] for r in t.rows] == [98.7, 2.0]
    assert t.rows[1]["agency_id"] == "ubnd-xa-long-son"


HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"]


def test_raw_table_across_two_pages_with_repeated_header():
    page1 = RawTable(rows=[HEADER, ["1", "Rà soát thủ tục", "Sở Nội vụ", "30/6/2024"],
                           ["2", "Số hóa hồ sơ", "Sở Thông tin và Truyền thông", "Quý III/2024"]],
                     page=2)
    page2 = RawTable(rows=[HEADER, ["", "(tiếp) kết quả giải quyết", None, None],
                           ["3", "Báo cáo sơ kết", "Văn phòng UBND tỉnh", "Trước 15/12/2024"]],
                     page=3)
    pages = ["Công văn giao nhiệm vụ.", "Phụ lục\nDANH MỤC NHIỆM VỤ\n", "(tiếp theo)"]
    [t] = tables_of(tables=[page1, page2], pages=pages)
    assert (t.page_start, t.page_end) == (2, 3)
    assert t.title == "Phụ lục: DANH MỤC NHIỆM VỤ"
    assert [r["STT"] for r in t.rows] == ["1", "2", "3"]
    assert t.rows[1]["Nhiệm vụ"] == "Số hóa hồ sơ\n(tiếp) kết quả giải quyết"


def test_raw_table_without_repeated_header_goes_on():
    page1 = RawTable(rows=[HEADER, ["1", "A", "Sở Nội vụ", "30/6/2024"]], page=1)
    page2 = RawTable(rows=[["2", "B", "Sở Y tế", "31/7/2024"]], page=2)
    [t] = tables_of(tables=[page1, page2], pages=["x", "y"])
    assert [r["Cơ quan chủ trì"] for r in t.rows] == ["Sở Nội vụ", "Sở Y tế"]


def test_docx_merged_section_rows():
    """python-docx style: a merged row is read once, the cells it covers are None."""
    rows = [["Stt", "Cơ quan", "Kết quả", None], [None, None, "Số lượng", "Tỷ lệ (%)"],
            ["I. KHỐI SỞ, BAN, NGÀNH", None, None, None],
            ["1", "Sở Y tế", "12", "80"],
            ["2", "Sở Du lịch", "7", "105"],
            ["II", "UBND CẤP HUYỆN", None, None],
            ["1", "UBND huyện Côn Đảo", "5", "50"]]
    [t] = tables_of(tables=[RawTable(rows=rows, page=1, header_rows=2)], pages=["Báo cáo"])
    assert t.columns == ["Stt", "Cơ quan", "Kết quả / Số lượng", "Kết quả / Tỷ lệ (%)"]
    assert [(r["Cơ quan"], r["section"]) for r in t.rows] == [
        ("Sở Y tế", "I. KHỐI SỞ, BAN, NGÀNH"), ("Sở Du lịch", "I. KHỐI SỞ, BAN, NGÀNH"),
        ("UBND huyện Côn Đảo", "II. UBND CẤP HUYỆN")]


def test_table_without_header_comes_out_flagged():
    [t] = tables_of(tables=[RawTable(rows=[["1", "Sở Y tế", "12"], ["2", "Sở Du lịch", "7"]],
                                     page=1)], pages=["x"])
    assert not t.header_found
    assert t.columns == ["Cột 1", "Cột 2", "Cột 3"]
    assert len(t.rows) == 2


def test_pdf_table_spanning_two_pages(tmp_path):
    """A ruled table that fpdf2 breaks over two pages, repeating its header."""
    if not FONT.exists():
        pytest.skip("DejaVuSans.ttf not installed")
    from fpdf import FPDF

    from pipeline.extract import load_document

    pdf = FPDF()
    pdf.add_font("Sans", "", str(FONT))
    pdf.set_font("Sans", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Phụ lục 02\nCAM KẾT THỨ HẠNG\n(Kèm theo Công văn số 7338/UBND-SNV)")
    pdf.ln(150)
    from fpdf.fonts import FontFace
    with pdf.table(col_widths=(15, 90, 40), repeat_headings=1,
                   headings_style=FontFace(emphasis=None)) as table:
        table.row(["STT", "Cơ quan", "Xếp hạng"])
        for i in range(1, 16):
            table.row([str(i), f"Sở số {i}", f"{i:02d}"])
    path = tmp_path / "bang-qua-hai-trang.pdf"
    pdf.output(str(path))
    doc = load_document(path)
    found = extract_tables(doc)
    assert len(found) == 1, [f.value.title for f in found]
    t = found[0].value
    assert (t.page_start, t.page_end) == (1, 2)
    assert [r["STT"] for r in t.rows] == [str(i) for i in range(1, 16)]
    assert t.title.startswith("Phụ lục 02")


@pytest.mark.parametrize("text, value", [
    ("1.265", 1265), ("96,6", 96.6), ("98.7", 98.7), ("80%", 80), ("01", 1),
    ("1.234.567,5", 1234567.5), ("-3", -3), ("85-87", None), ("Sở Y tế", None), ("", None)])
def test_parse_vn_number(text, value):
    assert parse_vn_number(text) == value


@pytest.mark.parametrize("cell, items", [
    ("- A.- B.", ["A.", "B."]),
    ("- Tỷ lệ đạt 80%. - Xây dựng CSDL ngành Văn hóa thể thao - Tiếp tục số hóa",
     ["Tỷ lệ đạt 80%.", "Xây dựng CSDL ngành Văn hóa thể thao", "Tiếp tục số hóa"]),
    # a dash inside a name is no item
    ("Trang thông tin tỉnh Bà Rịa – Vũng Tàu", ["Trang thông tin tỉnh Bà Rịa – Vũng Tàu"]),
    ("- Kết nối với tỉnh Bà Rịa - Vũng Tàu.", ["Kết nối với tỉnh Bà Rịa - Vũng Tàu."]),
])
def test_split_list_items(cell, items):
    assert split_list_items(cell) == items


def test_seed_tables(shared_dir):
    """The seeds' appendix tables: row counts and a few cells of the gold labels."""
    from pipeline.extract import extract_file
    from pipeline.text.keys import tone_key
    for gold_path in sorted((shared_dir / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if not gold.get("tables"):
            continue
        record = extract_file(shared_dir / "seeds" / gold["file"])
        for spec in gold["tables"]:
            if "title_contains" in spec:
                chosen = [t for t in record.tables
                          if tone_key(spec["title_contains"]) in tone_key(t.title or "")]
            else:
                chosen = [t for t in record.tables if all(c in t.columns for c in spec["columns_include"])]
            rows = [tone_key(" | ".join(str(v) for v in r.values())) for t in chosen for r in t.rows]
            assert len(rows) == spec["rows"], (gold["file"], spec.get("title_contains"))
            for check in spec.get("check_rows", []):
                assert any(all(tone_key(p) in r for p in check) for r in rows), check


def test_docx_file_with_merged_section_row(tmp_path):
    """A Word table whose section row is one cell merged across the row."""
    import docx

    from pipeline.extract import load_document

    d = docx.Document()
    d.add_paragraph("Phụ lục 02")
    d.add_paragraph("CAM KẾT THỨ HẠNG CẢI CÁCH HÀNH CHÍNH")
    table = d.add_table(rows=5, cols=3)
    table.style = "Table Grid"
    for i, text in enumerate(["Stt", "Cơ quan", "Xếp hạng"]):
        table.cell(0, i).text = text
    merged = table.cell(1, 0).merge(table.cell(1, 2))
    merged.text = "I. CÁC CƠ QUAN HÀNH CHÍNH THUỘC UBND TỈNH"
    for r, row in enumerate([["1", "Sở Nội vụ", "05"], ["2", "Sở Y tế", "17"]], start=2):
        for i, text in enumerate(row):
            table.cell(r, i).text = text
    merged = table.cell(4, 0).merge(table.cell(4, 2))
    merged.text = "II. UBND CÁC HUYỆN"
    path = tmp_path / "phu-luc-hang-gop.docx"
    d.save(str(path))
    [t] = [f.value for f in extract_tables(load_document(path))]
    assert t.columns == ["Stt", "Cơ quan", "Xếp hạng"]
    assert [(r["Cơ quan"], r["section"]) for r in t.rows] == [
        ("Sở Nội vụ", "I. CÁC CƠ QUAN HÀNH CHÍNH THUỘC UBND TỈNH"),
        ("Sở Y tế", "I. CÁC CƠ QUAN HÀNH CHÍNH THUỘC UBND TỈNH")]
    assert t.title.startswith("Phụ lục 02")


def test_a_column_is_numeric_from_the_settings_share():
    text = ("Đơn vị\tGhi chú\n"
            "UBND phường 1\t12\n"
            "UBND phường 2\t30\n"
            "UBND phường 3\tchưa báo cáo\n\nHết.")
    [found] = extract_tables(doc_of(text))
    assert found.value.numeric_columns == []  # 2 of 3 numbers: under the default share
    assert found.confidence == Confidence.CUED
    [lenient] = extract_tables(doc_of(text), Settings(table_numeric_share=0.6))
    assert lenient.value.numeric_columns == ["Ghi chú"]
