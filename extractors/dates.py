"""Vietnamese dates in the forms documents use, kept at their stated precision.

``ngày 25 tháng 3 năm 2024`` → ``2024-03-25``; ``25/3/2024``, ``31 / 5 /2024`` → ISO;
a draft's ``ngày   tháng 3 năm 2024`` → ``2024-03`` and ``ngày tháng năm 2023`` → ``2023``.

Body prose also writes dates without a year (``trước ngày 18 tháng 12``, ``30/6``), read
against a default year (the issue year): ``DAY_MONTH_DATE`` is that grammar, as a
fragment other patterns embed, and ``date_hit`` reads a match of it into a ``DateHit``.
``DATE_RANGE`` is "từ ngày 29/3 đến ngày 05/4/2024". A stamp's hand-filled date
(``06/10/25``, any separators) is ``parse_filled_in_date``. The words of dates and
counts prose writes out (weekdays, number words) are ``date_vocabulary()``, read from
``pipeline/lexicon/dates_vocabulary.yaml``.

Written here rather than with dateparser: the forms are few and fixed by Decree 30,
and partial dates (blank day/month) must keep their precision, which general
parsers fill in with today's values.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

import regex

from pipeline.lexicon import load_lexicon
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.spans import Found

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
    return _date_of(*m.group("d", "m", "y"))


@lru_cache(maxsize=4096)  # documents cite the same few dates again and again
def _date_of(d: str | None, m: str | None, y: str) -> str | None:
    day, month, year = _int(d), _int(m), int(y)
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


_YEAR = regex.compile(r"\d{4}")


def year_of(iso: str | None) -> int | None:
    """The year of an ISO date at any precision (``2024-03`` → 2024), or ``None``."""
    return int(iso[:4]) if iso and _YEAR.match(iso) else None


def iso_before(a: str, b: str | None) -> bool:
    """Is ISO ``a`` before ``b`` at the precision both have?"""
    if not b:
        return False
    n = min(len(a), len(b))
    return a[:n] < b[:n]


# --- dates in body prose: the year may be left out -------------------------------------------
# Fragments for patterns that embed a date. Group names: d/m/y for the numeric form and
# wd/wm/wy for the long form, so one pattern can hold both; ``date_hit`` reads either.

# "25/3/2024", "25-3-2024", "25.3.2024", "30/6"; not "1.5" of a decimal or "2/2024/NĐ-CP"
NUMERIC_DAY_MONTH = (r"(?<![\d/])(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})"
                     r"(?:\s*[/.\-]\s*(?P<y>\d{4}))?(?![\d/]|\.\d)")
# "ngày 18 tháng 12", "ngày 18 tháng 12 năm 2024", "ngày 18 tháng 12/2024"
LONG_DAY_MONTH = (r"ngày\s+(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})"
                  r"(?:\s*(?:năm|/)\s*(?P<wy>\d{4}))?(?!\d)")
DAY_MONTH_DATE = rf"(?:{LONG_DAY_MONTH}|(?:ngày\s+)?{NUMERIC_DAY_MONTH})"
DAY_MONTH_DATE_RE = regex.compile(DAY_MONTH_DATE, regex.I)


@dataclass(frozen=True)
class DateHit:
    """A day-precision date in the text; ``year`` is ``None`` when the text leaves it out."""
    year: int | None
    month: int
    day: int
    start: int
    end: int

    def iso(self, year: int | None = None) -> str | None:
        """ISO date, taking ``year`` when the text gives none; ``None`` without any year or
        when the date does not exist in that year (a year-less 29/2 in 2023)."""
        date = self.as_date(year)
        return date.isoformat() if date else None

    def as_date(self, year: int | None = None) -> dt.date | None:
        """The calendar date, taking ``year`` when the text gives none; ``None`` if it does not exist."""
        y = self.year if self.year is not None else year
        if y is None:
            return None
        try:
            return dt.date(y, self.month, self.day)
        except ValueError:
            return None


def date_hit(m: regex.Match) -> DateHit | None:
    """The date a match of ``DAY_MONTH_DATE`` (or a pattern embedding it) holds.

    Day 1–31 and month 1–12; with a year, the day must exist in that month
    (a year-less 31/2 passes: the year that decides it is not known here).
    """
    # the long form's groups, then the numeric form's, where the pattern has them
    long_form, numeric = _date_groups(m.re)
    d = mo = y = None
    if long_form:
        d, mo, y = m.group("wd", "wm", "wy")
    if d is None and numeric:
        d, mo, y = m.group("d", "m", "y")
    if d is None or mo is None:
        return None
    day, month, year = int(d), int(mo), int(y) if y else None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year is not None and day > calendar.monthrange(year, month)[1]:
        return None
    return DateHit(year, month, day, m.start(), m.end())


@lru_cache(maxsize=256)
def _date_groups(pattern: regex.Pattern) -> tuple[bool, bool]:
    """Has ``pattern`` the long form's date groups, the numeric form's?"""
    names = pattern.groupindex
    return "wd" in names, "d" in names


def find_date_hits(text: str) -> list[DateHit]:
    """Every date written as d/m[/yyyy], d-m-yyyy, d.m.yyyy or 'ngày d tháng m [năm yyyy]'."""
    out = []
    for m in DAY_MONTH_DATE_RE.finditer(text):
        hit = date_hit(m)
        if hit:
            out.append(hit)
    return out


# --- ranges: "từ ngày 29/3/2024 đến ngày 05/4/2024" ------------------------------------------
# the start is groups sd/sm/sy (its year may be left out: it is the end's); the end is
# ``NUMERIC_DAY_MONTH`` (d/m/y), read by ``date_hit``
DATE_RANGE = (rf"(?<![\p{{L}}])từ\s+(?:ngày\s+)?(?P<sd>\d{{1,2}})\s*[/.\-]\s*(?P<sm>\d{{1,2}})"
              rf"(?:\s*[/.\-]\s*(?P<sy>\d{{4}}))?\s*(?:đến|tới|-|–)\s*(?:hết\s+)?(?:ngày\s+)?"
              rf"{NUMERIC_DAY_MONTH}")
DATE_RANGE_RE = regex.compile(DATE_RANGE, regex.I)


def range_start(m: regex.Match) -> DateHit | None:
    """The start of a ``DATE_RANGE`` match (day 1–31, month 1–12), its span the whole range."""
    day, month = int(m.group("sd")), int(m.group("sm"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return DateHit(int(m.group("sy")) if m.group("sy") else None, month, day, m.start(), m.end())


@dataclass(frozen=True)
class DateRange:
    start_date: str
    end_date: str
    start: int
    end: int


def find_date_ranges(text: str) -> list[DateRange]:
    """Every 'từ (ngày) d/m[/y] đến (ngày) d/m/y' in the text, deadline or not."""
    out = []
    for m in DATE_RANGE_RE.finditer(text):
        end = date_hit(m)
        start = range_start(m)
        if end is None or end.year is None or start is None:
            continue
        start_iso = start.iso(end.year)
        if start_iso is None:  # "từ 29/2 đến 01/3/2023": the start does not exist
            continue
        out.append(DateRange(start_iso, end.iso(), m.start(), m.end()))
    return out


# --- a date filled in by hand on an arrival stamp ("Ngày: 06/10/25") -------------------------

@cache
def _filled_in_date_re(max_gap: int) -> regex.Pattern:
    """OCR of handwriting: one to ``max_gap`` non-digits between the parts, a two-digit year."""
    gap = rf"\D{{1,{max_gap}}}?"
    return regex.compile(rf"(\d{{1,2}}){gap}(\d{{1,2}}){gap}(\d{{2,4}})")


def parse_filled_in_date(text: str, year_hint: int | None = None,
                         settings: Settings = DEFAULT_SETTINGS) -> str | None:
    """ISO date of a hand-filled ``06/10/25`` / ``06.10.2025``; ``None`` when it cannot be.

    A two-digit year is 20yy; ``year_hint`` (the issue year) rejects a year more than
    ``Settings.filled_in_year_tolerance`` off it.
    """
    m = _filled_in_date_re(settings.filled_in_date_max_gap).search(text)
    if not m:
        return None
    day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if year < 100:
        year += 2000
    if year_hint and abs(year - year_hint) > settings.filled_in_year_tolerance:
        return None
    if not 1 <= day <= 31:
        return None
    return iso_date(year, month, day)


# --- words of dates and counts (pipeline/lexicon/dates_vocabulary.yaml) ----------------------

def word_alternation(words, *, in_order: bool = False, as_written: bool = False) -> str:
    """A regex alternation of words or phrases; a space inside one matches any white space
    (``as_written``: the phrases as they are written, each space a space).

    Longest first, so "chậm nhất là" is tried before "chậm nhất"; ``in_order`` keeps the
    given order where the first that fits must win. Longest first, the phrases are written
    as a tree of their common beginnings (``_tree_alternation``): the same matches.
    """
    if in_order:
        words = list(words)
    else:
        words = sorted(words, key=len, reverse=True)
        tree = _tree_alternation([list(w) if as_written else _gapped(w) for w in words])
        if tree is not None:
            return tree
    if as_written:
        return "|".join(regex.escape(w) for w in words)
    return "|".join(r"\s+".join(regex.escape(part) for part in w.split()) for w in words)


_GAP = ""  # in a phrase's characters: the white space between two words (``\s+``)


def _gapped(phrase: str) -> list[str]:
    """A phrase's characters, ``_GAP`` between its words."""
    out: list[str] = []
    for word in phrase.split():
        if out:
            out.append(_GAP)
        out.extend(word)
    return out


def _tree_alternation(phrases: list[list[str]]) -> str | None:
    """``a|b|…`` of ``phrases`` (characters, longest first) written as a tree of their common
    beginnings: "chậm nhất là|chậm nhất" → "chậm nhất(?:\\ là)?". The ``regex`` engine tries
    every branch of an alternation one after the other (some 70 for the action verbs); the
    tree tries one character at each step. The same matches, in the same order: two phrases
    that both match at a place are one the other's beginning, and the tree, like the list
    sorted longest first, tries the longer one first. ``None`` where two characters at one
    step match each other ignoring case ("K"/"k"): the order could then differ."""
    root: dict = {}
    for chars in phrases:
        node = root
        for c in chars:
            node = node.setdefault(c, {})
        node[None] = {}  # a phrase ends here

    def write(node: dict) -> str | None:
        steps = [c for c in node if c is not None]
        for k, a in enumerate(steps):
            if any(a != _GAP != b and regex.fullmatch(regex.escape(a), b, regex.I)
                   for b in steps[k + 1:]):
                return None
        branches = []
        for c in steps:
            rest = write(node[c])
            if rest is None:
                return None
            branches.append((r"\s+" if c == _GAP else regex.escape(c)) + rest)
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        # longer phrases first: the end of a shorter one is the last thing tried here
        return f"(?:{body})?" if None in node else body

    return write(root)


@dataclass(frozen=True)
class Weekday:
    """A day of the week as the text writes it ("thứ Hai", "thứ 2", "Chủ nhật")."""
    index: int                  # datetime.weekday(): Monday 0 … Sunday 6
    code: str                   # in a recurrence: "weekly:mon"
    label: str                  # in a message: "Thứ Hai"
    after_thu: tuple[str, ...]  # the word or digit after "thứ"
    names: tuple[str, ...]      # a name of its own ("chủ nhật")


@dataclass(frozen=True)
class DateVocabulary:
    """Weekdays and number words, one copy for every module that reads them."""
    weekdays: tuple[Weekday, ...]
    units: dict[str, int]       # "hai" → 2, "lăm" → 5: added to what comes before
    ten: str                    # "mười": 10, opening a number
    tens: str                   # "mươi": what comes before it, times ten
    not_in_patterns: frozenset[str]  # read by vn_number, never matched by a pattern
    _by_word: dict[str, Weekday] = field(default_factory=dict, compare=False, repr=False)

    def weekday(self, word: str) -> Weekday | None:
        """The day a word after "thứ", or a day's own name, stands for ('Hai', 'Chủ  nhật')."""
        return self._by_word.get(" ".join(word.lower().split()))

    @property
    def after_thu_pattern(self) -> str:
        """Alternation of the words after "thứ" that name a day: 'hai|…|2|…'."""
        return word_alternation(w for d in self.weekdays for w in d.after_thu)

    @property
    def names_pattern(self) -> str:
        """Alternation of the days' own names: 'chủ\\s+nhật'."""
        return word_alternation(w for d in self.weekdays for w in d.names)

    def number_pattern(self) -> str:
        """A count in digits or words ("07", "mười lăm", "hai mươi mốt"), no groups."""
        units = [w for w in self.units if w not in self.not_in_patterns]
        first = word_alternation([*units, self.ten, self.tens])
        then = word_alternation([*units, self.tens])
        return rf"(?:\d{{1,3}}|(?:{first})(?:\s+(?:{then}))*)"


@cache
def date_vocabulary() -> DateVocabulary:
    """The weekdays and number words of ``dates_vocabulary.yaml`` (read once)."""
    lex = load_lexicon("dates_vocabulary")
    days = tuple(Weekday(d["index"], d["code"], d["label"], tuple(map(str, d["after_thu"])),
                         tuple(d["names"])) for d in lex["weekdays"])
    by_word = {w: d for d in days for w in (*d.after_thu, *d.names)}
    numbers = lex["number_words"]
    return DateVocabulary(days, dict(numbers["units"]), numbers["ten"], numbers["tens"],
                          frozenset(numbers["not_in_patterns"]), by_word)
