"""Tables (bảng, phụ lục): one logical ``Table`` per appendix or section.

Sources, all turned into *pieces* (a header, if any, and rows of cells):

- Markdown tables in the normalised text (``| a | b |`` lines; HTML lists inside cells
  were turned into spaces by the normaliser — list items are split apart again here);
- tab-separated blocks in the text;
- ``doc.tables``: ``RawTable``s the PDF/DOCX readers found, with their page.

Consecutive pieces of one appendix with the same header (or none: a page that goes
on without repeating it) make one table. Then rows are cleaned (``pieces_to_table``):
repeated header rows and column-number rows ("(1) (2) (3)") are dropped, merged section
rows ("I. CÁC CƠ QUAN HÀNH CHÍNH THUỘC UBND TỈNH") become a ``section`` value on the
rows below, and rows with a blank STT are joined to the row above.

Row layout (RECORD ``tables[].rows``): each column name → the cell's text (list items
joined with "\\n"); ``section`` when the row sits under a section row; for a column whose
cells are numbers in Vietnamese style (``1.265`` → 1265, ``96,6`` → 96.6, ``80%`` → 80)
a twin key ``"<column>::num"`` with the typed value (listed in ``Table.numeric_columns``);
``agency_id`` when the unit column ("Đơn vị", "Cơ quan"…) names a known body.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from extractors.agencies import resolve_agency
from pipeline.settings import DEFAULT_SETTINGS, Confidence, Settings
from pipeline.text.spans import Found
from pipeline.text.document import Document
from pipeline.text.short_cache import cached_when_short
from pipeline.text.keys import one_spaced, tone_key
from schemas import Table

NUMERIC_SUFFIX = "::num"
# a line whose letters are mostly capitals is a caption or a section title, not prose
_CAPTION_UPPER_SHARE = 0.6

_APPENDIX = regex.compile(r"^(?:PHỤ LỤC|Phụ lục|PHỤ BIỂU|Phụ biểu|BIỂU|Biểu|Mẫu|MẪU)(?:\s+(?:số\s+)?"
                          r"[\dIVXLC]+[a-z]?\b|\s*$)")
_APPENDIX_FIRST = "PBM"  # the first letters of _APPENDIX's words
_ATTACHED = regex.compile(r"^\(?\s*(?:[Kk]èm theo|KÈM THEO|Ban hành kèm theo)\s+(.+?)\s*\)?\s*\.?$")
_ATTACHED_FIRST = "(KkB"
_SECTION_LINE = regex.compile(r"^(?:[IVXLC]{1,5}|[A-Z])[.)]\s+\S")
_ROMAN_OR_LETTER = regex.compile(r"^(?:[IVXLC]{1,5}|[A-ZĐ])\.?$")
_SEPARATOR_CELL = regex.compile(r"^:?-{1,}:?$")
_STT_KEYS = {"stt", "tt", "số tt", "số thứ tự", "s tt", "thứ tự"}
_UNIT_HEADER = regex.compile(
    r"^(?:tên )?(?:cơ quan|đơn vị|địa phương|sở|ban|ngành)(?: chủ trì| thực hiện| được giao)?\b")
_COLUMN_NUMBER = regex.compile(r"^\(?\s*(?:\d{1,2}|[A-Z])\s*\)?(?:\s*=.*)?$")


@dataclass
class Piece:
    """One physical table: a Markdown/TSV block or a ``RawTable`` (one page of it)."""

    header: list[list[str | None]] | None
    rows: list[list[str | None]]
    start: int
    end: int
    page_start: int | None
    page_end: int | None
    context: int | None = None          # which appendix heading it sits under
    title: str | None = None
    attached_to: str | None = None
    section: str | None = None          # a section line just before the piece
    breaks: bool = False                # prose between this piece and the one before


@dataclass
class _Context:
    title: str | None = None
    attached_to: str | None = None


# --- cells --------------------------------------------------------------------------------

_SPACES = regex.compile(r"\s+")
_MARKUP = regex.compile(r"<[^<>]{0,200}>")
_SLASH = regex.compile(r"\s*/\s*")
_APPENDIX_HEADING = regex.compile(r"(?m)^(?:PHỤ LỤC|Phụ lục|PHỤ BIỂU|Phụ biểu)\b")
# Vietnamese numbers: 1.265 / 1.265,5; 1,265.5; 96,6; 98.7; 80
_DOT_THOUSANDS = regex.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_COMMA_THOUSANDS = regex.compile(r"\d{1,3}(?:,\d{3})+\.\d+")
_COMMA_DECIMAL = regex.compile(r"\d+,\d+")
_DOT_DECIMAL = regex.compile(r"\d+\.\d+")
_INTEGER = regex.compile(r"\d+")
_ITEM_START = regex.compile(r"^\s*[-•–]\s+")
_ITEM_AFTER_STOP = regex.compile(r"(?<=[.;:!?…)\]”\"])\s*(?=[-•+]\s+\S)")
_ITEM_MARKS = "-•–+"  # what ``_ITEM_START`` or ``_ITEM_AFTER_STOP`` needs one of
_ITEM_AFTER_WORD = regex.compile(r"(?<=(?<!\S)[\p{Ll}\d%]\S*)\s+(?=[-+]\s+\p{Lu})")


def split_list_items(cell: str) -> list[str]:
    """'- A.- B. - C' → ['A.', 'B.', 'C']: HTML list items that the normaliser flattened."""
    cell = one_spaced(cell).strip()
    # an item starts with a dash or a bullet: a cell without one is no list
    is_list = any(c in cell for c in _ITEM_MARKS) and (
        bool(_ITEM_START.match(cell)) or bool(_ITEM_AFTER_STOP.search(cell)))
    if not is_list:
        return [cell] if cell else []
    cell = _ITEM_AFTER_STOP.sub("\n", cell)
    cell = _ITEM_AFTER_WORD.sub("\n", cell)
    items = []
    for item in cell.split("\n"):
        item = _ITEM_START.sub("", item).strip()
        if item:
            items.append(item)
    return items


def clean_cell(cell: str | None) -> str:
    return "" if cell is None else _clean_cell(cell)


@cached_when_short(300, 8192)  # units, dates and states recur from row to row and table to table
def _clean_cell(cell: str) -> str:
    if "<" in cell:
        cell = _MARKUP.sub(" ", cell)  # markup a reader may have left
    return "\n".join(split_list_items(cell))


@lru_cache(maxsize=8192)  # a table's cells, and the same cells in the next document
def parse_vn_number(text: str) -> int | float | None:
    """Vietnamese-style number: '1.265' → 1265, '96,6' → 96.6, '80%' → 80, '98.7' → 98.7."""
    t = text or ""
    t = (_SPACES.sub("", t) if _SPACES.search(t) else t).rstrip("%")
    if not t:
        return None
    sign = -1 if t.startswith(("-", "−")) else 1
    t = t.lstrip("+-−")
    if not t[:1].isdigit():
        return None  # every form begins with a digit (\\d ⊂ str.isdigit): most cells are words
    if _DOT_THOUSANDS.fullmatch(t):
        value = float(t.replace(".", "").replace(",", "."))
    elif _COMMA_THOUSANDS.fullmatch(t):
        value = float(t.replace(",", ""))
    elif _COMMA_DECIMAL.fullmatch(t):
        value = float(t.replace(",", "."))
    elif _DOT_DECIMAL.fullmatch(t):
        value = float(t)
    elif _INTEGER.fullmatch(t):
        value = int(t)
    else:
        return None
    if isinstance(value, float) and value.is_integer() and "," not in t and "." in t:
        value = int(value)
    return sign * value


def _key(cells: list[str | None]) -> str:
    return " | ".join(tone_key(c or "") for c in cells)


def _is_header_like(cells: list[str | None]) -> bool:
    texts = [c for c in cells if c and c.strip()]
    return bool(texts) and not any(parse_vn_number(c) is not None for c in texts)


# --- pieces from the text -------------------------------------------------------------------

def _split_md_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [c.strip() for c in line.split("|")]


def _table_lines(text: str):
    """(offset, line) of each line holding "|" or a tab, in order: the lines a table block
    can be made of (``str.find`` jumps to them; a dispatch is mostly prose)."""
    pipe, tab = text.find("|"), text.find("\t")
    while pipe >= 0 or tab >= 0:
        at = pipe if tab < 0 or 0 <= pipe < tab else tab
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        yield start, text[start:end]
        if 0 <= pipe <= end:
            pipe = text.find("|", end + 1)
        if 0 <= tab <= end:
            tab = text.find("\t", end + 1)


def text_to_pieces(doc: Document) -> list[Piece]:
    """Markdown and tab-separated table blocks in ``doc.text``, with their appendix context."""
    text = doc.text
    blocks: list[tuple[str, int, int, list[str]]] = []  # kind, start, end, lines
    current: list[tuple[int, str]] = []
    kind = None

    def flush():
        nonlocal current, kind
        if kind == "md" and current:
            blocks.append(("md", current[0][0], current[-1][0] + len(current[-1][1]),
                           [ln for _, ln in current]))
        elif kind == "tsv" and len(current) >= 2:
            blocks.append(("tsv", current[0][0], current[-1][0] + len(current[-1][1]),
                           [ln for _, ln in current]))
        current, kind = [], None

    # a table line holds "|" (Markdown) or a tab: the lines between two such lines are
    # neither, and end any block (as each would, one by one)
    after_last = 0
    for pos, line in _table_lines(text):
        if pos != after_last:
            flush()
        after_last = pos + len(line) + 1
        stripped = line.strip()
        line_kind = ("md" if stripped.startswith("|") and stripped.count("|") >= 2
                     else "tsv" if "\t" in stripped and len(stripped.split("\t")) >= 2 else None)
        if line_kind != kind or (kind == "tsv" and current and
                                 len(stripped.split("\t")) != len(current[0][1].strip().split("\t"))):
            flush()
            kind = line_kind
        if line_kind:
            current.append((pos, line))
    flush()

    pieces: list[Piece] = []
    contexts: list[_Context] = []
    prev_end = 0
    for kind, start, end, lines in blocks:
        gap = _read_gap(text[prev_end:start])
        if gap.new_context:
            contexts.append(_Context(gap.title, gap.attached_to))
        elif gap.attached_to and contexts:
            contexts[-1].attached_to = contexts[-1].attached_to or gap.attached_to
        ctx = len(contexts) - 1 if contexts else None
        if kind == "md":
            rows = [_split_md_row(ln) for ln in lines]
            sep = next((i for i, r in enumerate(rows)
                        if r and all(_SEPARATOR_CELL.match(c) or not c for c in r)
                        and any(c for c in r)), None)
            header = rows[:sep] if sep else None
            body = rows[sep + 1:] if sep is not None else rows
        else:
            rows = [[c.strip() for c in ln.strip().split("\t")] for ln in lines]
            header = [rows[0]] if _is_header_like(rows[0]) and not all(
                _is_header_like(r) for r in rows[1:]) else None
            body = rows[1:] if header else rows
        pieces.append(Piece(
            header=header, rows=body, start=start, end=end,
            page_start=doc.page_of(start), page_end=doc.page_of(max(start, end - 1)),
            context=ctx,
            title=contexts[ctx].title if ctx is not None else None,
            attached_to=contexts[ctx].attached_to if ctx is not None else None,
            section=gap.section, breaks=gap.prose or gap.new_context or not pieces))
        prev_end = end
    return pieces


@dataclass
class _Gap:
    new_context: bool = False
    title: str | None = None
    attached_to: str | None = None
    section: str | None = None
    prose: bool = False


def _is_caption(line: str) -> bool:
    letters = "".join(filter(str.isalpha, line))
    upper = sum(map(str.isupper, letters))
    return bool(letters) and upper / len(letters) > _CAPTION_UPPER_SHARE


def clean_reference(text: str) -> str:
    """'Công văn số 7338 /UBND-SNV ngày 31 / 5 /2024' → 'Công văn số 7338/UBND-SNV ngày 31/5/2024'."""
    text = _SLASH.sub("/", text)
    return _SPACES.sub(" ", text).strip(" .;")


def _read_gap(gap: str) -> _Gap:
    """What lies between two table blocks: an appendix heading, its caption, a section line."""
    out = _Gap()
    title_parts: list[str] = []
    state = None
    for line in (ln.strip() for ln in gap.split("\n")):
        if not line:
            continue
        first = line[0]  # each pattern begins with one of a few characters: tried there only
        if first in _APPENDIX_FIRST and _APPENDIX.match(line):
            out = _Gap(new_context=True)
            title_parts, state = [line], "title"
            continue
        attached = _ATTACHED.match(line) if first in _ATTACHED_FIRST else None
        if attached:
            out.attached_to = clean_reference(attached.group(1))
            state = "after"
            continue
        if "A" <= first <= "Z" and _SECTION_LINE.match(line) and len(line) < 200:
            out.section = line
            state = "after" if state == "title" else state
            continue
        if state == "title" and (len(line) < 120 or _is_caption(line)):
            title_parts.append(line)
            continue
        if state in (None, "after") and len(line) < 200 and not out.prose and _is_caption(line):
            out.section = line
            continue
        # anything else is prose: the table before does not go on
        out.prose = True
        out.section = None
        if state == "title":
            state = "after"
    if title_parts:
        head, rest = title_parts[0], " ".join(title_parts[1:])
        out.title = f"{head}: {rest}" if rest and not head.endswith(":") else \
            (f"{head} {rest}" if rest else head)
        out.title = _SPACES.sub(" ", out.title)
    return out


# --- pieces from readers -------------------------------------------------------------------

def raw_tables_to_pieces(doc: Document) -> list[Piece]:
    """``RawTable``s from the PDF/DOCX readers, with the appendix heading above them."""
    pieces: list[Piece] = []
    text = doc.text
    contexts: dict[int, _Gap] = {}  # heading offset → its title and "Kèm theo"
    for raw in sorted(doc.tables, key=lambda t: (t.page, t.anchor if t.anchor is not None else -1)):
        rows = [list(r) for r in raw.rows if r and any(c not in (None, "") for c in r)]
        if not rows:
            continue
        # unknown header: the first row, when it has no numbers and some row below has
        header_rows = raw.header_rows or (1 if _is_header_like(rows[0]) and any(
            not _is_header_like(r) for r in rows[1:]) else 0)
        # where the table sits in the text: its anchor, else the end of its page
        if raw.anchor is not None:
            offset = raw.anchor
        elif raw.page < len(doc.page_starts):
            offset = doc.page_starts[raw.page]
        else:
            offset = len(text)
        heading = _last_heading_before(text, offset)
        if heading is not None and heading not in contexts:
            contexts[heading] = _read_gap(text[heading:offset])
        gap = contexts.get(heading, _Gap()) if heading is not None else _Gap()
        pieces.append(Piece(
            header=rows[:header_rows] or None, rows=rows[header_rows:], start=offset, end=offset,
            page_start=raw.page, page_end=raw.page,
            context=heading if heading is not None else -1, title=raw.title or gap.title,
            attached_to=gap.attached_to, section=None, breaks=not pieces))
    return pieces


def _last_heading_before(text: str, offset: int) -> int | None:
    """Offset of the appendix heading nearest before ``offset``."""
    starts = [m.start() for m in _APPENDIX_HEADING.finditer(text[:offset])]
    return starts[-1] if starts else None


# --- pieces → logical tables ----------------------------------------------------------------

def _header_names(header: list[list[str | None]] | None, width: int) -> list[str]:
    """Column names; a multi-row header is joined top to bottom ('Kết quả / Số lượng')."""
    if not header:
        return [f"Cột {i + 1}" for i in range(width)]
    grid = [list(r) + [None] * (width - len(r)) for r in header]
    for r in grid[:-1]:  # a cell merged across columns repeats for the columns it covers
        for i in range(1, width):
            if r[i] is None:
                r[i] = r[i - 1]
    names = []
    for i in range(width):
        parts: list[str] = []
        for r in grid:
            cell = one_spaced(r[i] or "").strip()
            if cell and cell not in parts:
                parts.append(cell)
        names.append(" / ".join(parts) or f"Cột {i + 1}")
    seen: dict[str, int] = {}
    for i, n in enumerate(names):  # duplicate names get a suffix so rows keep every cell
        seen[n] = seen.get(n, 0) + 1
        if seen[n] > 1:
            names[i] = f"{n} ({seen[n]})"
    return names


def _group_pieces(pieces: list[Piece]) -> list[list[Piece]]:
    groups: list[list[Piece]] = []
    for p in pieces:
        last = groups[-1][-1] if groups else None
        width = max((len(r) for r in (p.header or []) + p.rows), default=0)
        same = False
        if last is not None and not p.breaks and last.context == p.context:
            last_header = next((q.header for q in reversed(groups[-1]) if q.header), None)
            last_width = max((len(r) for r in (last.header or []) + last.rows), default=0)
            if p.header and last_header:
                same = _key(p.header[-1]) == _key(last_header[-1])
            elif not p.header:
                same = width == last_width
        if same:
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _section_of(cells: list[str | None], stt: int | None) -> str | None:
    """The text of a merged section row, or ``None`` for an ordinary row."""
    filled = [(i, c.strip()) for i, c in enumerate(cells) if c and c.strip()]
    if not filled or len(cells) < 2:
        return None
    first_i, first = filled[0]
    distinct = {c for _, c in filled}
    if stt is not None and first_i == stt and _ROMAN_OR_LETTER.match(first) and len(filled) == 2:
        return f"{first.rstrip('.')}. {filled[1][1]}"
    if len(distinct) == 1 and first_i <= 1 and parse_vn_number(first) is None:
        # a cell merged across the row (the rest None) only counts from the first column:
        # text in column 2 with the STT blank is a continuation line
        if _SECTION_LINE.match(first) or _is_caption(first) or (
                first_i == 0 and all(c is None for c in cells[1:])):
            return first
    return None


def _is_column_numbers(cells: list[str | None]) -> bool:
    texts = [c.strip() for c in cells if c and c.strip()]
    return len(texts) >= 3 and len(texts) >= len(cells) - 1 and all(
        _COLUMN_NUMBER.match(t) for t in texts)


def pieces_to_table(group: list[Piece],
                    settings: Settings = DEFAULT_SETTINGS) -> tuple[Table, int, int]:
    """One logical table from consecutive pieces: header, sections, continuation rows."""
    header = next((p.header for p in group if p.header), None)
    width = max(len(r) for p in group for r in (p.header or []) + p.rows)
    columns = _header_names(header, width)
    header_keys = {_key(h) for h in header} if header else set()
    keys = [tone_key(c).strip(" .") for c in columns]
    stt = next((i for i, k in enumerate(keys) if k in _STT_KEYS), None)
    unit = next((i for i, k in enumerate(keys) if _UNIT_HEADER.match(k)), None)

    rows: list[list[str]] = []
    sections: list[str | None] = []
    section: str | None = None
    for piece in group:
        if piece.section:
            section = piece.section
        for raw in piece.rows:
            cells = list(raw) + [None] * (width - len(raw))
            if header and _key(cells) in header_keys:
                continue  # header repeated on a new page
            if _is_column_numbers(cells):
                continue
            found_section = _section_of(cells, stt)
            if found_section:
                section = found_section
                continue
            texts = [clean_cell(c) for c in cells]
            if not any(texts):
                continue
            key_col = stt if stt is not None else 0
            if rows and not texts[key_col] and (stt is not None or cells[0] is None):
                for i, t in enumerate(texts):  # blank STT: the row above goes on
                    if t and t != rows[-1][i]:
                        rows[-1][i] = f"{rows[-1][i]}\n{t}" if rows[-1][i] else t
                continue
            rows.append(texts)
            sections.append(section)

    numeric = _numeric_columns(columns, rows, stt, settings.table_numeric_share)
    out_rows: list[dict[str, object]] = []
    for texts, sec in zip(rows, sections):
        row: dict[str, object] = dict(zip(columns, texts))
        if sec:
            row["section"] = sec
        for i in numeric:
            row[columns[i] + NUMERIC_SUFFIX] = parse_vn_number(texts[i])
        if unit is not None:
            agency = resolve_agency(texts[unit])
            if agency:
                row["agency_id"] = agency.id
        out_rows.append(row)
    first, last = group[0], group[-1]
    table = Table(title=first.title, attached_to=first.attached_to, columns=columns,
                  rows=out_rows, page_start=first.page_start, page_end=last.page_end,
                  numeric_columns=[columns[i] for i in numeric], header_found=header is not None)
    return table, first.start, last.end


def _numeric_columns(columns: list[str], rows: list[list[str]], stt: int | None,
                     share: float) -> list[int]:
    """Columns (the STT aside) where at least ``share`` of the filled cells are numbers."""
    out = []
    for i in range(len(columns)):
        if i == stt:
            continue
        cells = [r[i] for r in rows if r[i]]
        if cells and sum(parse_vn_number(c) is not None for c in cells) >= share * len(cells):
            out.append(i)
    return out


def extract_tables(doc: Document, settings: Settings = DEFAULT_SETTINGS) -> list[Found[Table]]:
    """Every logical table of a document, in reading order."""
    found: list[Found[Table]] = []
    for pieces in (text_to_pieces(doc), raw_tables_to_pieces(doc)):
        for group in _group_pieces(pieces):
            table, start, end = pieces_to_table(group, settings)
            if table.rows:
                found.append(Found(table, start, end, _table_confidence(table)))
    return found


def _table_confidence(table: Table) -> float:
    # rows under named columns are read from the table's structure as cued by its header;
    # without column names what each cell means is a guess
    return Confidence.CUED if table.columns else Confidence.GUESSED
