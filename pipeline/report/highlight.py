"""The normalised text with every extracted field marked where it was read (displaCy spans).

We build the spaCy ``Doc`` from words ourselves rather than with ``spacy.blank("vi")``
(which needs pyvi for word segmentation) or ``spacy.blank("xx")`` (which splits ``Số:`` and
``1452/UBND-KT`` at punctuation, and displaCy then prints a space between every token): the
words are the text's whitespace-separated chunks, cut again at every field boundary, and
runs of white space are tokens of their own, so ``doc.text`` is exactly the normalised text
and each provenance span is a whole number of tokens. displaCy's span renderer writes one
space after each token; the page shows the text with ``white-space: pre-line``, so line
breaks survive and only field boundaries inside a chunk gain a space.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import spacy
from spacy import displacy
from spacy.tokens import Doc, Span

SPANS_KEY = "fields"

# One colour per field family; anything else falls back to displaCy's default colour.
FIELD_COLOURS = {
    "number": "#f4a261", "issued_date": "#8ecae6", "place": "#bde0fe", "subject": "#caffbf",
    "doc_type": "#ffd6a5", "issuer": "#e9c46a", "urgency": "#ff8fa3", "confidentiality": "#ff8fa3",
    "recipients": "#cdb4db", "cc": "#d8e2dc", "signer": "#ffc8dd", "references": "#a0c4ff",
    "deadlines": "#ff6b6b", "tables": "#fdffb6", "arrival": "#b5e48c",
}

# displaCy's span templates on one line each (its own have newlines, which pre-line would
# show), with class names so the page's CSS and the browser test can find the marks.
SPAN_TEMPLATES = {
    "span": '<span class="hl" style="font-weight: bold; display: inline-block; position: relative; '
            'height: {total_height}px;">{text}{span_slices}{span_starts}</span>',
    "slice": '<span class="hl-slice" style="background: {bg}; top: {top_offset}px; height: 4px; '
             'left: -1px; width: calc(100% + 2px); position: absolute;"></span>',
    "start": '<span class="hl-start" style="background: {bg}; top: {top_offset}px; height: 4px; '
             'border-top-left-radius: 3px; border-bottom-left-radius: 3px; left: -1px; '
             'width: calc(100% + 2px); position: absolute;"><span class="hl-label" '
             'data-label="{label}" style="background: {bg}; z-index: 10; color: #000; top: -0.5em; '
             'padding: 2px 3px; position: absolute; font-size: 0.6em; font-weight: bold; '
             'line-height: 1; border-radius: 3px">{label}{kb_link}</span></span>',
}

_VOCAB_NLP = None


@dataclass(frozen=True)
class FieldSpan:
    """A field's provenance: ``label`` (field family), ``key`` (provenance key), char span."""

    label: str
    key: str
    start: int
    end: int


def field_label(key: str) -> str:
    """``recipients.3`` → ``recipients``; ``signer.name`` → ``signer``."""
    return key.split(".", 1)[0]


def field_spans(provenance: Mapping[str, Mapping], text_length: int) -> list[FieldSpan]:
    """Provenance entries that point inside the text, in reading order."""
    spans = []
    for key, prov in provenance.items():
        start, end = prov.get("start"), prov.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        start, end = max(0, start), min(end, text_length)
        if start < end:
            spans.append(FieldSpan(field_label(key), key, start, end))
    return sorted(spans, key=lambda s: (s.start, -s.end, s.key))


def _vocab():
    global _VOCAB_NLP
    if _VOCAB_NLP is None:
        _VOCAB_NLP = spacy.blank("xx")  # only its vocabulary is used; no model is loaded
    return _VOCAB_NLP.vocab


def _pieces(text: str, cuts: set[int]) -> list[tuple[int, int]]:
    """(start, end) of the tokens: non-space chunks cut at ``cuts``, and white-space runs."""
    pieces = []
    for m in re.finditer(r"\S+|\s+", text):
        start, end = m.span()
        if m.group()[0].isspace():
            pieces.append((start, end))
            continue
        bounds = [start] + sorted(c for c in cuts if start < c < end) + [end]
        pieces.extend(zip(bounds, bounds[1:]))
    return pieces


def doc_with_field_spans(text: str, spans: list[FieldSpan]) -> Doc:
    """A spaCy ``Doc`` over ``text`` with ``doc.spans["fields"]`` holding one span per field."""
    cuts = {s.start for s in spans} | {s.end for s in spans}
    pieces = _pieces(text, cuts)
    doc = Doc(_vocab(), words=[text[a:b] for a, b in pieces], spaces=[False] * len(pieces))
    token_at_start = {a: i for i, (a, _) in enumerate(pieces)}
    token_at_end = {b: i + 1 for i, (_, b) in enumerate(pieces)}
    group = []
    for s in spans:
        start, end = s.start, s.end
        # a span edge in white space moves to the nearest token edge inside the span
        while start < end and start not in token_at_start:
            start += 1
        while end > start and end not in token_at_end:
            end -= 1
        if start < end:
            group.append(Span(doc, token_at_start[start], token_at_end[end], label=s.label))
    doc.spans[SPANS_KEY] = group
    return doc


def render_highlighted(text: str, provenance: Mapping[str, Mapping]) -> str:
    """HTML of ``text`` with each field marked (displaCy ``style="span"``); text is escaped."""
    if not text:
        return '<div class="spans"></div>'
    doc = doc_with_field_spans(text, field_spans(provenance, len(text)))
    if not doc.spans[SPANS_KEY]:
        # displaCy warns on a Doc without spans; the plain escaped text is the same picture
        from html import escape
        return f'<div class="spans">{escape(text)}</div>'
    return displacy.render(doc, style="span", jupyter=False, options={
        "spans_key": SPANS_KEY, "colors": FIELD_COLOURS, "template": SPAN_TEMPLATES})
