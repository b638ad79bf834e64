"""Header fields, one table per variant of the letterhead and title block."""
import pytest

from extractors.header import is_mark, read_header
from pipeline.settings import Confidence, Settings
from pipeline.text.normalize import normalize_text

CONG_VAN = """ỦY BAN NHÂN DÂN
TỈNH LÂM ĐỒNG

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 1204 /UBND-KT

Lâm Đồng, ngày 08 tháng 4 năm 2024

V/v rà soát danh mục dự án đầu tư
công trung hạn giai đoạn
2026-2030

Kính gửi:

THƯỢNG KHẨN

- Sở Kế hoạch và Đầu tư;
- Sở Tài chính.

Nội dung.
"""

DECISION = """UBND TỈNH ĐỒNG NAI
SỞ TƯ PHÁP
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 215/QĐ-STP
Đồng Nai, ngày 08 tháng 4 năm 2024
QUYẾT ĐỊNH
VỀ VIỆC THÀNH LẬP TỔ CÔNG TÁC
GIÁM ĐỐC SỞ TƯ PHÁP
Căn cứ Quyết định số 12/2021/QĐ-UBND ngày 02/3/2021 của UBND tỉnh;
"""

DRAFT = """Số: /BC-UBND

Vũng Tàu, ngày   tháng 3 năm 2024

## BÁO CÁO

### Kết quả **cải cách** hành chính Quý I năm 2024

Thực hiện Công văn số 3552/UBND-SNV ngày 25/3/2024 của UBND tỉnh,
"""

LAW = """QUỐC HỘI
******
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
********
Luật số: 92/2015/QH13
Hà Nội, ngày 25 tháng 11 năm 2015
BỘ LUẬT
TỐ TỤNG DÂN SỰ
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
"""

SECRET = """BỘ CÔNG AN

MẬT

Số: 45/KH-BCA
Hà Nội, ngày 02 tháng 01 năm 2025
KẾ HOẠCH
Bảo vệ an ninh sự kiện
"""


def header_of(text):
    return read_header(normalize_text(text).text)


def test_cong_van_header():
    h = header_of(CONG_VAN)
    assert h.issuer.value.name == "Ủy ban nhân dân tỉnh Lâm Đồng"
    assert h.issuer.value.parent is None
    assert h.number.value.raw == "1204/UBND-KT"
    assert h.place.value == "Lâm Đồng"
    assert h.issued_date.value == "2024-04-08"
    assert h.doc_type.value == "cong_van"
    # a subject wrapped over three lines is joined; "V/v" is dropped
    assert h.subject.value == "rà soát danh mục dự án đầu tư công trung hạn giai đoạn 2026-2030"
    # the urgency stamp sits between "Kính gửi:" and its list
    assert h.urgency.value == "thuong_khan"
    assert h.confidentiality is None


def test_decision_with_parent_body_and_title():
    h = header_of(DECISION)
    assert h.issuer.value.name == "Sở Tư pháp"
    assert h.issuer.value.parent == "Ủy ban nhân dân tỉnh Đồng Nai"
    assert h.doc_type.value == "quyet_dinh"
    # "VỀ VIỆC" removed; the authority line under the subject is not part of it
    assert h.subject.value == "THÀNH LẬP TỔ CÔNG TÁC"
    assert h.number.value.type_code == "QĐ"


def test_draft_with_blank_number_and_day():
    h = header_of(DRAFT)
    assert h.number.value.raw == "/BC-UBND"
    assert h.number.value.number is None
    assert h.issued_date.value == "2024-03"
    assert h.place.value == "Vũng Tàu"
    assert h.doc_type.value == "bao_cao"
    assert h.subject.value == "Kết quả cải cách hành chính Quý I năm 2024"
    assert h.issuer is None  # the text has no letterhead: nothing is guessed


def test_law_with_labelled_number():
    h = header_of(LAW)
    assert h.number.value.raw == "92/2015/QH13"
    assert h.number.value.year == 2015
    assert h.doc_type.value == "luat"
    assert h.issuer.value.name == "Quốc hội"
    assert h.issued_date.value == "2015-11-25"


def test_secrecy_mark_and_type_title():
    h = header_of(SECRET)
    assert h.confidentiality.value == "mat"
    assert h.doc_type.value == "ke_hoach"
    assert h.issuer.value.name == "Bộ Công an"


def test_nfd_input_gives_the_same_header():
    import unicodedata
    assert header_of(unicodedata.normalize("NFD", CONG_VAN)) == header_of(CONG_VAN)


def test_type_from_symbol_when_no_title_line():
    h = header_of("Số: 12/TB-VP\nHà Nội, ngày 02 tháng 01 năm 2025\nNội dung thông báo.")
    assert h.doc_type.value == "thong_bao"
    assert h.doc_type.confidence < 1


def test_catalogue_title_only():
    h = header_of("Kế hoạch 224/KH-UBND ngày 02/04/2025 xử lý trụ sở dôi dư\nTải về")
    assert (h.doc_type.value, h.number.value.raw, h.issued_date.value) == \
        ("ke_hoach", "224/KH-UBND", "2025-04-02")
    assert h.subject.value == "xử lý trụ sở dôi dư"


@pytest.mark.parametrize("mark, value", [
    ("HỎA TỐC", "hoa_toc"), ("HOẢ TỐC", "hoa_toc"), ("**KHẨN**", "khan"), ("TUYỆT MẬT", None),
])
def test_urgency_marks(mark, value):
    h = header_of(f"BỘ Y TẾ\n\n{mark}\n\nSố: 5/CĐ-BYT\nHà Nội, ngày 02 tháng 01 năm 2025\n")
    assert (h.urgency.value if h.urgency else None) == value


@pytest.mark.parametrize("line", ["VWw chủ động ứng phó bão số 11", "—_ Về vA chủ động ứng phó bão số 11",
                                  "V/ v chủ động ứng phó bão số 11"])
def test_ocr_renderings_of_the_subject_prefix(line):
    h = header_of(f"Số: 18/CĐ-TTg\nHà Nội, ngày 02 tháng 10 năm 2025\nCÔNG ĐIỆN\n{line}\n\nNội dung")
    assert h.subject.value == "chủ động ứng phó bão số 11"


def test_place_date_glued_to_the_number_by_ocr():
    h = header_of("Số: 378/TB-VPCPngày21tháng7năm2025\n")
    assert h.number.value.raw == "378/TB-VPCP"


def test_a_citation_in_the_body_is_not_the_documents_number():
    h = header_of("VĂN PHÒNG CHÍNH PHỦ\n\nHà Nội, ngày 05 tháng 10 năm 2025\n\nTHÔNG BÁO\n\n"
                  "Kết luận của Phó Thủ tướng\n\nThông báo số 378/TB-VPCP ngày 21 tháng 7 năm 2025.")
    assert h.number is None


def test_marks_come_from_the_lexicon_in_any_spelling():
    assert is_mark("TỐI MẬT") and is_mark("HOA TOC") and is_mark("Thượng khẩn")
    assert not is_mark("KHẨN TRƯƠNG")


def test_marks_are_looked_for_within_the_settings_window():
    text = normalize_text("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\n\nHỎA TỐC\n\nSố: 12/UBND-KT\n").text
    assert read_header(text).urgency.value == "hoa_toc"
    assert read_header(text, Settings(mark_scan_lines=3)).urgency is None


def test_a_type_read_from_the_symbol_is_inferred():
    text = normalize_text("Số: 15/QĐ-UBND\n\nCăn cứ Luật Tổ chức chính quyền địa phương;\n").text
    header = read_header(text)
    assert header.doc_type.value == "quyet_dinh"
    assert header.doc_type.confidence == Confidence.INFERRED


CABLE = ("THỦ TƯỚNG CHÍNH PHỦ\nSố: 188/CĐ-TTg\nHà Nội, ngày 06 tháng 10 năm 2025\n"
         "{title}\n{subject}\nTHỦ TƯỚNG CHÍNH PHỦ điện:\n- Chủ tịch Ủy ban nhân dân các tỉnh")


@pytest.mark.parametrize("title, subject, expected", [
    ("CÔNG ĐIỆN", "Về chủ động ứng phó nguy cơ mưa lũ", "chủ động ứng phó nguy cơ mưa lũ"),
    ("CÔNG ĐIỆN", "VỀ XỬ LÝ VỤ VIỆC HÀNG GIẢ", "XỬ LÝ VỤ VIỆC HÀNG GIẢ"),
    ("CÔNG ĐIỆN", "Về việc chủ động ứng phó bão", "chủ động ứng phó bão"),
    ("CÔNG ĐIỆN", "Vệ sinh môi trường sau lũ", "Vệ sinh môi trường sau lũ"),  # no lead-in
    # only a công điện's "Về" is a lead-in: a decision "Về …" keeps it as printed
    ("QUYẾT ĐỊNH", "Về chủ động ứng phó nguy cơ mưa lũ", "Về chủ động ứng phó nguy cơ mưa lũ"),
])
def test_a_cable_subject_loses_its_lead_in(title, subject, expected):
    assert read_header(CABLE.format(title=title, subject=subject)).subject.value == expected
