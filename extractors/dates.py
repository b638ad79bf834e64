"""Vietnamese dates in the forms documents use, kept at their stated precision.

``ngày 25 tháng 3 năm 2024`` → ``2024-03-25``; ``25/3/2024``, ``31 / 5 /2024`` → ISO;
a draft's ``ngày   tháng 3 năm 2024`` → ``2024-03`` and ``ngày tháng năm 2023`` → ``2023``.
Written here rather than with dateparser: the forms are few and fixed by Decree 30,
and partial dates (blank day/month) must keep their precision, which general
parsers fill in with today's values.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import regex

from extractors.spans import Found

# a blank left for the day or month in a draft: spaces, dots, ellipses, underscores
_BLANK = r"[ \t.…_]*"
_DIGITS = r"\d(?: ?\d)?"  # "0 9": OCR sometimes splits a two-digit day
LONG_DATE = regex.compile(
    rf"ngày\s*(?P<d>{_DIGITS})?{_BLANK}\s*tháng\s*(?P<m>{_DIGITS})?{_BLANK}\s*năm\s*(?P<y>\d{{4}})",
    regex.I)
NUMERIC_DATE = regex.compile(
    r"(?<![\d/])(?P<d>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<y>\d{4})(?![\d/])")


def iso_date(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """ISO string at the precision given; ``None`` when the date does not exist."""
    if not 1000 <= year <= 2999:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _int(s: str | None) -> int | None:
    return int(s.replace(" ", "")) if s else None


def date_from_match(m: regex.Match) -> str | None:
    day, month, year = _int(m.group("d")), _int(m.group("m")), int(m.group("y"))
    if day is not None and month is None:
        return None  # "ngày 5 tháng năm 2024" is no date we can keep
    return iso_date(year, month, day)


def find_dates(text: str, start: int = 0, end: int | None = None) -> Iterator[Found[str]]:
    """Every date in ``text[start:end]``, long or numeric form, in order."""
    matches = [m for p in (LONG_DATE, NUMERIC_DATE)
               for m in p.finditer(text, start, len(text) if end is None else end)]
    for m in sorted(matches, key=lambda m: m.start()):
        value = date_from_match(m)
        if value:
            yield Found(value, m.start(), m.end())


def parse_vn_date(text: str) -> str | None:
    """The first date in ``text`` as ISO (keeping its precision), or ``None``."""
    return next((f.value for f in find_dates(text)), None)
