"""The normalised text with every extracted field marked where it was read (displaCy spans).

We build the spaCy ``Doc`` from words ourselves rather than with ``spacy.blank("vi")``
(which needs pyvi for word segmentation) or ``spacy.blank("xx")`` (which splits ``Số:`` and
``1452/UBND-KT`` at punctuation, and displaCy then prints a space between every token): the
words are the text's whitespace-separated chunks, cut again at every field boundary, and
runs of white space are tokens of their own, so ``doc.text`` is exactly the normalised text
and each provenance span is a whole number of tokens. displaCy's span renderer writes one
space after each token; the page shows the text with ``white-space: pre-line``, so line
breaks survive and only field boundaries inside a chunk gain a space.

spaCy is imported when the first text is rendered, not with this module: ``dispatches run``
imports the report with its flow and writes it last, and spaCy (about 40 MB resident and
1.5 s of CPU on import) would otherwise sit in the run's process through every batch.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from itertools import accumulate
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

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
    """Provenance entries that point inside the text, in reading order; one mark per
    (label, span), so list items read from the same place (rows of one table) stack once."""
    spans, seen = [], set()
    for key, prov in provenance.items():
        start, end = prov.get("start"), prov.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        start, end = max(0, start), min(end, text_length)
        if start < end and (field_label(key), start, end) not in seen:
            seen.add((field_label(key), start, end))
            spans.append(FieldSpan(field_label(key), key, start, end))
    return sorted(spans, key=lambda s: (s.start, -s.end, s.key))


def _words(text: str, cuts: list[int]) -> tuple[list[str], list[int]]:
    """Tokens (non-space chunks cut at ``cuts``, and white-space runs) and their offsets."""
    words = re.findall(r"\S+|\s+", text)
    starts = list(accumulate(map(len, words), initial=0))
    split: dict[int, list[int]] = {}
    for c in cuts:
        i = bisect.bisect_right(starts, c) - 1
        if 0 <= i < len(words) and starts[i] != c:
            split.setdefault(i, []).append(c)
    if split:
        out: list[str] = []
        for i, w in enumerate(words):
            if i not in split:
                out.append(w)
                continue
            bounds = [starts[i], *split[i], starts[i] + len(w)]
            out.extend(text[a:b] for a, b in zip(bounds, bounds[1:]))
        words = out
        starts = list(accumulate(map(len, words), initial=0))
    return words, starts


def doc_with_field_spans(text: str, spans: list[FieldSpan]) -> Doc:
    """A spaCy ``Doc`` over ``text`` with ``doc.spans["fields"]`` holding one span per field."""
    return _doc_and_words(text, spans)[0]


def _doc_and_words(text: str, spans: list[FieldSpan]) -> tuple[Doc, list[str]]:
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab

    words, starts = _words(text, sorted({s.start for s in spans} | {s.end for s in spans}))
    # a vocabulary of its own, dropped with the Doc: one shared by every page kept each word
    # of every text (2.5 MB per 1,000 documents of a run's report, measured); an empty
    # ``Vocab`` is all a Doc built from words needs (no model, no tokenizer, 0.15 ms)
    doc = Doc(Vocab(), words=words, spaces=[False] * len(words))
    group = []
    for s in spans:
        # token range of the span (its edges are token edges by construction), trimmed of
        # white space at either end
        first = bisect.bisect_left(starts, s.start)
        last = bisect.bisect_left(starts, s.end)
        while first < last and words[first].isspace():
            first += 1
        while last > first and words[last - 1].isspace():
            last -= 1
        if first < last:
            group.append(Span(doc, first, last, label=s.label))
    doc.spans[SPANS_KEY] = group
    return doc, words


def _line_regions(words: list[str], spans) -> list[tuple[int, int]]:
    """Token ranges of whole lines that hold a field, overlapping ones merged."""
    def line_break(i: int) -> bool:
        return "\n" in words[i] and words[i].isspace()

    regions: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda s: s.start):
        a, b = span.start, span.end
        while a > 0 and not line_break(a - 1):
            a -= 1
        while b < len(words) and not line_break(b):
            b += 1
        if regions and a < regions[-1][1]:
            regions[-1] = (regions[-1][0], max(b, regions[-1][1]))
        else:
            regions.append((a, b))
    return regions


@cache
def _span_renderer():
    """displaCy's span renderer, one for the process: making one scans spaCy's registry of
    colours (~0.25 ms: a 10,000-document report took 16.3–16.9 s with one per document,
    13.7–14.5 s with this one, the same files), and it keeps nothing of what it renders."""
    from spacy.displacy.render import SpanRenderer

    return SpanRenderer(options={"colors": FIELD_COLOURS, "template": SPAN_TEMPLATES})


def render_highlighted(text: str, provenance: Mapping[str, Mapping]) -> str:
    """HTML of ``text`` with each field marked by displaCy's span renderer; text is escaped.

    One ``Doc`` holds the whole text and its field spans. displaCy draws only the lines that
    hold a field, from span dicts cut out of that Doc (its ``manual`` format): its renderer
    is quadratic in tokens × spans and a long report has 200 000 tokens. Other lines are
    plain escaped text. One ``SpanRenderer`` serves every line of every text (``displacy.render``
    would build one per call, rescanning the colour registry each time).
    """
    if not text:
        return '<div class="doc-text"></div>'
    doc, words = _doc_and_words(text, field_spans(provenance, len(text)))
    group = list(doc.spans[SPANS_KEY])
    renderer = _span_renderer()
    out, pos = [], 0
    for a, b in _line_regions(words, group):
        out.append(escape("".join(words[pos:a])))
        marks = [{"start_token": s.start - a, "end_token": s.end - a, "label": s.label_}
                 for s in group if a <= s.start and s.end <= b]
        # strip: displaCy's wrapper has line breaks around it, which pre-line would show
        out.append(renderer.render([{"text": "".join(words[a:b]), "tokens": words[a:b],
                                     "spans": marks}]).strip())
        pos = b
    out.append(escape("".join(words[pos:])))
    return '<div class="doc-text">' + "".join(out) + "</div>"
