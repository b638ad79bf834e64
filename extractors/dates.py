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
import re
import sys
from array import array
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
# (a digit and "/" looked for apart, not as one set "[\d/]": ``stdlib_form`` runs it by ``re``)
NUMERIC_DAY_MONTH = (r"(?<!\d)(?<!/)(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})"
                     r"(?:\s*[/.\-]\s*(?P<y>\d{4}))?(?!\d|/|\.\d)")
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


# --- hot patterns run by the standard library's engine ---------------------------------------

AnyPattern = re.Pattern | regex.Pattern  # a pattern of either engine (``stdlib_form``)
AnyMatch = re.Match | regex.Match

# the ``regex`` flags a pattern may have to be run by ``re``, and what they are there
_STDLIB_FLAGS = {int(regex.I): re.I, int(regex.M): re.M, int(regex.S): re.S, int(regex.X): re.X,
                 int(regex.U): 0, int(regex.V0): 0}
# escapes that mean the same to both engines (a letter after "\" that is not one of these, or
# one of the classes below, is left to ``regex``)
_SAME_ESCAPES = frozenset("ntrfv")


def stdlib_form(pattern: regex.Pattern) -> re.Pattern | regex.Pattern:
    """``pattern`` compiled by the standard library's ``re``, which runs the patterns this
    project writes (alternations of words, counts, dates) about twice as fast as ``regex``;
    ``pattern`` itself when it uses what ``re`` has not, or means differently.

    ``regex``'s ``\\p{L}``, ``\\d`` and ``\\s`` become the classes of the characters ``regex``
    puts in them (its Unicode is not the interpreter's, and ``re``'s ``\\s`` takes four
    separators more), so both engines match the same text; any other class escape (``\\w``,
    ``\\b``, ``\\S``, another property …), a set inside a set or a flag of ``regex``'s own
    keeps the pattern with ``regex``. tests/extractors check the matches are the same."""
    flags = 0
    for bit, stdlib in _STDLIB_FLAGS.items():
        if pattern.flags & bit:
            flags |= stdlib
    if pattern.flags & ~sum(_STDLIB_FLAGS):
        return pattern
    source = _stdlib_source(pattern.pattern, bool(flags & re.I))
    if source is None:
        return pattern
    try:
        return re.compile(source, flags)
    except re.error:  # a variable-length look-behind, a name used twice …
        return pattern


def _stdlib_source(source: str, ignore_case: bool) -> str | None:
    """``source`` with ``regex``'s classes spelt out for ``re`` (``stdlib_form``), or None.
    Ignoring case, a letter ``re`` would match more or fewer characters with ("i" also "İ")
    is spelt as the set of those ``regex`` matches it with."""
    classes = _regex_classes()
    odd = _odd_letters(source) if ignore_case else {}
    out: list[str] = []
    in_set = False
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c == "[" and not in_set and source.startswith("[\\p{L}]", i):
            out.append(classes["L"])  # the class alone in its set
            i += 7
            continue
        if c == "\\":
            nxt = source[i + 1:i + 2]
            if source.startswith("\\p{L}", i) and not in_set:
                out.append(classes["L"])
                i += 5
            elif nxt in ("d", "s") and not in_set:
                out.append(classes[nxt])
                i += 2
            elif nxt.isalnum() and nxt not in _SAME_ESCAPES:
                # \w, \b, \S, \p{Lu}, \x…, a back-reference, or a class among other
                # characters of a set: left to regex
                return None
            else:
                out.append(source[i:i + 2])
                i += 2
            continue
        if c == "(" and source.startswith("(?", i) and not in_set:
            if source.startswith(("(?P<", "(?P="), i):  # a group's name: as it is
                close = source.find(">" if source[i + 3] == "<" else ")", i)
                out.append(source[i:close + 1])
                i = close + 1
                continue
            if source[i + 2:i + 3].isalpha() or source[i + 2:i + 3] == "-":
                return None  # flags set inside the pattern
        if c == "[":
            if in_set:
                return None  # a set inside a set: regex's own (version 1) syntax
            in_set = True
            out.append(c)
            i += 1
            if source.startswith("^", i):
                out.append("^")
                i += 1
            if source.startswith("]", i):  # a "]" that opens a set is one of its characters
                out.append("]")
                i += 1
            continue
        if c == "]" and in_set:
            in_set = False
        elif c in odd:
            if in_set:
                return None
            c = odd[c]
        out.append(c)
        i += 1
    return "".join(out)


def _odd_letters(source: str) -> dict[str, str]:
    """Of the letters of ``source``, those ``re`` ignoring case matches other characters with
    than ``regex`` does ("i": also "İ"), each with the set, ignoring no case, of those
    ``regex`` matches it with. Each letter is asked once (``stdlib_forms`` asks for the
    letters of all its patterns at once): the characters either engine may match a new
    letter with are found first, and each letter is then tried on those alone."""
    letters = {c for c in source if c.isalpha()}
    new = "".join(sorted(c for c in letters if c not in _LETTERS))
    if new:
        # regex matches a letter with characters of its case-folding class, each of which
        # changes when case-mapped (\p{CWCM}); re's, found among every character
        near = "".join(sorted(
            {*regex.findall(f"[{regex.escape(new)}]", _case_mapped(), regex.I),
             *re.findall(f"[{re.escape(new)}]", _every_character(), re.I), *new}))
        for c in new:
            theirs = regex.findall(regex.escape(c), near, regex.I)
            ours = re.findall(re.escape(c), near, re.I)
            _LETTERS[c] = None if theirs == ours else f"(?-i:[{_ranges(theirs)}])"
    return {c: _LETTERS[c] for c in letters if _LETTERS[c] is not None}


_LETTERS: dict[str, str | None] = {}  # ``_odd_letters``: each letter asked, and its set


def stdlib_forms(patterns: dict[str, regex.Pattern]) -> dict[str, AnyPattern]:
    """``stdlib_form`` of each pattern, the letters of all of them looked up at once."""
    _odd_letters("".join(p.pattern for p in patterns.values() if p.flags & regex.I))
    return {name: stdlib_form(p) for name, p in patterns.items()}


@cache
def _regex_classes() -> dict[str, str]:
    """How ``re`` spells the characters ``regex`` puts in ``\\p{L}``, ``\\d`` and ``\\s``
    (found by ``regex`` itself in every character, ``_every_character``): ``re``'s own class where it takes the same
    characters, with those it lacks (a newer Unicode's digits) where it takes no others, else
    every range. In a set that ignores no case, ``(?-i:[…])``: ``regex`` takes the same
    characters either way, while ``re``, ignoring case, would add case twins (U+0345, a
    combining mark, to the letters)."""
    every = _every_character()
    out = {}
    for name, prop, own in (("L", r"\p{L}", None), ("d", r"\d", r"\d"),
                            ("s", r"\s", r"\s")):
        if own is None:  # the letters: some 150 000 characters, taken run by run
            out[name] = _split_set(_runs(regex.compile(prop + '+')))
            continue
        theirs = regex.findall(prop, every)
        ours = set(re.findall(own, every)) if own else None
        if ours is not None and ours <= set(theirs):
            more = [c for c in theirs if c not in ours]
            out[name] = _split_set(_ranges(more), own) if more else own
        elif name == "s" and ours is not None and not set(theirs) - ours:
            # re's \s takes the four separators \x1c-\x1f (str.isspace) that regex's does not
            fewer = "".join(sorted(ours - set(theirs)))
            out[name] = f"(?-i:[^\\S{_ranges(list(fewer))}])"
        else:
            out[name] = _split_set(_ranges(theirs))
    return out


def _split_set(ranges: str, own: str = "") -> str:
    """A set of ``ranges`` (with ``re``'s class ``own``), ignoring no case, its characters
    past U+FFFF in a set of their own, tried only on such a character: ``re`` looks a
    character up at once in a set of the first 65 536, but goes through the ranges one by
    one in a set that has any past them (the letters': some 300 more)."""
    parts = re.findall(r"\\U([0-9a-f]{8})(?:-\\U[0-9a-f]{8})?", ranges)
    cut = next((k for k, first in enumerate(parts) if int(first, 16) > 0xFFFF), len(parts))
    # each range is "\U" and 8 digits, with "-\U" and 8 more: where the astral ones begin
    at = 0
    for _ in range(cut):
        at += 10 + (11 if ranges.startswith("-", at + 10) else 0)
    bmp, astral = ranges[:at], ranges[at:]
    if not astral:
        return f"(?-i:[{own}{bmp}])"
    first = f"[{own}{bmp}]|" if own or bmp else ""
    return f"(?-i:{first}(?=[\\U00010000-\\U0010ffff])[{astral}])"


@cache
def _case_mapped() -> str:
    """The characters ``regex`` says change when case-mapped, in order."""
    return "".join(regex.findall(r"\p{CWCM}", _every_character()))


@cache
def _every_character() -> str:
    """Every code point but the surrogates, in order (built from an array: ``map(chr, …)`` is
    slower)."""
    codes = array("I", range(_SURROGATES_FROM))
    codes.extend(range(_SURROGATES_TO, sys.maxunicode + 1))
    return codes.tobytes().decode(f"utf-32-{sys.byteorder[0]}e")


def _runs(pattern: regex.Pattern) -> str:
    """The runs ``pattern`` finds in every character, as the ranges of a set (``\\U``)."""
    every = _every_character()
    out = []
    # the two sides of the surrogates apart: no run goes across them
    for m in (*pattern.finditer(every, 0, _SURROGATES_FROM),
              *pattern.finditer(every, _SURROGATES_FROM)):
        first, last = ord(every[m.start()]), ord(every[m.end() - 1])
        out.append(f"\\U{first:08x}" + (f"-\\U{last:08x}" if last > first else ""))
    return "".join(out)


def _ranges(chars: list[str]) -> str:
    """``chars`` (in code point order) as the ranges of a set, in ``\\U`` escapes."""
    out = []
    k, n = 0, len(chars)
    while k < n:
        first = last = ord(chars[k])
        k += 1
        while k < n and ord(chars[k]) == last + 1:
            last += 1
            k += 1
        out.append(f"\\U{first:08x}" + (f"-\\U{last:08x}" if last > first else ""))
    return "".join(out)


_SURROGATES_FROM, _SURROGATES_TO = 0xD800, 0xE000  # left out of the string of every character
