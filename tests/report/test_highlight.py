"""Fields marked in the normalised text: a spaCy Doc with a span per field, drawn by displaCy."""
from __future__ import annotations

import gc
import re
from html.parser import HTMLParser

import pytest

from pipeline.report.highlight import (
    SPANS_KEY, _span_renderer, doc_with_field_spans, field_label, field_spans,
    render_highlighted,
)

TEXT = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n\nSố: 1452/UBND-KT\n\n"
        "Quảng Ngãi, ngày 22 tháng 10 năm 2024\n")


def prov(text, part, occurrence=0):
    start = [m.start() for m in re.finditer(re.escape(part), text)][occurrence]
    return {"page": 1, "start": start, "end": start + len(part), "confidence": 0.9}


@pytest.mark.parametrize("key, label", [
    ("number", "number"), ("recipients.3", "recipients"), ("signer.name", "signer"),
])
def test_field_label_is_the_field_family(key, label):
    assert field_label(key) == label


def test_doc_keeps_the_text_and_spans_cover_the_fields():
    provenance = {"number": prov(TEXT, "1452/UBND-KT"),
                  "issued_date": prov(TEXT, "ngày 22 tháng 10 năm 2024"),
                  "place": prov(TEXT, "Quảng Ngãi")}
    doc = doc_with_field_spans(TEXT, field_spans(provenance, len(TEXT)))
    assert doc.text == TEXT
    got = {(s.label_, s.text) for s in doc.spans[SPANS_KEY]}
    assert got == {("number", "1452/UBND-KT"), ("issued_date", "ngày 22 tháng 10 năm 2024"),
                   ("place", "Quảng Ngãi")}


@pytest.mark.parametrize("part, expected", [
    # span edges inside a word: the word is cut there
    ("UBND", "UBND"),
    # span that starts and ends in white space shrinks to its words
    ("\nSố: 1452/UBND-KT\n", "Số: 1452/UBND-KT"),
])
def test_span_edges_become_token_edges(part, expected):
    doc = doc_with_field_spans(TEXT, field_spans({"x": prov(TEXT, part)}, len(TEXT)))
    assert [s.text for s in doc.spans[SPANS_KEY]] == [expected]


def test_spans_outside_the_text_are_dropped_and_overlaps_kept():
    provenance = {"a": {"start": 0, "end": 15}, "b": {"start": 3, "end": 7},
                  # a second item of list "a" read from the same place is marked once
                  "a.1": {"start": 0, "end": 15},
                  "c": {"start": 500, "end": 600}, "d": {"start": 5}}
    doc = doc_with_field_spans(TEXT, field_spans(provenance, len(TEXT)))
    assert [s.text for s in doc.spans[SPANS_KEY]] == ["ỦY BAN NHÂN DÂN", "BAN"]


class _Marks(HTMLParser):
    """(label, text of the marked word) for every span start displaCy drew."""

    def __init__(self):
        super().__init__()
        self.stack, self.words, self.marks = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.stack.append(attrs.get("class"))
        if attrs.get("class") == "hl":
            self.words.append("")
        if attrs.get("class") == "hl-label":
            self.marks.append((attrs["data-label"], self.words[-1].strip()))

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "hl":
            self.words[-1] += data


def test_render_marks_fields_and_keeps_line_breaks():
    html = render_highlighted(TEXT, {"number": prov(TEXT, "1452/UBND-KT"),
                                     "issued_date": prov(TEXT, "ngày 22 tháng 10 năm 2024")})
    parser = _Marks()
    parser.feed(html)
    assert ("number", "1452/UBND-KT") in parser.marks
    assert ("issued_date", "ngày") in parser.marks
    # displaCy puts a space after each token; the page's pre-line collapses the runs
    assert "\n" in html and re.search(r"TỈNH\s+QUẢNG\s+NGÃI", html)


def test_render_escapes_document_text():
    evil = 'Số: 1/QĐ-X <script>alert("x")</script> <img src=x onerror=alert(1)>'
    for provenance in ({}, {"number": prov(evil, "1/QĐ-X"), "subject": prov(evil, "<script>")}):
        html = render_highlighted(evil, provenance)
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;" in html


def test_spacy_is_loaded_by_the_first_highlight_not_by_the_report_module():
    # `dispatches run` imports the report with its flow and writes it last: spaCy stays out
    # of the run's process until then
    import subprocess
    import sys

    code = ("import sys\nimport flows.ingest, pipeline.report\n"
            "print('spacy' in sys.modules)\n"
            "from pipeline.report.highlight import render_highlighted\n"
            "html = render_highlighted('Số: 12/UBND', {'number': {'start': 5, 'end': 12}})\n"
            "print('spacy' in sys.modules, 'data-label=\"number\"' in html)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True"]


def test_a_rendered_text_leaves_no_word_behind():
    """A run's report renders every document: what one page's words cost is freed with
    the page, not kept in a vocabulary shared by all (2.5 MB per 1,000 documents)."""
    from spacy.strings import StringStore

    word = "Xeno4471qzv"  # in no other text of the tests
    text = TEXT + f"Kính gửi: Sở {word}\n"
    assert word in render_highlighted(text, {"number": prov(text, "1452/UBND-KT")})
    gc.collect()
    holding = [o for o in gc.get_objects() if isinstance(o, StringStore) and word in o]
    assert holding == []


def test_one_renderer_serves_every_text_and_keeps_nothing_of_the_last():
    """The report renders every document with one displaCy renderer: a text renders the
    same after another text as before it."""
    fields = {"number": prov(TEXT, "1452/UBND-KT")}
    before = render_highlighted(TEXT, fields)
    other = TEXT.replace("QUẢNG NGÃI", "HÀ TĨNH")
    assert render_highlighted(other, {"issued_date": prov(other, "ngày 22 tháng 10 năm 2024")}
                              ) != before
    assert render_highlighted(TEXT, fields) == before
    assert _span_renderer() is _span_renderer()
