"""Each warning of pipeline.validate.checks, on small documents built from text."""
import datetime as dt
import json

import pytest

from extractors.tables import extract_tables
from pipeline.text.document import RawDocument, RawPage
from pipeline.text.normalize import normalize_document
from pipeline.validate.checks import validate_record
from schemas import Record, Reference, Source

TODAY = dt.date(2024, 6, 1)


def doc_of(text):
    return normalize_document(RawDocument(path="t.md", format="md", pages=[RawPage(1, text)]))


def warnings_for(text, **fields):
    doc = doc_of(text)
    tables = [f.value for f in extract_tables(doc)]
    record = Record(doc_id="x", source=Source(path="t.md"), tables=tables, **fields)
    return validate_record(record, doc, today=TODAY)


def codes(text, **fields):
    return [w.code for w in warnings_for(text, **fields)]


def test_range_out_of_order():
    [w] = warnings_for("Tình hình giải quyết hồ sơ (từ ngày 15/12/2024 đến 14/3/2024): 7.245 hồ sơ.")
    assert w.code == "date_out_of_order" and "15/12/2024" in w.message and w.page == 1


@pytest.mark.parametrize("text", [
    "TỪ NGÀY 15/12/2024 ĐẾN NGÀY 14/3/2024",  # a heading in capitals
    "Đợt 2 (Từ 15/12/2024 - 14/3/2024)",
    "kiểm tra từ\nngày 15/12/2024 tới 14/3/2024",
])
def test_range_out_of_order_wherever_and_however_written(text):
    """Ranges are looked for where "từ" begins (in any case): the same as a scan of the text."""
    from extractors.dates import DATE_RANGE_RE, find_date_ranges
    assert [(r.start, r.end) for r in find_date_ranges(doc_of(text).text)] == \
        [m.span() for m in DATE_RANGE_RE.finditer(doc_of(text).text)]
    assert codes(text) == ["date_out_of_order"]


def test_range_in_order_is_fine():
    assert codes("họp từ ngày 29/3/2024 đến ngày 05/4/2024") == []


@pytest.mark.parametrize("text, expected", [
    ("theo Nghị định số 117/2014/NĐ-CP ngày 07/10/2013 của Chính phủ", ["reference_year_mismatch"]),
    ("theo Nghị định số 60/2021/NĐ-CP ngày 21/6/2021 của Chính phủ", []),
    # a party document's number has no year
    ("Nghị quyết số 19-NQ/TW ngày 25/10/2017", []),
    # the long form's year is read too; a date without a year states none to disagree with
    ("theo Nghị định số 117/2014/NĐ-CP ngày 07 tháng 10 năm 2013", ["reference_year_mismatch"]),
    ("theo Nghị định số 117/2014/NĐ-CP ngày 07 tháng 10 năm 2014", []),
    ("theo Nghị định số 117/2014/NĐ-CP ngày 07/10 của Chính phủ", []),
    # a year that disagrees but a date that does not exist: no date, no warning
    ("theo Nghị định số 117/2014/NĐ-CP ngày 31/02/2013", []),
])
def test_reference_year(text, expected):
    assert codes(text) == expected


def test_reference_year_from_the_record():
    ref = Reference(raw="Nghị định 117/2014/NĐ-CP ngày 07/10/2013", number="117/2014/NĐ-CP",
                    date="2013-10-07")
    [w] = warnings_for("Không có trích dẫn.", references=[ref])
    assert (w.code, w.field) == ("reference_year_mismatch", "references.0")


@pytest.mark.parametrize("text, expected", [
    ("Cuộc họp vào thứ Hai, ngày 26/3/2024 tại UBND tỉnh.", ["weekday_mismatch"]),  # a Tuesday
    ("Cuộc họp vào thứ Ba, ngày 26/3/2024 tại UBND tỉnh.", []),
    ("Cuộc họp vào ngày 26/3/2024 (thứ 3) tại UBND tỉnh.", []),
    ("Cuộc họp vào ngày 31/3/2024 (Chủ nhật).", []),
    ("Cuộc họp vào ngày 30/3/2024 (Chủ nhật).", ["weekday_mismatch"]),
    # an ordinal, not a weekday
    ("đăng ký thay đổi lần thứ 4 ngày 25 tháng 02 năm 2025", []),
])
def test_weekday(text, expected):
    assert codes(text) == expected


def test_weekday_message_names_both_days():
    [w] = warnings_for("Cuộc họp vào ngày 30/3/2024 (Chủ nhật).")
    assert w.message.endswith("'ngày 30/3/2024 (Chủ nhật)': 2024-03-30 is a Thứ Bảy, not a Chủ nhật")
    [w] = warnings_for("Cuộc họp vào thứ 2, ngày 26/3/2024 tại UBND tỉnh.")
    assert w.message.endswith("2024-03-26 is a Thứ Ba, not a Thứ Hai")


TSV = ("Đơn vị\tSố hồ sơ đã giải quyết (1)\tSố hồ sơ đã số hóa (2)\tTỷ lệ (%) (3)\n"
       "UBND phường 1\t638\t630\t98.7\n"
       "UBND phường 2\t244\t217\t88.9\n"
       "UBND phường 3\t834\t857\t100\n"
       "UBND phường 4\t259\t230\t88.8\n"
       "UBND phường 8\t182\t108\t159.3\n")


def test_table_part_exceeds_whole_and_percentage_over_100():
    found = warnings_for(TSV)
    assert sorted(w.code for w in found) == ["part_exceeds_whole", "percentage_over_100"]
    part = next(w for w in found if w.code == "part_exceeds_whole")
    assert "UBND phường 3" in part.message and "857" in part.message
    assert all(w.field == "tables.0" for w in found)


def test_stt_gap_per_section():
    text = ("| STT | Tên đơn vị |\n|--|--|\n| 1 | Sở Y tế |\n| 2 | Sở Du lịch |\n| 4 | Sở Nội vụ |\n\n"
            "II. UBND CÁC HUYỆN\n\n| STT | Tên đơn vị |\n|--|--|\n| 1 | UBND huyện Côn Đảo |\n"
            "| 2 | UBND huyện Đất Đỏ |\n")
    found = warnings_for(text)
    assert [w.code for w in found] == ["stt_gap"]
    assert "from 2 to 4" in found[0].message


def test_table_header_missing():
    text = "Danh sách:\n\nSở Y tế\t12\t80\nSở Du lịch\t7\t90\n"
    assert codes(text) == ["table_header_missing"]


@pytest.mark.parametrize("issued, expected", [
    ("2024-06-02", ["issued_date_in_future"]), ("2024-06-01", []), ("2025", ["issued_date_in_future"]),
    ("2024-06", []), (None, [])])
def test_issued_date_in_future(issued, expected):
    assert codes("Nội dung.", issued_date=issued) == expected


def test_seed_warnings(shared_dir):
    """The seeds' known slips: the out-of-order range, 117/2014 dated 2013, STT 20 missing."""
    from pipeline.extract import extract_file
    by_file = {}
    for gold_path in sorted((shared_dir / "gold").glob("*.json")):
        name = json.loads(gold_path.read_text(encoding="utf-8"))["file"]
        by_file[name] = [(w.code, w.message) for w in extract_file(shared_dir / "seeds" / name).warnings]
    all_warnings = [w for ws in by_file.values() for w in ws]
    assert any(c == "date_out_of_order" and "15/12/2024" in m for c, m in all_warnings)
    assert any(c == "reference_year_mismatch" and "117/2014/NĐ-CP" in m for c, m in all_warnings)
    assert any(c == "stt_gap" and "19 to 21" in m for c, m in all_warnings)
