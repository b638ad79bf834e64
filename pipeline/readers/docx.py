"""Word files: ``.docx`` with python-docx (``.doc``/``.rtf`` come here converted, ``office``).

Paragraphs and tables are read in body order; headers and footers are not part
of the body and are ignored. Layout tables — the borderless grids that hold the
letterhead and the signature area — are read as blocks, left column then right
column; data tables become ``RawTable`` with a merged cell read once (python-docx
repeats it in every cell it spans); a borderless grid of one row per line (Word 97
letterheads) is a layout table too. Lines laid out in two columns with tabs or runs of
spaces are read as blocks the same way (``columns``). Runs set in ``.VnTime``/``VNI-Times``
fonts are converted from TCVN3/VNI, their soft hyphens read as TCVN3's 'ư'; a document with
no such font names but legacy text throughout is converted as a whole.
"""
from __future__ import annotations

import io
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import regex

from pipeline.text.document import RawDocument, RawPage, RawTable
from pipeline.text.errors import UnreadableFile
from pipeline.readers.columns import LAYOUT_CUES, Line, lay_out_columns
from pipeline.readers.legacy import convert, detect_legacy, encoding_for_font, is_capitals_font
from pipeline.readers.limits import check_docx_archive
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.keys import tone_key

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# a borderless letterhead or signature grid drawn one row per line
MAX_LAYOUT_ROWS = 16


def read_docx(path: Path, data: bytes, *, settings: Settings = DEFAULT_SETTINGS) -> RawDocument:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_docx_archive(path, data, settings)  # before python-docx inflates every part
    try:
        document = docx.Document(io.BytesIO(data))
    except MemoryError:
        raise  # too large, not damaged: the extraction says which limit
    except (PackageNotFoundError, zipfile.BadZipFile) as exc:
        raise UnreadableFile(path, "not a Word file (.docx is a zip archive; this is not "
                                   "one, or a damaged one)") from exc
    except Exception as exc:  # noqa: BLE001 - zipfile/lxml errors on a damaged file
        raise UnreadableFile(path, f"damaged Word file: {_damage(exc)}") from exc
    return docx_to_raw(document, path, fmt="docx")


def _damage(exc: Exception) -> str:
    """What is wrong inside a .docx, in words (lxml and zipfile name it tersely)."""
    if type(exc).__name__ == "XMLSyntaxError":
        return f"its XML is broken ({exc})"
    if isinstance(exc, KeyError):
        return f"a part it needs is missing ({exc.args[0] if exc.args else exc})"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _run_font(run) -> str | None:
    """The font a run is set in: its own rFonts, else its character or paragraph style's."""
    rpr = run._element.rPr
    if rpr is not None and rpr.rFonts is not None:
        for attr in ("ascii", "hAnsi", "cs"):
            name = rpr.rFonts.get(f"{W}{attr}")
            if name:
                return name
    style = run.style if run.style is not None else None
    while style is not None:
        if style.font is not None and style.font.name:
            return style.font.name
        style = style.base_style
    return None


def paragraph_text(paragraph, encodings: Counter[str]) -> str:
    """Text of a paragraph, legacy-font runs converted (neighbouring runs of one font
    are joined first so a VNI base letter and its mark are never split)."""
    groups: list[tuple[str | None, bool, list[str]]] = []
    for run in paragraph.runs:
        font = _run_font(run) or _paragraph_font(paragraph)
        legacy = encoding_for_font(font)
        capitals = is_capitals_font(font)
        text = _legacy_run_text(run) if legacy else run.text
        if groups and groups[-1][0] == legacy and groups[-1][1] == capitals:
            groups[-1][2].append(text)
        else:
            groups.append((legacy, capitals, [text]))
    parts = []
    for legacy, capitals, texts in groups:
        text = "".join(texts)
        if legacy and text.strip():
            encodings[legacy] += 1
            text = _convert_keeping_gaps(text, legacy, capitals)
        parts.append(text)
    return "".join(parts) if groups else paragraph.text


_RUN_CONTENT = "w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab | w:softHyphen"


def _legacy_run_text(run) -> str:
    """A legacy-font run's text with its soft hyphens: in TCVN3 'ư' is the byte 0xAD, the
    soft hyphen of cp1252, which Word and LibreOffice keep as ``w:softHyphen`` and
    python-docx's ``run.text`` drops ("Trơng" for "Trương"); here it is U+00AD again, the
    character the TCVN3 table turns into 'ư'."""
    return "".join("\u00ad" if e.tag == f"{W}softHyphen" else str(e)
                   for e in run._r.xpath(_RUN_CONTENT))


# tabs and runs of spaces: the converter folds them to one space, but they are column gaps
_GAPS = regex.compile(r"(\t[\t ]*|  +)")


def _convert_keeping_gaps(text: str, legacy: str, capitals: bool) -> str:
    pieces = _GAPS.split(text)
    return "".join(p if i % 2 else convert(p, legacy, capitals=capitals) if p.strip() else p
                   for i, p in enumerate(pieces))


def _paragraph_font(paragraph) -> str | None:
    style = paragraph.style
    while style is not None:
        if style.font is not None and style.font.name:
            return style.font.name
        style = style.base_style
    return None


def _cells_once(table) -> list[list]:
    """Rows of cells with a merged cell given once and ``None`` where it is repeated."""
    seen: set[int] = set()
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            key = id(cell._tc)
            if key in seen:
                cells.append(None)
            else:
                seen.add(key)
                cells.append(cell)
        rows.append(cells)
    return rows


def _cell_text(cell, encodings: Counter[str]) -> str:
    return "\n".join(paragraph_text(p, encodings) for p in cell.paragraphs)


def is_layout_table(table, texts: list[list[str | None]]) -> bool:
    """The letterhead or the signature grid: a few rows of two or three columns with
    letterhead/signature cues, as opposed to a data table — or, drawn without borders,
    one row per line (as Word 97 users drew it) up to ``MAX_LAYOUT_ROWS``."""
    ncols = max((len(r) for r in texts), default=0)
    if ncols > 3 or len(texts) > 3 and not (len(texts) <= MAX_LAYOUT_ROWS and
                                             is_borderless(table)):
        return False
    joined = "\n".join(tone_key(line) for row in texts for c in row if c for line in c.split("\n"))
    return bool(LAYOUT_CUES.search(joined))


def _visible(borders) -> bool:
    return borders is not None and any(b.get(f"{W}val") not in (None, "nil", "none")
                                       for b in borders)


def is_borderless(table) -> bool:
    """No border drawn: none on the table, its style or any of its cells."""
    tblpr = table._tbl.tblPr
    if tblpr is not None and _visible(tblpr.find(f"{W}tblBorders")):
        return False
    style = table.style
    while style is not None:
        spr = style.element.find(f"{W}tblPr")
        if spr is not None and _visible(spr.find(f"{W}tblBorders")):
            return False
        style = style.base_style
    return not any(_visible(tcpr.find(f"{W}tcBorders"))
                   for tcpr in table._tbl.iter(f"{W}tcPr"))


def _layout_blocks(texts: list[list[str | None]]) -> str:
    """Column by column: every left cell top to bottom, then the right ones. A column drawn
    one row per line (every cell a single line) is one block of lines, an empty cell a blank
    line; otherwise each cell is a block."""
    ncols = max(len(r) for r in texts)
    blocks = []
    for c in range(ncols):
        cells = [(row[c] if c < len(row) and row[c] else "").strip("\n") for row in texts]
        if len(cells) > 1 and not any("\n" in cell for cell in cells):
            block = "\n".join(cells).strip("\n")
            if block.strip():
                blocks.append(block)
            continue
        blocks.extend(cell for cell in cells if cell.strip())
    return "\n\n".join(blocks)


def _header_rows(table) -> int:
    """Rows marked "repeat as header row" (w:tblHeader) at the top of the table."""
    count = 0
    for row in table.rows:
        trpr = row._tr.trPr
        if trpr is not None and trpr.find(f"{W}tblHeader") is not None:
            count += 1
        else:
            break
    return count


def _centred(paragraph) -> bool:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    alignment = paragraph.paragraph_format.alignment
    style = paragraph.style
    while alignment is None and style is not None:
        alignment = style.paragraph_format.alignment
        style = style.base_style
    return alignment == WD_ALIGN_PARAGRAPH.CENTER


def docx_to_raw(document, path: Path, fmt: str = "docx") -> RawDocument:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    encodings: Counter[str] = Counter()
    parts: list[str] = []
    tables: list[RawTable] = []
    lines: list[Line] = []  # paragraphs since the last table: tab-laid bands are read here

    def flush() -> None:
        parts.extend(lay_out_columns(lines))
        lines.clear()

    for child in document.element.body.iterchildren():
        if child.tag == f"{W}p":
            paragraph = Paragraph(child, document)
            lines.append(Line(paragraph_text(paragraph, encodings), _centred(paragraph)))
        elif child.tag == f"{W}tbl":
            flush()
            table = Table(child, document)
            cells = _cells_once(table)
            texts = [[_cell_text(c, encodings) if c is not None else None for c in row]
                     for row in cells]
            if is_layout_table(table, texts):
                parts.append("")
                parts.append(_layout_blocks(texts))
                parts.append("")
            else:
                # anchored where the next paragraph will start: the table's place in the text
                at = sum(len(p) + 1 for p in parts)
                tables.append(RawTable(rows=[[None if t is None else " ".join(t.split())
                                              for t in row] for row in texts],
                                       page=1, header_rows=_header_rows(table), anchor=at))
    flush()
    text = "\n".join(parts)
    encoding = encodings.most_common(1)[0][0] if encodings else "utf-8"
    if not encodings:
        found = detect_legacy(text)
        if found:
            # a conversion changes lengths (VNI writes a toned letter in two): move the anchors
            tables = [replace(t, anchor=len(convert(text[:t.anchor], found))) for t in tables]
            text, encoding = convert(text, found), found
    return RawDocument(path=str(path), format=fmt, pages=[RawPage(1, text)], encoding=encoding,
                       tables=tables)
