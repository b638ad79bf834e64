"""Render a dispatch written as text (``samples/*.md``/``*.txt``) into the forms archivists
receive: a Word-exported PDF, a Word file, a scan, and TCVN3/VNI legacy files.

The text is split into its parts (letterhead left and right, body, ``Nơi nhận`` list,
signer block, appendix) and laid out the way Decree 30 sets a page: the letterhead and
the signature area as two columns, the body full width, Markdown tables as ruled tables.
Blank lines of the text become vertical space, so the reader sees the same blocks.

Usage: ``python tests/formats/build_fixtures.py samples/01-….md OUT_DIR``.
"""
from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import regex

from pipeline.normalize import normalize_text, tone_key

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts")]
FONT_FILE = "DejaVuSerif.ttf"

Table = list[list[str]]


@dataclass
class DispatchLayout:
    letterhead_left: list[str] = field(default_factory=list)
    letterhead_right: list[str] = field(default_factory=list)
    body: list[str | Table] = field(default_factory=list)  # "" is a blank line
    cc: list[str] = field(default_factory=list)
    signer: list[str] = field(default_factory=list)
    appendix: list[str | Table] = field(default_factory=list)


def find_font() -> Path | None:
    for d in FONT_DIRS:
        if (d / FONT_FILE).exists():
            return d / FONT_FILE
    return None


_MOTTO = regex.compile(r"^(cộng hòa xã hội|độc lập)")
_PLACE_DATE = regex.compile(r",\s*ngày\s[\d\s]*tháng\s[\d\s]*năm\s*\d{4}")
_LEFT_CUE = regex.compile(r"^(số\s*:|v/v\b)", regex.I)
_TABLE_SEP = regex.compile(r"^\|?\s*:?-{2,}")


def _split_table(lines: list[str], i: int) -> tuple[Table, int]:
    rows: Table = []
    while i < len(lines) and lines[i].lstrip().startswith("|"):
        line = lines[i].strip()
        if not _TABLE_SEP.match(line.strip("|").strip()):
            rows.append([c.strip() for c in line.strip("|").split("|")])
        i += 1
    return rows, i


def _with_tables(lines: list[str]) -> list[str | Table]:
    out: list[str | Table] = []
    i = 0
    while i < len(lines):
        if lines[i].lstrip().startswith("|"):
            table, i = _split_table(lines, i)
            out.append(table)
        else:
            out.append(lines[i])
            i += 1
    return out


def _trim(lines: list) -> list:
    while lines and lines[0] == "":
        lines = lines[1:]
    while lines and lines[-1] == "":
        lines = lines[:-1]
    return lines


def parse_dispatch(raw: str) -> DispatchLayout:
    """Split a dispatch's text into the parts that are laid out separately."""
    lines = [line.strip() for line in normalize_text(raw).text.split("\n")]
    lines = _trim(lines)
    layout = DispatchLayout()
    # letterhead: up to the last motto / place-date / Số / V/v line near the top
    last = -1
    for i, line in enumerate(lines[:25]):
        key = tone_key(line)
        if _MOTTO.match(key) or _PLACE_DATE.search(key) or _LEFT_CUE.match(line):
            last = i
    for line in lines[:last + 1]:
        key = tone_key(line)
        right = _MOTTO.match(key) or _PLACE_DATE.search(key)
        target = layout.letterhead_right if right else layout.letterhead_left
        if line == "":
            # a blank line belongs to both columns' rhythm
            for col in (layout.letterhead_left, layout.letterhead_right):
                if col and col[-1] != "":
                    col.append("")
        else:
            target.append(line)
    layout.letterhead_left = _trim(layout.letterhead_left)
    layout.letterhead_right = _trim(layout.letterhead_right)
    rest = lines[last + 1:]
    nn = next((i for i, line in enumerate(rest) if tone_key(line).startswith("nơi nhận")), None)
    if nn is None:
        layout.body = _with_tables(_trim(rest))
        return layout
    layout.body = _with_tables(_trim(rest[:nn]))
    i = nn + 1
    cc = [rest[nn]]
    while i < len(rest) and (rest[i].startswith(("-", "+", "•")) or rest[i] == "" and
                             i + 1 < len(rest) and rest[i + 1].startswith("-")):
        cc.append(rest[i])
        i += 1
    layout.cc = cc
    # signer: position lines, the signature space, the name
    signer: list[str] = []
    while i < len(rest) and rest[i] == "":
        i += 1
    while i < len(rest) and rest[i] != "":
        signer.append(rest[i])
        i += 1
    while i < len(rest) and rest[i] == "":
        signer.append("")
        i += 1
    if i < len(rest):
        signer.append(rest[i])
        i += 1
    layout.signer = _trim(signer)
    layout.appendix = _with_tables(_trim(rest[i:]))
    return layout


# --------------------------------------------------------------------------- PDF

def build_pdf(layout: DispatchLayout, out: Path, *, font: Path | None = None) -> Path:
    """A text PDF as Word would export it (fpdf2, DejaVu Serif for the Vietnamese glyphs)."""
    from fpdf import FPDF

    font = font or find_font()
    if font is None:
        raise FileNotFoundError(f"{FONT_FILE} not found (apt-get install fonts-dejavu-core)")
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(20, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("Serif", "", str(font))
    pdf.add_page()
    line_h = 5.5
    gap = 4.5

    def column(lines: list[str], x: float, w: float, y: float, size: float, align: str) -> float:
        pdf.set_font("Serif", size=size)
        for line in lines:
            if line == "":
                y += gap
                continue
            pdf.set_xy(x, y)
            pdf.multi_cell(w, line_h, line, align=align)
            y = pdf.get_y()
        return y

    def two_columns(left, right, left_align, size_left, size_right, left_w=80.0) -> None:
        y0 = pdf.get_y()
        if y0 + 60 > pdf.h - 15:
            pdf.add_page()
            y0 = pdf.get_y()
        y_left = column(left, 20, left_w, y0, size_left, left_align)
        y_right = column(right, 20 + left_w + 8, 175 - left_w - 8, y0, size_right, "C")
        pdf.set_xy(20, max(y_left, y_right) + gap)

    def flow(items: list[str | Table]) -> None:
        pdf.set_font("Serif", size=11.5)
        for item in items:
            if isinstance(item, list):
                _pdf_table(pdf, item)
                continue
            if item == "":
                pdf.set_y(pdf.get_y() + gap)
                continue
            pdf.set_x(20)
            pdf.multi_cell(175, line_h + 0.5, item, align="L")

    two_columns(layout.letterhead_left, layout.letterhead_right, "C", 11, 11, left_w=72)
    flow(layout.body)
    if layout.cc or layout.signer:
        pdf.set_y(pdf.get_y() + gap)
        two_columns(layout.cc, layout.signer, "L", 10, 11, left_w=82)
    if layout.appendix:
        pdf.add_page()
        flow(layout.appendix)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


def _pdf_table(pdf, rows: Table) -> None:
    ncols = max(len(r) for r in rows)
    pdf.set_font("Serif", size=9.5)
    with pdf.table(width=175, line_height=5, first_row_as_headings=False) as table:
        for cells in rows:
            cells = cells + [""] * (ncols - len(cells))
            row = table.row()
            if cells[0] and not any(cells[1:]):  # a section row spanning the table
                row.cell(cells[0], colspan=ncols)
            else:
                for c in cells:
                    row.cell(c)
    pdf.set_font("Serif", size=11.5)


# --------------------------------------------------------------------------- scans

def build_scan(pdf_path: Path, out: Path, *, dpi: int = 300, angle: float = 0.4,
               seed: int = 7, pages: list[int] | None = None) -> Path:
    """Render PDF pages, blur and tilt them slightly, save as an image-only PDF."""
    import pypdfium2 as pdfium
    from PIL import ImageFilter

    doc = pdfium.PdfDocument(str(pdf_path))
    rnd = random.Random(seed)
    images = []
    for i in range(len(doc)):
        if pages is not None and i + 1 not in pages:
            continue
        img = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        img = img.rotate(angle * rnd.choice([-1, 1]), expand=False, fillcolor=255)
        img = img.filter(ImageFilter.GaussianBlur(0.8))
        images.append(img)
    doc.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


def build_mixed_pdf(text_pdf: Path, scan_pdf: Path, out: Path) -> Path:
    """Page 1 from the text PDF, the other pages from the scan: a mixed PDF."""
    import pypdfium2 as pdfium

    text_doc = pdfium.PdfDocument(str(text_pdf))
    scan_doc = pdfium.PdfDocument(str(scan_pdf))
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(text_doc, [0])
    mixed.import_pages(scan_doc, list(range(1, len(scan_doc))))
    mixed.save(str(out))
    for d in (mixed, text_doc, scan_doc):
        d.close()
    return out


# --------------------------------------------------------------------------- legacy encodings

def _reverse_table(encoding: str) -> list[tuple[str, str]]:
    from viparse.normalize.encodings import CHARMAPS

    pairs = [(uni, legacy) for legacy, uni in CHARMAPS[encoding].pairs]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


def encode_legacy(text: str, encoding: str) -> str:
    """Unicode → TCVN3/VNI surface characters, as a legacy font would have stored them.

    TCVN3 has no capital toned letters: they are typed lower-case (``.VnTimeH`` draws them
    as capitals) and "Ủy" is typed with the old tone placement "Uỷ", as typists did.
    """
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    table = dict(_reverse_table(encoding))
    out = []
    if encoding == "tcvn3":
        text = regex.sub(r"\bỦy\b", "Uỷ", text)
    for ch in text:
        if ch in table:
            out.append(table[ch])
        elif encoding == "tcvn3" and ch.lower() in table and ch.lower() != ch:
            out.append(table[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


def legacy_bytes(text: str, encoding: str) -> bytes:
    """A legacy text file: the surface characters as single bytes."""
    return encode_legacy(text, encoding).encode("cp1252", errors="strict") \
        if encoding == "vni" else encode_legacy(text, encoding).encode("latin-1")


# --------------------------------------------------------------------------- DOCX

LEGACY_FONTS = {"tcvn3": (".VnTime", ".VnTimeH"), "vni": ("VNI-Times", "VNI-Times")}


def build_docx(layout: DispatchLayout, out: Path, *, legacy: str | None = None) -> Path:
    """A Word file: letterhead and signature as borderless 2-column tables, data tables
    ruled with merged section rows; with ``legacy``, the right letterhead cell and the
    signer block are typed in a TCVN3 (``.VnTime``) or VNI (``VNI-Times``) font."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    document.sections[0].header.paragraphs[0].text = "Running header that must be ignored"

    def set_font(run, name: str) -> None:
        run.font.name = name
        rpr = run._element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            rfonts.set(qn(attr), name)

    def add_lines(cell_or_doc, lines: list[str], *, legacy_cell: bool, first: bool = True):
        for j, line in enumerate(lines):
            if first and j == 0 and hasattr(cell_or_doc, "paragraphs") and \
                    cell_or_doc.paragraphs and not cell_or_doc.paragraphs[0].text:
                p = cell_or_doc.paragraphs[0]
            else:
                p = cell_or_doc.add_paragraph()
            if not line:
                continue
            if legacy_cell and legacy:
                capitals = line == line.upper() and legacy == "tcvn3"
                text = encode_legacy(line.lower() if capitals else line, legacy)
                run = p.add_run(text)
                set_font(run, LEGACY_FONTS[legacy][1 if capitals else 0])
            else:
                p.add_run(line)

    def layout_table(left: list[str], right: list[str], legacy_right: bool):
        table = document.add_table(rows=1, cols=2)
        add_lines(table.cell(0, 0), left, legacy_cell=False)
        add_lines(table.cell(0, 1), right, legacy_cell=legacy_right)

    def data_table(rows: Table):
        ncols = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=ncols)
        table.style = "Table Grid"
        for r, cells in enumerate(rows):
            cells = cells + [""] * (ncols - len(cells))
            if cells[0] and not any(cells[1:]):
                merged = table.cell(r, 0).merge(table.cell(r, ncols - 1))
                merged.text = cells[0]
            else:
                for c, text in enumerate(cells):
                    table.cell(r, c).text = text

    def flow(items: list[str | Table]):
        for item in items:
            if isinstance(item, list):
                data_table(item)
            else:
                add_lines(document, [item], legacy_cell=False, first=False)

    layout_table(layout.letterhead_left, layout.letterhead_right, legacy_right=True)
    flow(layout.body)
    if layout.cc or layout.signer:
        layout_table(layout.cc, layout.signer, legacy_right=True)
    flow(layout.appendix)
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    return out


def build_all(sample: Path, out_dir: Path) -> dict[str, Path]:
    layout = parse_dispatch(sample.read_text(encoding="utf-8-sig"))
    stem = sample.stem
    made = {"pdf": build_pdf(layout, out_dir / f"{stem}.pdf"),
            "docx": build_docx(layout, out_dir / f"{stem}.docx"),
            "docx-tcvn3": build_docx(layout, out_dir / f"{stem}.tcvn3.docx", legacy="tcvn3"),
            "docx-vni": build_docx(layout, out_dir / f"{stem}.vni.docx", legacy="vni")}
    made["scan"] = build_scan(made["pdf"], out_dir / f"{stem}.scan.pdf")
    return made


if __name__ == "__main__":
    for name, path in build_all(Path(sys.argv[1]), Path(sys.argv[2])).items():
        print(name, path)
