"""What is due: open deadlines by assignee and ISO week as a static SVG (hạn xử lý).

Every deadline with a due date is open (the dataset does not know what was done); those due
before ``today`` are overdue and drawn red. Recurring deadlines have no due date and are only
counted in the caption. All text from documents is XML-escaped.
"""
from __future__ import annotations

import calendar
import datetime as dt
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

UNASSIGNED = "(chưa rõ đơn vị)"
OTHERS = "(đơn vị khác)"


@dataclass(frozen=True)
class DueItem:
    """One open deadline: who, when, from which document."""

    assignee: str
    due: dt.date
    document: str
    text: str

    def overdue(self, today: dt.date) -> bool:
        return self.due < today

    @property
    def week(self) -> str:
        year, week, _ = self.due.isocalendar()
        return f"{year}-W{week:02d}"


def due_date_of(value: Any) -> dt.date | None:
    """ISO ``2024-05-31`` (or a date-time), ``2024-05`` → month end, ``2024`` → year end."""
    if not value:
        return None
    s = str(value)
    try:
        if len(s) >= 10:
            return dt.date.fromisoformat(s[:10])
        if len(s) == 7:
            year, month = int(s[:4]), int(s[5:7])
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        if len(s) == 4:
            return dt.date(int(s), 12, 31)
    except ValueError:
        return None
    return None


def open_deadlines(records: Iterable[Mapping[str, Any]]) -> tuple[list[DueItem], int]:
    """Deadlines with a due date, and how many had none (recurring, relative)."""
    items, undated = [], 0
    spelling: dict[str, str] = {}  # "Các cơ quan" and "các cơ quan" are one row: first spelling wins
    for rec in records:
        label = (rec.get("number") or {}).get("raw") or (rec.get("source") or {}).get("path") or "?"
        for d in rec.get("deadlines") or []:
            due = due_date_of(d.get("due_date"))
            if due is None:
                undated += 1
                continue
            who = " ".join(str(d.get("assignee") or "").split()) or UNASSIGNED
            who = spelling.setdefault(unicodedata.normalize("NFC", who).casefold(), who)
            items.append(DueItem(who, due, str(label), str(d.get("text") or "")))
    return items, undated


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def deadline_chart_svg(items: list[DueItem], today: dt.date, undated: int = 0,
                       max_assignees: int = 14, max_weeks: int = 30) -> str:
    """A grid: one row per assignee, one column per week that has deadlines; the number in
    a cell is how many are due; red cells hold at least one overdue deadline."""
    if not items:
        note = f" ({undated} without a due date)" if undated else ""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="deadline-chart" width="420" '
                f'height="40" role="img"><text x="8" y="24" font-size="13">No open deadlines '
                f'with a due date{escape(note)}.</text></svg>')
    weeks = sorted({i.week for i in items})
    dropped_weeks = max(0, len(weeks) - max_weeks)
    weeks = weeks[-max_weeks:]  # the most recent weeks matter most for follow-up
    counts = Counter(i.assignee for i in items if i.week in weeks)
    ranked = [a for a, _ in counts.most_common()]
    assignees = ranked[:max_assignees]
    if len(ranked) > max_assignees:
        assignees.append(OTHERS)
    cells: dict[tuple[str, str], list[DueItem]] = defaultdict(list)
    for i in items:
        if i.week not in weeks:
            continue
        row = i.assignee if i.assignee in assignees else OTHERS
        cells[(row, i.week)].append(i)

    label_w, cell, top, left_pad = 300, 34, 70, 8
    width = left_pad + label_w + cell * len(weeks) + 20
    height = top + cell * len(assignees) + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="deadline-chart" width="{width}" '
           f'height="{height}" role="img" font-family="sans-serif" font-size="12">',
           '<title>Open deadlines by assignee and week</title>']
    x0 = left_pad + label_w
    for c, week in enumerate(weeks):
        x = x0 + c * cell + cell / 2
        out.append(f'<text x="{x:.0f}" y="{top - 8}" transform="rotate(-50 {x:.0f} {top - 8})" '
                   f'font-size="10">{escape(week)}</text>')
    for r, who in enumerate(assignees):
        y = top + r * cell
        out.append(f'<text x="{left_pad}" y="{y + cell / 2 + 4:.0f}">{escape(_short(who, 44))}'
                   f'<title>{escape(who)}</title></text>')
        for c, week in enumerate(weeks):
            due = cells.get((who, week))
            x = x0 + c * cell
            if not due:
                out.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                           f'fill="#f3f4f6"/>')
                continue
            late = sum(1 for i in due if i.overdue(today))
            fill = "#e63946" if late else "#2a9d8f"
            tip = "\n".join(f"{i.due.isoformat()} {i.document}: {_short(i.text, 160)}" for i in due)
            out.append(f'<g class="{"overdue" if late else "due"}"><rect x="{x}" y="{y}" '
                       f'width="{cell - 2}" height="{cell - 2}" fill="{fill}" rx="3"/>'
                       f'<text x="{x + (cell - 2) / 2:.0f}" y="{y + cell / 2 + 3:.0f}" '
                       f'text-anchor="middle" fill="#fff" font-weight="bold">{len(due)}</text>'
                       f'<title>{escape(tip)}</title></g>')
    ly = top + cell * len(assignees) + 24
    n_late = sum(1 for i in items if i.overdue(today))
    caption = (f"{len(items)} deadline(s) with a due date, {n_late} overdue on {today.isoformat()}"
               + (f"; {undated} recurring/relative without a due date" if undated else "")
               + (f"; {dropped_weeks} earlier week(s) not shown" if dropped_weeks else ""))
    out.append(f'<rect x="{left_pad}" y="{ly - 11}" width="12" height="12" fill="#e63946"/>'
               f'<text x="{left_pad + 18}" y="{ly}">overdue</text>'
               f'<rect x="{left_pad + 90}" y="{ly - 11}" width="12" height="12" fill="#2a9d8f"/>'
               f'<text x="{left_pad + 108}" y="{ly}">due</text>'
               f'<text x="{left_pad}" y="{ly + 22}">{escape(caption)}</text>')
    out.append("</svg>")
    return "".join(out)
