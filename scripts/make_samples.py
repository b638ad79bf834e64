"""Build the generated samples: a text PDF, a Word file, two scans and two old office files
(``samples/10-…`` to ``15-…``).

    .venv/bin/python scripts/make_samples.py [OUT_DIR]      # default: samples/

The dispatches are ours (invented bodies, people and numbers), laid out the way Decree
30/2020/NĐ-CP sets a page (A4; margins 20/20/30/15 mm; letterhead in two columns: the issuing
body on the left, the national motto on the right; the signature area in two columns: ``Nơi
nhận`` on the left, the signer on the right). Each one is written once here as a ``Letter``
and drawn by one of four renderers:

- ``render_pdf``: a text PDF as a word processor exports it (fpdf2, DejaVu Serif), with the
  appendix table on its own pages, header row repeated on every page, merged section rows;
- ``render_docx``: a Word file whose letterhead and signature block are borderless two-column
  layout tables (python-docx);
- ``render_scan``: the printed, signed and stamped page as a scanner gives it back (Pillow):
  a red round seal over the left of the signature, a blue signature, a red ``HỎA TỐC`` stamp
  or the receiving office's ``ĐẾN`` stamp, a slight tilt, blur and paper noise; saved as a
  300-dpi JPEG, or embedded at 200 dpi in an image-only PDF (as the portal publishes scans);
- ``render_office``: a 2000s Word file typed in TCVN3 (``.VnTime``) or VNI (``VNI-Times``)
  fonts, letterhead and signature laid out with tabs or a borderless table of one row per
  line, saved by LibreOffice as ``.rtf`` or Word 97 ``.doc``.

The output is deterministic: the same script, fonts and library versions give byte-identical
files (fixed PDF dates, fixed ZIP timestamps in the DOCX, seeded noise; the ``.rtf`` and
``.doc`` for the same LibreOffice version — another version may write other bytes for the
same text, so the test compares what the reader reads from them).
``tests/evaluate/test_make_samples.py`` rebuilds them and compares with ``samples/``; after
changing a text here (or upgrading fpdf2, python-docx or Pillow) run the script again and
check the hand-written ``samples/expected/<file>.json`` still says what the document says.
"""
from __future__ import annotations

import io
import math
import sys
import zipfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import zip_longest
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts"))
FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf",
              "BI": "DejaVuSerif-BoldItalic.ttf"}
STAMP_FONT = "DejaVuSans-Bold.ttf"  # the digits of a numbering/date stamp

# page geometry (mm): A4, Decree 30 margins
PAGE_W, PAGE_H = 210.0, 297.0
TOP, BOTTOM, LEFT, RIGHT = 20.0, 20.0, 30.0, 15.0
TEXT_W = PAGE_W - LEFT - RIGHT
LEFT_COL = (LEFT - 10, 72.0)     # letterhead column: x, width
RIGHT_COL = (LEFT + 65, 100.0)   # motto/signer column
NAME_GAP = 28.0                  # the signature space above the signer's name (mm)
LINE = 1.28                      # line height as a multiple of the font size

INK = (28, 28, 30)
RED = (200, 32, 45)
BLUE = (28, 45, 150)
PAPER = (246, 244, 238)


def font_file(style: str = "", name: str | None = None) -> Path:
    wanted = name or FONT_FILES[style]
    for d in FONT_DIRS:
        if (d / wanted).exists():
            return d / wanted
    raise FileNotFoundError(f"{wanted} not found (apt-get install fonts-dejavu-core)")


def fonts_available() -> bool:
    try:
        for style in FONT_FILES:
            font_file(style)
        font_file(name=STAMP_FONT)
    except FileNotFoundError:
        return False
    return True


# --------------------------------------------------------------------------- the documents

@dataclass(frozen=True)
class Run:
    """A paragraph (or a single line) of a letter, with how it is set."""

    text: str
    size: float = 13.0
    style: str = ""          # "", "B", "I", "BI"
    align: str = "J"         # L, C, R, J (justified; the last line left)
    indent: float = 10.0     # first-line indent, mm (justified paragraphs only)
    left: float = 0.0        # extra left margin, mm
    before: float = 1.5      # space above, mm
    rule: float = 0.0        # a short centred rule under the paragraph, this wide (mm)
    lead: str = ""           # a label set before the first line, ``lead_at`` mm from the column
    lead_at: float = 0.0     # (``Kính gửi:`` before the first addressee, as Decree 30's template)


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[str, ...]
    widths: tuple[float, ...]               # mm, summing to TEXT_W
    aligns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]       # a 1-tuple is a merged section row


@dataclass
class Letter:
    file: str
    title: str                              # PDF/DOCX metadata title
    date: datetime                          # the document's date: the files' dates too
    left: list[Run]                         # issuing body, Số, V/v
    right: list[Run]                        # motto, place and date
    body: list[Run]                         # type line, subject, Kính gửi, text
    cc: list[Run]                           # Nơi nhận
    signer: list[Run]                       # authority and position lines
    name: Run                               # the signer's name
    appendix: list[Run | TableSpec] = field(default_factory=list)


def C(text: str, size: float = 13.0, style: str = "", before: float = 0.0, rule: float = 0.0) -> Run:
    return Run(text, size, style, "C", 0.0, 0.0, before, rule)


def P(text: str, before: float = 1.5, style: str = "", indent: float = 10.0, size: float = 13.0
      ) -> Run:
    return Run(text, size, style, "J", indent, 0.0, before)


def L(text: str, size: float = 13.0, style: str = "", left: float = 0.0, before: float = 0.0) -> Run:
    return Run(text, size, style, "L", 0.0, left, before)


def kinh_gui(*addressees: str, before: float = 5.0) -> list[Run]:
    """``Kính gửi: - A;`` on one line, the other addressees aligned under the first."""
    first = Run(addressees[0], 13.0, "", "L", 0.0, 50.0, before, lead="Kính gửi:", lead_at=28.0)
    return [first] + [L(a, left=50) for a in addressees[1:]]


def motto(place_date: str) -> list[Run]:
    return [C("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 11, "B"),
            C("Độc lập - Tự do - Hạnh phúc", 12.5, "B", rule=58),
            C(place_date, 12.5, "I", before=5.5)]


def cc_block(items: list[str]) -> list[Run]:
    head = L("Nơi nhận:", 11.5, "BI")
    return [head] + [L(item, 10.5) for item in items]


def signer_block(*lines: str) -> list[Run]:
    return [C(line, 13, "B") for line in lines]


def cong_van_cam_ket() -> Letter:
    """10: a công văn with an appendix table of commitments running over two pages."""
    sections = (
        ("I. KHỐI SỞ, BAN, NGÀNH",),
        ("1", "Ban Quản lý dự án đầu tư xây dựng tỉnh",
         ("Đẩy nhanh thi công các gói thầu chuyển tiếp, nghiệm thu và thanh toán ngay khối lượng "
          "hoàn thành"), "612.450", "95", "31/01/2025"),
        ("2", "Sở Giao thông vận tải",
         "Hoàn thành giải phóng mặt bằng dự án nâng cấp, mở rộng đường tỉnh 902", "185.300", "90",
         "31/12/2024"),
        ("3", "Sở Nông nghiệp và Phát triển nông thôn",
         "Hoàn thành nạo vét kênh cấp nước, thanh toán khối lượng các công trình thủy lợi",
         "96.820", "95", "31/12/2024"),
        ("4", "Sở Y tế",
         ("Đưa vào sử dụng khối nhà điều trị nội trú Bệnh viện Đa khoa tỉnh, thanh toán dứt điểm "
          "gói thầu thiết bị y tế"), "74.600", "100", "30/9/2024"),
        ("5", "Sở Giáo dục và Đào tạo",
         "Hoàn thành xây dựng phòng học các trường trung học phổ thông trước năm học mới",
         "58.150", "100", "30/9/2024"),
        ("6", "Sở Thông tin và Truyền thông",
         "Triển khai nền tảng tích hợp, chia sẻ dữ liệu dùng chung của tỉnh", "21.400", "95",
         "31/12/2024"),
        ("7", "Sở Tài nguyên và Môi trường",
         "Hoàn thành đo đạc, chỉnh lý bản đồ địa chính các xã còn lại", "33.900", "95",
         "31/12/2024"),
        ("8", "Công an tỉnh", "Hoàn thành xây dựng trụ sở Công an xã theo kế hoạch", "45.000",
         "100", "30/9/2024"),
        ("9", "Bộ Chỉ huy Quân sự tỉnh",
         "Hoàn thành công trình sở chỉ huy diễn tập khu vực phòng thủ tỉnh", "27.500", "100",
         "31/12/2024"),
        ("II. UBND CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ",),
        ("10", "UBND thành phố Vĩnh Long",
         "Hoàn thành các tuyến đường nội ô và hệ thống thoát nước khu vực trung tâm", "156.700",
         "95", "31/12/2024"),
        ("11", "UBND thị xã Bình Minh",
         "Giải ngân vốn hỗ trợ đầu tư kết cấu hạ tầng cụm công nghiệp", "88.240", "95",
         "31/01/2025"),
        ("12", "UBND huyện Long Hồ",
         "Thanh toán khối lượng các công trình xây dựng nông thôn mới nâng cao", "64.310", "95",
         "31/12/2024"),
        ("13", "UBND huyện Mang Thít",
         "Hoàn thành đê bao chống ngập các xã ven sông Cổ Chiên", "52.780", "95", "31/12/2024"),
        ("14", "UBND huyện Vũng Liêm",
         "Hoàn thành bồi thường, hỗ trợ tái định cư dự án đường tránh thị trấn", "61.090", "90",
         "31/01/2025"),
        ("15", "UBND huyện Tam Bình", "Thanh toán dứt điểm nợ đọng xây dựng cơ bản", "47.630",
         "100", "30/9/2024"),
        ("16", "UBND huyện Trà Ôn",
         "Hoàn thành trường tiểu học và trạm y tế xã đạt chuẩn quốc gia", "43.870", "95",
         "31/12/2024"),
        ("17", "UBND huyện Bình Tân",
         "Hoàn thành các tuyến đường giao thông nông thôn liên xã", "39.560", "95", "31/12/2024"),
    )
    table = TableSpec(
        columns=("STT", "Đơn vị", "Nội dung cam kết", "Kế hoạch vốn năm 2024",
                 "Tỷ lệ giải ngân (%)", "Thời hạn hoàn thành"),
        widths=(10, 37, 55, 21, 17, 25), aligns=("C", "L", "L", "R", "C", "C"), rows=sections)
    return Letter(
        file="10-cong-van-cam-ket-giai-ngan-phu-luc.pdf",
        title="Công văn 2375/UBND-KTN: đôn đốc thực hiện cam kết giải ngân vốn đầu tư công năm 2024",
        date=datetime(2024, 8, 12, 9, 30, tzinfo=UTC),
        left=[C("ỦY BAN NHÂN DÂN", 12.5, "B"), C("TỈNH VĨNH LONG", 12.5, "B", rule=24),
              C("Số: 2375/UBND-KTN", 12.5, before=5.5),
              C("V/v đôn đốc thực hiện cam kết giải ngân vốn đầu tư công năm 2024", 11.5,
                before=1.0)],
        right=motto("Vĩnh Long, ngày 12 tháng 8 năm 2024"),
        body=[
            *kinh_gui("- Các sở, ban, ngành tỉnh;", "- Ban Quản lý dự án đầu tư xây dựng tỉnh;",
                      "- UBND các huyện, thị xã, thành phố."),
            P("Thực hiện Quyết định số 2968/QĐ-UBND ngày 20/12/2023 của UBND tỉnh về việc giao kế "
              "hoạch vốn đầu tư công năm 2024 và Kế hoạch số 35/KH-UBND ngày 26/02/2024 của UBND "
              "tỉnh về đẩy mạnh giải ngân vốn đầu tư công năm 2024; theo Báo cáo số 214/BC-SKHĐT "
              "ngày 05/8/2024 của Sở Kế hoạch và Đầu tư, đến nay toàn tỉnh mới giải ngân được 38,7% "
              "kế hoạch vốn giao, thấp hơn mức bình quân chung của cả nước.", before=5, size=12.5),
            P("Để hoàn thành mục tiêu giải ngân trên 95% kế hoạch vốn năm 2024, Chủ tịch UBND tỉnh "
              "yêu cầu:", size=12.5),
            P("1. Thủ trưởng các sở, ban, ngành tỉnh, Giám đốc Ban Quản lý dự án đầu tư xây dựng "
              "tỉnh và Chủ tịch UBND các huyện, thị xã, thành phố (sau đây gọi là các đơn vị) thực "
              "hiện đúng tỷ lệ và thời hạn giải ngân đã cam kết tại Phụ lục kèm theo Công văn này; "
              "chịu trách nhiệm trước Chủ tịch UBND tỉnh nếu để chậm giải ngân.", size=12.5),
            P("2. Các đơn vị báo cáo kết quả giải ngân về Sở Kế hoạch và Đầu tư trước ngày 05 hằng "
              "tháng để tổng hợp, báo cáo UBND tỉnh.", size=12.5),
            P("3. Sở Kế hoạch và Đầu tư chủ trì, phối hợp với Sở Tài chính và Kho bạc Nhà nước tỉnh "
              "rà soát các dự án chậm giải ngân, đề xuất điều chuyển vốn, trình UBND tỉnh chậm nhất "
              "ngày 15/9/2024.", size=12.5),
            P("Nhận được Công văn này, yêu cầu các đơn vị khẩn trương triển khai thực hiện./.",
              size=12.5),
        ],
        cc=cc_block(["- Như trên;", "- Bộ Kế hoạch và Đầu tư (b/c);", "- TT Tỉnh ủy, TT HĐND tỉnh;",
                     "- CT, các PCT UBND tỉnh;", "- Kho bạc Nhà nước tỉnh;", "- LĐVP UBND tỉnh;",
                     "- Lưu: VT, KTN."]),
        signer=signer_block("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        name=C("Lâm Quang Minh", 13, "B"),
        appendix=[
            C("Phụ lục", 13, "B"),
            C("TỔNG HỢP CAM KẾT GIẢI NGÂN VỐN ĐẦU TƯ CÔNG NĂM 2024", 12.5, "B", before=1),
            C("(Kèm theo Công văn số 2375/UBND-KTN ngày 12/8/2024 của UBND tỉnh Vĩnh Long)",
              12, "I", before=1, rule=40),
            Run("Đơn vị tính: triệu đồng", 11, "I", "R", 0, 0, 4),
            table,
        ])


def quyet_dinh_kiem_tra() -> Letter:
    """11: a quyết định whose letterhead and signature block are layout tables (DOCX)."""
    return Letter(
        file="11-quyet-dinh-kiem-tra-van-thu.docx",
        title="Quyết định 186/QĐ-SNV: kiểm tra công tác văn thư, lưu trữ năm 2024",
        date=datetime(2024, 6, 3, 8, 0, tzinfo=UTC),
        left=[C("UBND TỈNH QUẢNG TRỊ", 12.5), C("SỞ NỘI VỤ", 12.5, "B", rule=20),
              C("Số: 186/QĐ-SNV", 12.5, before=5.5)],
        right=motto("Quảng Trị, ngày 03 tháng 6 năm 2024"),
        body=[
            C("QUYẾT ĐỊNH", 14, "B", before=10),
            C("Về việc kiểm tra công tác văn thư, lưu trữ năm 2024", 14, "B", rule=40),
            C("GIÁM ĐỐC SỞ NỘI VỤ TỈNH QUẢNG TRỊ", 13, "B", before=6),
            P("Căn cứ Luật Lưu trữ số 01/2011/QH13 ngày 11/11/2011;", before=5, style="I"),
            P("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;",
              style="I"),
            P("Căn cứ Quyết định số 25/2021/QĐ-UBND ngày 16/8/2021 của Ủy ban nhân dân tỉnh quy "
              "định vị trí, chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Nội vụ;",
              style="I"),
            P("Căn cứ Kế hoạch số 12/KH-SNV ngày 22/01/2024 của Sở Nội vụ về kiểm tra công tác văn "
              "thư, lưu trữ năm 2024;", style="I"),
            P("Theo đề nghị của Chi cục trưởng Chi cục Văn thư - Lưu trữ.", style="I"),
            C("QUYẾT ĐỊNH:", 13, "B", before=4),
            P("Điều 1. Thành lập Đoàn kiểm tra công tác văn thư, lưu trữ năm 2024 (sau đây gọi là "
              "Đoàn kiểm tra), gồm các ông (bà) có tên sau:", before=4),
            P("1. Ông Hoàng Văn Nam, Phó Giám đốc Sở Nội vụ - Trưởng đoàn;"),
            P("2. Bà Lê Thị Thu Trang, Chi cục trưởng Chi cục Văn thư - Lưu trữ - Phó Trưởng đoàn;"),
            P("3. Ông Phan Đình Quý, Chuyên viên Chi cục Văn thư - Lưu trữ - Thành viên;"),
            P("4. Bà Ngô Thị Hạnh, Chuyên viên Văn phòng Sở - Thư ký."),
            P("Điều 2. Đoàn kiểm tra có nhiệm vụ kiểm tra việc thực hiện các quy định về công tác "
              "văn thư, lưu trữ tại 12 cơ quan, tổ chức theo Kế hoạch số 12/KH-SNV; thời gian kiểm "
              "tra từ ngày 10/6/2024 đến ngày 28/6/2024."),
            P("Đoàn kiểm tra tổng hợp kết quả, báo cáo Giám đốc Sở trước ngày 10/7/2024."),
            P("Điều 3. Quyết định này có hiệu lực kể từ ngày ký."),
            P("Chánh Văn phòng Sở, Chi cục trưởng Chi cục Văn thư - Lưu trữ, Thủ trưởng các cơ "
              "quan, tổ chức được kiểm tra và các ông (bà) có tên tại Điều 1 chịu trách nhiệm thi "
              "hành Quyết định này./."),
        ],
        cc=cc_block(["- Như Điều 3;", "- UBND tỉnh (b/c);", "- Giám đốc Sở;", "- Lưu: VT, CCVTLT."]),
        signer=signer_block("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        name=C("Đặng Văn Lực", 13, "B"))


def cong_van_hoa_toc() -> Letter:
    """12: a công văn marked HỎA TỐC, scanned to a JPEG."""
    return Letter(
        file="12-cong-van-hoa-toc-dich-ta-lon-scan.jpg",
        title="Công văn 1186/UBND-NN",
        date=datetime(2024, 9, 16, 7, 30, tzinfo=UTC),
        left=[C("ỦY BAN NHÂN DÂN", 12.5, "B"), C("HUYỆN CAN LỘC", 12.5, "B", rule=24),
              C("Số: 1186/UBND-NN", 12.5, before=5.5),
              C("V/v triển khai biện pháp cấp bách phòng, chống bệnh Dịch tả lợn châu Phi",
                11.5, before=1.0)],
        right=motto("Can Lộc, ngày 16 tháng 9 năm 2024"),
        body=[
            *kinh_gui("- UBND các xã, thị trấn;", "- Phòng Nông nghiệp và Phát triển nông thôn huyện;",
                      "- Trạm Chăn nuôi và Thú y huyện.", before=22),
            P("Thực hiện Công văn số 4720/UBND-NL1 ngày 12/9/2024 của UBND tỉnh về tăng cường "
              "phòng, chống bệnh Dịch tả lợn châu Phi, Chủ tịch UBND huyện yêu cầu:", before=6),
            P("1. UBND các xã, thị trấn tiêu hủy ngay lợn mắc bệnh, lập chốt kiểm soát tại các ổ "
              "dịch; báo cáo tình hình dịch bệnh về UBND huyện (qua Phòng Nông nghiệp và Phát "
              "triển nông thôn) trước 16 giờ 00 hằng ngày."),
            P("2. Trạm Chăn nuôi và Thú y huyện cấp hóa chất khử trùng cho các xã có dịch, hoàn "
              "thành trước ngày 20/9/2024."),
            P("3. Phòng Nông nghiệp và Phát triển nông thôn huyện tổng hợp kết quả thực hiện, báo "
              "cáo UBND huyện chậm nhất ngày 30/9/2024./."),
        ],
        cc=cc_block(["- Như trên;", "- UBND tỉnh (b/c);", "- Sở Nông nghiệp và PTNT;",
                     "- TT Huyện ủy, TT HĐND huyện;", "- Lưu: VT, NN."]),
        signer=signer_block("CHỦ TỊCH"),
        name=C("Nguyễn Đình Hải", 13, "B"))


def thong_bao_tham_dinh() -> Letter:
    """13: a thông báo as the receiving office scanned it, with its ĐẾN stamp (PDF)."""
    return Letter(
        file="13-thong-bao-tham-dinh-du-toan-scan.pdf",
        title="Thông báo 265/TB-STC",
        date=datetime(2024, 9, 20, 14, 0, tzinfo=UTC),
        left=[C("UBND TỈNH QUẢNG NAM", 12.5), C("SỞ TÀI CHÍNH", 12.5, "B", rule=20),
              C("Số: 265/TB-STC", 12.5, before=5.5)],
        right=motto("Quảng Nam, ngày 18 tháng 9 năm 2024"),
        body=[
            C("THÔNG BÁO", 14, "B", before=38),
            C("Kết quả thẩm định dự toán kinh phí thực hiện chuyển đổi số năm 2025 của các cơ quan "
              "cấp tỉnh", 13.5, "B", rule=40),
            P("Thực hiện Công văn số 3512/UBND-KTTH ngày 26/8/2024 của UBND tỉnh về xây dựng dự "
              "toán ngân sách nhà nước năm 2025, Sở Tài chính đã thẩm định dự toán kinh phí thực "
              "hiện nhiệm vụ chuyển đổi số năm 2025 do các cơ quan, đơn vị cấp tỉnh đề xuất và "
              "thông báo kết quả như sau:", before=7),
            P("1. Có 14/19 cơ quan, đơn vị lập dự toán đúng định mức, đủ điều kiện tổng hợp vào dự "
              "toán ngân sách tỉnh năm 2025 với tổng kinh phí 38.624 triệu đồng."),
            P("2. Có 05 cơ quan, đơn vị chưa có thuyết minh chi tiết hoặc đề xuất vượt định mức, "
              "gồm: Sở Xây dựng, Sở Giao thông vận tải, Sở Văn hóa, Thể thao và Du lịch, Đài Phát "
              "thanh và Truyền hình tỉnh, Ban Quản lý các khu kinh tế và khu công nghiệp tỉnh."),
            P("3. Các cơ quan, đơn vị nêu tại khoản 2 hoàn chỉnh hồ sơ, gửi về Sở Tài chính trước "
              "ngày 30/9/2024 để tổng hợp, trình UBND tỉnh."),
            P("Sở Tài chính thông báo để các cơ quan, đơn vị biết, thực hiện./."),
        ],
        cc=cc_block(["- UBND tỉnh (b/c);", "- Các cơ quan, đơn vị cấp tỉnh;",
                     "- Giám đốc, các PGĐ Sở;", "- Lưu: VT, NS."]),
        signer=signer_block("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        name=C("Võ Thị Thanh Hà", 13, "B"))


def cong_van_2003_tcvn3() -> Letter:
    """14: a 2003 công văn typed in TCVN3 (.VnTime) with a tab-laid letterhead, saved as .rtf."""
    return Letter(
        file="14-cong-van-quyet-toan-2003-tcvn3.rtf",
        title="Cong van 87/TCKH-NS",
        date=datetime(2003, 11, 14, 8, 0, tzinfo=UTC),
        left=[L("UBND HUYỆN ĐÔNG SƠN"), L("PHÒNG TÀI CHÍNH - KẾ HOẠCH", style="B"),
              L("Số: 87/TCKH-NS"), L("V/v quyết toán kinh phí sửa chữa trường học", 12)],
        right=[L("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, "B"),
               L("Độc lập - Tự do - Hạnh phúc", style="B"),
               L("Đông Sơn, ngày 14 tháng 11 năm 2003", style="I")],
        body=[
            L("Kính gửi: Hiệu trưởng các trường tiểu học và trung học cơ sở trong huyện.",
              before=6),
            P("Thực hiện Quyết định số 1245/QĐ-UB ngày 20/3/2003 của UBND huyện về việc phân bổ "
              "kinh phí sửa chữa, chống xuống cấp trường học năm 2003, Phòng Tài chính - Kế hoạch "
              "đề nghị các trường đã được cấp kinh phí lập hồ sơ quyết toán gồm: biên bản nghiệm "
              "thu khối lượng, hóa đơn chứng từ chi và bảng tổng hợp quyết toán theo mẫu.",
              before=5),
            P("Các trường gửi hồ sơ về Phòng Tài chính - Kế hoạch huyện trước ngày 05/12/2003 để "
              "thẩm tra, tổng hợp báo cáo UBND huyện. Trường nào chưa quyết toán sẽ không được xét cấp "
              "kinh phí năm 2004."),
            P("Đề nghị Hiệu trưởng các trường thực hiện nghiêm túc./."),
        ],
        cc=[L("Nơi nhận:", 12, "BI"), L("- Như trên;", 11), L("- UBND huyện (để b/c);", 11),
            L("- Phòng Giáo dục huyện;", 11), L("- Lưu VT, NS.", 11)],
        signer=[L("TRƯỞNG PHÒNG", style="B")],
        name=L("Lương Thị Hường", style="B"))


def quyet_dinh_2006_vni() -> Letter:
    """15: a 2006 quyết định typed in VNI-Times, letterhead and signature in borderless
    tables of one row per line, the signature block in TCVN3; saved as Word 97 .doc."""
    return Letter(
        file="15-quyet-dinh-phong-chong-lut-2006-vni.doc",
        title="Quyet dinh 312/QD-SNN",
        date=datetime(2006, 8, 22, 8, 0, tzinfo=UTC),
        left=[C("UBND TỈNH BẮC GIANG"), C("SỞ NÔNG NGHIỆP", style="B"),
              C("VÀ PHÁT TRIỂN NÔNG THÔN", style="B"), C(""), C("Số: 312/QĐ-SNN")],
        right=[C("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, "B"),
               C("Độc lập - Tự do - Hạnh phúc", style="B"), C(""), C(""),
               C("Bắc Giang, ngày 22 tháng 8 năm 2006", style="I")],
        body=[
            C("QUYẾT ĐỊNH", 14, "B", before=8),
            C("Về việc thành lập Tổ thường trực phòng, chống lụt bão năm 2006", style="B"),
            C("GIÁM ĐỐC SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", style="B", before=5),
            P("Căn cứ Quyết định số 58/2004/QĐ-UB ngày 12/7/2004 của UBND tỉnh Bắc Giang quy "
              "định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Nông nghiệp và Phát "
              "triển nông thôn;", before=4),
            P("Căn cứ Chỉ thị số 07/CT-UB ngày 18/4/2006 của UBND tỉnh về công tác phòng, chống "
              "lụt bão năm 2006;"),
            P("Xét đề nghị của Chi cục trưởng Chi cục Quản lý đê điều và Phòng, chống lụt bão,"),
            C("QUYẾT ĐỊNH:", style="B", before=4),
            P("Điều 1. Thành lập Tổ thường trực phòng, chống lụt bão năm 2006 gồm 05 cán bộ của "
              "Chi cục Quản lý đê điều và Phòng, chống lụt bão, do Phó Chi cục trưởng làm Tổ "
              "trưởng.", before=4),
            P("Điều 2. Tổ thường trực trực ban 24/24 giờ trong mùa mưa bão, tổng hợp tình hình "
              "đê điều và báo cáo Giám đốc Sở trước 8 giờ 00 hằng ngày; kết thúc nhiệm vụ sau "
              "ngày 30/11/2006."),
            P("Điều 3. Quyết định có hiệu lực kể từ ngày ký. Chánh Văn phòng Sở, Chi cục trưởng "
              "Chi cục Quản lý đê điều và Phòng, chống lụt bão và các ông, bà có tên trong Tổ "
              "thường trực chịu trách nhiệm thi hành Quyết định này./."),
        ],
        cc=[L("Nơi nhận:", 12, "BI"), L("- Như Điều 3;", 11), L("- Ban Chỉ huy PCLB tỉnh (b/c);", 11),
            L("- Lưu VT, ĐĐ.", 11)],
        signer=[C("KT. GIÁM ĐỐC", style="B"), C("PHÓ GIÁM ĐỐC", style="B")],
        name=C("Trương Văn Thược", style="B"))


def plain_text(letter: Letter) -> str:
    """What the document says, one paragraph a line (table rows as ``a | b | c``)."""
    lines = [f"{r.lead} {r.text}".strip()
             for r in letter.left + letter.right + letter.body + letter.cc + letter.signer]
    lines.append(letter.name.text)
    for item in letter.appendix:
        if isinstance(item, TableSpec):
            lines.append(" | ".join(item.columns))
            lines.extend(" | ".join(row) for row in item.rows)
        else:
            lines.append(item.text)
    return "\n".join(lines)


def sample_texts() -> dict[str, str]:
    """File name → text of every generated sample (the hand labels quote it)."""
    return {letter.file: plain_text(letter) for letter in (make() for make, _ in SAMPLES)}


# --------------------------------------------------------------------------- line layout

def wrap(text: str, width: float, measure, indent: float = 0.0) -> list[list[str]]:
    """Greedy word wrap: lines of words fitting ``width`` (the first ``indent`` narrower)."""
    lines: list[list[str]] = []
    current: list[str] = []
    space = measure(" ")
    for word in text.split():
        room = width - (indent if not lines else 0.0)
        trial = sum(measure(w) for w in current + [word]) + space * len(current)
        if current and trial > room:
            lines.append(current)
            current = []
        current.append(word)
    if current:
        lines.append(current)
    return lines


def place_words(words: list[str], x: float, width: float, align: str, last: bool, measure
                ) -> list[tuple[float, str]]:
    """x of each piece of a line; a justified line spreads its words over the width."""
    space = measure(" ")
    natural = sum(measure(w) for w in words) + space * (len(words) - 1)
    if align == "J" and not last and len(words) > 1:
        gap = (width - sum(measure(w) for w in words)) / (len(words) - 1)
        out, pos = [], x
        for w in words:
            out.append((pos, w))
            pos += measure(w) + gap
        return out
    if align == "C":
        x += (width - natural) / 2
    elif align == "R":
        x += width - natural
    return [(x, " ".join(words))]


# --------------------------------------------------------------------------- text PDF

def _new_pdf(letter: Letter):
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    for style in FONT_FILES:
        pdf.add_font("Serif", style, str(font_file(style)))
    pdf.set_creation_date(letter.date)
    pdf.set_title(letter.title)
    pdf.set_lang("vi-VN")
    pdf.set_creator("Microsoft Word")  # what an exported dispatch usually says
    return pdf


def _pdf_runs(pdf, runs: list[Run], x: float, width: float, y: float) -> float:
    """Set runs from ``y`` in a column; returns the y below them (new pages as needed)."""
    for run in runs:
        pdf.set_font("Serif", run.style, run.size)
        h = run.size * LINE * 0.3528
        y += run.before
        lines = wrap(run.text, width - run.left, pdf.get_string_width,
                     run.indent if run.align == "J" else 0.0)
        if run.lead:
            pdf.text(x + run.lead_at, y + h * 0.78, run.lead)
        for i, words in enumerate(lines):
            if y + h > PAGE_H - BOTTOM:
                pdf.add_page()
                y = TOP
            indent = run.indent if run.align == "J" and i == 0 else 0.0
            for px, piece in place_words(words, x + run.left + indent, width - run.left - indent,
                                         run.align, i == len(lines) - 1, pdf.get_string_width):
                pdf.text(px, y + h * 0.78, piece)
            y += h
        if run.rule:
            pdf.set_line_width(0.3)
            pdf.line(x + (width - run.rule) / 2, y + 0.8, x + (width + run.rule) / 2, y + 0.8)
            y += 1.5
    return y


def _pdf_table(pdf, spec: TableSpec, y: float) -> float:
    from fpdf.fonts import FontFace

    pdf.set_y(y)
    pdf.set_font("Serif", "", 9.5)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(width=TEXT_W, col_widths=spec.widths, line_height=4.8,
                   text_align="CENTER", headings_style=FontFace(emphasis="BOLD", fill_color=None),
                   repeat_headings=1, padding=1.2) as table:
        head = table.row()
        for name in spec.columns:
            head.cell(name)
        for cells in spec.rows:
            row = table.row()
            if len(cells) == 1:
                row.cell(cells[0], colspan=len(spec.columns), style=bold, align="LEFT")
                continue
            for text, align in zip(cells, spec.aligns):
                row.cell(text, align={"C": "CENTER", "L": "LEFT", "R": "RIGHT"}[align])
    return pdf.get_y()


def render_pdf(letter: Letter, out: Path) -> Path:
    pdf = _new_pdf(letter)
    pdf.add_page()
    y_left = _pdf_runs(pdf, letter.left, *LEFT_COL, TOP)
    y_right = _pdf_runs(pdf, letter.right, *RIGHT_COL, TOP)
    y = _pdf_runs(pdf, letter.body, LEFT, TEXT_W, max(y_left, y_right))
    y += 4
    if y + 40 > PAGE_H - BOTTOM:
        pdf.add_page()
        y = TOP
    _pdf_runs(pdf, letter.cc, LEFT, 80, y)
    y_sig = _pdf_runs(pdf, letter.signer, *RIGHT_COL, y)
    _pdf_runs(pdf, [replace(letter.name, before=NAME_GAP)], *RIGHT_COL, y_sig)
    if letter.appendix:
        pdf.add_page()
        y = TOP
        for item in letter.appendix:
            y = _pdf_table(pdf, item, y) if isinstance(item, TableSpec) \
                else _pdf_runs(pdf, [item], LEFT, TEXT_W, y)
    out.write_bytes(bytes(pdf.output()))
    return out


# --------------------------------------------------------------------------- DOCX

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _docx_runs(container, runs: list[Run], *, first_in_cell: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    aligns = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER,
              "R": WD_ALIGN_PARAGRAPH.RIGHT, "J": WD_ALIGN_PARAGRAPH.JUSTIFY}
    for i, run in enumerate(runs):
        if first_in_cell and i == 0:
            p = container.paragraphs[0]
        else:
            p = container.add_paragraph()
        p.alignment = aligns[run.align]
        fmt = p.paragraph_format
        fmt.space_before = Mm(run.before)
        fmt.space_after = Pt(0)
        if run.align == "J":
            fmt.first_line_indent = Mm(run.indent)
        if run.left:
            fmt.left_indent = Mm(run.left)
        if run.lead:  # the label hangs left of the indent; a tab reaches the indent
            fmt.first_line_indent = Mm(run.lead_at - run.left)
            p.add_run(run.lead + "\t").font.size = Pt(run.size)
        r = p.add_run(run.text)
        r.font.size = Pt(run.size)
        r.bold = "B" in run.style
        r.italic = "I" in run.style
        if run.rule and run.size >= 12.5 and "Độc lập" in run.text:
            r.underline = True  # the motto's rule; the others are drawn lines in Word


def _layout_table(document, left: list[Run], right: list[Run], widths: tuple[float, float]):
    """A borderless one-row, two-column table (Word's usual letterhead and signature)."""
    from docx.shared import Mm

    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    for cell, runs, width in zip(table.rows[0].cells, (left, right), widths):
        cell.width = Mm(width)
        _docx_runs(cell, runs, first_in_cell=True)
    return table


def _deterministic_zip(data: bytes) -> bytes:
    """The same ZIP with fixed entry times (python-docx stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return buf.getvalue()


def _a4_document(letter: Letter, font: str, author: str):
    """A python-docx document on the letter's A4 page, in ``font`` 13 pt, with the letter's
    title and date as its properties (fixed, so the file is the same at every build)."""
    import docx
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    normal = document.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(13)
    props = document.core_properties
    props.author = props.last_modified_by = author
    props.title = letter.title
    props.created = props.modified = letter.date.replace(tzinfo=None)
    props.revision = 1
    props.comments = ""
    return document


def render_docx(letter: Letter, out: Path) -> Path:
    from docx.oxml.ns import qn

    document = _a4_document(letter, "Times New Roman", "Văn thư")
    normal = document.styles["Normal"]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")
    _layout_table(document, letter.left, letter.right, (65.0, 100.0))
    _docx_runs(document, letter.body)
    document.add_paragraph()
    _layout_table(document, letter.cc, letter.signer + [replace(letter.name, before=NAME_GAP)],
                  (75.0, 90.0))
    buf = io.BytesIO()
    document.save(buf)
    out.write_bytes(_deterministic_zip(buf.getvalue()))
    return out


# --------------------------------------------------------------------------- old office files

# Word 97 files of the 2000s: the text typed in TCVN3 (.VnTime; capitals in .VnTimeH over
# lower-case bytes) or VNI (VNI-Times), the columns laid out with tabs or a borderless table
# of one row per line; LibreOffice saves the .docx made here as .rtf or .doc.
LEGACY_FONTS = {"tcvn3": (".VnTime", ".VnTimeH"), "vni": ("VNI-Times", "VNI-Times")}


@dataclass(frozen=True)
class OfficeForm:
    fmt: str                  # "rtf" | "doc"
    layout: str               # "tabs" | "table": how letterhead and signature are laid out
    encoding: str             # the document's font: "tcvn3" | "vni"
    other: dict[str, str] = field(default_factory=dict)  # part → another encoding


def encode_legacy(text: str, encoding: str) -> str:
    """Unicode → the characters a TCVN3/VNI font stored (in TCVN3 'ư' is U+00AD)."""
    import unicodedata

    from viparse.normalize.encodings import CHARMAPS

    table = {uni: legacy for legacy, uni in CHARMAPS[encoding].pairs}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in table:
            out.append(table[ch])
        elif encoding == "tcvn3" and ch.lower() in table:
            out.append(table[ch.lower()])  # no capital toned letters in TCVN3
        else:
            out.append(ch)
    return "".join(out)


def _legacy_run(paragraph, run: Run, encoding: str) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    text = run.text
    capitals = encoding == "tcvn3" and text == text.upper() and text != text.lower()
    r = paragraph.add_run(encode_legacy(text.lower() if capitals else text, encoding))
    name = LEGACY_FONTS[encoding][1 if capitals else 0]
    r.font.name = name
    fonts = r._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)
    r.font.size = Pt(run.size)
    r.bold = "B" in run.style
    r.italic = "I" in run.style


def _office_docx(letter: Letter, form: OfficeForm) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt

    document = _a4_document(letter, LEGACY_FONTS[form.encoding][0], "Van thu")
    aligns = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER,
              "R": WD_ALIGN_PARAGRAPH.RIGHT, "J": WD_ALIGN_PARAGRAPH.JUSTIFY}

    def enc(part: str) -> str:
        return form.other.get(part, form.encoding)

    def paragraph(container, run: Run | None, part: str, first: bool = False):
        p = container.paragraphs[0] if first else container.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        if run is not None:
            p.alignment = aligns[run.align]
            p.paragraph_format.space_before = Mm(run.before)
            if run.text:
                _legacy_run(p, Run(f"{run.lead} {run.text}".strip(), run.size, run.style),
                            enc(part))
        return p

    def band(left: list[Run], right: list[Run], parts: tuple[str, str], name: Run | None):
        rows = list(zip_longest(left, right + ([C(""), C(""), name] if name else [])))
        if form.layout == "table":
            table = document.add_table(rows=len(rows), cols=2)
            table.autofit = False
            for row, pair in zip(table.rows, rows):
                for cell, run, part, width in zip(row.cells, pair, parts, (70.0, 95.0)):
                    cell.width = Mm(width)
                    paragraph(cell, run, part, first=True)
            return
        for lrun, rrun in rows:  # "left<TAB>right", the right column on a centre tab stop
            p = paragraph(document, None, parts[0])
            p.paragraph_format.tab_stops.add_tab_stop(Mm(112), WD_TAB_ALIGNMENT.CENTER)
            if lrun is not None and lrun.text:
                _legacy_run(p, lrun, enc(parts[0]))
            if rrun is not None and rrun.text:
                p.add_run("\t")
                _legacy_run(p, rrun, enc(parts[1]))

    band(letter.left, letter.right, ("left", "right"), None)
    for run in letter.body:
        paragraph(document, run, "body")
    document.add_paragraph()
    band(letter.cc, letter.signer, ("cc", "signer"), letter.name)
    document.add_paragraph()  # Word ends a document with a paragraph
    buf = io.BytesIO()
    document.save(buf)
    return _deterministic_zip(buf.getvalue())


def office_program() -> str | None:
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


def render_office(letter: Letter, out: Path, form: OfficeForm) -> Path:
    """The letter as a 2000s Word file, saved by LibreOffice as ``form.fmt`` (its own
    profile; the output is the same bytes for the same LibreOffice version)."""
    import subprocess
    import tempfile

    office = office_program()
    if office is None:
        raise FileNotFoundError("LibreOffice (soffice) not found: "
                                "scripts/install-system-deps.sh installs it")
    filters = {"doc": "doc:MS Word 97", "rtf": "rtf:Rich Text Format"}
    with tempfile.TemporaryDirectory(prefix="make-samples-") as tmp:
        src = Path(tmp) / f"{out.stem}.docx"
        src.write_bytes(_office_docx(letter, form))
        subprocess.run([office, "--headless", "--norestore", "--nolockcheck",
                        f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
                        "--convert-to", filters[form.fmt], "--outdir", tmp, str(src)],
                       check=True, capture_output=True, timeout=180)
        out.write_bytes((Path(tmp) / f"{out.stem}.{form.fmt}").read_bytes())
    return out


# --------------------------------------------------------------------------- scans

SCAN_DPI = 300


def px(mm: float, dpi: int = SCAN_DPI) -> int:
    return round(mm * dpi / 25.4)


class Canvas:
    """A page drawn at ``SCAN_DPI`` in millimetres: text, rules, seals, stamps."""

    def __init__(self):
        from PIL import Image, ImageDraw

        self.image = Image.new("RGB", (px(PAGE_W), px(PAGE_H)), "white")
        self.draw = ImageDraw.Draw(self.image)
        self._fonts: dict = {}

    def font(self, size: float, style: str = "", name: str | None = None):
        from PIL import ImageFont

        key = (size, style, name)
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(str(font_file(style, name)),
                                                  round(size * SCAN_DPI / 72))
        return self._fonts[key]

    def runs(self, runs: list[Run], x: float, width: float, y: float) -> float:
        for run in runs:
            f = self.font(run.size, run.style)
            measure = lambda s, f=f: f.getlength(s) * 25.4 / SCAN_DPI
            h = run.size * LINE * 0.3528
            y += run.before
            lines = wrap(run.text, width - run.left, measure, run.indent if run.align == "J" else 0)
            if run.lead:
                self.draw.text((px(x + run.lead_at), px(y + h * 0.78)), run.lead, font=f, fill=INK,
                               anchor="ls")
            for i, words in enumerate(lines):
                indent = run.indent if run.align == "J" and i == 0 else 0.0
                for wx, piece in place_words(words, x + run.left + indent,
                                             width - run.left - indent, run.align,
                                             i == len(lines) - 1, measure):
                    self.draw.text((px(wx), px(y + h * 0.78)), piece, font=f, fill=INK,
                                   anchor="ls")
                y += h
            if run.rule:
                self.draw.line((px(x + (width - run.rule) / 2), px(y + 0.8),
                                px(x + (width + run.rule) / 2), px(y + 0.8)), fill=INK, width=3)
                y += 1.5
        return y


def _ink_layer(size: tuple[int, int]):
    from PIL import Image

    return Image.new("L", size, 0)


def _stamp_onto(page, mask, colour: tuple[int, int, int], seed: int, strength: float = 0.92,
                floor: float = 0.55):
    """Multiply a stamp's ink (``mask``, 0-255) onto the page: ink over text, text stays
    dark; the ink is uneven (a seeded texture of lighter patches), as a rubber stamp is."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    left, top, right, bottom = mask.getbbox()  # work on the stamp's box only
    box = (max(0, left - 8), max(0, top - 8), min(mask.width, right + 8),
           min(mask.height, bottom + 8))
    part = mask.crop(box)
    w, h = part.size
    small = Image.fromarray((rng.random((h // 12 + 1, w // 12 + 1)) * 255).astype(np.uint8))
    texture = np.asarray(small.resize((w, h), Image.BICUBIC).filter(ImageFilter.GaussianBlur(3)),
                         dtype=np.float32) / 255
    alpha = np.asarray(part.filter(ImageFilter.GaussianBlur(1.2)), dtype=np.float32) / 255
    alpha *= strength * np.clip(floor + (1.3 - floor) * texture, 0, 1)
    rgb = np.asarray(page.crop(box), dtype=np.float32)
    ink = np.array(colour, dtype=np.float32) / 255
    rgb *= 1 - alpha[..., None] * (1 - ink)
    page = page.copy()
    page.paste(Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)), box[:2])
    return page


def seal_mask(size: tuple[int, int], centre: tuple[float, float], rim: str, emblem: bool,
              font, radius_mm: float = 17.5):
    """A round seal: outer and inner rings, the body's name around the rim, a star (a Sở's
    seal) or a small emblem-like disc with a star (a People's Committee's)."""
    from PIL import Image, ImageDraw

    mask = _ink_layer(size)
    d = ImageDraw.Draw(mask)
    cx, cy = px(centre[0]), px(centre[1])
    r = px(radius_mm)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=px(0.9))
    r_in = r - px(6.2)
    d.ellipse((cx - r_in, cy - r_in, cx + r_in, cy + r_in), outline=255, width=px(0.45))
    # the rim text, each letter turned to follow the circle, clockwise from the lower left
    text_r = (r + r_in) / 2
    widths = [font.getlength(ch) * 1.05 for ch in rim]
    total = sum(widths)
    arc = total / text_r  # radians the text covers
    angle = math.pi / 2 + arc / 2  # start, measured from the top, counter-clockwise is +
    for ch, w in zip(rim, widths):
        mid = angle - (w / 2) / text_r
        angle -= w / text_r
        if ch == " ":
            continue
        tile = Image.new("L", (px(6), px(6)), 0)
        ImageDraw.Draw(tile).text((tile.width // 2, tile.height // 2), ch, font=font, fill=255,
                                  anchor="mm")
        tile = tile.rotate(math.degrees(mid) - 90, resample=Image.BICUBIC)
        x = cx + text_r * math.cos(mid)
        y = cy - text_r * math.sin(mid)
        mask.paste(255, (round(x - tile.width / 2), round(y - tile.height / 2)), tile)
    if emblem:
        e = px(8.0)
        d.ellipse((cx - e, cy - e, cx + e, cy + e), outline=255, width=px(0.5))
        for k in range(16):  # the cogwheel and sheaf of the emblem, reduced to rays
            a = k * math.pi / 8
            d.line((cx + (e - px(2.6)) * math.cos(a), cy + (e - px(2.6)) * math.sin(a),
                    cx + (e - px(0.8)) * math.cos(a), cy + (e - px(0.8)) * math.sin(a)),
                   fill=255, width=px(0.35))
    star = px(4.2 if emblem else 6.5)
    pts = []
    for i in range(10):
        a = math.pi / 2 + i * math.pi / 5
        rr = star if i % 2 == 0 else star * 0.4
        pts.append((cx + rr * math.cos(a), cy - rr * math.sin(a)))
    d.polygon(pts, fill=255)
    return mask


def box_stamp_mask(size, at: tuple[float, float], lines: list[tuple[str, object, float]],
                   box: tuple[float, float], angle: float, double: bool = True):
    """A rectangular rubber stamp: lines of (text, font, baseline y mm, x mm; None centres)."""
    from PIL import Image, ImageDraw

    w, h = px(box[0]), px(box[1])
    tile = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(tile)
    d.rectangle((2, 2, w - 3, h - 3), outline=255, width=px(0.7))
    if double:
        g = px(1.1)
        d.rectangle((g, g, w - g - 1, h - g - 1), outline=255, width=px(0.3))
    for text, f, y, x in lines:
        if x is None:
            d.text((w // 2, px(y)), text, font=f, fill=255, anchor="ms")
        else:
            d.text((px(x), px(y)), text, font=f, fill=255, anchor="ls")
    tile = tile.rotate(angle, expand=True, resample=Image.BICUBIC)
    mask = _ink_layer(size)
    mask.paste(tile, (px(at[0]), px(at[1])))
    return mask


def signature(canvas: Canvas, centre: tuple[float, float], seed: int) -> None:
    """A signature in blue ink: a few loops and a long stroke, the same for a seed."""
    import random

    rng = random.Random(seed)
    cx, cy = px(centre[0]), px(centre[1])
    pts = []
    loops = 3 + seed % 2
    for t in range(361):
        s = t / 360
        x = cx + px(34) * (s - 0.5) + px(3.5) * math.sin(2 * math.pi * loops * s + 0.6)
        y = cy - px(4.5) * math.cos(2 * math.pi * loops * s) * (1 - s) + px(3) * (s - 0.5)
        pts.append((x, y))
    canvas.draw.line(pts, fill=BLUE, width=5, joint="curve")
    tail = [(cx + px(rng.uniform(-14, -10)), cy + px(5)), (cx + px(4), cy + px(2.5)),
            (cx + px(rng.uniform(18, 22)), cy - px(rng.uniform(3, 5)))]
    canvas.draw.line(tail, fill=BLUE, width=4, joint="curve")


@dataclass(frozen=True)
class ScanMarks:
    """What is on the paper besides the print: the seal, and an urgency or arrival stamp."""

    seal_rim: str
    seal_emblem: bool
    seed: int
    hoa_toc: bool = False
    arrival: tuple[str, str, str] | None = None  # (receiving body, number, date)
    tilt: float = 0.35


def render_scan(letter: Letter, marks: ScanMarks):
    """The signed page as scanned: print, signature, seal and stamps, tilt, blur, noise."""
    import numpy as np
    from PIL import Image, ImageFilter

    canvas = Canvas()
    y_left = canvas.runs(letter.left, *LEFT_COL, TOP)
    y_right = canvas.runs(letter.right, *RIGHT_COL, TOP)
    y = canvas.runs(letter.body, LEFT, TEXT_W, max(y_left, y_right)) + 6
    canvas.runs(letter.cc, LEFT, 80, y)
    y_sig = canvas.runs(letter.signer, *RIGHT_COL, y)
    canvas.runs([replace(letter.name, before=NAME_GAP)], *RIGHT_COL, y_sig)
    sig_x = RIGHT_COL[0] + RIGHT_COL[1] / 2
    signature(canvas, (sig_x + 2, y_sig + 13), marks.seed)
    page = canvas.image
    size = page.size
    seal_font = canvas.font(7, "B")
    # Decree 30: the seal covers about a third of the signature, on its left
    page = _stamp_onto(page, seal_mask(size, (sig_x - 14, y_sig + 8), marks.seal_rim,
                                       marks.seal_emblem, seal_font), RED, marks.seed)
    if marks.hoa_toc:
        f = canvas.font(17, "B")
        page = _stamp_onto(page, box_stamp_mask(size, (LEFT + 4, y_left + 3),
                                                [("HỎA TỐC", f, 11.2, None)], (48, 15), 4),
                           RED, marks.seed + 1)
    if marks.arrival:
        body, number, date = marks.arrival
        small, big = canvas.font(7.5, "B"), canvas.font(15, "B")
        label = canvas.font(9.5)
        digits = canvas.font(10.5, name=STAMP_FONT)
        lines = [(body, small, 4.6, None),
                 ("ĐẾN", big, 14.5, 2.5),
                 ("Số:", label, 10.5, 20.0), (number, digits, 10.5, 27.0),
                 ("Ngày:", label, 16.5, 20.0), (date, digits, 16.5, 30.5),
                 ("Chuyển: ...........................", label, 22.5, 2.5),
                 ("Số và ký hiệu HS: ..............", label, 27.5, 2.5)]
        page = _stamp_onto(page, box_stamp_mask(size, (LEFT - 4, y_left + 5), lines, (52, 31), -2,
                                                double=False), RED, marks.seed + 2, 0.95, 0.75)
    # the scanner: paper tone, a slight tilt, optics blur, sensor noise
    rgb = np.asarray(page, dtype=np.float32) / 255
    rgb = rgb * (np.array(PAPER, dtype=np.float32))
    page = Image.fromarray(rgb.astype(np.uint8))
    page = page.rotate(marks.tilt, resample=Image.BICUBIC, fillcolor=PAPER)
    page = page.filter(ImageFilter.GaussianBlur(0.7))
    rng = np.random.default_rng(marks.seed)
    noisy = np.asarray(page, dtype=np.float32) + rng.normal(0, 2.5, (size[1], size[0], 1))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def jpeg_bytes(image, dpi: int, quality: int) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    return buf.getvalue()


def scan_pdf(image, letter: Letter, dpi: int = 200) -> bytes:
    """The scan as the portal publishes it: one JPEG per page, ``dpi``, no text layer."""
    from PIL import Image

    small = image.resize((px(PAGE_W, dpi), px(PAGE_H, dpi)), Image.LANCZOS)
    pdf = _new_pdf(letter)
    pdf.set_creator("Scanner")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.image(io.BytesIO(jpeg_bytes(small, dpi, 80)), x=0, y=0, w=PAGE_W, h=PAGE_H)
    return bytes(pdf.output())


# --------------------------------------------------------------------------- main

HOA_TOC_MARKS = ScanMarks("ỦY BAN NHÂN DÂN HUYỆN CAN LỘC * HÀ TĨNH *", seal_emblem=True, seed=12,
                          hoa_toc=True)
ARRIVAL_MARKS = ScanMarks("SỞ TÀI CHÍNH * TỈNH QUẢNG NAM *", seal_emblem=False, seed=13,
                          arrival=("SỞ Y TẾ TỈNH QUẢNG NAM", "2147", "20/9/2024"), tilt=-0.4)


def _scan_jpeg(letter: Letter, out: Path) -> Path:
    out.write_bytes(jpeg_bytes(render_scan(letter, HOA_TOC_MARKS), SCAN_DPI, 80))
    return out


def _scan_pdf(letter: Letter, out: Path) -> Path:
    out.write_bytes(scan_pdf(render_scan(letter, ARRIVAL_MARKS), letter))
    return out


def _rtf_tcvn3_tabs(letter: Letter, out: Path) -> Path:
    # the motto typed in VNI: a line copied in from another file, as happened
    return render_office(letter, out, OfficeForm("rtf", "tabs", "tcvn3", {"right": "vni"}))


def _doc_vni_table(letter: Letter, out: Path) -> Path:
    return render_office(letter, out, OfficeForm("doc", "table", "vni", {"signer": "tcvn3"}))


# each sample: its letter and how it is made
SAMPLES = ((cong_van_cam_ket, render_pdf), (quyet_dinh_kiem_tra, render_docx),
           (cong_van_hoa_toc, _scan_jpeg), (thong_bao_tham_dinh, _scan_pdf),
           (cong_van_2003_tcvn3, _rtf_tcvn3_tabs), (quyet_dinh_2006_vni, _doc_vni_table))
OFFICE_RENDERERS = (_rtf_tcvn3_tabs, _doc_vni_table)


def scanned_files() -> frozenset[str]:
    """The samples that are page images: reading them takes OCR."""
    return frozenset(make().file for make, render in SAMPLES if render in (_scan_jpeg, _scan_pdf))


def office_files() -> frozenset[str]:
    """The samples LibreOffice writes (.rtf, .doc): same bytes only for the same version."""
    return frozenset(make().file for make, render in SAMPLES if render in OFFICE_RENDERERS)


def build(out_dir: Path, *, office: bool = True) -> list[Path]:
    """Write every generated sample into ``out_dir`` (``office=False``: not the ones
    LibreOffice writes); returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for make, render in SAMPLES:
        if render in OFFICE_RENDERERS and not office:
            continue
        letter = make()
        made.append(render(letter, out_dir / letter.file))
    return made


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "samples"
    for path in build(target):
        print(f"{path}  {path.stat().st_size:,} bytes")
