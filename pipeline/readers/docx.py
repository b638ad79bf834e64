"""Word files: ``.docx`` with python-docx; ``.doc`` converted by LibreOffice first.

Paragraphs and tables are read in body order; headers and footers are not part
of the body and are ignored. Layout tables — the borderless grids that hold the
letterhead and the signature area — are read as blocks, left column then right
column; data tables become ``RawTable`` with a merged cell read once (python-docx
repeats it in every cell it spans). Runs set in ``.VnTime``/``VNI-Times`` fonts are
converted from TCVN3/VNI; a document with no such font names but legacy text
throughout is converted as a whole.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import regex

from pipeline.text.document import RawDocument, RawPage, RawTable
from pipeline.text.errors import MissingProgram, UnreadableFile
from pipeline.readers.legacy import convert, detect_legacy, encoding_for_font, is_capitals_font
from pipeline.readers.limits import check_docx_archive
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.keys import tone_key

# text that marks a table as the letterhead or the signature grid
_LAYOUT_CUES = regex.compile(
    r"cộng hòa xã hội|độc lập - tự do|^số\s*:|nơi nhận|^(tm|kt|tl|tuq|q)\.\s|\bv/v\b", regex.M)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


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


def read_doc(path: Path, data: bytes, *, settings: Settings = DEFAULT_SETTINGS) -> RawDocument:
    """Old binary Word: convert to .docx with LibreOffice (headless), then read that."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise MissingProgram(path, "a .doc file needs LibreOffice to convert it, and "
                                   "'soffice' is not installed (install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="dispatch-doc-") as tmp:
        src = Path(tmp) / "in.doc"
        src.write_bytes(data)
        try:
            subprocess.run([office, "--headless", "--norestore",
                            f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "docx", "--outdir", tmp, str(src)],
                           capture_output=True, timeout=180, check=False)
        except subprocess.TimeoutExpired as exc:
            raise UnreadableFile(path, "LibreOffice took over 180 s to convert the .doc") from exc
        out = Path(tmp) / "in.docx"
        if not out.exists():
            raise UnreadableFile(path, "LibreOffice could not convert this .doc file")
        raw = read_docx(path, out.read_bytes(), settings=settings)
    raw.format = "doc"
    return raw


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
        if groups and groups[-1][0] == legacy and groups[-1][1] == capitals:
            groups[-1][2].append(run.text)
        else:
            groups.append((legacy, capitals, [run.text]))
    parts = []
    for legacy, capitals, texts in groups:
        text = "".join(texts)
        if legacy and text.strip():
            encodings[legacy] += 1
            text = convert(text, legacy, capitals=capitals)
        parts.append(text)
    return "".join(parts) if groups else paragraph.text


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
    letterhead/signature cues, as opposed to a data table."""
    ncols = max((len(r) for r in texts), default=0)
    if len(texts) > 3 or ncols > 3:
        return False
    joined = "\n".join(tone_key(line) for row in texts for c in row if c for line in c.split("\n"))
    return bool(_LAYOUT_CUES.search(joined))


def _layout_blocks(texts: list[list[str | None]]) -> str:
    """Column by column: every left cell top to bottom, then the right ones."""
    ncols = max(len(r) for r in texts)
    blocks = []
    for c in range(ncols):
        for row in texts:
            if c < len(row) and row[c] and row[c].strip():
                blocks.append(row[c].strip("\n"))
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


def docx_to_raw(document, path: Path, fmt: str = "docx") -> RawDocument:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    encodings: Counter[str] = Counter()
    parts: list[str] = []
    tables: list[RawTable] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{W}p":
            parts.append(paragraph_text(Paragraph(child, document), encodings))
        elif child.tag == f"{W}tbl":
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
