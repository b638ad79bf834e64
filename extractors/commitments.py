"""Commitments (cam kết, chỉ tiêu, nhiệm vụ được giao): one per row of a commitment table.

Works on the logical tables ``extractors.tables`` made (joined across pages, section rows
and continuation rows resolved). A table is a commitment table when its header names a
unit column ("Đơn vị thực hiện", "Cơ quan") and a commitment column ("Nội dung cam kết",
"Nhiệm vụ") or an indicator column ("Chỉ tiêu"); a general header ("Nội dung") counts only
beside a target or due-date column. The header words are ``commitment_columns.yaml``.

Per row: the unit (and its agency id), the commitment text, the indicator, the target as
number and unit ("95%", "100 hồ sơ", "1.265 tỷ đồng"; the unit may sit in the header:
"Tỷ lệ (%)"), the due date or period from the "Thời hạn" cell (read as
``extractors.deadlines`` reads it: "30/6/2024", "Quý I/2024", "tháng 9/2024", "năm 2024")
and the status cell. A due cell with digits that reads as no date is named in a
``needs_review`` warning rather than guessed.

Provenance per row: the line of the row in the normalised text when the table is in the
text (Markdown, tab-separated), else the table's place and the page the row was read on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache

import regex

from extractors.agencies import resolve_agency
from extractors.deadlines import due_cell_deadlines, named_period
from extractors.tables import parse_vn_number
from pipeline.lexicon import load_lexicon
from pipeline.settings import DEFAULT_SETTINGS, Confidence, Settings
from pipeline.text.document import Document
from pipeline.text.keys import one_spaced, tone_key
from pipeline.text.spans import Found
from schemas import Commitment, RecordWarning, Table

ROLES = ("unit", "commitment", "indicator", "target", "due", "status", "note")
_UNIT_IN_HEADER = regex.compile(r"\s*\(([^()]{1,20})\)\s*$")


@dataclass(frozen=True)
class _Words:
    roles: dict[str, tuple[str, ...]]   # role → header phrases, tone-keyed
    not_unit: tuple[str, ...]
    generic_commitment: frozenset[str]
    generic_target: tuple[str, ...]
    indicator_after: tuple[str, ...]
    target: regex.Pattern


def _keyed(words) -> tuple[str, ...]:
    return tuple(tone_key(w) for w in words)


@cache
def _words() -> _Words:
    lex = load_lexicon("commitment_columns")
    lead = "|".join(regex.escape(w) for w in sorted(lex["target_lead"], key=len, reverse=True))
    n = int(lex["target_unit_max_words"])
    target = regex.compile(
        rf"^(?:(?:{lead})\s+)?(?P<num>\d[\d.,]*)\s*"
        rf"(?P<unit>%|\p{{L}}+(?:\s+\p{{L}}+){{0,{n - 1}}})?\s*\.?$", regex.I)
    return _Words(
        roles={r: _keyed(lex["roles"][r]) for r in ROLES},
        not_unit=_keyed(lex["not_unit"]),
        generic_commitment=frozenset(_keyed(lex["generic_commitment"])),
        generic_target=_keyed(lex["generic_target"]),
        indicator_after=_keyed(lex["indicator_after"]),
        target=target)


def _starts_with(key: str, phrase: str) -> bool:
    """Does a column name open with ``phrase`` as whole words ("đơn vị" not "đơn vị tính")?"""
    return key == phrase or key.startswith(tuple(phrase + c for c in " (,/"))


@lru_cache(maxsize=4096)  # a pure function of the name: tables repeat their headers
def column_role(name: str) -> tuple[str, str] | None:
    """(role, matched phrase) of a column name; a multi-row name's bottom part first."""
    w = _words()
    parts = [tone_key(p).strip(" .:") for p in name.split(" / ")]
    for part in reversed(parts):
        best: tuple[str, str] | None = None
        for role, phrases in w.roles.items():
            for phrase in phrases:
                if _starts_with(part, phrase) and (best is None or len(phrase) > len(best[1])):
                    best = (role, phrase)
        if best and not (best[0] == "unit" and any(x in part for x in w.not_unit)):
            return best
    return None


@dataclass
class CommitmentColumns:
    """Which column of a table plays which part; ``None`` when the table has none."""

    by_role: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)

    def get(self, role: str) -> str | None:
        return self.by_role.get(role)


def commitment_columns(table: Table) -> CommitmentColumns | None:
    """The roles of a table's columns when it is a commitment or task table, else ``None``."""
    if not table.header_found:
        return None
    cols = CommitmentColumns()
    for name in table.columns:
        found = column_role(name)
        if found and found[0] not in cols.by_role:  # the first column of a role holds it
            cols.by_role[found[0]], cols.phrases[found[0]] = name, found[1]
    has = cols.by_role.__contains__
    if not has("unit"):
        return None
    specific = has("commitment") and cols.phrases["commitment"] not in _words().generic_commitment
    if specific or has("indicator") or (has("commitment") and (has("target") or has("due"))):
        return cols
    return None


_DIGIT = regex.compile(r"\d")
_BLANKS = regex.compile(r"[ \t]+")


def _header_unit(column: str | None) -> str | None:
    """'Tỷ lệ giải ngân (%)' → '%'; 'Kinh phí (triệu đồng)' → 'triệu đồng'."""
    m = _UNIT_IN_HEADER.search(column or "")
    return m.group(1).strip() if m and not _DIGIT.search(m.group(1)) else None


def _strip_header_unit(column: str) -> str:
    return _UNIT_IN_HEADER.sub("", column).strip()


def read_target(cell: str, header_unit: str | None = None) -> tuple[int | float | None, str | None]:
    """'95%' → (95, '%'); '1.265 tỷ đồng' → (1265, 'tỷ đồng'); 'đạt 100 hồ sơ' → (100,
    'hồ sơ'); '95' under 'Tỷ lệ (%)' → (95, '%'). Anything else (ranges, prose) → (None, None)."""
    text = one_spaced(cell or "").strip()
    m = _words().target.match(text)
    if not m:
        return None, None
    number = parse_vn_number(m.group("num").rstrip(".,"))
    if number is None:
        return None, None
    unit = m.group("unit")
    return number, (unit.strip() if unit else header_unit)


def _indicator(cols: CommitmentColumns, row: dict) -> str | None:
    """The indicator cell; else the measure the target or commitment header names."""
    if cols.get("indicator"):
        return _first_line(row.get(cols.get("indicator")))
    w = _words()
    target = cols.get("target")
    if target and cols.phrases["target"] not in w.generic_target:
        return _strip_header_unit(target.split(" / ")[-1]) or None
    commitment = cols.get("commitment")
    if commitment and cols.phrases["commitment"] in w.indicator_after:
        rest = commitment.split(" / ")[-1][len(cols.phrases["commitment"]):].strip(" :,-")
        return rest or None
    return None


def _first_line(value) -> str | None:
    text = str(value or "").split("\n")[0].strip()
    return text or None


def _text(value) -> str | None:
    text = _BLANKS.sub(" ", str(value or "")).strip()
    return text or None


# --- provenance: where a row was read -------------------------------------------------------

@dataclass
class _RowFinder:
    """Finds rows of one table in the normalised text, in order, from a moving cursor."""

    doc: Document
    table: Found[Table]
    cursor: int = -1

    def place(self, row: dict, cols: CommitmentColumns) -> tuple[int, int, int | None]:
        """(start, end, page) of the row: its line(s) in the text, else the table's place."""
        f = self.table
        if self.cursor < 0:
            self.cursor = f.start
        needles = [_first_line(row.get(c)) for c in (cols.get("unit"), cols.get("commitment")) if c]
        if f.end > f.start:
            for needle in filter(None, needles):
                at = self.doc.text.find(needle[:60], self.cursor, f.end)
                if at >= 0:
                    start = self.doc.text.rfind("\n", f.start, at) + 1
                    end = self.doc.text.find("\n", at, f.end)
                    end = f.end if end < 0 else end
                    self.cursor = end
                    return start, end, self.doc.page_of(start)
        return f.start, f.end, self._raw_page(needles) or self.doc.page_of(f.start)

    def _raw_page(self, needles: list[str | None]) -> int | None:
        """The page of the reader's table piece that holds the row's unit cell."""
        key = next(filter(None, needles), None)
        if not key:
            return None
        pages = self.table.value.page_start, self.table.value.page_end
        for raw in self.doc.tables:
            if pages[0] is not None and not pages[0] <= raw.page <= (pages[1] or pages[0]):
                continue
            if any(key[:60] in " ".join((c or "").split()) for r in raw.rows for c in r):
                return raw.page
        return None


# --- rows → commitments -------------------------------------------------------------------

@dataclass
class Commitments:
    """What ``extract_commitments`` found: the commitments and the warnings it raised."""

    found: list[Found[Commitment]] = field(default_factory=list)
    pages: list[int | None] = field(default_factory=list)  # page of each, for provenance
    warnings: list[RecordWarning] = field(default_factory=list)


def extract_commitments(doc: Document, tables: list[Found[Table]], issued_date: str | None,
                        settings: Settings = DEFAULT_SETTINGS) -> Commitments:
    """One ``Commitment`` per row of each commitment table, in table and row order."""
    out = Commitments()
    for ti, found in enumerate(tables):
        cols = commitment_columns(found.value)
        if cols is None:
            continue
        finder = _RowFinder(doc, found)
        header_unit = _header_unit(cols.get("target"))
        period_heading = None if cols.get("due") else next(
            (p for h in (cols.get("target"), cols.get("commitment")) if h
             for p in [named_period(h)] if p), None)
        for ri, row in enumerate(found.value.rows):
            unit = _first_line(row.get(cols.get("unit"))) if cols.get("unit") else None
            commitment = _text(row.get(cols.get("commitment"))) if cols.get("commitment") else None
            if not unit and not commitment:
                continue
            target, target_unit = read_target(str(row.get(cols.get("target")) or ""), header_unit) \
                if cols.get("target") else (None, None)
            if target is None and commitment and "\n" not in commitment:
                # a commitment cell that is a bare value ("02" under "Cam kết thứ hạng")
                target, target_unit = read_target(commitment)
            start, end, page = finder.place(row, cols)
            due_date = period = None
            due_cell = _text(row.get(cols.get("due"))) if cols.get("due") else None
            if due_cell:
                due = due_cell_deadlines(due_cell, issued_date, start, settings)
                dated = next((d.value for d in due if d.value.due_date), None)
                if dated is not None:
                    due_date, period = dated.due_date, dated.period
                elif _DIGIT.search(due_cell):
                    out.warnings.append(RecordWarning(
                        code="needs_review", field=f"commitments.{len(out.found)}.due_date",
                        page=page, message=f"due cell {due_cell!r} of table {ti + 1}, row "
                                           f"{ri + 1} reads as no date: left empty"))
            if due_date is None and period_heading is not None:
                # no due cell: the period the target's heading names ("năm 2024") holds
                period, due_date = period_heading
            agency = resolve_agency(unit) if unit else None
            value = Commitment(
                table=ti, row=ri, unit=unit, agency_id=agency.id if agency else None,
                commitment=commitment, indicator=_indicator(cols, row), target=target, target_unit=target_unit,
                due_date=due_date, period=period,
                status=_text(row.get(cols.get("status"))) if cols.get("status") else None)
            # the row's meaning rests on the header's words: as sure as the table itself
            out.found.append(Found(value, start, end, min(found.confidence, Confidence.CUED)))
            out.pages.append(page)
    return out
