"""The sổ đăng ký văn bản đến of a year, in the layout of the paper register (Decree 30/2020,
Phụ lục IV): a title, the year, the nine columns in their order with their numbers (1)…(9),
one row per số đến. XLSX through openpyxl (dates as dates, shown dd/mm/yyyy; A4 landscape,
fitted to the page width) or CSV (UTF-8 with BOM, so Excel reads the diacritics).
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from pipeline.corrections import display_date
from pipeline.load import DatasetStore

# (column of v_incoming_register, heading of the paper register, width in characters)
REGISTER_COLUMNS = (
    ("ngay_den", "Ngày đến", 11), ("so_den", "Số đến", 8), ("tac_gia", "Tác giả", 28),
    ("so_ky_hieu", "Số, ký hiệu", 18), ("ngay_van_ban", "Ngày tháng", 11),
    ("ten_loai_trich_yeu", "Tên loại và trích yếu nội dung", 50),
    ("don_vi_nhan", "Đơn vị hoặc người nhận", 22), ("ky_nhan", "Ký nhận", 12),
    ("ghi_chu", "Ghi chú", 24),
)
TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
DATE_FORMAT = "DD/MM/YYYY"


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register; ``ngay_van_ban`` is a date, or the date as far as it was
    read (``10/2025``) when the day is not legible."""

    values: tuple


def register_rows(store: DatasetStore, year: int, register: str) -> list[RegisterRow]:
    """The register's lines for ``year``, by số đến."""
    names = [c for c, _, _ in REGISTER_COLUMNS]
    rows = store.query(
        f"SELECT {', '.join(names)}, ngay_van_ban_ghi FROM v_incoming_register "
        "WHERE so_dang_ky = :register AND nam = :year ORDER BY so_den",
        {"register": register, "year": year})
    at = names.index("ngay_van_ban")
    out = []
    for *values, written in rows:
        if values[at] is None:
            values[at] = display_date(written) or None  # "10/2025": as far as it was read
        out.append(RegisterRow(tuple(values)))
    return out


def _display(value) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def write_csv(rows: list[RegisterRow], path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow([heading for _, heading, _ in REGISTER_COLUMNS])
        out.writerows([_display(v) for v in row.values] for row in rows)


def write_xlsx(rows: list[RegisterRow], path: Path, year: int, register: str) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = f"Sổ đến {year}"
    last = len(REGISTER_COLUMNS)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.append([TITLE])
    sheet.append([f"Năm {year}" + (f" — sổ {register}" if register else "")])
    sheet.append([])
    sheet.append([heading for _, heading, _ in REGISTER_COLUMNS])
    sheet.append([f"({i})" for i in range(1, last + 1)])
    for r in (1, 2):
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
        sheet.cell(r, 1).alignment = centre
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(2, 1).font = Font(bold=True)
    for c, (_, _, width) in enumerate(REGISTER_COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(4, c).column_letter].width = width
        for r in (4, 5):
            sheet.cell(r, c).alignment, sheet.cell(r, c).border = centre, box
        sheet.cell(4, c).font = Font(bold=True)
    for row in rows:
        sheet.append(list(row.values))
        for c, value in enumerate(row.values, start=1):
            cell = sheet.cell(sheet.max_row, c)
            cell.border = box
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A6"
    sheet.print_title_rows = "4:5"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.save(path)


def write_register(rows: list[RegisterRow], path: Path, year: int, register: str,
                   fmt: str) -> Path:
    """Write the register as ``fmt`` (xlsx | csv) to ``path``, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if fmt == "xlsx":
        write_xlsx(rows, tmp, year, register)
    elif fmt == "csv":
        write_csv(rows, tmp)
    else:
        raise ValueError(f"unknown register format {fmt!r}: use xlsx or csv")
    tmp.replace(path)
    return path
