import pytest

from extractors.dates import find_dates, iso_date, parse_vn_date


@pytest.mark.parametrize("text, expected", [
    # long form
    ("Bà Rịa - Vũng Tàu, ngày 25 tháng 3 năm 2024", "2024-03-25"),
    ("Hà Nội, ngày 04 tháng 04 năm 2025", "2025-04-04"),
    # partial dates of drafts keep their precision
    ("Vũng Tàu, ngày   tháng 3 năm 2024", "2024-03"),
    ("Bà Rịa-Vũng Tàu, ngày tháng năm 2023", "2023"),
    ("Hà Nội, ngày … tháng … năm 2024", "2024"),
    # numeric, with stray spaces
    ("ngày 31 / 5 /2024", "2024-05-31"),
    ("trước ngày 14/3/2024", "2024-03-14"),
    ("ngày 05.4.2024", "2024-04-05"),
    # OCR split a two-digit day
    ("Cần Thơ, ngày 0 9 tháng 4 năm 2025", "2025-04-09"),
    # impossible dates are no dates
    ("ngày 30/02/2024", None),
    ("ngày 5 tháng năm 2024", None),
    ("Quý II/2024", None),
])
def test_parse_vn_date(text, expected):
    assert parse_vn_date(text) == expected


def test_find_dates_gives_spans_in_order():
    text = "từ ngày 29/3/2024 đến ngày 05 tháng 4 năm 2024"
    found = list(find_dates(text))
    assert [f.value for f in found] == ["2024-03-29", "2024-04-05"]
    assert text[found[0].start:found[0].end] == "29/3/2024"


def test_iso_date_precision():
    assert iso_date(2024) == "2024"
    assert iso_date(2024, 3) == "2024-03"
    assert iso_date(2024, 13) is None
