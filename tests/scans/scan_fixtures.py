"""Generated scans that reproduce what the government portal sends archivists.

Pillow draws a signed page at 300 dpi: black printed text, a red round seal over the
signer's name, a tilted red "HỎA TỐC" stamp, the "ĐẾN" arrival stamp, a number
written "by hand" (jittered pen strokes). ``esigned_pdf`` wraps page images into a PDF
whose text layer holds only the portal's signing stamp (fpdf2), as published.
"""
from __future__ import annotations

import io
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
RED = (205, 30, 40)
BLUE = (30, 50, 190)
PAGE = (2480, 3508)  # A4 at 300 dpi
STAMP_TEXT = ("Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ\n"
              "Email: thongtinchinhphu@chinhphu.vn\n"
              "Cơ quan: VĂN PHÒNG CHÍNH PHỦ\n"
              "Thời gian ký: 06.10.2025 10:34:22 +07:00")


def font_path(name: str = "DejaVuSerif.ttf") -> Path | None:
    for d in FONT_DIRS:
        if (d / name).exists():
            return d / name
    return None


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = font_path("DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf")
    if path is None:
        raise FileNotFoundError("DejaVu fonts not found (apt-get install fonts-dejavu-core)")
    return ImageFont.truetype(str(path), size)


def blank_page(size=PAGE) -> Image.Image:
    return Image.new("RGB", size, "white")


def text(draw: ImageDraw.ImageDraw, xy, s: str, size: int = 52, bold: bool = False,
         fill=(0, 0, 0), anchor: str = "la") -> None:
    draw.text(xy, s, font=font(size, bold), fill=fill, anchor=anchor)


def seal(image: Image.Image, centre: tuple[int, int], radius: int = 260) -> None:
    """A red round seal (con dấu): two rings, a star, and text around the rim."""
    draw = ImageDraw.Draw(image)
    x, y = centre
    for r, w in ((radius, 14), (radius - 60, 8)):
        draw.ellipse((x - r, y - r, x + r, y + r), outline=RED, width=w)
    pts = []
    for i in range(10):
        a = math.pi / 2 + i * math.pi / 5
        rr = 80 if i % 2 == 0 else 32
        pts.append((x + rr * math.cos(a), y - rr * math.sin(a)))
    draw.polygon(pts, fill=RED)
    rim = "ỦY BAN NHÂN DÂN * TỈNH *"
    f = font(34, bold=True)
    for i, ch in enumerate(rim):
        a = math.pi * (1.1 - i / len(rim) * 2.2)
        cx, cy = x + (radius - 32) * math.cos(a), y - (radius - 32) * math.sin(a)
        draw.text((cx, cy), ch, font=f, fill=RED, anchor="mm")


def rotated_stamp(image: Image.Image, words: str, at: tuple[int, int], angle: float = 30,
                  size: int = 64, colour=RED) -> None:
    """A boxed stamp (HỎA TỐC, KHẨN) printed ``angle`` degrees off the horizontal."""
    f = font(size, bold=True)
    w = int(f.getlength(words)) + 60
    h = size + 50
    tile = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    d = ImageDraw.Draw(tile)
    d.rectangle((3, 3, w - 4, h - 4), outline=colour + (255,), width=7)
    d.text((w // 2, h // 2), words, font=f, fill=colour + (255,), anchor="mm")
    tile = tile.rotate(angle, expand=True, resample=Image.BICUBIC)
    image.paste(tile, at, tile)


def arrival_stamp(image: Image.Image, at: tuple[int, int], number: str, date: str,
                  time: str, colour=RED) -> None:
    """The rectangular "ĐẾN" stamp with its Số/Giờ/Ngày slots filled in."""
    d = ImageDraw.Draw(image)
    x, y = at
    d.rectangle((x, y, x + 900, y + 330), outline=colour, width=6)
    text(d, (x + 30, y + 20), "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", 40, True, colour)
    text(d, (x + 30, y + 140), "ĐẾN", 72, True, colour)
    text(d, (x + 260, y + 90), f"Số: {number}", 46, False, colour)
    text(d, (x + 260, y + 160), f"Giờ: {time}", 46, False, colour)
    text(d, (x + 260, y + 230), f"Ngày: {date}", 46, False, colour)


def _digit_strokes(digit: str) -> list[list[tuple[float, float]]]:
    """A loose single-stroke skeleton of a digit in a 1×1.6 box (a hasty pen)."""
    circle = [(0.5 + 0.45 * math.cos(t / 10 * 2 * math.pi), 0.8 + 0.75 * math.sin(t / 10 * 2 * math.pi))
              for t in range(11)]
    shapes = {
        "0": [circle],
        "1": [[(0.2, 0.4), (0.6, 0.0), (0.55, 1.6)]],
        "2": [[(0.05, 0.4), (0.4, 0.0), (0.9, 0.3), (0.1, 1.6), (1.0, 1.55)]],
        "3": [[(0.1, 0.1), (0.9, 0.2), (0.4, 0.75), (0.95, 1.1), (0.1, 1.6)]],
        "4": [[(0.7, 1.6), (0.65, 0.0), (0.0, 1.1), (1.0, 1.05)]],
        "5": [[(0.9, 0.0), (0.2, 0.05), (0.15, 0.7), (0.9, 0.85), (0.8, 1.5), (0.1, 1.5)]],
        "6": [[(0.8, 0.0), (0.15, 0.9), (0.3, 1.55), (0.9, 1.3), (0.6, 0.8), (0.15, 1.0)]],
        "7": [[(0.0, 0.05), (1.0, 0.0), (0.35, 1.6)]],
        "8": [[(0.5, 0.75), (0.1, 0.35), (0.5, 0.0), (0.9, 0.35), (0.1, 1.2), (0.5, 1.6),
               (0.9, 1.2), (0.5, 0.75)]],
        "9": [[(0.85, 0.5), (0.4, 0.0), (0.1, 0.45), (0.85, 0.5), (0.6, 1.6)]],
    }
    return shapes[digit]


def handwritten_number(image: Image.Image, digits: str, at: tuple[int, int], height: int = 70,
                       colour=BLUE, seed: int = 7) -> tuple[int, int, int, int]:
    """Digits drawn as wobbly pen strokes, slanted and uneven; returns their box."""
    rng = random.Random(seed)
    d = ImageDraw.Draw(image)
    x, y = at
    w = height / 1.6
    left, top, right, bottom = x, y, x, y
    for ch in digits:
        scale = height * rng.uniform(0.85, 1.15) / 1.6
        slant = rng.uniform(0.15, 0.35)
        dy = rng.uniform(-12, 12)
        for stroke in _digit_strokes(ch):
            pts = []
            for px, py in stroke:
                jx, jy = rng.uniform(-0.08, 0.08), rng.uniform(-0.08, 0.08)
                X = x + (px + jx) * scale + (1.6 - py) * slant * scale
                Y = y + dy + (py + jy) * scale
                pts.append((X, Y))
            d.line(pts, fill=colour, width=max(3, height // 14), joint="curve")
            right = max(right, max(p[0] for p in pts))
            bottom = max(bottom, max(p[1] for p in pts))
        x += w * rng.uniform(1.0, 1.35)
    return left, top, int(right) + 1, int(bottom) + 1


def signed_page(*, number: str | None = "188", handwritten: str | None = None,
                hoa_toc: bool = False, arrival: dict | None = None,
                seal_over_signer: bool = True, colour: bool = True) -> Image.Image:
    """Page 1 of a signed công điện/công văn as the portal scans it.

    ``number`` printed after ``Số:``; or ``handwritten`` digits pen-written into the
    blank (then ``number`` is ignored). ``colour=False`` gives the bilevel look.
    """
    img = blank_page()
    d = ImageDraw.Draw(img)
    text(d, (330, 260), "ỦY BAN NHÂN DÂN", 52, True)
    text(d, (380, 330), "TỈNH HÒA BÌNH", 52, True)
    text(d, (1180, 260), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 50, True)
    text(d, (1390, 330), "Độc lập - Tự do - Hạnh phúc", 50, True)
    if handwritten:
        text(d, (330, 470), "Số:", 54)
        handwritten_number(img, handwritten, (450, 455), colour=BLUE if colour else (0, 0, 0))
        text(d, (450 + 70 * len(handwritten), 470), "/UBND-VP", 54)
    else:
        text(d, (330, 470), f"Số: {number}/UBND-VP", 54)
    text(d, (1330, 470), "Hòa Bình, ngày 06 tháng 10 năm 2025", 54)
    text(d, (330, 600), "V/v chủ động ứng phó mưa lũ", 50)
    text(d, (1100, 800), "Kính gửi: Sở Nội vụ tỉnh Hòa Bình.", 56)
    body = ("Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị chủ động",
            "triển khai các biện pháp phòng, chống lũ, sạt lở đất và",
            "báo cáo kết quả trước ngày 15 tháng 10 năm 2025.")
    for i, line in enumerate(body):
        text(d, (330, 1000 + i * 90), line, 56)
    text(d, (330, 1500), "Nơi nhận:", 46, True)
    text(d, (330, 1560), "- Như trên;", 42)
    text(d, (330, 1615), "- Lưu: VT.", 42)
    text(d, (1500, 1500), "TM. ỦY BAN NHÂN DÂN", 54, True)
    text(d, (1620, 1575), "CHỦ TỊCH", 54, True)
    text(d, (1480, 1900), "Nguyễn Thành Long", 60, True)
    if seal_over_signer:
        seal(img, (1560, 1800), 250)
    if hoa_toc:
        rotated_stamp(img, "HỎA TỐC", (120, 640), angle=30)
    if arrival:
        arrival_stamp(img, (150, 2300), **arrival)
    if not colour:
        img = img.convert("L").point(lambda v: 0 if v < 160 else 255).convert("1")
    return img


def esigned_pdf(images: list[Image.Image], stamp: str = STAMP_TEXT) -> bytes:
    """A PDF of page images whose only text is the portal's signing stamp on page 1."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(595.3, 841.9))
    pdf.set_auto_page_break(False)
    path = font_path("DejaVuSerif.ttf")
    pdf.add_font("DejaVu", "", str(path))
    for i, image in enumerate(images):
        pdf.add_page()
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        buf.seek(0)
        pdf.image(buf, x=0, y=0, w=595.3, h=841.9)
        if i == 0 and stamp:
            pdf.set_font("DejaVu", size=6)
            pdf.set_xy(200, 4)
            pdf.multi_cell(300, 7, stamp)
    return bytes(pdf.output())
