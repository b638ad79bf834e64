"""Checks on an extracted record: what an archivist should look at (cảnh báo).

``validate_record(record, doc)`` returns ``RecordWarning``s; it never changes a field.

Codes:
- ``date_out_of_order``: a range whose end is before its start ("từ ngày 15/12/2024 đến 14/3/2024");
- ``reference_year_mismatch``: a normative number's year disagrees with its date
  ("117/2014/NĐ-CP ngày 07/10/2013");
- ``weekday_mismatch``: "thứ Hai, ngày 26/3/2024" when 26/3/2024 is a Tuesday;
- ``percentage_over_100``: a percentage column above 100 in a table row;
- ``part_exceeds_whole``: a part larger than its whole in a table row (columns whose
  ratio is the row's percentage, e.g. "đã số hóa (2)" / "đã giải quyết (1)");
- ``stt_gap``: an STT that skips (row 20 missing);
- ``table_header_missing``: a table read without a header row;
- ``issued_date_in_future``: an issue date later than today.
"""
from __future__ import annotations

import datetime as dt

import regex

from extractors.dates import DAY_MONTH_DATE, date_hit, date_vocabulary, find_date_ranges, year_of
from extractors.tables import NUMERIC_SUFFIX
from pipeline.text.anchored import anchored_finditer
from pipeline.text.document import Document
from pipeline.text.keys import lowered, tone_key
from schemas import Record, RecordWarning

# weekday names and labels: extractors.dates.date_vocabulary (dates_vocabulary.yaml);
# "lần thứ 4", "hạng thứ 2" are ordinals, not weekdays
_WEEKDAY = (rf"(?:(?<!(?:lần|hạng|bậc|khóa|khoá|kỳ|lớp|tầng|số|vị trí)\s)thứ\s+"
            rf"(?P<wday>{date_vocabulary().after_thu_pattern})(?![\p{{L}}\d])"
            rf"|(?P<sun>{date_vocabulary().names_pattern}))")
_WEEKDAY_THEN_DATE = regex.compile(rf"(?<![\p{{L}}]){_WEEKDAY}\s*[,(\-–]?\s*{DAY_MONTH_DATE}", regex.I)
_DATE_THEN_WEEKDAY = regex.compile(rf"{DAY_MONTH_DATE}\s*[(,]\s*{_WEEKDAY}\s*\)?", regex.I)
_WEEKDAY_RE = regex.compile(_WEEKDAY, regex.I)
# every weekday begins with "thứ" or a day's own name ("chủ nhật")
_WEEKDAY_FIRST_WORDS = tuple(sorted({"thứ", *(n.split()[0].lower() for d in date_vocabulary().weekdays
                                              for n in d.names)}))
_NORMATIVE_WITH_DATE = regex.compile(
    rf"(?<![\d/])(?P<num>\d{{1,5}}/(?P<ny>(?:19|20)\d{{2}})/[\p{{Lu}}Đ][\p{{L}}Đ\d\-]*)"
    rf"\s*,?\s*(?:ban hành\s+|được ban hành\s+)?{DAY_MONTH_DATE}", regex.I)


def _date_of(m: regex.Match, default_year: int | None) -> dt.date | None:
    """The date a pattern embedding ``DAY_MONTH_DATE`` matched; year-less: ``default_year``'s."""
    hit = date_hit(m)
    return hit.as_date(default_year) if hit else None


def date_range_warnings(doc: Document) -> list[RecordWarning]:
    out = []
    for r in find_date_ranges(doc.text):
        if r.start_date > r.end_date:
            out.append(RecordWarning(
                code="date_out_of_order", page=doc.page_of(r.start),
                message=f"range ends before it starts: '{doc.text[r.start:r.end]}'"))
    return out


_NUMBER_YEAR = regex.compile(r"\d+/((?:19|20)\d{2})/")
_THEN_DATE = regex.compile(r"\s*,?\s*ngày")


def _followed_by_date(raw: str, number: str) -> bool:
    """Does ``number`` stand in ``raw`` followed by "ngày" (", ngày")? (No pattern is
    compiled per citation.)"""
    at = raw.find(number)
    while at >= 0:
        if _THEN_DATE.match(raw, at + len(number)):
            return True
        at = raw.find(number, at + 1)
    return False


def reference_year_warnings(record: Record, doc: Document) -> list[RecordWarning]:
    seen: dict[str, RecordWarning] = {}
    for i, ref in enumerate(record.references):
        m = _NUMBER_YEAR.match(ref.number or "")
        # only when the raw citation itself dates the number ("… 117/2014/NĐ-CP ngày …");
        # a date that opens with the number's year agrees with it: nothing more to read
        if m and ref.date and ref.date[:4] != m.group(1) \
                and _followed_by_date(ref.raw or "", ref.number or "") \
                and year_of(ref.date) != int(m.group(1)):
            prov = record.provenance.get(f"references.{i}")
            seen[ref.number] = RecordWarning(
                code="reference_year_mismatch", field=f"references.{i}",
                page=prov.page if prov else None,
                message=f"{ref.number} is dated {ref.date}: the year in the number is {m.group(1)}")
    for m in _NORMATIVE_WITH_DATE.finditer(doc.text):
        number = m.group("num")
        if number in seen or not _may_disagree(m):
            continue
        date = _date_of(m, None)
        if date is None or date.year == int(m.group("ny")):
            continue
        seen[number] = RecordWarning(
            code="reference_year_mismatch", page=doc.page_of(m.start()),
            message=f"{number} is dated {date.isoformat()}: the year in the number is {m.group('ny')}")
    return list(seen.values())


def _may_disagree(m: regex.Match) -> bool:
    """Does the date of a ``_NORMATIVE_WITH_DATE`` match state a year other than the
    number's? (A year-less date has no year of its own to disagree with; ``date_hit`` reads
    the long form's groups when it matched, else the numeric form's.)"""
    wd, wy, y, ny = m.group("wd", "wy", "y", "ny")  # (one call)
    year = wy if wd is not None else y
    return year is not None and int(year) != int(ny)


def _weekday_matches(text: str, low: str):
    """Matches of the weekday-then-date pattern (tried where a weekday begins), then of the
    date-then-weekday one."""
    yield from anchored_finditer(_WEEKDAY_THEN_DATE, text, _WEEKDAY_FIRST_WORDS, low)
    yield from _DATE_THEN_WEEKDAY.finditer(text)


def weekday_warnings(record: Record, doc: Document) -> list[RecordWarning]:
    out = []
    year = year_of(record.issued_date)
    days = date_vocabulary().weekdays
    low = lowered(doc.text)
    if next(anchored_finditer(_WEEKDAY_RE, doc.text, _WEEKDAY_FIRST_WORDS, low), None) is None:
        return out  # no weekday named: both patterns need one
    for m in _weekday_matches(doc.text, low):
        date = _date_of(m, year)
        if date is None:
            continue
        said = date_vocabulary().weekday(m.group("sun") or m.group("wday"))
        if date.weekday() != said.index:
            out.append(RecordWarning(
                code="weekday_mismatch", page=doc.page_of(m.start()),
                message=f"'{m.group(0)}': {date.isoformat()} is a "
                        f"{days[date.weekday()].label}, not a {said.label}"))
    return out


def _is_percent_column(name: str) -> bool:
    key = tone_key(name)
    return "%" in key or "tỷ lệ" in key or "tỉ lệ" in key


# a percentage column printed with one decimal is off by up to 0.5 from part/whole × 100
PERCENT_TOLERANCE = 0.6
# two columns are (part, whole) of a percentage when most rows, and at least three, say so
MIN_PAIRED_ROWS = 3
PAIRED_SHARE = 0.8


def _part_whole_pairs(numeric: list[str], pct: str, rows: list[dict]) -> list[tuple[str, str]]:
    """Columns (part, whole) whose ratio is the row's percentage in most rows."""
    pairs = []
    for part in numeric:
        for whole in numeric:
            if part == whole or pct in (part, whole):
                continue
            fits = total = 0
            for row in rows:
                a, b, p = (row.get(part + NUMERIC_SUFFIX), row.get(whole + NUMERIC_SUFFIX),
                           row.get(pct + NUMERIC_SUFFIX))
                if not all(isinstance(v, (int, float)) for v in (a, b, p)) or not b or a > b \
                        or p > 100:  # rows already wrong are no evidence for the pairing
                    continue
                total += 1
                fits += abs(a / b * 100 - p) <= PERCENT_TOLERANCE
            if total >= MIN_PAIRED_ROWS and fits >= PAIRED_SHARE * total:
                pairs.append((part, whole))
    return pairs


def table_warnings(record: Record) -> list[RecordWarning]:
    out = []
    for ti, table in enumerate(record.tables):
        prov = record.provenance.get(f"tables.{ti}")
        page = prov.page if prov else table.page_start
        label = table.title or f"table {ti + 1}"

        def warn(code: str, message: str) -> None:
            out.append(RecordWarning(code=code, field=f"tables.{ti}", page=page,
                                     message=f"{label}: {message}"))

        if not table.header_found:
            warn("table_header_missing", "no header row found; columns are numbered")
        numeric = list(table.numeric_columns)
        for pct in (c for c in numeric if _is_percent_column(c)):
            for ri, row in enumerate(table.rows):
                v = row.get(pct + NUMERIC_SUFFIX)
                if isinstance(v, (int, float)) and v > 100:
                    warn("percentage_over_100", f"row {ri + 1}: {pct} = {row.get(pct)}")
            for part, whole in _part_whole_pairs(numeric, pct, table.rows):
                for ri, row in enumerate(table.rows):
                    a, b = row.get(part + NUMERIC_SUFFIX), row.get(whole + NUMERIC_SUFFIX)
                    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a > b:
                        who = next((str(v) for v in row.values() if isinstance(v, str) and v), "")
                        warn("part_exceeds_whole",
                             f"row {ri + 1} ({who}): {part} = {row.get(part)} > {whole} = {row.get(whole)}")
        out.extend(RecordWarning(code="stt_gap", field=f"tables.{ti}", page=page,
                                 message=f"{label}: {m}") for m in _stt_gaps(table.columns, table.rows))
    return out


def _stt_gaps(columns: list[str], rows: list[dict]) -> list[str]:
    stt = next((c for c in columns if tone_key(c).strip(" .") in {"stt", "tt", "số tt", "số thứ tự"}), None)
    if stt is None:
        return []
    gaps, prev, section = [], None, object()
    for row in rows:
        value = str(row.get(stt) or "").strip().rstrip(".")
        if not value.isdigit():
            continue
        n = int(value)
        if row.get("section") != section or n == 1:
            section, prev = row.get("section"), n
            continue
        if prev is not None and n > prev + 1:
            missing = f"{prev + 1}" if n == prev + 2 else f"{prev + 1}–{n - 1}"
            gaps.append(f"STT skips from {prev} to {n} (row {missing} missing)")
        prev = n
    return gaps


def issued_date_warnings(record: Record, today: dt.date) -> list[RecordWarning]:
    issued = record.issued_date
    if not issued:
        return []
    if issued > today.isoformat()[:len(issued)]:
        prov = record.provenance.get("issued_date")
        return [RecordWarning(code="issued_date_in_future", field="issued_date",
                              page=prov.page if prov else None,
                              message=f"issued {issued}, later than today ({today.isoformat()})")]
    return []


def validate_record(record: Record, doc: Document, today: dt.date | None = None) -> list[RecordWarning]:
    """Every warning for one record (the record is not changed)."""
    today = today or dt.date.today()
    return (date_range_warnings(doc) + reference_year_warnings(record, doc)
            + weekday_warnings(record, doc) + table_warnings(record)
            + issued_date_warnings(record, today))

