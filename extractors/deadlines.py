"""Deadlines (thời hạn) and who must meet them (cơ quan được giao).

``extract_deadlines(text, issued_date)`` reads the prose of a normalised document
(Markdown table lines are left to ``table_deadlines``) and returns one ``Deadline`` per
due date the document sets:

- absolute: "chậm nhất ngày 25/3/2024", "trước 17 giờ 00 ngày 26/10/2024" (time kept);
- range: "từ ngày 29/3/2024 đến ngày 05/4/2024" in a directive (due date = the end);
- recurring: "trước ngày 18 hằng tháng" → ``monthly:18``, "trước ngày 18 của tháng
  cuối quý" → ``quarterly:last_month:18``, "số liệu năm trước ngày 18 tháng 12" →
  ``yearly:12-18``, "trước 15 giờ 00 hằng ngày" → ``daily:15:00``;
- relative: "trong vòng 07 ngày kể từ …" → offset ``7d``; "sau 10 ngày làm việc" → ``10wd``;
- period: "hoàn thành trong Quý II/2024" → period ``2024-Q2``, due date ``2024-06``.

Dates without a year take the year of ``issued_date``. A date before the issue date, a
validity date ("có hiệu lực từ") or a cited document's date is not a deadline.

The assignee comes from "Giao X …", "yêu cầu X …", a sentence that opens with a body
("Sở X chủ trì …"), or the numbered/bold heading the bullet sits under; the action is
the verb phrase up to the cue.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from extractors.agencies import looks_like_agency, resolve_agency
from extractors.dates import (DATE_RANGE_RE, DAY_MONTH_DATE, DAY_MONTH_DATE_RE, date_hit,
                              date_vocabulary, iso_before, range_start, word_alternation,
                              year_of)
from pipeline.lexicon import load_lexicon
from pipeline.settings import DEFAULT_SETTINGS, Confidence, Settings
from pipeline.text.anchored import anchored_finditer, finditer_at
from pipeline.text.keys import lowered, one_spaced, single_spaced
from pipeline.text.spans import Found
from schemas import Deadline, Table


def _alt(words) -> str:
    """Alternation of the lexicon's older lists: phrases as written, single spaces."""
    return word_alternation(words, as_written=True)


def _word(alternation: str) -> str:
    """``alternation`` as whole words: not inside a longer word."""
    return rf"(?<![\p{{L}}])(?:{alternation})(?![\p{{L}}])"


# --- times of day ("17 giờ 00", "15h", "8:30"); dates come from extractors.dates -----------

TIME = r"(?P<h>\d{1,2})\s*(?:giờ|h|g|:)\s*(?P<mi>\d{2})?(?:\s*phút)?"


# --- cue patterns (built once from the lexicon) ----------------------------------------------

def vn_number(text: str) -> int | None:
    """'07' → 7, 'mười lăm' → 15, 'ba mươi' → 30 (number words: ``date_vocabulary()``)."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    vocab = date_vocabulary()
    words = text.split()
    if not words or any(w not in vocab.units and w not in (vocab.ten, vocab.tens) for w in words):
        return None
    current = 0
    for w in words:
        if w == vocab.ten:
            current = 10
        elif w == vocab.tens:
            current = (current or 1) * 10
        else:
            current += vocab.units[w]
    return current


def _words(text: str) -> str:
    """A matched cue as the lexicon writes it: lower case, single spaces."""
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class _Patterns:
    absolute: regex.Pattern
    period: regex.Pattern
    weak_period: regex.Pattern
    range: regex.Pattern
    monthly: regex.Pattern
    quarterly: regex.Pattern
    daily: regex.Pattern
    weekly: regex.Pattern
    not_due_before: regex.Pattern
    yearly_before: regex.Pattern
    yearly_after: regex.Pattern
    completion: regex.Pattern
    trigger: regex.Pattern
    verb: regex.Pattern
    directive: regex.Pattern
    past: regex.Pattern          # "đã" in the clause before a cue, any case
    past_cased: regex.Pattern    # "đã" before a range: lower case only, as measured
    table_clause: regex.Pattern
    # the words (lower case) one of which a match of not_due_before, yearly_before, completion
    # and past holds: where none is, the pattern is not searched (``_Reading.lacks``)
    not_due_words: tuple[str, ...]
    yearly_words: tuple[str, ...]
    completion_words: tuple[str, ...]
    past_words: tuple[str, ...]
    weak_due_cues: frozenset[str]
    relative_vague_cues: frozenset[str]
    relative_units: dict[str, str]
    relative_unit_words: tuple[str, ...]  # a unit's first word: a relative offset needs one
    every_words: tuple[str, ...]  # "hằng", "mỗi", …: a recurring rule says one
    first_words: dict[str, tuple[str, ...]]  # per rule: the words its every match begins with
    cue_phrases: dict[str, tuple[str, ...]]  # per rule: the phrases its matches begin with


@cache
def _patterns() -> _Patterns:
    lex = load_lexicon("deadline_cues")
    every = rf"(?:{_alt(lex['every'])})"
    due = _alt(lex["due_cues"])

    def recurring_cue(*more: str) -> str:
        """The cues before a recurring rule's day or time, with a rule's own ``more``."""
        words = [*lex["recurring_cues"], *(w for key in more for w in lex[key])]
        return rf"(?:{word_alternation(words)})"

    period_body = _PERIOD_BODY
    i = regex.I
    # the phrases each rule's matches begin with
    cue_phrases = {
        "monthly": (*lex["recurring_cues"], *lex["recurring_cues_monthly"]),
        "quarterly": tuple(lex["recurring_cues"]),
        "daily": (*lex["recurring_cues"], *lex["recurring_cues_daily"]),
        "weekly": tuple(lex["recurring_cues"]),
        "range": ("từ",),  # extractors.dates.DATE_RANGE
        "absolute": tuple(lex["due_cues"]),
        "period": tuple(lex["period_cues"]),
        "weak_period": tuple(lex["weak_period_cues"]),
        "relative": tuple(lex["relative_cues"]),
        "trigger": tuple(lex["assign_triggers"]),
        "directive": tuple(lex["directive_words"]),
    }
    return _Patterns(
        absolute=regex.compile(
            rf"(?<![\p{{L}}])(?P<cue>{due})\s*(?:là\s+|vào\s+|:\s*|lúc\s+)?"
            rf"(?:(?:lúc\s+)?{TIME}\s*(?:,|-)?\s*)?(?:ngày\s+)?{DAY_MONTH_DATE}", i),
        period=regex.compile(
            rf"(?<![\p{{L}}])(?P<cue>{_alt(lex['period_cues'])})\s+(?:trong\s+|vào\s+)?{period_body}", i),
        weak_period=regex.compile(
            rf"(?<![\p{{L}}])(?P<cue>{word_alternation(lex['weak_period_cues'])})\s+{period_body}", i),
        range=DATE_RANGE_RE,
        monthly=regex.compile(
            rf"{recurring_cue('recurring_cues_monthly')}\s+(?:ngày\s+)?(?P<n>\d{{1,2}})"
            rf"\s+{every}\s+tháng", i),
        quarterly=regex.compile(
            rf"{recurring_cue()}\s+(?:ngày\s+)?(?P<n>\d{{1,2}})\s+(?:của\s+)?"
            rf"tháng\s+(?P<which>cuối|đầu)\s+(?:của\s+)?quý(?P<next>\s+(?:sau|tiếp theo))?", i),
        daily=regex.compile(
            rf"{recurring_cue('recurring_cues_daily')}\s+{TIME}\s*(?:,\s*)?{every}\s+ngày", i),
        weekly=regex.compile(
            rf"{recurring_cue()}\s+(?:{TIME}\s*)?(?:ngày\s+)?thứ\s+"
            rf"(?P<wd>{date_vocabulary().after_thu_pattern})\s+{every}\s+tuần", i),
        not_due_before=regex.compile(rf"(?:{_alt(lex['not_due_before'])})\s*(?:\S+\s+){{0,2}}$", i),
        yearly_before=regex.compile(rf"(?:{_alt(lex['yearly_cues'])})\s*$", i),
        yearly_after=regex.compile(rf"\s*,?\s*(?:{word_alternation(lex['yearly_after'])})", i),
        completion=regex.compile(_word(_alt(lex["completion_verbs"])), i),
        trigger=regex.compile(rf"(?<![\p{{L}}])(?:{_alt(lex['assign_triggers'])})\s+", i),
        verb=regex.compile(_word(_alt(lex["action_verbs"]))),
        directive=regex.compile(_word(word_alternation(lex["directive_words"])), i),
        past=regex.compile(_word(word_alternation(lex["past_markers"])), i),
        past_cased=regex.compile(_word(word_alternation(lex["past_markers"]))),
        table_clause=regex.compile(rf"(?:{word_alternation(lex['table_clause_cues'])})", i),
        # _alt spells a phrase with its single spaces; word_alternation lets any white space
        # part its words: only its first word is sure to be there as written
        not_due_words=tuple(w.lower() for w in lex["not_due_before"]),
        yearly_words=tuple(w.lower() for w in lex["yearly_cues"]),
        completion_words=tuple(w.lower() for w in lex["completion_verbs"]),
        past_words=_first_words(lex["past_markers"]),
        weak_due_cues=frozenset(lex["weak_due_cues"]),
        relative_vague_cues=frozenset(lex["relative_vague_cues"]),
        relative_units=dict(lex["relative_units"]),
        relative_unit_words=_first_words(lex["relative_units"]),
        every_words=tuple(w.lower() for w in lex["every"]),
        first_words={rule: _first_words(phrases) for rule, phrases in cue_phrases.items()},
        cue_phrases=cue_phrases,
    )


def _first_words(phrases) -> tuple[str, ...]:
    return tuple(sorted({p.split()[0].lower() for p in phrases}))


@cache
def _relative_pattern(anchor_max_chars: int) -> regex.Pattern:
    """'trong vòng 07 ngày kể từ …': cue, count, unit and (up to ``anchor_max_chars``) anchor."""
    lex = load_lexicon("deadline_cues")
    anchor = word_alternation(lex["relative_anchor_cues"], in_order=True)
    return regex.compile(
        rf"(?P<cue>{word_alternation(lex['relative_cues'])})\s+"
        rf"(?P<n>{date_vocabulary().number_pattern()})\s*"
        rf"(?P<unit>{word_alternation(lex['relative_units'])})"
        rf"(?:\s*,?\s*(?P<anchor>(?:{anchor})\s+[^.;\n]{{3,{anchor_max_chars}}}))?", regex.I)


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def _time(m: regex.Match) -> str | None:
    if m.group("h") is None:
        return None
    h, mi = int(m.group("h")), int(m.group("mi") or 0)
    return f"{h:02d}:{mi:02d}" if h < 24 and mi < 60 else None


# --- sentences and headings --------------------------------------------------------------

@dataclass
class Sentence:
    text: str
    start: int
    # the headings above it (``_Headings``, or ``_HeadingAt`` read when asked), or their body
    heading: "_Heading | _HeadingAt | str | None"

    @property
    def heading_assignee(self) -> str | None:
        """The body the deepest heading above the sentence that names one names."""
        heading = self.heading
        return heading if heading is None or isinstance(heading, str) else heading.name()


# a numbered heading's opening; the rest of the line (no white space at its ends) follows
_NUMBERED = regex.compile(
    r"^(?:(?P<roman>[IVX]{1,4})[.)]|(?P<sub>\d{1,2}\.\d{1,2})\.?|(?P<num>\d{1,2})[.)]|"
    r"(?P<letter>[a-zđ])[.)])\s+(?=\S)")
_NUMBERED_FIRST = frozenset("IVXabcdefghijklmnopqrstuvwxyzđ")  # or a digit
_NO_HEADING_FIRST = frozenset("-+|")  # a bullet or a table row: no bold heading either
# a sentence ends at a stop after a small letter, a digit, ")" … or an acronym, before white
# space and a capital, a digit, an opening quote or bracket (a bullet between): group 1 is the
# white space between the two. The stop comes first so that ``finditer`` looks for it alone.
_SENTENCE_STOP = regex.compile(
    r"[.;!?](?<=(?:[\p{Ll}\d)”\"%]|\p{Lu}{3,})[.;!?])(\s+)(?=[-+•]?\s*[\p{Lu}\d“\"(])")


_DIGIT = regex.compile(r"\d")
_SUBJECT_LEAD = regex.compile(r"^(?:[Đđ]ối với|Riêng|[Cc]ụ thể|[Gg]iao(?: cho)?)\s+")
_SUBJECT_LEAD_FIRST = frozenset("ĐđRCcGg")  # the letters _SUBJECT_LEAD's words begin with
_ITEM_MARK = regex.compile(r"^\s*(?:[-+•]|\(?\d{1,2}[.)]|[a-zđ][.)]|[IVX]{1,4}[.)])\s*")


def _subject(text: str, settings: Settings, whole: bool = False) -> tuple[str, int] | None:
    """A body named at the start of a clause, up to its verb: ('Sở Nội vụ', end offset).
    ``whole``: only a subject that runs to the end of ``text`` (all but its last character)
    counts — a bold heading line; the agency test, the costly part, is then skipped when a
    verb ends the subject early."""
    return _subject_upto(text, settings.deadline_max_assignee_chars, whole)


@lru_cache(maxsize=16384)  # headings and clauses come back; keyed on the text and a number
def _subject_upto(text: str, max_chars: int, whole: bool = False) -> tuple[str, int] | None:
    # "^…": at most one match, at the start, and only after one of its first letters
    lead = _SUBJECT_LEAD.match(text) if text[:1] in _SUBJECT_LEAD_FIRST else None
    text_stripped = text[lead.end():] if lead else text
    shift = len(text) - len(text_stripped)
    verbs = _patterns().verb
    first = text_stripped[:1]
    low_first = first.lower()
    if low_first == first:  # in lower case already: a verb at the start is the first found
        verb = verbs.search(text_stripped)
        if verb is not None and verb.start() == 0:
            return None  # the clause opens with its verb ("gửi Văn phòng …"): no subject
    else:
        if low_first[:1] in _verb_first_letters() and \
                verbs.match(low_first + text_stripped[1:]):
            return None  # the clause opens with its verb ("Gửi Văn phòng …"): no subject
        verb = verbs.search(text_stripped)
    end = verb.start() if verb else len(text_stripped)
    if whole and end < len(text_stripped) - 1:
        return None
    name = text_stripped[:end].strip(" ,:;.-")
    if not name or len(name) > max_chars or not looks_like_agency(name):
        return None
    return name, shift + end


@cache
def _verb_first_letters() -> frozenset[str]:
    """The letters the action verbs begin with (``_Patterns.verb`` matches case-sensitively)."""
    return frozenset(w[:1] for w in load_lexicon("deadline_cues")["action_verbs"])


_HEADING_RANKS = {"roman": 0.0, "bold": 0.5, "num": 1.0, "sub": 2.0, "letter": 3.0}


class _Heading:
    """The headings above a line, deepest last: (rank, body or heading text, whether the text
    is still to be read for its body). A numbered heading's body is read when first asked:
    most are never asked (a sentence names its own assignee, or sets no deadline), and
    reading one ("1. Sở Nội vụ …": up to its verb, an agency?) is the costly part."""

    __slots__ = ("stack", "settings", "_name", "_read")

    def __init__(self, stack: tuple[tuple[float, str, bool], ...], settings: Settings) -> None:
        self.stack = stack
        self.settings = settings
        self._name: str | None = None
        self._read = False

    def name(self) -> str | None:
        """The body of the deepest heading that names one."""
        if not self._read:
            for _, text, pending in reversed(self.stack):
                if pending:
                    found = _subject(text, self.settings)
                    text = found[0] if found else None
                if text:
                    self._name = text
                    break
            self._read = True
        return self._name


class _Headings:
    """The headings above each line, read line by line as the text is walked."""

    __slots__ = ("settings", "stack", "_current", "_changed")

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stack: dict[float, tuple[float, str, bool]] = {}
        self._current: _Heading | None = None
        self._changed = False  # the stack changed since ``current`` was last taken

    @property
    def current(self) -> _Heading | None:
        """The headings at the last line read: taken (as a snapshot) only when asked."""
        if self._changed:
            # the stack's keys are in rank order: a rank is added after every higher one
            # has been taken out
            self._current = _Heading(tuple(self.stack.values()), self.settings)
            self._changed = False
        return self._current

    def read(self, stripped: str) -> None:
        """Read a line (``stripped``: its text without outer white space) for a heading."""
        entry = _heading_entry(stripped, self.settings)
        if entry is not None:
            rank = entry[0]
            stack = self.stack
            for r in [r for r in stack if r >= rank]:
                del stack[r]
            stack[rank] = entry
            self._changed = True


def _heading_entry(stripped: str, settings: Settings) -> tuple[float, str, bool] | None:
    """The heading a line (``stripped``: without outer white space) opens, as (rank, body or
    heading text, whether the text is still to be read for its body); None: no heading."""
    # every numbered heading opens with a roman numeral, a digit or a letter
    first = stripped[:1]
    m = _NUMBERED.match(stripped) \
        if first in _NUMBERED_FIRST or first.isdecimal() else None  # \d: any digit
    if m:
        # one of the four alternatives matched, its group the only one there is
        return _HEADING_RANKS[m.lastgroup], stripped[m.end():], True  # body read when asked
    if (stripped and len(stripped) < settings.deadline_max_heading_chars
            and not stripped.startswith(("-", "+", "|"))
            and "\t" not in stripped and not stripped.isupper()
            and stripped[-1] not in ".;"):  # a line that ends a sentence is no heading
        # a bold heading is one only if it names a body: read now
        found = _subject(stripped.rstrip(":"), settings, whole=True)
        if found:
            return _HEADING_RANKS["bold"], found[0], False
    return None


class _LazyHeadings:
    """The headings of a document, worked out only for the lines whose sentences ask: from a
    line, up the lines above it. What ``_Headings`` holds after reading every line down to
    that one: a heading stays on its stack until a later one of its rank or a higher one
    (a lower rank number) comes, so walking up, a heading is on the stack when its rank is
    below that of every heading met on the way that was. Most lines with a deadline name their
    own assignee and never ask; lines no sentence asks about are not read at all."""

    __slots__ = ("text", "settings", "_entries", "_above", "_names")

    def __init__(self, text: str, settings: Settings) -> None:
        self.text = text
        self.settings = settings
        self._entries: dict[int, tuple[float, str, bool] | None] = {}  # by line start
        self._above: dict[int, int] = {}  # line start → start of the nearest heading line at
        # or above it (-1: none)
        self._names: dict[int, str | None] = {}  # heading line start → the name under it

    def at(self, line_start: int) -> "_HeadingAt":
        return _HeadingAt(self, line_start)

    def _entry(self, start: int) -> tuple[float, str, bool] | None:
        entries = self._entries
        if start in entries:
            return entries[start]
        if self.text[start:start + 1] in _NO_HEADING_FIRST:  # a bullet, a table row: at once
            entries[start] = None
            return None
        end = self.text.find("\n", start)
        stripped = self.text[start:end if end >= 0 else len(self.text)].strip()
        entry = entries[start] = _heading_entry(stripped, self.settings) if stripped else None
        return entry

    def _heading_line(self, start: int) -> int:
        """The start of the nearest heading line at or above the line at ``start`` (-1: none)."""
        above, text = self._above, self.text
        passed = []
        found = -1
        while start >= 0:
            known = above.get(start)
            if known is not None:
                found = known
                break
            passed.append(start)
            if self._entry(start) is not None:
                found = start
                break
            start = text.rfind("\n", 0, start - 1) + 1 if start else -1
        for p in passed:
            above[p] = found
        return found

    def name(self, line_start: int) -> str | None:
        """The body the deepest heading above (or on) the line at ``line_start`` names."""
        line = self._heading_line(line_start)
        if line < 0:
            return None
        names = self._names
        if line in names:
            return names[line]
        text = self.text
        bound = float("inf")
        name = None
        at = line
        while at >= 0:
            rank, body, pending = self._entry(at)
            if rank < bound:  # on the stack: no heading below it was of its rank or higher
                bound = rank
                if pending:
                    found = _subject(body, self.settings)
                    body = found[0] if found else None
                if body:
                    name = body
                    break
            at = self._heading_line(text.rfind("\n", 0, at - 1) + 1) if at else -1
        names[line] = name
        return name


class _HeadingAt:
    """The headings above one line of a ``_LazyHeadings`` document, read when first asked."""

    __slots__ = ("headings", "line_start")

    def __init__(self, headings: _LazyHeadings, line_start: int) -> None:
        self.headings = headings
        self.line_start = line_start

    def name(self) -> str | None:
        return self.headings.name(self.line_start)


def sentences(text: str, settings: Settings = DEFAULT_SETTINGS,
              skip: Callable[[int, int], bool] | None = None) -> list[Sentence]:
    """Prose sentences with their offsets; Markdown table lines are skipped, and so are the
    lines for which ``skip(start, length)`` says so."""
    headings = _Headings(settings)  # read in the same pass
    out: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        headings.read(stripped)
        heading = headings.current
        if stripped and not stripped.startswith("|") and "\t" not in line \
                and not (skip and skip(pos, len(line))):
            for start, end in _sentence_spans(line):
                out.append(Sentence(line[start:end], pos + start, heading))
        pos += len(line) + 1
    return out


def _sentence_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a line, the white space between two left out."""
    out = []
    start = 0
    for m in _SENTENCE_STOP.finditer(line):
        out.append((start, m.start(1)))
        start = m.end()
    out.append((start, len(line)))
    return out


# --- assignee and action -----------------------------------------------------------------

def _assignee_and_action(sentence: Sentence, cue_start: int, settings: Settings,
                         lowered: str | None = None) -> tuple[str | None, str | None]:
    """(assignee, action) of a deadline whose cue begins at ``cue_start``; ``lowered``: the
    sentence in lower case, when the caller has it (used only if it is of the same length:
    "İ" lowers to two characters)."""
    s = sentence.text
    p = _patterns()
    before = s[:cue_start]
    # "Giao X verb …", "yêu cầu X verb …": the trigger nearest before the cue
    for trig in reversed(list(anchored_finditer(
            p.trigger, before, p.first_words["trigger"],
            lowered[:cue_start] if lowered is not None and len(lowered) == len(s) else None))):
        found = _subject(before[trig.end():] + " ", settings)
        if found:
            name, end = found
            action = before[trig.end() + end:].strip(" ,;:.-")
            return name, action or None
    mark = _ITEM_MARK.match(before)  # "^…": at most one match, at the start
    body = before[mark.end():] if mark else before
    found = _subject(body, settings)
    if found:
        name, end = found
        return name, body[end:].strip(" ,;:.-") or None
    return sentence.heading_assignee, body.strip(" ,;:.-") or None


def _clean_action(action: str | None, settings: Settings) -> str | None:
    if not action:
        return None
    action = _single_spaced(action).strip(" ,;:.-")
    return action[:settings.deadline_max_action_chars] or None


def _single_spaced(s: str) -> str:
    """``single_spaced(s)``, tested first for what most sentences are: single-spaced already
    (every white space but " " is unprintable)."""
    if s.isprintable() and "  " not in s and s[:1] != " " and s[-1:] != " ":
        return s
    return single_spaced(s)


# --- the extractor ------------------------------------------------------------------------

def _make(kind: str, sentence: Sentence, m_start: int, m_end: int, confidence: float,
          settings: Settings, text: str, lowered: str, **fields) -> Found[Deadline]:
    """The deadline a match at ``m_start``–``m_end`` sets; ``text``: the sentence, single-spaced;
    ``lowered``: in lower case."""
    assignee, action = _assignee_and_action(sentence, m_start, settings, lowered)
    agency = resolve_agency(assignee) if assignee else None
    deadline = Deadline(kind=kind, assignee=assignee, agency_id=agency.id if agency else None,
                        action=_clean_action(action, settings), text=text, **fields)
    return Found(deadline, sentence.start + m_start, sentence.start + m_end, confidence)


# a named period: Quý II/2024, 6 tháng đầu năm 2024, tháng 9/2024, năm 2024
_PERIOD_BODY = (
    r"(?:(?P<q>quý\s+(?P<qn>IV|I{1,3}|[1-4]))(?:\s*(?:/|năm|-)\s*(?P<qy>\d{4}))?"
    r"|(?P<h>(?:6|06|sáu)\s+tháng\s+(?P<hpart>đầu|cuối)\s+năm)(?:\s+(?P<hy>\d{4}))?"
    r"|tháng\s+(?P<pm>\d{1,2})(?:\s*(?:/|năm|-)\s*(?P<py>\d{4}))?(?!\s*/\s*\d)"
    r"|năm\s+(?P<yy>\d{4}))")
_NAMED_PERIOD = regex.compile(rf"(?<![\p{{L}}]){_PERIOD_BODY}", regex.I)


def named_period(heading: str) -> tuple[str, str] | None:
    """(period, due date at its precision) of the period a column heading names, the last
    one when it names several: "Cam kết thứ hạng CCHC năm 2024" → ("2024", "2024"),
    "Chỉ tiêu Quý II/2024" → ("2024-Q2", "2024-06"); None when it names none with a year."""
    found = None
    for m in _NAMED_PERIOD.finditer(heading):
        found = _period(m, None) or found
    return found


def _period(m: regex.Match, year: int | None) -> tuple[str, str] | None:
    """(period, due_date at month precision) for a matched period, or None without a year."""
    if m.group("q"):
        y = int(m.group("qy")) if m.group("qy") else year
        n = m.group("qn").upper()
        q = _ROMAN.get(n) or int(n)
        return (f"{y}-Q{q}", f"{y}-{q * 3:02d}") if y else None
    if m.group("h"):
        y = int(m.group("hy")) if m.group("hy") else year
        first = m.group("hpart").lower() == "đầu"
        return (f"{y}-H{1 if first else 2}", f"{y}-{6 if first else 12:02d}") if y else None
    if m.group("pm"):
        y = int(m.group("py")) if m.group("py") else year
        mo = int(m.group("pm"))
        return (f"{y}-{mo:02d}", f"{y}-{mo:02d}") if y and 1 <= mo <= 12 else None
    if m.group("yy"):
        return m.group("yy"), m.group("yy")
    return None


def _past_clause(r: "_Reading", cue_start: int) -> bool:
    """Does the clause before the cue speak of the past ('đã gửi … trước ngày …')?"""
    s = r.text
    # the clause: after the last "," ";" or ":" before the cue
    start = max(s.rfind(",", 0, cue_start), s.rfind(";", 0, cue_start),
                s.rfind(":", 0, cue_start)) + 1
    p = _patterns()
    if r.lacks(start, cue_start, p.past_words):
        return False
    return bool(p.past.search(s[start:cue_start]))


_FROM_ISSUED = object()  # the year not given: read from the issue date


class _Reading:
    """One sentence being read: the spans already taken and the deadlines found so far.

    A span read by one rule (a recurring "trước ngày 18 hằng tháng") is not read again by a
    later one (as an absolute "trước ngày 18 …"): the rules run in the order of ``_RULES``.
    A plain class with slots: one is made for each sentence a cue word begins in.
    """

    __slots__ = ("sentence", "issued", "settings", "cues", "found", "taken", "out", "text",
                 "year", "_lower", "_digit", "_directive", "_spaced")

    def __init__(self, sentence: Sentence, issued: str | None, settings: Settings,
                 cues: list[tuple[int, int]] | None = None,
                 year: int | None | object = _FROM_ISSUED,
                 found: dict[str, list[regex.Match]] | None = None,
                 lowered: str | None = None) -> None:
        self.sentence = sentence
        self.issued = issued
        self.settings = settings
        # (offset in the sentence, cue-word bits) of the document's cue index; None: find here
        self.cues = cues
        # each rule's matches at those offsets, found before the sentence is read (``_cue_matches``)
        self.found = found
        self.taken: list[tuple[int, int]] = []
        self.out: list[Found[Deadline]] = []
        self.text = sentence.text
        # the issue year: a date without a year takes it (``year``: the caller read it once)
        self.year = year_of(issued) if year is _FROM_ISSUED else year
        # read once per sentence, when first asked
        # ``lowered``: the caller's lower case of the sentence (the document's, sliced: the
        # same words at the same offsets)
        self._lower: str | None = lowered
        self._spaced: str | None = None
        self._digit: bool | None = None
        self._directive: bool | None = None

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    @property
    def digit(self) -> bool:
        if self._digit is None:
            self._digit = _DIGIT.search(self.text) is not None
        return self._digit

    @property
    def directive(self) -> bool:
        """Does the sentence give a task ("Giao …", "có trách nhiệm", "phải")?"""
        if self._directive is None:
            p = _patterns()
            self._directive = any(
                next(anchored_finditer(pattern, self.text, p.first_words[name], self.lower), None)
                is not None for name, pattern in (("trigger", p.trigger), ("directive", p.directive)))
        return self._directive

    def any_of(self, words: tuple[str, ...]) -> bool:
        return any(w in self.lower for w in words)

    def matches(self, rule: str) -> Iterable[regex.Match]:
        """``finditer`` of the rule's pattern, tried only where one of its cue words begins."""
        if self.found is not None:
            return self.found.get(rule, ())
        p = _patterns()
        pattern = _relative_pattern(self.settings.deadline_anchor_max_chars) \
            if rule == "relative" else getattr(p, rule)
        if self.cues is None:
            return anchored_finditer(pattern, self.text, p.first_words[rule], self.lower)
        bits = _cue_bits(rule)
        return finditer_at(pattern, self.text, [at for at, b in self.cues if b & bits])

    def free(self, m: regex.Match) -> bool:
        return all(m.end() <= x or m.start() >= y for x, y in self.taken)

    def claim(self, m: regex.Match) -> None:
        self.taken.append((m.start(), m.end()))

    def before(self, m: regex.Match, chars: int) -> str:
        """The ``chars`` characters before the match."""
        return self.text[max(0, m.start() - chars):m.start()]

    def not_due(self, m: regex.Match) -> bool:
        """A validity date, a past event or a cited document's date: "có hiệu lực trước ngày"."""
        p = _patterns()
        start = max(0, m.start() - self.settings.deadline_not_due_lookback_chars)
        if self.lacks(start, m.start(), p.not_due_words):
            return False
        return bool(p.not_due_before.search(self.text[start:m.start()]))

    def lacks(self, start: int, end: int, words: tuple[str, ...]) -> bool:
        """``_lacks`` in the sentence."""
        return _lacks(self.text, self.lower, start, end, words)

    def add(self, kind: str, m: regex.Match, confidence: float, **fields) -> None:
        if self._spaced is None:  # the sentence as each of its deadlines quotes it
            self._spaced = _single_spaced(self.text)
        self.out.append(_make(kind, self.sentence, m.start(), m.end(), confidence,
                              self.settings, self._spaced, self.lower, **fields))


# --- one handler per kind of deadline; each reads one match of its pattern -----------------

def _recurring_monthly(r: _Reading, m: regex.Match) -> None:
    """'trước ngày 18 hằng tháng' → recurring ``monthly:18``."""
    n = int(m.group("n"))
    if 1 <= n <= 31:
        r.add("recurring", m, Confidence.CUED, recurrence=f"monthly:{n}")
        r.claim(m)


def _recurring_quarterly(r: _Reading, m: regex.Match) -> None:
    """'trước ngày 18 của tháng cuối quý (sau)' → ``quarterly:[next_]last_month:18``."""
    which = "last_month" if m.group("which").lower() == "cuối" else "first_month"
    which = f"next_{which}" if m.group("next") else which
    r.add("recurring", m, Confidence.CUED, recurrence=f"quarterly:{which}:{int(m.group('n'))}")
    r.claim(m)


def _recurring_daily(r: _Reading, m: regex.Match) -> None:
    """'trước 15 giờ 00 hằng ngày' → ``daily:15:00``."""
    t = _time(m)
    if t:
        r.add("recurring", m, Confidence.CUED, recurrence=f"daily:{t}", time=t)
        r.claim(m)


def _recurring_weekly(r: _Reading, m: regex.Match) -> None:
    """'trước 16 giờ thứ Sáu hằng tuần' → ``weekly:fri`` (reading the weekday is one step)."""
    day = date_vocabulary().weekday(m.group("wd"))
    r.add("recurring", m, Confidence.CUED_LOOSELY, recurrence=f"weekly:{day.code}", time=_time(m))
    r.claim(m)


def _range_deadline(r: _Reading, m: regex.Match) -> None:
    """'từ ngày 29/3/2024 đến ngày 05/4/2024' in a directive: due on its end.

    Only in a clause that gives a task; elsewhere it is a reporting period. Claimed even
    when it is no deadline, so its end is not read again as an absolute date.
    """
    if not r.free(m):
        return
    end = date_hit(m)
    if end is None:
        return
    start = range_start(m)
    r.claim(m)
    due = end.iso(r.year)
    if not due or start is None or not r.directive:
        return
    start_date = start.iso(end.year or r.year)  # "từ 29/3 đến 05/4/2024": the end's year
    if start_date and start_date > due:
        return  # end before start: a slip the validator reports, not a deadline
    if iso_before(due, r.issued) or _patterns().past_cased.search(r.text[:m.start()]):
        return
    r.add("range", m, Confidence.INFERRED, due_date=due, start_date=start_date)


def _repeats_yearly(r: _Reading, m: regex.Match) -> bool:
    """Does a year-less 'trước ngày 18 tháng 12' repeat every year ('số liệu năm …',
    '… hằng năm', or beside another recurring rule of the sentence)?"""
    p = _patterns()
    start = max(0, m.start() - r.settings.deadline_yearly_lookback_chars)
    return bool((not r.lacks(start, m.start(), p.yearly_words)
                 and p.yearly_before.search(r.text[start:m.start()]))
                or p.yearly_after.match(r.text[m.end():])
                or any(d.value.kind == "recurring" for d in r.out))


def _absolute_deadline(r: _Reading, m: regex.Match) -> None:
    """'chậm nhất ngày 25/3/2024', 'trước 17 giờ 00 ngày 26/10/2024' → a due date (and time)."""
    if not r.free(m):
        return
    hit = date_hit(m)
    if hit is None:
        return
    r.claim(m)
    if r.not_due(m) or _past_clause(r, m.start()):
        return
    if hit.year is None and _repeats_yearly(r, m):
        r.add("recurring", m, Confidence.CUED_LOOSELY,
              recurrence=f"yearly:{hit.month:02d}-{hit.day:02d}")
        return
    due = hit.iso(r.year)
    if due is None or iso_before(due, r.issued):
        return
    weak = m.group("cue").lower() in _patterns().weak_due_cues
    r.add("absolute", m, Confidence.WEAK if weak else Confidence.CUED, due_date=due, time=_time(m))


def _period_matches(r: _Reading) -> list[regex.Match]:
    """'hoàn thành trong Quý II/2024', and a plain 'trong tháng 6' after a completion verb."""
    periods = list(r.matches("period"))
    lookback = r.settings.deadline_completion_lookback_chars
    for m in r.matches("weak_period"):
        if _completes(r.text, r.lower, m, lookback):
            periods.append(m)
    return sorted(periods, key=lambda x: x.start())


def _completes(text: str, lowered: str, m: regex.Match, lookback: int) -> bool:
    """Is a plain 'trong tháng 6' (no year of its own: "trong năm 2024" is no due period) a
    period to complete, a completion verb in the ``lookback`` characters before it?"""
    if m.group("yy"):
        return False
    start = max(0, m.start() - lookback)
    p = _patterns()
    if _lacks(text, lowered, start, m.start(), p.completion_words):
        return False
    return bool(p.completion.search(text[start:m.start()]))


def _lacks(text: str, lowered: str, start: int, end: int, words: tuple[str, ...]) -> bool:
    """Does ``text[start:end]`` lack every one of ``words`` (lower case), so that a
    case-insensitive pattern that spells one of them out cannot match there? ``lowered``:
    ``text`` in lower case. Two ``str.find`` cost less than a regex search, and most
    look-backs hold none of the words."""
    if len(lowered) != len(text):  # offsets differ ("İ"): cannot tell
        return False
    for w in words:
        if lowered.find(w, start, end) >= 0:
            return False
    return True


def _period_deadline(r: _Reading, m: regex.Match) -> None:
    """'hoàn thành trong Quý II/2024' → period ``2024-Q2``, due at its last month."""
    if not r.free(m):
        return
    found = _period(m, r.year)
    r.claim(m)
    if found is None:
        return
    period, due = found
    if iso_before(due, r.issued) or r.not_due(m):
        return
    # the period's last month stands for the due date: a guess
    r.add("period", m, Confidence.GUESSED, due_date=due, period=period)


def _relative_matches(r: _Reading) -> Iterable[regex.Match]:
    return r.matches("relative")


def _relative_deadline(r: _Reading, m: regex.Match) -> None:
    """'trong vòng 07 ngày kể từ …' → offset ``7d``; 'sau 10 ngày làm việc' → ``10wd``."""
    if not r.free(m):
        return
    n = vn_number(m.group("n"))
    if n is None:
        return
    p = _patterns()
    unit = p.relative_units[_words(m.group("unit"))]
    anchor = m.group("anchor")
    if not anchor and _words(m.group("cue")) in p.relative_vague_cues and unit != "wd":
        return  # "sau 3 ngày" alone is too vague; "sau 10 ngày làm việc" is a rule
    r.claim(m)
    r.add("relative", m, Confidence.WEAK, offset=f"{n}{unit}",
          anchor=anchor.strip(" ,") if anchor else None)


def _finditer(name: str) -> Callable[[_Reading], Iterable[regex.Match]]:
    """The matches of ``_patterns().<name>`` in the sentence."""
    return lambda r: r.matches(name)


#: (matches, handler), read in this order. Recurring rules first: their dates have no year
#: and must not be read as absolute; a range before the absolute dates inside it; periods
#: and relative offsets last, in what no earlier rule took.
_RULES: tuple[tuple[Callable[[_Reading], Iterable[regex.Match]],
                    Callable[[_Reading, regex.Match], None]], ...] = (
    (_finditer("monthly"), _recurring_monthly),
    (_finditer("quarterly"), _recurring_quarterly),
    (_finditer("daily"), _recurring_daily),
    (_finditer("weekly"), _recurring_weekly),
    (_finditer("range"), _range_deadline),
    (_finditer("absolute"), _absolute_deadline),
    (_period_matches, _period_deadline),
    (_relative_matches, _relative_deadline),
)

# the cue words each of ``_RULES`` begins with (the period rule: either pattern's)
_RULE_ORDER = ("monthly", "quarterly", "daily", "weekly", "range", "absolute", "period_any",
               "relative")

# a period names "quý", "tháng" or "năm"; a relative offset counts in one of its units
_PERIOD_WORDS = ("quý", "tháng", "năm")


def _relative_may_match(r: _Reading) -> bool:
    return r.any_of(_patterns().relative_unit_words)


def _says_every(r: _Reading) -> bool:
    """A recurring rule's "hằng" / "mỗi" / … (``{every}`` in its pattern, as written)."""
    return r.any_of(_patterns().every_words)


#: beside ``_RULES``, one for one: can the rule's pattern match in the sentence at all?
#: (every date and time has a digit; the words each pattern spells out: "tháng", "quý",
#: "tuần", "hằng"…). Skipping a rule that cannot match changes nothing, and most sentences
#: have no deadline.
_MAY_MATCH: tuple[Callable[[_Reading], bool], ...] = (
    lambda r: r.digit and "tháng" in r.lower and _says_every(r),  # monthly
    lambda r: r.digit and "quý" in r.lower and "tháng" in r.lower,  # quarterly
    lambda r: r.digit and "ngày" in r.lower and _says_every(r),  # daily
    lambda r: "tuần" in r.lower and "thứ" in r.lower,  # weekly
    lambda r: r.digit,  # range
    lambda r: r.digit,  # absolute
    lambda r: r.any_of(_PERIOD_WORDS),  # period
    _relative_may_match,
)


def _sentence_deadlines(sentence: Sentence, issued: str | None,
                        settings: Settings = DEFAULT_SETTINGS,
                        cues: list[tuple[int, int]] | None = None,
                        year: int | None | object = _FROM_ISSUED,
                        lowered: str | None = None) -> list[Found[Deadline]]:
    """The deadlines a sentence sets. ``cues``: (offset, bits) of the cue words the
    document's index found in it; ``lowered``: the sentence in lower case, from the
    document's (the same length), when the caller has it."""
    if cues is None:  # no cue index: every rule is tried where its cue words begin
        reading = _Reading(sentence, issued, settings, None, year)
        for matches, handle, may_match, _ in _rule_table():
            if may_match(reading):
                for m in matches(reading):
                    handle(reading, m)
    else:
        lowered = sentence.text.lower() if lowered is None else lowered
        if len(lowered) != len(sentence.text):  # offsets differ ("İ"): read as without cues
            return _sentence_deadlines(sentence, issued, settings, None, year)
        found = _cue_matches(sentence.text, cues, settings, lowered)
        if not found:
            return []  # no rule's pattern matches where its cue words begin: most sentences
        return _read(sentence, issued, settings, cues, year, found, lowered)
    out = reading.out
    return sorted(out, key=_start) if len(out) > 1 else out


def _read(sentence: Sentence, issued: str | None, settings: Settings,
          cues: list[tuple[int, int]], year: int | None | object,
          found: dict[str, list[regex.Match]], lowered: str) -> list[Found[Deadline]]:
    """The deadlines of a sentence whose rules' matches are ``found`` (``_cue_matches``)."""
    reading = _Reading(sentence, issued, settings, cues, year, found, lowered)
    # a rule none of whose patterns matched has nothing to read; one that matched passes its
    # ``_MAY_MATCH`` test (its match has the digit and the words the test looks for)
    for matches, handle, _, names in _rule_table():
        if names[0] in found or names[-1] in found:
            for m in matches(reading):
                handle(reading, m)
    out = reading.out
    return sorted(out, key=_start) if len(out) > 1 else out


def _cue_matches(text: str, cues: list[tuple[int, int]], settings: Settings,
                 lowered: str) -> dict[str, list[regex.Match]]:
    """Each rule's matches in a sentence, tried only at the offsets where one of its cue words
    begins (``cues``, in order): what ``finditer`` gives, a try inside a rule's last match
    skipped. Found before any rule is read (a rule's matches do not depend on what an earlier
    rule took), so a sentence none of whose patterns match is left at once. A rule is not
    tried where the rest of the sentence lacks a word its pattern spells out (``_NEEDS``):
    ``str.find`` in ``lowered`` costs less than a try. A plain period that completes
    nothing ("trong năm 2024": ``_completes``) is left out here, as the period rule would:
    a sentence that has only those is not read."""
    found: dict[str, list[regex.Match]] = {}
    ends: dict[str, int] = {}
    last: dict[str, int] = {}  # where each needed word begins last in the sentence (or -1)
    for at, bits in cues:
        for name, pattern, opens, needs in _patterns_for(bits, settings.deadline_anchor_max_chars):
            if at < ends.get(name, 0):
                continue  # inside this rule's last match: finditer goes on from its end
            if opens and not lowered.startswith(opens, at):
                continue  # none of its cue phrases opens here ("hoàn thành nhiệm vụ")
            for words in needs:
                for word in words:
                    where = last.get(word)
                    if where is None:
                        where = last[word] = lowered.rfind(word)
                    if where >= at:  # the word begins after the cue
                        break
                else:
                    break  # none of these words after the cue: the pattern cannot match
            else:
                m = pattern.match(text, at)
                if m:
                    ends[name] = m.end()
                    _keep_match(found, name, m, text, lowered, settings)
    return found


def _keep_match(found: dict[str, list[regex.Match]], name: str, m: regex.Match, text: str,
                lowered: str, settings: Settings) -> None:
    """``m`` kept among ``found``'s matches of the rule ``name``; a weak period only where it
    completes its clause."""
    if name != "weak_period" or _completes(text, lowered, m,
                                           settings.deadline_completion_lookback_chars):
        found.setdefault(name, []).append(m)


@lru_cache(maxsize=1024)
def _patterns_for(bits: int, anchor_max_chars: int) -> tuple[
        tuple[str, regex.Pattern, tuple[str, ...], tuple[tuple[str, ...], ...]], ...]:
    """(rule, pattern, phrases, words it needs) of the rules one of whose cue words is in
    ``bits``, in ``_RULE_NAMES`` order. ``phrases``: for a rule whose pattern spells its cue
    phrases as written (one space between words), those that open with a word of ``bits``,
    lower case — one must begin where the rule is tried; empty: not tested."""
    p = _patterns()
    words = {w for k, w in enumerate(_all_first_words()) if bits >> k & 1}
    out = []
    for name in _RULE_NAMES:
        if not _cue_bits(name) & bits:
            continue
        opens = tuple(sorted({c.lower() for c in p.cue_phrases[name]
                              if c.split()[0].lower() in words})) \
            if name in _AS_WRITTEN else ()
        out.append((name, _relative_pattern(anchor_max_chars) if name == "relative"
                    else getattr(p, name), opens, _needs()[name]))
    return tuple(out)


# the rules whose patterns spell their cue phrases as the lexicon writes them (``_alt``)
_AS_WRITTEN = frozenset({"absolute", "period"})


@cache
def _needs() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Per rule, the words its pattern spells out (lower case): one of each group must follow
    its cue in the sentence — what ``_MAY_MATCH`` asks of the whole sentence, digits aside."""
    every = _patterns().every_words
    period = _PERIOD_WORDS
    return {"monthly": (("tháng",), every), "quarterly": (("quý",), ("tháng",)),
            "daily": (("ngày",), every), "weekly": (("tuần",), ("thứ",)),
            "range": (), "absolute": (), "period": (period,), "weak_period": (period,),
            "relative": (_patterns().relative_unit_words,)}


def _start(found: Found) -> int:
    return found.start


@cache
def _rule_table() -> tuple[tuple[Callable[[_Reading], Iterable[regex.Match]],
                                 Callable[[_Reading, regex.Match], None],
                                 Callable[[_Reading], bool], tuple[str, ...]], ...]:
    """``_RULES`` with each rule's test and the patterns it reads (``_RULE_NAMES``)."""
    return tuple((matches, handle, may_match,
                  ("period", "weak_period") if name == "period_any" else (name,))
                 for (matches, handle), may_match, name in zip(_RULES, _MAY_MATCH, _RULE_ORDER))


def extract_deadlines(text: str, issued_date: str | None,
                      settings: Settings = DEFAULT_SETTINGS) -> list[Found[Deadline]]:
    """Due dates the document sets, in reading order (spans in the normalised text)."""
    year = year_of(issued_date)
    index = _CueIndex.of(text)
    min_chars = settings.deadline_min_sentence_chars
    if index is None:  # no cue index: every sentence read whole
        return [f for s in sentences(text, settings) if len(s.text) >= min_chars
                for f in _sentence_deadlines(s, issued_date, settings, None, year)]
    out: list[Found[Deadline]] = []
    at, bits, low = index.at, index.bits, index.lowered
    n = len(at)
    # headings are worked out only for the lines whose sentences ask (``_LazyHeadings``), and
    # only the lines a cue word begins in are visited: most lines of a document have none
    headings = _LazyHeadings(text, settings)
    unmatched = _unmatched(settings)
    i = 0  # the first cue word not in a line before this one
    while i < n:
        pos = text.rfind("\n", 0, at[i]) + 1
        end = text.find("\n", at[i])
        if end < 0:
            end = len(text)
        j = bisect_left(at, end, i + 1)  # the cue words of the line: at[i:j]
        line = text[pos:end]
        tries = _line_tries(low, at, bits, i, j, pos, end, settings) \
            if line.lstrip()[:1] != "|" and "\t" not in line else None
        if tries is not None:
            heading = headings.at(pos)
            k = i
            for start, stop in _sentence_spans(line):
                start += pos
                stop += pos
                while k < j and at[k] < start:
                    k += 1
                if stop - start < min_chars or k == j or at[k] >= stop:
                    continue  # too short, or no rule's cue word begins in it
                first_cue = k
                while k < j and at[k] < stop:
                    k += 1
                said = text[start:stop]
                if said in unmatched:
                    continue  # a sentence met before, none of whose patterns matched
                said_low = low[start:stop]
                found = _tried_matches(said, [(at[c] - start, tries[c - i])
                                              for c in range(first_cue, k)], settings, said_low)
                if found:  # most sentences with a cue word set no deadline: left here
                    cues = [(a - start, b) for a, b in zip(at[first_cue:k], bits[first_cue:k])]
                    out.extend(_read(Sentence(said, start, heading), issued_date, settings,
                                     cues, year, found, said_low))
                else:
                    unmatched.remember(said)
        i = j
    return out


class _Unmatched(dict):
    """Sentences none of whose rules' patterns matched (``_cue_matches``), as keys: boilerplate
    ("Trong thời gian qua, …", "Kết quả thực hiện là tiêu chí đánh giá mức độ hoàn thành nhiệm
    vụ …") comes back from document to document, and is then left at once. What the patterns
    find in a sentence depends on its text alone (its cue words are where the index finds them
    in it); the oldest is let go past ``MAX_SENTENCES``, and a long sentence is not kept."""

    MAX_SENTENCES = 4096
    MAX_CHARS = 400

    def remember(self, sentence: str) -> None:
        if len(sentence) <= self.MAX_CHARS:
            if len(self) >= self.MAX_SENTENCES:
                del self[next(iter(self))]
            self[sentence] = None


@lru_cache(maxsize=4)
def _unmatched(settings: Settings) -> _Unmatched:
    """The sentences found unmatched under ``settings`` (its look-back and anchor lengths)."""
    return _Unmatched()


def _line_tries(lowered: str, at: list[int], bits: list[int], i: int, j: int, line_start: int,
               end: int, settings: Settings) -> list[tuple[tuple[str, regex.Pattern], ...]] | None:
    """For each cue word ``at[i:j]`` of the line ``line_start``–``end``, the rules that can match
    there: (rule, pattern) of those one of whose cue phrases opens there and all the words of
    whose pattern (``_needs``) are in the rest of the line — what ``_cue_matches`` asks of the
    rest of the sentence, asked once for the line (no sentence runs past its line; a pattern
    tried where its sentence lacks a word fails on its own). None: no rule can match at any
    of them, and the line is not split into sentences ("Trong quá trình thực hiện, …": four in
    ten lines with a cue word)."""
    out = []
    can = False
    max_anchor = settings.deadline_anchor_max_chars
    last: dict[str, int] = {}  # where each needed word begins last in the line (or -1)
    for k in range(i, j):
        a = at[k]
        rules = []
        for name, pattern, opens, needs in _patterns_for(bits[k], max_anchor):
            if opens and not lowered.startswith(opens, a):
                continue
            for words in needs:
                for word in words:
                    where = last.get(word)
                    if where is None:
                        where = last[word] = lowered.rfind(word, line_start, end)
                    if where >= a:  # the word begins after the cue
                        break
                else:
                    break  # none of these words in the rest of the line
            else:
                rules.append((name, pattern))
        out.append(tuple(rules))
        can = can or bool(rules)
    return out if can else None


def _tried_matches(text: str, tries: list[tuple[int, tuple[tuple[str, regex.Pattern], ...]]],
                   settings: Settings, lowered: str) -> dict[str, list[regex.Match]]:
    """``_cue_matches`` of a sentence whose rules to try at each cue word the line has told
    (``tries``: (offset in the sentence, ``_line_tries`` at that word)), in order."""
    found: dict[str, list[regex.Match]] = {}
    ends: dict[str, int] = {}
    for at, rules in tries:
        for name, pattern in rules:
            if at < ends.get(name, 0):
                continue  # inside this rule's last match: finditer goes on from its end
            m = pattern.match(text, at)
            if m:
                ends[name] = m.end()
                _keep_match(found, name, m, text, lowered, settings)
    return found


@dataclass(frozen=True)
class _CueIndex:
    """Where the rules' first words begin in a document, found once in the lower-cased text,
    with a bit per word: each sentence takes its share."""

    at: list[int]
    bits: list[int]
    lowered: str  # the text in lower case (the same length)

    @classmethod
    def of(cls, text: str) -> "_CueIndex | None":
        low = lowered(text)
        if len(low) != len(text):  # a letter whose lower case is longer ("İ"): offsets differ
            return None
        found: dict[int, int] = {}
        for bit, word in _cue_word_patterns():
            for m in word.finditer(low):
                a = m.start()
                found[a] = found.get(a, 0) | bit
        at = sorted(found)
        return cls(at, [found[a] for a in at], low)


@cache
def _cue_word_patterns() -> tuple[tuple[int, regex.Pattern], ...]:
    """(bit, pattern) of each first word: the word, and after it what must follow where every
    phrase it opens goes on (``_continuations``). One ``finditer`` a word; a word that can
    overlap itself ("aba") is looked for inside a look-ahead, so that none of it is lost."""
    goes_on = _continuations()
    out = []
    for bit, word in enumerate(_all_first_words()):
        after = goes_on.get(word)
        body = regex.escape(word) + (f"(?={after.pattern})" if after else "")
        if any(word[k:] == word[:-k] for k in range(1, len(word))):
            body = f"(?={body})"
        out.append((1 << bit, regex.compile(body)))
    return tuple(out)


@cache
def _all_first_words() -> tuple[str, ...]:
    return tuple(sorted({w for rule in _RULE_NAMES for w in _patterns().first_words[rule]}))


@cache
def _continuations() -> dict[str, regex.Pattern]:
    """What must follow a first word every cue phrase of which goes on ("định" only opens
    "định kỳ", "thời" opens "thời hạn …"): white space and one of the second words. The index
    then leaves out "quy định", "thời gian", "không": no rule's match begins there."""
    seconds: dict[str, set[str]] = {}
    for rule in _RULE_NAMES:
        for phrase in _patterns().cue_phrases[rule]:
            words = phrase.lower().split()
            seconds.setdefault(words[0], set()).add(words[1] if len(words) > 1 else "")
    return {first: regex.compile(rf"\s+(?:{'|'.join(regex.escape(w) for w in sorted(nxt))})")
            for first, nxt in seconds.items() if "" not in nxt}


# the rules whose patterns the index serves (``_Reading.matches``)
_RULE_NAMES = ("monthly", "quarterly", "daily", "weekly", "range", "absolute", "period",
               "weak_period", "relative")


@cache
def _cue_bits(rule: str) -> int:
    if rule == "period_any":  # _period_matches reads both period patterns
        return _cue_bits("period") | _cue_bits("weak_period")
    words = _all_first_words()
    return sum(1 << words.index(w) for w in _patterns().first_words[rule])


# --- deadlines in tables ("Cơ quan chủ trì" / "Thời gian hoàn thành") ----------------------

_ASSIGNEE_COLUMN = regex.compile(
    r"(?:cơ quan|đơn vị)\s*(?:chủ trì|thực hiện|được giao|phụ trách)|chủ trì|phụ trách|"
    r"đơn vị thực hiện|cơ quan thực hiện", regex.I)
_DUE_COLUMN = regex.compile(r"thời (?:gian|hạn)|hạn (?:hoàn thành|chót|nộp)|tiến độ|"
                            r"hoàn thành", regex.I)
# a plain "Đơn vị" / "Cơ quan" column names the assignee when no "chủ trì" column does
_UNIT_COLUMN = regex.compile(r"(?:tên\s+)?(?:đơn vị|cơ quan)(?:,\s*(?:đơn vị|địa phương))?", regex.I)
_TASK_COLUMN = regex.compile(r"nội dung|nhiệm vụ|công việc|tên (?:nhiệm vụ|sản phẩm)", regex.I)


def due_cell_deadlines(cell: str, issued_date: str | None, start: int,
                       settings: Settings = DEFAULT_SETTINGS) -> list[Found[Deadline]]:
    """The due dates a table's "Thời hạn" cell states ("30/6/2024", "Quý I/2024", "Trước
    tháng 9/2024", "Năm 2024"), read as a clause; spans are ``start`` (the table's place)."""
    # commitments and table deadlines both read each due cell, and the same cells recur
    # across documents: read once at offset 0, then moved to the table's place
    return [Found(f.value, f.start + start, f.end + start, f.confidence)
            for f in _due_cell_deadlines(cell, issued_date, settings)]


@lru_cache(maxsize=4096)
def _due_cell_deadlines(cell: str, issued_date: str | None,
                        settings: Settings) -> tuple[Found[Deadline], ...]:
    p = _patterns()
    lex = load_lexicon("deadline_cues")
    cell = cell.strip()
    # the cell is a date, a period or a clause with a cue: read it as a clause
    clause = cell if p.table_clause.match(cell) \
        else f"{lex['table_date_cue']} {cell}" if DAY_MONTH_DATE_RE.search(cell) \
        else f"{lex['table_period_cue']} {cell}"
    return tuple(_sentence_deadlines(Sentence(clause, 0, None), issued_date, settings))


def table_deadlines(tables: list[Found[Table]], issued_date: str | None,
                    settings: Settings = DEFAULT_SETTINGS) -> list[Found[Deadline]]:
    """Deadlines in task tables: the due-date column, with the 'Cơ quan chủ trì' column."""
    out: list[Found[Deadline]] = []
    for found in tables:
        table = found.value
        cols = table.columns
        due_col = next((c for c in cols if _DUE_COLUMN.search(c)
                        and not _ASSIGNEE_COLUMN.search(c)), None)
        if due_col is None:
            continue
        who_col = next((c for c in cols if _ASSIGNEE_COLUMN.search(c)), None) \
            or next((c for c in cols if _UNIT_COLUMN.fullmatch(c.strip())), None)
        task_col = next((c for c in cols if _TASK_COLUMN.search(c)), None)
        for row in table.rows:
            cell = str(row.get(due_col) or "").strip()
            if not cell:
                continue
            assignee = str(row.get(who_col) or "").split("\n")[0].strip() if who_col else None
            assignee = assignee or None
            action = str(row.get(task_col) or "").strip() or None if task_col else None
            text = " | ".join(str(row.get(c) or "") for c in cols)
            for d in due_cell_deadlines(cell, issued_date, found.start, settings):
                agency = resolve_agency(assignee) if assignee else None
                value = d.value.model_copy(update={
                    "assignee": assignee, "agency_id": agency.id if agency else None,
                    "action": _clean_action(action, settings),
                    "text": one_spaced(text)[:settings.deadline_max_row_text_chars]})
                # a cell says less than a sentence: no more than what a secondary place gives
                out.append(Found(value, found.start, found.end, min(d.confidence, Confidence.INFERRED)))
    return out
