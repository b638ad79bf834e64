"""Commitment tables → ``Commitment`` records: seed 000's appendices, one small table per
header variant (Markdown, and RawTables as the PDF/DOCX readers give them: a two-row header,
a table going on over a page break), the deadlines of a task table's "Thời hạn" column."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from extractors.assemble import Extraction, extract_fields
from extractors.commitments import column_role, commitment_columns, read_target
from extractors.tables import extract_tables
from pipeline.text.document import RawDocument, RawPage, RawTable
from pipeline.text.normalize import normalize_document

HEAD = "UBND TỈNH HẬU GIANG\n\nSố: 12/KH-UBND\n\nHậu Giang, ngày 15 tháng 01 năm 2024\n\n"


def doc_of(text: str = "", tables: list[RawTable] | None = None, pages: list[str] | None = None):
    raw = RawDocument(path="t.md", format="md",
                      pages=[RawPage(i + 1, t) for i, t in enumerate(pages or [text])],
                      tables=tables or [])
    return normalize_document(raw)


@dataclass(frozen=True)
class Read:
    """The extraction of a small document, with the text its provenance indexes."""

    x: Extraction
    text: str

    def __getattr__(self, name):
        return getattr(self.x, name)


def commitments_of(*args, **kwargs) -> Read:
    doc = doc_of(*args, **kwargs)
    return Read(extract_fields(doc), doc.text)


def row_text(x, i: int) -> str:
    prov = x.provenance[f"commitments.{i}"]
    return x.text[prov.start:prov.end]


# --- seed 000: Phụ lục 01 (khâu đột phá) and Phụ lục 02 (cam kết thứ hạng) --------------------

@pytest.fixture
def seed_000(shared_dir):
    found = sorted((shared_dir / "seeds").glob("000_*.txt"))
    if not found:
        pytest.skip("seed 000 is not in ../shared")
    return commitments_of(found[0].read_text(encoding="utf-8"))


def test_seed_000_every_appendix_row_is_a_commitment(seed_000):
    x = seed_000
    assert len(x.commitments) == sum(len(t.rows) for t in x.tables) == 57
    first = x.commitments[0]
    assert (first.table, first.row, first.unit) == (0, 0, "Sở Tài nguyên và Môi trường")
    assert first.agency_id == "so-tai-nguyen-moi-truong"
    assert first.commitment.startswith("Kết nối, chia sẻ dữ liệu (CSDL) quốc gia về dân cư")
    assert "UAV" in first.commitment
    # Phụ lục 02: the header "Cam kết thứ hạng CCHC năm 2024" names the indicator; a bare
    # rank is the target, a sentence is not
    p2 = [c for c in x.commitments if c.table == 1]
    assert p2[0].unit == "Sở Lao động – Thương binh và Xã hội"
    assert p2[0].indicator == "thứ hạng CCHC năm 2024"
    assert p2[0].target is None and p2[0].commitment.startswith("Trong nhóm đầu từ 1-7")
    cong_thuong = next(c for c in p2 if c.unit == "Sở Công thương")
    assert (cong_thuong.commitment, cong_thuong.target) == ("02", 2)
    # Phụ lục 01 states no time; Phụ lục 02's heading commits "năm 2024": due in that year
    assert all(c.due_date is None and c.period is None for c in x.commitments if c.table == 0)
    assert {(c.period, c.due_date) for c in p2} == {("2024", "2024")}
    # provenance: each row's own line in the text, on its page
    for i, c in enumerate(x.commitments):
        assert c.unit in row_text(x, i), i
        assert x.provenance[f"commitments.{i}"].confidence == 0.9


# --- one table per header variant ------------------------------------------------------------

def test_unit_commitment_value_due_columns():
    x = commitments_of(HEAD + """Phụ lục
BẢNG CAM KẾT NĂM 2024

| STT | Đơn vị thực hiện | Nội dung cam kết | Giá trị | Thời hạn |
|---|---|---|---|---|
| 1 | Sở Nội vụ | Tỷ lệ hồ sơ xử lý trực tuyến | 95% | 31/12/2024 |
| 2 | Sở Tài chính | Giải ngân vốn đầu tư công | 1.265 tỷ đồng | Quý III/2024 |
| 3 | Sở Tư pháp | Số hóa hồ sơ hộ tịch | đạt 100 hồ sơ | tháng 9/2024 |
| 4 | Sở Y tế | Hồ sơ sức khỏe điện tử | 96,5% | Năm 2024 |
""")
    c = x.commitments
    assert [(r.unit, r.target, r.target_unit) for r in c] == [
        ("Sở Nội vụ", 95, "%"), ("Sở Tài chính", 1265, "tỷ đồng"), ("Sở Tư pháp", 100, "hồ sơ"),
        ("Sở Y tế", 96.5, "%")]
    assert [(r.due_date, r.period) for r in c] == [
        ("2024-12-31", None), ("2024-09", "2024-Q3"), ("2024-09", "2024-09"), ("2024", "2024")]
    assert c[0].commitment == "Tỷ lệ hồ sơ xử lý trực tuyến"
    assert c[0].indicator is None  # "Giá trị" names no measure
    assert c[0].agency_id == "so-noi-vu"
    assert (c[0].table, c[0].row) == (0, 0)
    text = row_text(x, 1)
    assert text.startswith("| 2 | Sở Tài chính") and text.endswith("|")
    # the "Thời hạn" column: a deadline per row, assigned to its unit
    table_deadlines = [d for d in x.deadlines if d.assignee]
    assert ("2024-12-31", "Sở Nội vụ") in [(d.due_date, d.assignee) for d in table_deadlines]
    assert any(d.kind == "period" and d.period == "2024-Q3" and d.assignee == "Sở Tài chính"
               for d in table_deadlines)


def test_agency_in_charge_task_and_completion_time():
    x = commitments_of(HEAD + """\
| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |
|---|---|---|---|---|
| 1 | Xây dựng kho dữ liệu dùng chung | Sở Thông tin và Truyền thông | Các sở, ngành | Quý I/2024 |
| 2 | Rà soát thủ tục hành chính | Văn phòng UBND tỉnh | Sở Tư pháp | Thường xuyên |
| 3 | Báo cáo kết quả | Sở Nội vụ | | 30/13/2024 |
""")
    c = x.commitments
    assert [r.unit for r in c] == [
        "Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh", "Sở Nội vụ"]
    assert (c[0].commitment, c[0].period, c[0].due_date) == (
        "Xây dựng kho dữ liệu dùng chung", "2024-Q1", "2024-03")
    assert c[1].due_date is None  # "Thường xuyên": no date, nothing to review
    # digits that make no date: left empty and named for review
    assert c[2].due_date is None
    assert any(w.code == "needs_review" and w.field == "commitments.2.due_date" for w in x.warnings)


def test_indicator_and_committed_value_with_a_note():
    x = commitments_of(HEAD + """| STT | Cơ quan | Chỉ tiêu | Chỉ tiêu cam kết | Ghi chú |
|---|---|---|---|---|
| 1 | Sở Nội vụ | Tỷ lệ hồ sơ trực tuyến | 95% | |
| 2 | Sở Tài chính | Số hồ sơ được số hóa | 1.200 hồ sơ | Cam kết tại Công văn số 5/STC |
| 3 | Sở Xây dựng | Mức độ hài lòng | Trên 90% | |
""")
    c = x.commitments
    assert [(r.indicator, r.target, r.target_unit) for r in c] == [
        ("Tỷ lệ hồ sơ trực tuyến", 95, "%"), ("Số hồ sơ được số hóa", 1200, "hồ sơ"),
        ("Mức độ hài lòng", 90, "%")]
    assert all(r.commitment is None for r in c)


def test_unit_of_the_target_in_the_header():
    x = commitments_of(HEAD + """\
| STT | Đơn vị | Nội dung | Tỷ lệ giải ngân (%) | Thời hạn hoàn thành |
|---|---|---|---|---|
| 1 | Sở Giao thông vận tải | Giải phóng mặt bằng đường tỉnh 902 | 90 | 31/12/2024 |
""")
    [c] = x.commitments
    assert (c.indicator, c.target, c.target_unit, c.due_date) == (
        "Tỷ lệ giải ngân", 90, "%", "2024-12-31")


def test_multi_row_header_from_a_reader():
    rows = [["STT", "Đơn vị", "Chỉ tiêu", None, "Thời hạn"],
            [None, None, "Tên chỉ tiêu", "Giá trị", None],
            ["1", "Sở Nội vụ", "Hồ sơ trực tuyến", "95%", "30/6/2024"],
            ["2", "Sở Y tế", "Hồ sơ sức khỏe điện tử", "80%", "31/12/2024"]]
    x = commitments_of(HEAD + "Phụ lục\nCHỈ TIÊU NĂM 2024\n",
                       tables=[RawTable(rows=rows, page=1, header_rows=2)])
    table = x.tables[0]
    assert table.columns[2:4] == ["Chỉ tiêu / Tên chỉ tiêu", "Chỉ tiêu / Giá trị"]
    assert [(c.unit, c.indicator, c.target, c.target_unit, c.due_date) for c in x.commitments] == [
        ("Sở Nội vụ", "Hồ sơ trực tuyến", 95, "%", "2024-06-30"),
        ("Sở Y tế", "Hồ sơ sức khỏe điện tử", 80, "%", "2024-12-31")]


def test_a_table_going_on_over_a_page_break():
    header = ["STT", "Đơn vị thực hiện", "Nội dung cam kết", "Thời hạn hoàn thành"]
    page1 = RawTable(rows=[header, ["1", "Sở Nội vụ", "Số hóa hồ sơ cán bộ", "30/6/2024"],
                           ["2", "Sở Tư pháp", "Số hóa sổ hộ tịch", "31/7/2024"]], page=1)
    page2 = RawTable(rows=[header, ["3", "Sở Y tế", "Bệnh án điện tử", "Quý IV/2024"]], page=2)
    x = commitments_of(pages=[HEAD + "Phụ lục\nDANH MỤC CAM KẾT\n", "trang 2\n"],
                       tables=[page1, page2])
    assert len(x.tables) == 1
    assert [(c.row, c.unit) for c in x.commitments] == [
        (0, "Sở Nội vụ"), (1, "Sở Tư pháp"), (2, "Sở Y tế")]
    # each row on the page it was read from
    assert [x.provenance[f"commitments.{i}"].page for i in range(3)] == [1, 1, 2]
    assert x.commitments[2].period == "2024-Q4"


@pytest.mark.parametrize("header", [
    "| STT | Đơn vị | Hồ sơ tiếp nhận | Đã giải quyết | Tỷ lệ đúng hạn (%) |",  # figures
    "| STT | Đơn vị | Nội dung | Số lượng | Ghi chú |",                        # "Nội dung" alone
    "| STT | Nhiệm vụ | Kết quả | Ghi chú | Khác |",                            # no unit column
])
def test_other_tables_are_no_commitment_tables(header):
    row = "| 1 | Sở Nội vụ | 1.204 | 1.150 | 99,1 |"
    x = commitments_of(HEAD + header + "\n|---|---|---|---|---|\n" + row + "\n")
    assert x.tables and x.commitments == []


def test_column_roles_from_the_lexicon():
    assert column_role("Đơn vị thực hiện/chủ trì")[0] == "unit"
    assert column_role("Cơ quan phối hợp") is None
    assert column_role("Thời hạn/Thời gian hoàn thành")[0] == "due"
    assert column_role("Giá trị/Chỉ tiêu cam kết")[0] == "target"
    assert column_role("Chỉ tiêu cam kết")[0] == "target"
    assert column_role("Chỉ tiêu")[0] == "indicator"
    assert column_role("Ghi chú (Văn bản cam kết)")[0] == "note"
    assert column_role("Xếp hạng năm 2023") is None


def test_commitment_columns_need_a_header():
    [found] = extract_tables(doc_of("1\tSở Nội vụ\t95%\n2\tSở Y tế\t80%\n"))
    assert commitment_columns(found.value) is None


@pytest.mark.parametrize("cell, header_unit, want", [
    ("95%", None, (95, "%")), ("95 %", None, (95, "%")), ("1.265 tỷ đồng", None, (1265, "tỷ đồng")),
    ("100 hồ sơ", None, (100, "hồ sơ")), ("96,6", "%", (96.6, "%")), ("đạt 80%", None, (80, "%")),
    ("02", None, (2, None)), ("85-87 điểm", None, (None, None)),
    ("Duy trì thứ hạng", None, (None, None)), ("", None, (None, None)),
    ("Tăng ít nhất 01 hạng so với năm 2023", None, (None, None)),
])
def test_read_target(cell, header_unit, want):
    assert read_target(cell, header_unit) == want


def test_a_heading_that_names_the_period_dates_rows_without_a_due_column():
    x = commitments_of(HEAD + """\
| STT | Đơn vị | Chỉ tiêu | Giá trị cam kết Quý II/2024 (%) |
|---|---|---|---|
| 1 | Sở Nội vụ | Hồ sơ trực tuyến toàn trình | 80 |
| 2 | Sở Tư pháp | Hồ sơ trực tuyến toàn trình | 85 |
""")
    assert [(c.unit, c.target, c.target_unit, c.period, c.due_date) for c in x.commitments] == [
        ("Sở Nội vụ", 80, "%", "2024-Q2", "2024-06"), ("Sở Tư pháp", 85, "%", "2024-Q2", "2024-06")]
