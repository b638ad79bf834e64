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

from dataclasses import dataclass
from functools import cache

import regex

from extractors.agencies import looks_like_agency, resolve_agency
from extractors.dates import (DATE_RANGE_RE, DAY_MONTH_DATE, DAY_MONTH_DATE_RE, date_hit,
                              iso_before, range_start, year_of)
from pipeline.lexicon import load_lexicon
from pipeline.text.spans import Found
from schemas import Deadline, Table


def _alt(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


# --- times of day ("17 giờ 00", "15h", "8:30"); dates come from extractors.dates -----------

TIME = r"(?P<h>\d{1,2})\s*(?:giờ|h|g|:)\s*(?P<mi>\d{2})?(?:\s*phút)?"


# --- cue patterns (built once from the lexicon) ----------------------------------------------

_NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6,
                 "bảy": 7, "tám": 8, "chín": 9, "mười": 10}


def vn_number(text: str) -> int | None:
    """'07' → 7, 'mười lăm' → 15, 'ba mươi' → 30."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    words = text.split()
    if not words or any(w not in _NUMBER_WORDS and w not in ("mươi", "mốt") for w in words):
        return None
    total, current = 0, 0
    for w in words:
        if w == "mười":
            current = 10
        elif w == "mươi":
            current = (current or 1) * 10
        elif w == "mốt":
            current += 1
        else:
            current += _NUMBER_WORDS[w]
    return total + current


_NUM_WORD = r"(?:\d{1,3}|(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|lăm|mốt)(?:\s+(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mươi|lăm|mốt))*)"


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
    relative: regex.Pattern
    not_due_before: regex.Pattern
    yearly_before: regex.Pattern
    completion: regex.Pattern
    trigger: regex.Pattern
    verb: regex.Pattern


@cache
def _patterns() -> _Patterns:
    lex = load_lexicon("deadline_cues")
    every = rf"(?:{_alt(lex['every'])})"
    due = _alt(lex["due_cues"])
    period_body = (
        r"(?:(?P<q>quý\s+(?P<qn>IV|I{1,3}|[1-4]))(?:\s*(?:/|năm|-)\s*(?P<qy>\d{4}))?"
        r"|(?P<h>(?:6|06|sáu)\s+tháng\s+(?P<hpart>đầu|cuối)\s+năm)(?:\s+(?P<hy>\d{4}))?"
        r"|tháng\s+(?P<pm>\d{1,2})(?:\s*(?:/|năm|-)\s*(?P<py>\d{4}))?(?!\s*/\s*\d)"
        r"|năm\s+(?P<yy>\d{4}))")
    i = regex.I
    return _Patterns(
        absolute=regex.compile(
            rf"(?<![\p{{L}}])(?P<cue>{due})\s*(?:là\s+|vào\s+|:\s*|lúc\s+)?"
            rf"(?:(?:lúc\s+)?{TIME}\s*(?:,|-)?\s*)?(?:ngày\s+)?{DAY_MONTH_DATE}", i),
        period=regex.compile(
            rf"(?<![\p{{L}}])(?P<cue>{_alt(lex['period_cues'])})\s+(?:trong\s+|vào\s+)?{period_body}", i),
        weak_period=regex.compile(rf"(?<![\p{{L}}])(?P<cue>trong|vào)\s+{period_body}", i),
        range=DATE_RANGE_RE,
        monthly=regex.compile(
            rf"(?:trước|chậm nhất(?:\s+là)?|vào|định kỳ)\s+(?:ngày\s+)?(?P<n>\d{{1,2}})\s+{every}\s+tháng", i),
        quarterly=regex.compile(
            rf"(?:trước|chậm nhất(?:\s+là)?|vào)\s+(?:ngày\s+)?(?P<n>\d{{1,2}})\s+(?:của\s+)?"
            rf"tháng\s+(?P<which>cuối|đầu)\s+(?:của\s+)?quý(?P<next>\s+(?:sau|tiếp theo))?", i),
        daily=regex.compile(
            rf"(?:trước|chậm nhất(?:\s+là)?|vào|lúc)\s+{TIME}\s*(?:,\s*)?{every}\s+ngày", i),
        weekly=regex.compile(
            rf"(?:trước|chậm nhất(?:\s+là)?|vào)\s+(?:{TIME}\s*)?(?:ngày\s+)?thứ\s+"
            rf"(?P<wd>hai|ba|tư|năm|sáu|bảy|[2-7])\s+{every}\s+tuần", i),
        relative=regex.compile(
            rf"(?:trong\s+(?:vòng|thời hạn|thời gian|hạn)\s+|sau\s+|chậm nhất(?:\s+là)?\s+(?:sau\s+)?)"
            rf"(?P<n>{_NUM_WORD})\s*(?P<unit>ngày làm việc|ngày|tuần|tháng)"
            rf"(?:\s*,?\s*(?P<anchor>(?:kể từ|tính từ|từ khi|từ ngày|sau khi|kể từ khi)\s+[^.;\n]{{3,160}}))?", i),
        not_due_before=regex.compile(rf"(?:{_alt(lex['not_due_before'])})\s*(?:\S+\s+){{0,2}}$", i),
        yearly_before=regex.compile(rf"(?:{_alt(lex['yearly_cues'])})\s*$", i),
        completion=regex.compile(rf"(?<![\p{{L}}])(?:{_alt(lex['completion_verbs'])})(?![\p{{L}}])", i),
        trigger=regex.compile(rf"(?<![\p{{L}}])(?:{_alt(lex['assign_triggers'])})\s+", i),
        verb=regex.compile(rf"(?<![\p{{L}}])(?:{_alt(lex['action_verbs'])})(?![\p{{L}}])"),
    )


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_WEEKDAYS = {"hai": "mon", "ba": "tue", "tư": "wed", "năm": "thu", "sáu": "fri", "bảy": "sat",
             "2": "mon", "3": "tue", "4": "wed", "5": "thu", "6": "fri", "7": "sat"}


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
    heading_assignee: str | None


_NUMBERED = regex.compile(
    r"^(?:(?P<roman>[IVX]{1,4})[.)]|(?P<sub>\d{1,2}\.\d{1,2})\.?|(?P<num>\d{1,2})[.)]|"
    r"(?P<letter>[a-zđ])[.)])\s+(?P<rest>\S.*)$")
_SENTENCE_END = regex.compile(
    r"(?<=(?:[\p{Ll}\d)”\"%]|\p{Lu}{3,})[.;!?])\s+(?=[-+•]?\s*[\p{Lu}\d“\"(])")


_SUBJECT_LEAD = regex.compile(r"^(?:[Đđ]ối với|Riêng|[Cc]ụ thể|[Gg]iao(?: cho)?)\s+")
_ITEM_MARK = regex.compile(r"^\s*(?:[-+•]|\(?\d{1,2}[.)]|[a-zđ][.)]|[IVX]{1,4}[.)])\s*")


def _subject(text: str) -> tuple[str, int] | None:
    """A body named at the start of a clause, up to its verb: ('Sở Nội vụ', end offset)."""
    text_stripped = _SUBJECT_LEAD.sub("", text)
    shift = len(text) - len(text_stripped)
    if _patterns().verb.match(text_stripped[:1].lower() + text_stripped[1:]):
        return None  # the clause opens with its verb ("Gửi Văn phòng …"): no subject
    verb = _patterns().verb.search(text_stripped)
    end = verb.start() if verb else len(text_stripped)
    name = text_stripped[:end].strip(" ,:;.-")
    if not name or len(name) > 200 or not looks_like_agency(name):
        return None
    return name, shift + end


def _headings(text: str) -> dict[int, str | None]:
    """For each line start: the assignee of the headings above it (deepest that names a body)."""
    ranks = {"roman": 0.0, "bold": 0.5, "num": 1.0, "sub": 2.0, "letter": 3.0}
    stack: dict[float, str | None] = {}
    out: dict[int, str | None] = {}
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        m = _NUMBERED.match(stripped)
        rank = None
        name = None
        if m:
            rank = next(ranks[k] for k in ("roman", "sub", "num", "letter") if m.group(k))
            found = _subject(m.group("rest"))
            name = found[0] if found else None
        elif (stripped and len(stripped) < 120 and not stripped.startswith(("-", "+", "|"))
              and "\t" not in stripped and not stripped.isupper()
              and not regex.search(r"[.;]$", stripped)):
            found = _subject(stripped.rstrip(":"))
            if found and found[1] >= len(stripped.rstrip(":")) - 1:
                rank, name = ranks["bold"], found[0]
        if rank is not None:
            for r in [r for r in stack if r >= rank]:
                del stack[r]
            stack[rank] = name
        named = [stack[r] for r in sorted(stack) if stack[r]]
        out[pos] = named[-1] if named else None
        pos += len(line) + 1
    return out


def sentences(text: str) -> list[Sentence]:
    """Prose sentences with their offsets; Markdown table lines are skipped."""
    heads = _headings(text)
    out: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip() and not line.lstrip().startswith("|") and "\t" not in line:
            start = 0
            for m in _SENTENCE_END.finditer(line):
                out.append(Sentence(line[start:m.start()], pos + start, heads.get(pos)))
                start = m.end()
            out.append(Sentence(line[start:], pos + start, heads.get(pos)))
        pos += len(line) + 1
    return out


# --- assignee and action -----------------------------------------------------------------

def _assignee_and_action(sentence: Sentence, cue_start: int) -> tuple[str | None, str | None]:
    s = sentence.text
    p = _patterns()
    before = s[:cue_start]
    # "Giao X verb …", "yêu cầu X verb …": the trigger nearest before the cue
    for trig in reversed(list(p.trigger.finditer(before))):
        found = _subject(before[trig.end():] + " ")
        if found:
            name, end = found
            action = before[trig.end() + end:].strip(" ,;:.-")
            return name, action or None
    body = _ITEM_MARK.sub("", before)
    found = _subject(body)
    if found:
        name, end = found
        return name, body[end:].strip(" ,;:.-") or None
    return sentence.heading_assignee, body.strip(" ,;:.-") or None


def _clean_action(action: str | None) -> str | None:
    if not action:
        return None
    action = regex.sub(r"\s+", " ", action).strip(" ,;:.-")
    return action[:300] or None


# --- the extractor ------------------------------------------------------------------------

def _make(kind: str, sentence: Sentence, m_start: int, m_end: int, confidence: float,
          **fields) -> Found[Deadline]:
    assignee, action = _assignee_and_action(sentence, m_start)
    agency = resolve_agency(assignee) if assignee else None
    text = regex.sub(r"\s+", " ", sentence.text).strip()
    deadline = Deadline(kind=kind, assignee=assignee, agency_id=agency.id if agency else None,
                        action=_clean_action(action), text=text, **fields)
    return Found(deadline, sentence.start + m_start, sentence.start + m_end, confidence)


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


def _past_clause(s: str, cue_start: int) -> bool:
    """Does the clause before the cue speak of the past ('đã gửi … trước ngày …')?"""
    clause = regex.split(r"[,;:]", s[:cue_start])[-1]
    return bool(regex.search(r"(?<![\p{L}])đã(?![\p{L}])", clause, regex.I))


def _sentence_deadlines(sentence: Sentence, issued: str | None) -> list[Found[Deadline]]:
    s = sentence.text
    p = _patterns()
    year = year_of(issued)
    taken: list[tuple[int, int]] = []
    out: list[Found[Deadline]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def claim(a: int, b: int) -> None:
        taken.append((a, b))

    # recurring rules first: their dates have no year and must not be read as absolute
    for m in p.monthly.finditer(s):
        n = int(m.group("n"))
        if 1 <= n <= 31:
            out.append(_make("recurring", sentence, m.start(), m.end(), 0.9, recurrence=f"monthly:{n}"))
            claim(m.start(), m.end())
    for m in p.quarterly.finditer(s):
        which = "last_month" if m.group("which").lower() == "cuối" else "first_month"
        which = f"next_{which}" if m.group("next") else which
        out.append(_make("recurring", sentence, m.start(), m.end(), 0.9,
                         recurrence=f"quarterly:{which}:{int(m.group('n'))}"))
        claim(m.start(), m.end())
    for m in p.daily.finditer(s):
        t = _time(m)
        if t:
            out.append(_make("recurring", sentence, m.start(), m.end(), 0.9,
                             recurrence=f"daily:{t}", time=t))
            claim(m.start(), m.end())
    for m in p.weekly.finditer(s):
        out.append(_make("recurring", sentence, m.start(), m.end(), 0.85,
                         recurrence=f"weekly:{_WEEKDAYS[m.group('wd').lower()]}", time=_time(m)))
        claim(m.start(), m.end())

    # a range is a deadline only in a clause that gives a task, not a reporting period
    directive = bool(p.trigger.search(s)) or bool(regex.search(
        r"(?<![\p{L}])(?:chủ trì|có trách nhiệm|phải|đề nghị|yêu cầu|giao|bố trí|"
        r"hoàn thành)(?![\p{L}])", s, regex.I))

    for m in p.range.finditer(s):
        if not free(m.start(), m.end()):
            continue
        end = date_hit(m)
        if end is None:
            continue
        start = range_start(m)
        claim(m.start(), m.end())
        due = end.iso(year)
        if not due or start is None or not directive:
            continue
        start_date = start.iso(end.year or year)  # "từ 29/3 đến 05/4/2024": the end's year
        if start_date and start_date > due:
            continue  # end before start: a slip the validator reports, not a deadline
        if iso_before(due, issued) or regex.search(r"(?<![\p{L}])đã(?![\p{L}])", s[:m.start()]):
            continue
        out.append(_make("range", sentence, m.start(), m.end(), 0.8, due_date=due,
                         start_date=start_date))

    for m in p.absolute.finditer(s):
        if not free(m.start(), m.end()):
            continue
        hit = date_hit(m)
        if hit is None:
            continue
        claim(m.start(), m.end())
        if p.not_due_before.search(s[max(0, m.start() - 40):m.start()]) or _past_clause(s, m.start()):
            continue
        yearly_after = regex.match(r"\s*,?\s*(?:hằng|hàng|mỗi)\s+năm", s[m.end():], regex.I)
        if hit.year is None and (p.yearly_before.search(s[max(0, m.start() - 30):m.start()])
                                 or yearly_after or any(d.value.kind == "recurring" for d in out)):
            out.append(_make("recurring", sentence, m.start(), m.end(), 0.85,
                             recurrence=f"yearly:{hit.month:02d}-{hit.day:02d}"))
            continue
        due = hit.iso(year)
        if due is None or iso_before(due, issued):
            continue
        cue = m.group("cue").lower()
        confidence = 0.7 if cue in ("trước", "đến hết", "thời hạn") else 0.9
        out.append(_make("absolute", sentence, m.start(), m.end(), confidence,
                         due_date=due, time=_time(m)))

    periods = list(p.period.finditer(s))
    for m in p.weak_period.finditer(s):
        if not m.group("yy") and p.completion.search(s[max(0, m.start() - 100):m.start()]):
            periods.append(m)
    for m in sorted(periods, key=lambda x: x.start()):
        if not free(m.start(), m.end()):
            continue
        found = _period(m, year)
        claim(m.start(), m.end())
        if found is None:
            continue
        period, due = found
        if iso_before(due, issued) or p.not_due_before.search(s[max(0, m.start() - 40):m.start()]):
            continue
        out.append(_make("period", sentence, m.start(), m.end(), 0.6, due_date=due, period=period))

    for m in p.relative.finditer(s):
        if not free(m.start(), m.end()):
            continue
        n = vn_number(m.group("n"))
        if n is None:
            continue
        unit = {"ngày làm việc": "wd", "ngày": "d", "tuần": "w", "tháng": "m"}[m.group("unit").lower()]
        anchor = m.group("anchor")
        if not anchor and not m.group(0).lower().startswith(("trong", "chậm nhất")):
            if unit != "wd":
                continue  # "sau 3 ngày" alone is too vague; "sau 10 ngày làm việc" is a rule
        claim(m.start(), m.end())
        out.append(_make("relative", sentence, m.start(), m.end(), 0.7, offset=f"{n}{unit}",
                         anchor=anchor.strip(" ,") if anchor else None))
    return sorted(out, key=lambda f: f.start)


def extract_deadlines(text: str, issued_date: str | None) -> list[Found[Deadline]]:
    """Due dates the document sets, in reading order (spans in the normalised text)."""
    out: list[Found[Deadline]] = []
    for sentence in sentences(text):
        if len(sentence.text) < 8:
            continue
        out.extend(_sentence_deadlines(sentence, issued_date))
    return out


# --- deadlines in tables ("Cơ quan chủ trì" / "Thời gian hoàn thành") ----------------------

_ASSIGNEE_COLUMN = regex.compile(
    r"(?:cơ quan|đơn vị)\s*(?:chủ trì|thực hiện|được giao|phụ trách)|chủ trì|phụ trách|"
    r"đơn vị thực hiện|cơ quan thực hiện", regex.I)
_DUE_COLUMN = regex.compile(r"thời (?:gian|hạn)|hạn (?:hoàn thành|chót|nộp)|tiến độ|"
                            r"hoàn thành", regex.I)
# a plain "Đơn vị" / "Cơ quan" column names the assignee when no "chủ trì" column does
_UNIT_COLUMN = regex.compile(r"(?:tên\s+)?(?:đơn vị|cơ quan)(?:,\s*(?:đơn vị|địa phương))?", regex.I)
_TASK_COLUMN = regex.compile(r"nội dung|nhiệm vụ|công việc|tên (?:nhiệm vụ|sản phẩm)", regex.I)


def table_deadlines(tables: list[Found[Table]], issued_date: str | None) -> list[Found[Deadline]]:
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
            # the cell is a date, a period or a clause with a cue: read it as a clause
            clause = cell if regex.match(r"(?i)(?:trước|chậm nhất|hạn|trong|từ)", cell) \
                else f"trước {cell}" if DAY_MONTH_DATE_RE.search(cell) else f"hoàn thành trong {cell}"
            sentence = Sentence(clause, found.start, None)
            for d in _sentence_deadlines(sentence, issued_date):
                agency = resolve_agency(assignee) if assignee else None
                value = d.value.model_copy(update={
                    "assignee": assignee, "agency_id": agency.id if agency else None,
                    "action": _clean_action(action), "text": regex.sub(r"\s+", " ", text)[:1000]})
                out.append(Found(value, found.start, found.end, min(d.confidence, 0.8)))
    return out
