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


@pytest.mark.parametrize("first, second, name", [
    ("BỘ NÔNG NGHIỆP VÀ", "MÔI TRƯỜNG", "bộ nông nghiệp và môi trường"),
    ("BỘ KHOA HỌC VÀ", "CÔNG NGHỆ", "bộ khoa học và công nghệ"),
    # no conjunction at the break: the two lines make one name the gazetteer lists
    ("NGÂN HÀNG NHÀ NƯỚC", "VIỆT NAM", "ngân hàng nhà nước việt nam"),
])
def test_a_name_wrapped_over_two_lines_is_one_name(first, second, name):
    h = header_of(f"{first}\n{second}\nSố: 12/BC-XX\n")
    assert h.issuer.value.name.casefold() == name
    assert h.issuer.value.parent is None


def test_a_parent_over_its_unit_stays_two_names():
    h = header_of("BỘ TÀI CHÍNH\nCỤC HẢI QUAN\nSố: 12/HQ-GSQL\n")
    assert (h.issuer.value.parent, h.issuer.value.name) == ("Bộ Tài chính", "Cục Hải quan")


@pytest.mark.parametrize("letterhead, name", [
    ("CHÍNH PH Ủ", "chính phủ"),
    ("B Ộ Y TẾ", "bộ y tế"),
    # an onset never stands alone: only a split syllable is joined
    ("UBND TP HỒ CHÍ MINH", "ủy ban nhân dân tp hồ chí minh"),
])
def test_a_syllable_split_after_its_onset_is_joined(letterhead, name):
    h = header_of(f"{letterhead}\nSố: 12/NĐ-CP\n")
    assert h.issuer.value.name.casefold() == name


# --- a title over several lines under the type line (kế hoạch, Decree 30's trích yếu) ---

PLAN = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: 45/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Ngãi, ngày 12 tháng 3 năm 2024

KẾ HOẠCH
{title}
"""


@pytest.mark.parametrize("title, expected", [
    # opens like a sentence ("Triển khai"), goes on over lines, stops at the legal basis
    (("Triển khai thực hiện chuyển đổi số\nTrên địa bàn tỉnh năm 2024\n"
      "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;"),
     "Triển khai thực hiện chuyển đổi số Trên địa bàn tỉnh năm 2024"),
    # three lines, then the note tying it to its decision, which is no part of it
    (("Tổ chức các hoạt động hưởng ứng\nNgày Chuyển đổi số quốc gia\nNăm 2024 của tỉnh\n"
      "(Kèm theo Quyết định số 120/QĐ-UBND ngày 01/3/2024)\n\nI. MỤC ĐÍCH, YÊU CẦU"),
     "Tổ chức các hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia Năm 2024 của tỉnh"),
    # a numbered section right under it
    ("Kiểm tra công tác văn thư\nLưu trữ năm 2024\nI. MỤC ĐÍCH, YÊU CẦU",
     "Kiểm tra công tác văn thư Lưu trữ năm 2024"),
    # a body sentence right under it
    (("Thực hiện Nghị quyết số 57-NQ/TW\nVề đột phá phát triển khoa học, công nghệ\n"
      "Thực hiện Công văn số 12/UBND-VP, Sở Nội vụ xây dựng Kế hoạch như sau:"),
     "Thực hiện Nghị quyết số 57-NQ/TW Về đột phá phát triển khoa học, công nghệ"),
    # a blank gap ends it
    ("Phòng, chống thiên tai năm 2024\n\nĐể chủ động ứng phó, UBND tỉnh ban hành Kế hoạch.",
     "Phòng, chống thiên tai năm 2024"),
])
def test_a_title_over_several_lines_is_one_subject(title, expected):
    h = header_of(PLAN.format(title=title))
    assert h.doc_type.value == "ke_hoach"
    assert h.subject.value == expected


@pytest.mark.parametrize("body", [
    # no title: the body opens right under the type line and reads as a sentence
    ("Thực hiện Công văn số 12/UBND-VP ngày 05/3/2024 của UBND tỉnh, Sở Nội vụ ban hành "
     "Kế hoạch như sau:"),
    "Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ;",
    "I. MỤC ĐÍCH, YÊU CẦU",
])
def test_a_body_under_the_type_line_is_no_subject(body):
    h = header_of(PLAN.format(title=body))
    assert h.doc_type.value == "ke_hoach"
    assert h.subject is None


# --- 2001–2009 headers (tab-laid letterheads, old symbols, catalogue lines) -----------------


@pytest.mark.parametrize("first, second", [
    ("BỘ TÀI CHÍNH\tCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "\tĐộc lập - Tự do - Hạnh phúc"),
    # the tabs turned into spaces: the motto runs into the issuer's line, in any spelling
    ("BỘ TÀI CHÍNH    CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
    ("BỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
    ("BỘ TÀI CHÍNH Cộng hòa xã hội chủ nghĩa Việt Nam", "Độc lập – Tự do – Hạnh phúc"),
    ("BỘ TÀI CHÍNH CONG HOA XA HOI CHU NGHIA VIET NAM", "Doc lap - Tu do - Hanh phuc"),
])
def test_the_motto_run_into_the_letterhead_is_no_part_of_the_issuer(first, second):
    h = header_of(f"{first}\n{second}\nSố: 89/2002/TT-BTC\tHà Nội, ngày 9 tháng 10 năm 2002\n")
    assert (h.issuer.value.name, h.issuer.value.parent) == ("Bộ Tài chính", None)
    assert (h.place.value, h.issued_date.value) == ("Hà Nội", "2002-10-09")


def test_the_second_letterhead_line_keeps_its_place_beside_the_motto():
    h = header_of("ỦY BAN NHÂN DÂN CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                  "TỈNH HẢI DƯƠNG Độc lập - Tự do - Hạnh phúc\n"
                  "Số: 45/2003/QĐ-UB Hải Dương, ngày 12 tháng 5 năm 2003\n")
    assert h.issuer.value.name == "Ủy ban nhân dân tỉnh Hải Dương"
    assert h.number.value.raw == "45/2003/QĐ-UB"
    assert h.place.value == "Hải Dương"  # not "QĐ-UB Hải Dương"


@pytest.mark.parametrize("line", [
    "Số:     /QĐ-UB", "Số: /QĐ-UB", "Số: ......./QĐ-UB", "Số:     /QĐ–UB",
    # the place-date in the same line, after a tab or run together
    "Số:     /QĐ-UB\tGia Lộc, ngày    tháng    năm 2004",
    "Số:     /QĐ-UB    Gia Lộc, ngày    tháng    năm 2004",
    "Số: /QĐ-UB  Hà Nội",
])
def test_a_number_left_blank_keeps_its_symbol(line):
    h = header_of(f"ỦY BAN NHÂN DÂN\nHUYỆN GIA LỘC\n{line}\n")
    n = h.number.value
    assert (n.raw, n.number, n.type_code, n.issuer_code) == ("/QĐ-UB", None, "QĐ", "UB")


def test_a_number_line_that_does_not_parse_is_named_not_guessed():
    h = header_of("BỘ TÀI CHÍNH\nSố: 1141-TC/XX/CĐKT\nHà Nội, ngày 02 tháng 3 năm 2001\n")
    assert h.number is None
    assert [(w.code, w.field) for w in h.warnings] == [("needs_review", "number")]


@pytest.mark.parametrize("title, doc_type", [
    ("QUYẾT ĐỊNH CỦA BỘ TRƯỞNG BỘ TÀI CHÍNH", "quyet_dinh"),
    ("CHỈ THỊ CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", "chi_thi"),
])
def test_a_title_naming_who_issues_it(title, doc_type):
    # no type code in the symbol to fall back on: the type comes from the title line
    h = header_of(f"BỘ TÀI CHÍNH\nSố: 15/BTC\nHà Nội, ngày 02 tháng 3 năm 2001\n{title}\n"
                  "Về việc ban hành Chế độ kế toán\n\nCăn cứ Nghị định số 15/CP;")
    assert h.doc_type.value == doc_type
    assert h.subject.value == "ban hành Chế độ kế toán"


@pytest.mark.parametrize("line, expected", [
    ("Nghị định của Chính phủ số 114/2003/NĐ-CP ngày 10/10/2003 về cán bộ, công chức xã",
     ("nghi_dinh", "114/2003/NĐ-CP", "2003-10-10", "Chính phủ", "về cán bộ, công chức xã")),
    (("Quyết định của Bộ trưởng Bộ Tài chính số 1141-TC/QĐ/CĐKT ngày 1 tháng 11 năm 1995 "
      "về việc ban hành Chế độ kế toán doanh nghiệp"),
     ("quyet_dinh", "1141-TC/QĐ/CĐKT", "1995-11-01", "Bộ Tài chính",
      "ban hành Chế độ kế toán doanh nghiệp")),
    ("Thông tư số 89/2002/TT-BTC ngày 9/10/2002 của Bộ Tài chính hướng dẫn khoán biên chế",
     ("thong_tu", "89/2002/TT-BTC", "2002-10-09", "Bộ Tài chính", "hướng dẫn khoán biên chế")),
    # the head of a body who is a letterhead of his own stays
    ("Quyết định của Thủ tướng Chính phủ số 28/2002/QĐ-TTg ngày 02/02/2002 về việc thành lập Ban",
     ("quyet_dinh", "28/2002/QĐ-TTg", "2002-02-02", "Thủ tướng Chính phủ", "thành lập Ban")),
])
def test_a_header_written_as_one_catalogue_line(line, expected):
    h = header_of(f"{line}\n\nCHÍNH PHỦ\n\nCăn cứ Luật Tổ chức Chính phủ ngày 25 tháng 12 năm 2001;\n")
    got = (h.doc_type.value, h.number.value.raw, h.issued_date.value, h.issuer.value.name,
           h.subject.value)
    assert got == expected


def test_a_catalogue_line_whose_issuer_runs_into_its_subject_is_left_for_review():
    h = header_of("Thông tư số 89/2002/TT-BTC ngày 9/10/2002 của Bộ Tài chính khoán biên chế\n")
    assert (h.doc_type.value, h.number.value.raw) == ("thong_tu", "89/2002/TT-BTC")
    assert h.issuer is None and h.subject is None
    assert [(w.code, w.field) for w in h.warnings] == [("needs_review", "issuer")]


REGULATION = """ỦY BAN NHÂN DÂN
TỈNH NINH BÌNH

QUY ĐỊNH
Về quản lý hoạt động khai thác đá
(Ban hành kèm theo Quyết định số 712/2006/QĐ-UBND ngày 20/4/2006 của UBND tỉnh)

Điều 1. Phạm vi điều chỉnh.
"""


def test_a_regulation_before_its_decision_gives_the_decisions_header():
    decision = ("\nỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH\nSố: 712/2006/QĐ-UBND\n\n"
                "Ninh Bình, ngày 20 tháng 4 năm 2006\n\nQUYẾT ĐỊNH\nVề việc ban hành Quy định\n")
    text = normalize_text(REGULATION + decision).text
    h = read_header(text)
    assert (h.doc_type.value, h.number.value.raw, h.issued_date.value) == \
        ("quyet_dinh", "712/2006/QĐ-UBND", "2006-04-20")
    assert h.issuer.value.name == "Ủy ban nhân dân tỉnh Ninh Bình"
    assert h.start == text.index("ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH\nSố:")


def test_a_regulation_alone_is_read_as_itself():
    # the decision is not in the file: nothing is taken from the note that cites it
    h = header_of(REGULATION)
    assert h.doc_type.value == "quy_dinh"
    assert h.number is None and h.start == 0


@pytest.mark.parametrize("text, expected", [
    # the gazette's title in capitals, over two lines, no letterhead above it
    (("QUYẾT ĐỊNH CỦA BỘ TRƯỞNG BỘ TÀI CHÍNH SỐ 1141-TC/QĐ/CĐKT NGÀY 1 THÁNG 11 NĂM 1995\n"
      "VỀ VIỆC BAN HÀNH CHẾ ĐỘ KẾ TOÁN DOANH NGHIỆP\nBỘ TRƯỞNG BỘ TÀI CHÍNH\nCăn cứ Nghị định;"),
     ("quyet_dinh", "1141-TC/QĐ/CĐKT", "1995-11-01", "Bộ Tài chính",
      "BAN HÀNH CHẾ ĐỘ KẾ TOÁN DOANH NGHIỆP")),
    # … its subject on the next line, in sentence case
    (("THÔNG TƯ CỦA BỘ TÀI CHÍNH SỐ 89/2002/TT-BTC NGÀY 9 THÁNG 10 NĂM 2002\n"
      "Hướng dẫn thực hiện khoán biên chế\nCăn cứ Nghị định;"),
     ("thong_tu", "89/2002/TT-BTC", "2002-10-09", "Bộ Tài chính",
      "Hướng dẫn thực hiện khoán biên chế")),
    # … only who issues it: never the type line read as the issuer ("Quyết định")
    ("QUYẾT ĐỊNH CỦA BỘ TRƯỞNG BỘ TÀI CHÍNH\nVề việc ban hành Chế độ kế toán\nCăn cứ Nghị định;",
     ("quyet_dinh", None, None, "Bộ Tài chính", "ban hành Chế độ kế toán")),
    ("QUYẾT ĐỊNH\nVề việc ban hành Chế độ kế toán\nBỘ TRƯỞNG BỘ TÀI CHÍNH\nCăn cứ Nghị định;",
     ("quyet_dinh", None, None, None, "ban hành Chế độ kế toán")),
])
def test_a_gazette_title_states_the_header(text, expected):
    h = header_of(text)
    v = lambda f: f.value if f else None  # noqa: E731
    assert (v(h.doc_type), h.number and h.number.value.raw, v(h.issued_date),
            h.issuer and h.issuer.value.name, v(h.subject)) == expected


@pytest.mark.parametrize("line", [
    "V/v hướng dẫn xếp lương cán bộ\tHà Nội, ngày 15 tháng 4 năm 2005",
    "V/v hướng dẫn xếp lương cán bộ Hà Nội, ngày 15 tháng 4 năm 2005",
    "V/v hướng dẫn xếp lương cán bộ Độc lập - Tự do - Hạnh phúc",
])
def test_a_subject_line_beside_the_right_column(line):
    h = header_of(f"BỘ NỘI VỤ\nSố: 1234/BNV-TCBC\n{line}\n\nKính gửi: Các tỉnh.\n")
    assert (h.doc_type.value, h.subject.value) == ("cong_van", "hướng dẫn xếp lương cán bộ")


def test_a_portal_title_over_the_letterhead_gives_way_to_it():
    h = header_of("Quyết định 1141/QĐ-BTC về chế độ kế toán doanh nghiệp\n\n"
                  "BỘ TÀI CHÍNH\nSố: 1141/QĐ-BTC\nHà Nội, ngày 1 tháng 11 năm 2005\n\n"
                  "QUYẾT ĐỊNH\nVề việc ban hành Chế độ kế toán doanh nghiệp\n\nCăn cứ Luật Kế toán;\n")
    assert (h.issuer.value.name, h.number.value.raw, h.issued_date.value) == \
        ("Bộ Tài chính", "1141/QĐ-BTC", "2005-11-01")
    assert h.subject.value == "ban hành Chế độ kế toán doanh nghiệp"
    assert h.number.confidence == Confidence.READ  # off the letterhead, not the portal's title
