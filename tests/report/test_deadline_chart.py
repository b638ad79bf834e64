"""The "what is due" chart: open deadlines by assignee and week, overdue ones marked."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from pipeline.report.deadline_chart import (
    UNASSIGNED, DueItem, deadline_chart_svg, due_date_of, open_deadlines,
)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("value, expected", [
    ("2024-05-31", dt.date(2024, 5, 31)),
    # a date-time keeps its day
    ("2024-10-26T17:00", dt.date(2024, 10, 26)),
    # month precision: due by the end of the month
    ("2024-02", dt.date(2024, 2, 29)),
    # year precision: due by the end of the year
    ("2024", dt.date(2024, 12, 31)),
    (None, None), ("", None), ("2024-13-01", None), ("soon", None),
])
def test_due_date_of(value, expected):
    assert due_date_of(value) == expected


def records():
    return [
        {"number": {"raw": "1/UBND-VP"}, "deadlines": [
            {"kind": "absolute", "due_date": "2024-03-25", "assignee": "Sở Tài chính", "text": "a"},
            {"kind": "absolute", "due_date": "2024-04-10", "assignee": "sở  tài chính", "text": "b"},
            {"kind": "recurring", "due_date": None, "recurrence": "monthly:18", "text": "c"}]},
        {"source": {"path": "x/2.txt"}, "deadlines": [
            {"kind": "absolute", "due_date": "2024-04-11", "assignee": None, "text": "d"},
            {"kind": "absolute", "due_date": "2024-04-12",
             "assignee": "Phòng <b>Nội vụ</b> & Co", "text": "<script>x</script>"}]},
    ]


def test_open_deadlines_groups_by_assignee_and_counts_undated():
    items, undated = open_deadlines(records())
    assert undated == 1
    # spaces collapsed, case ignored: one row in the first spelling
    assert [i.assignee for i in items].count("Sở Tài chính") == 2
    assert UNASSIGNED in {i.assignee for i in items}
    assert {i.document for i in items} == {"1/UBND-VP", "x/2.txt"}


def test_chart_marks_overdue_cells_and_escapes_text():
    items, undated = open_deadlines(records())
    svg = deadline_chart_svg(items, today=dt.date(2024, 4, 1), undated=undated)
    root = ET.fromstring(svg)  # well-formed: document text was escaped
    groups = root.findall(f".//{SVG}g")
    overdue = [g for g in groups if g.get("class") == "overdue"]
    due = [g for g in groups if g.get("class") == "due"]
    assert len(overdue) == 1 and overdue[0].find(f"{SVG}text").text == "1"
    # 2024-04-10/11/12 fall in the same ISO week, but in three assignee rows
    assert len(due) == 3
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "2024-W13" in labels and "2024-W15" in labels
    assert "Phòng <b>Nội vụ</b> & Co" in labels  # shown as text, not markup
    assert "<script>" not in svg and "1 overdue on 2024-04-01" in svg


def test_chart_keeps_the_busiest_assignees_and_lumps_the_rest():
    items = [DueItem(f"Đơn vị {n}", dt.date(2024, 5, 1 + n % 20), "d", "") for n in range(30)]
    svg = deadline_chart_svg(items, today=dt.date(2024, 1, 1), max_assignees=5)
    assert "(đơn vị khác)" in svg
    assert not [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "overdue"]


def test_chart_without_deadlines_says_so():
    svg = deadline_chart_svg([], today=dt.date(2024, 1, 1), undated=2)
    assert "No open deadlines" in svg and "2 without a due date" in svg
    ET.fromstring(svg)
