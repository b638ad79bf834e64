"""``dispatches export``: the register as the paper register (XLSX checked cell by cell, CSV)
and the Phụ lục VI metadata, from a real DuckDB dataset."""
from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from fixtures.records import dispatch_record
from pipeline.cli import main
from pipeline.load import open_store

RECEIVED = dt.date(2025, 3, 10)


@pytest.fixture
def dataset(tmp_path):
    """Three documents of 2025 (one corrected, one with only a month), one from 2024."""
    db = tmp_path / "dispatches.duckdb"
    docs = [dispatch_record(i).model_copy(update={"arrival": None}) for i in (1, 2, 3)]
    docs[2] = docs[2].model_copy(update={"issued_date": "2025-02", "urgency": "hoa_toc"})
    stamped = dispatch_record(4)  # arrival stamp of 2024-06-01
    with open_store(db) as store:
        store.ensure_schema()
        store.load_records(docs + [stamped], "r1",
                           received={d.doc_id: RECEIVED for d in docs + [stamped]})
        store.add_correction(docs[0].doc_id, "assigned_to", "Phòng Tổng hợp", "Lan")
        store.add_correction(docs[0].doc_id, "received_by", "Nguyễn Thị Hoa", "Lan")
    return db


def test_the_register_as_xlsx_in_the_paper_layout(dataset, tmp_path, capsys):
    out = tmp_path / "so-den-2025.xlsx"
    assert main(["export", "register", "--year", "2025", "--db", str(dataset),
                 "--out", str(out)]) == 0
    assert "3 entries" in capsys.readouterr().out
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    assert sheet["A2"].value.startswith("Năm 2025")
    assert [c.value for c in sheet[4]] == [
        "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng",
        "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận", "Ký nhận", "Ghi chú"]
    assert [c.value for c in sheet[5]] == [f"({i})" for i in range(1, 10)]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6)]
    assert rows == [
        [dt.datetime(2025, 3, 10), 1, "Ủy ban nhân dân tỉnh Nghệ An", "101/UBND-VP",
         dt.datetime(2024, 5, 2), "Công văn - triển khai nhiệm vụ 1", "Phòng Tổng hợp",
         "Nguyễn Thị Hoa", None],
        [dt.datetime(2025, 3, 10), 2, "Ủy ban nhân dân tỉnh Nghệ An", "102/UBND-VP",
         dt.datetime(2024, 5, 3), "Công văn - triển khai nhiệm vụ 2", None, None, None],
        [dt.datetime(2025, 3, 10), 3, "Ủy ban nhân dân tỉnh Nghệ An", "103/UBND-VP",
         "02/2025", "Công văn - triển khai nhiệm vụ 3", None, None, None],
    ]
    assert sheet["A6"].number_format == "DD/MM/YYYY"
    assert sheet.freeze_panes == "A6"


def test_the_register_as_csv_and_another_year(dataset, tmp_path):
    out = tmp_path / "so-den-2024.csv"
    assert main(["export", "register", "--year", "2024", "--db", str(dataset),
                 "--out", str(out)]) == 0
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["Ngày đến", "Số đến"]
    assert rows[1][:5] == ["01/06/2024", "1", "Ủy ban nhân dân tỉnh Nghệ An", "104/UBND-VP",
                           "05/05/2024"]
    assert len(rows) == 2


def test_metadata_in_the_names_of_phu_luc_vi(dataset, tmp_path):
    out = tmp_path / "metadata.json"
    assert main(["export", "metadata", "--db", str(dataset), "--out", str(out)]) == 0
    items = {m["CodeNumber"]: m for m in json.loads(out.read_text(encoding="utf-8"))}
    third = items[103]
    assert third["CodeNotation"] == "UBND-VP" and third["TypeName"] == "Công văn"
    assert third["IssuedDate"] == "2025-02" and third["Priority"] == "Hỏa tốc"
    assert third["SignerInfo"] == {"Position": "Phó Chủ tịch", "FullName": "Nguyễn Văn A"}
    # "Như trên" is the Kính gửi list, "Lưu: VT, VP" the file copy: neither is a new addressee
    assert third["To"] == ["Sở Nội vụ", "Sở Tài chính"]
    assert third["DueDate"] == "2024-06-30" and third["PageAmount"] == 1
    csv_out = tmp_path / "metadata.csv"
    assert main(["export", "metadata", "--db", str(dataset), "--out", str(csv_out)]) == 0
    with open(csv_out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4 and {r["To"] for r in rows} == {"Sở Nội vụ; Sở Tài chính"}


def test_a_missing_dataset_is_one_clear_line(tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["export", "register", "--year", "2025", "--db", str(tmp_path / "none.duckdb")])
    assert "no dataset" in str(exit_.value.code)
