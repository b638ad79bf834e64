"""Normalise raw page text into the text the extractors read.

Each step is a substitution on a ``MappedText`` so offsets stay traceable:
NFC, invisible characters, HTML left in text, Markdown markup, white space,
hard-wrapped lines. Comparison keys (``tone_key``, ``fold_diacritics``) live in
``pipeline.text.keys``; the text itself keeps the document's spelling.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import replace
from itertools import accumulate, compress

import regex

from pipeline.text.document import PAGE_SEPARATOR, Document, RawDocument, RawTable
from pipeline.text.mapped_text import MappedText
from pipeline.text.short_cache import cached_when_short

# a grapheme NFC may change: of several characters, or one from U+0340 on
# (``FIRST_NFC_UNSTABLE``). Tried at every position it still starts only where a grapheme
# does: a grapheme whose second character is below U+0300 (no combining mark, no joiner)
# is one character long (CR LF aside, and a line holds no LF).
_CHANGEABLE_GRAPHEME = regex.compile(r"(?=[\u0340-\U0010ffff]|.[\u0300-\U0010ffff])\X")
# a character outside a plain text: only Latin letters and punctuation (printable ASCII, U+00A0
# to U+02FF but the soft hyphen, U+1E00 to U+1EFF: "ệ"), the combining marks U+0300–U+036F,
# dashes, quotes, "‰", "₫", "€", "№", "™", tab, CR, LF. In such a text no character but a
# mark changes under NFC or composes with the one before it, and a run of marks belongs to
# the character before it but a tab, CR or LF (tests/text check all three): the graphemes NFC
# may change are the mark runs, each with the character before it (``_MARKED``; after a tab,
# CR or LF the run alone is a grapheme, but NFC makes no letter of that character with it)
_NOT_PLAIN = re.compile(
    "[^\t\n\r\x20-\x7e\u00a0-\u00ac\u00ae-\u036f\u1e00-\u1eff\u2010-\u2027\u2030-\u203e"
    "\u20ab\u20ac\u2116\u2122]")
_MARKED = re.compile("(.?[\u0300-\u036f]+)", re.S)  # a run of marks and what precedes it
_INVISIBLE = regex.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = regex.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# the characters of those two classes, for ``_sub`` to look for first
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SPACE_CHARS = "\u00a0" + "".join(map(chr, range(0x2000, 0x200b))) + "\u202f\u205f\u3000"
# a run of adjacent block tags ("</li><li>") is one break
_BLOCK_TAG = regex.compile(
    r"(?:\s*</?(?:ul|ol|li|p|div|br|tr|table|tbody|thead|h[1-6])\b[^<>]*>\s*)+", regex.I)
# a footnote mark ("nhận<sup>1</sup>") is no part of the word it follows
# (but m<sup>2</sup> is a unit's exponent)
_FOOTNOTE_MARK = regex.compile(r"(?<!\b(?:m|km|cm|dm|mm))<sup>\s*(?:\d{1,2}|\*+)\s*</sup>", regex.I)
_INLINE_TAG = regex.compile(r"</?(?:[a-z][a-z0-9]*)\b[^<>]*>", regex.I)
_ENTITY = regex.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]{2,8});", regex.I)
_HEADING = regex.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+")
_STAR_BULLET = regex.compile(r"(?m)^([ \t]*)[*+][ \t]+")
# emphasis markers, but not a footnote star "(*)": ``(?<!\()(?:\*{1,3}|_{2,3})(?!\))`` with the
# look-behind moved after the first star or underscore, so that the engine looks for those
# first rather than trying the look-behind at every character (the same matches: tests/text)
_EMPHASIS = regex.compile(r"(?:\*(?<!\(\*)\*{0,2}|_(?<!\(_)_{1,2})(?!\))")
_ESCAPE = regex.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_CR = regex.compile(r"\r\n?")
_OUTER_SPACE_RUN = regex.compile(r"\s+")
# str.isspace() but not regex's \s
_NOT_REGEX_SPACE = "\x1c\x1d\x1e\x1f"
_TRAILING_WS = regex.compile(r"[ \t]+$", regex.M)
# a newline after a space or a tab: ``re`` scans for the newlines (one literal, found fast)
# and looks behind each, where two ``in`` tests each read the whole text
_BLANK_BEFORE_NEWLINE = re.compile(r"\n(?<=[ \t]\n)")
_INNER_SPACES = regex.compile(r"(?<=\S) {2,}(?=\S)")
_LEADING_SPACES = regex.compile(r"(?m)^ +")
_MANY_BLANKS = regex.compile(r"\n{3,}")
# a line ending mid-sentence followed by one that starts in lower case: a hard wrap
_WRAP = regex.compile(
    r"(?<=[\p{Ll}\p{Lu}\d,()\-–])\n(?=\p{Ll})(?![^\n]*\|)(?<![|][^\n]*\n)")


# no single code point below U+0340 changes under NFC (tests/text check it)
FIRST_NFC_UNSTABLE = "\u0340"


def _nfc(text: MappedText) -> MappedText:
    """Each grapheme that NFC changes, replaced by its NFC form.

    Graphemes never cross a newline, and every part of an NFC line is NFC: only the lines
    that are not are read grapheme by grapheme.
    """
    source = text.text
    if unicodedata.is_normalized("NFC", source):
        return text
    base = text.identity_base()
    if base is not None:
        mapped = _nfc_plain(source, base)  # NFD Vietnamese: the whole page at once
        return mapped if mapped is not None else _nfc_by_lines(source, base)
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for line in source.split("\n"):
        end = pos + len(line)
        if not unicodedata.is_normalized("NFC", line):
            edits += _grapheme_edits(source, pos, end)
        pos = end + 1
    return text.replace_spans(edits)


def _grapheme_edits(source: str, pos: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, NFC form) of each grapheme of ``source[pos:end]`` that NFC changes."""
    edits = []
    for m in _CHANGEABLE_GRAPHEME.finditer(source, pos, end):
        g = m.group()
        new = _COMPOSED[g]
        if new != g:
            edits.append((m.start(), m.end(), new))
    return edits


def _nfc_by_lines(source: str, base: int) -> MappedText:
    """``_nfc`` of a fresh page (``MappedText.identity(source, base)``): its NFC stretches
    as they are, each other line's map made once (``_nfc_line``: an NFD archive repeats its
    lines, "Nơi nhận:", "- Như trên;", from file to file) and moved to its place."""
    pieces: list[tuple[MappedText, int]] = []
    kept = 0  # where the stretch of NFC lines not yet placed begins
    pos = 0
    for line in source.split("\n"):
        end = pos + len(line)
        if not unicodedata.is_normalized("NFC", line):
            if pos > kept:
                pieces.append((MappedText.identity(source[kept:pos]), base + kept))
            pieces.append((_nfc_line(line), base + pos))
            kept = end
        pos = end + 1
    if kept < len(source):
        pieces.append((MappedText.identity(source[kept:]), base + kept))
    return MappedText.joined(pieces)


# a map holds two runs per accented letter (a few kB a line): a thousand lines of up to a
# thousand characters, some MB; a longer line is mapped, not kept
@cached_when_short(1000, 1024)
def _nfc_line(line: str) -> MappedText:
    """A line that is not NFC with each grapheme NFC changes replaced, mapped from 0."""
    mapped = _nfc_plain(line, 0)
    if mapped is not None:
        return mapped
    return MappedText.identity(line).replace_spans(_grapheme_edits(line, 0, len(line)))


def _nfc_plain(source: str, base: int) -> MappedText | None:
    """``_nfc`` of ``MappedText.identity(source, base)`` when ``source`` is plain
    (``_NOT_PLAIN``: NFD Vietnamese) and NFC makes one letter of each run of marks with the
    character before it ("e" + U+0323 + U+0302 → "ệ"), written at once; else ``None``.

    Those are the graphemes NFC may change, and the text needs no reading line by line: no
    plain character composes with the one before it, so a line is NFC when each of its
    graphemes is. ``replace_spans`` would make a copied run of each stretch between them
    (when not empty) and a run from one span of each, and ``_Runs.add`` would join none of
    them: a grapheme's run ends where the next copied run starts but maps to 2+ characters
    (a copied character, to 1), and starts past the source offset of the run before it (a
    run from one span stays at one). So the runs are the stretches and the graphemes
    interleaved, the empty stretches left out, built in C (a split, ``accumulate``,
    ``compress``, slices) rather than one ``add`` at a time."""
    if _NOT_PLAIN.search(source) is not None:
        return None
    parts = _MARKED.split(source)  # stretch, grapheme, stretch, grapheme, …, stretch
    graphemes = parts[1::2]
    news = list(map(_COMPOSED.__getitem__, graphemes))
    if len("".join(news)) != len(news) or min(map(len, graphemes), default=2) < 2:
        return None  # (each of 2+ characters made one: each changed)
    a = list(accumulate(map(len, parts), initial=base))  # where each part starts in the source
    b = a[1:]  # a grapheme's letter spans all of it; a copied character, itself
    a.pop()
    b[0::2] = map((1).__add__, a[0::2])
    parts[1::2] = news
    sizes = list(map(len, parts))  # what each run adds to the text: a stretch, one letter
    t = accumulate(sizes, initial=0)
    step = [1, 0] * len(news) + [1]
    return MappedText.from_runs("".join(parts), list(compress(t, sizes)),
                                list(compress(a, sizes)), list(compress(b, sizes)),
                                list(compress(step, sizes)))


class _Composed(dict):
    """NFC of each grapheme asked for, kept (a text repeats its few accented letters); emptied
    when full, as a text of ever new graphemes (random, hostile) would fill it."""

    def __missing__(self, grapheme: str) -> str:
        if len(self) >= 4096:
            self.clear()
        new = self[grapheme] = unicodedata.normalize("NFC", grapheme)
        return new


_COMPOSED = _Composed()


def _sub(text: MappedText, needs: str, pattern: regex.Pattern, repl) -> MappedText:
    """``text.sub(pattern, repl)``, skipped when the text lacks every character of ``needs``
    (each match holds one of them: nothing to replace)."""
    if not any(c in text.text for c in needs):
        return text
    return text.sub(pattern, repl)


# after a newline, where a star bullet may begin a line: ``re`` finds the text's newlines by
# a scan for the literal the pattern starts with, and tries the rest there only
_BULLET_AFTER_NEWLINE = re.compile(r"\n[ \t]*[*+][ \t]")


def _may_hold_a_bullet(t: str) -> bool:
    """May ``_STAR_BULLET`` (multi-line: a line's start is the text's or after a newline)
    match in ``t``? One scan rather than a pass of the ``regex`` engine over a text whose
    stars are emphasis, not bullets."""
    return _BULLET_AFTER_NEWLINE.search(t) is not None or _STAR_BULLET.match(t) is not None


def _strip_html(text: MappedText) -> MappedText:
    source = text.text
    if "<" not in source and "&" not in source:
        return text  # no tag, no entity

    def block(m: regex.Match) -> str:
        # inside a Markdown table row a newline would break the row: keep items apart with a space
        line_start = source.rfind("\n", 0, m.start()) + 1
        return " " if source[line_start:m.start()].lstrip().startswith("|") else "\n"

    text = text.sub(_FOOTNOTE_MARK, "").sub(_BLOCK_TAG, block)
    text = text.sub(_INLINE_TAG, "")
    return text.sub(_ENTITY, lambda m: html.unescape(m.group(0)))


def normalize_text(raw: str, *, markdown: bool = True, base: int = 0) -> MappedText:
    """Normalise one page of raw text; offsets count from ``base`` in the source."""
    text = MappedText.identity(raw, base)
    text = _nfc(text)
    text = _strip_html(text)
    text = _sub(text, _INVISIBLE_CHARS, _INVISIBLE, "")
    text = _sub(text, _SPACE_CHARS, _SPACES, " ")
    text = _sub(text, "\r", _CR, "\n")
    if markdown:
        text = _sub(text, "#", _HEADING, "")
        if _may_hold_a_bullet(text.text):
            text = text.sub(_STAR_BULLET, r"\1- ")
        text = _sub(text, "*_", _EMPHASIS, "")
        text = _sub(text, "\\", _ESCAPE, r"\1")
    t = text.text
    # "$" (multi-line) is before a newline or at the end; "^" after one or at the start
    if _BLANK_BEFORE_NEWLINE.search(t) is not None or t.endswith((" ", "\t")):
        text = text.sub(_TRAILING_WS, "")
    text = text.sub(_INNER_SPACES, " ") if "  " in text.text else text
    t = text.text
    if "\n " in t or t.startswith(" "):
        text = text.sub(_LEADING_SPACES, "")
    text = _sub(text, "\n", _WRAP, " ")
    text = text.sub(_MANY_BLANKS, "\n\n") if "\n\n\n" in text.text else text
    return _strip_outer(text)


def _strip_outer(text: MappedText) -> MappedText:
    """``text.sub(r"^\\s+|\\s+$", "")`` without scanning the text: the leading run of white
    space, then the trailing one."""
    t = text.text
    lead = _OUTER_SPACE_RUN.match(t)
    a = lead.end() if lead else 0
    b = len(t)
    while b > a and t[b - 1].isspace() and t[b - 1] not in _NOT_REGEX_SPACE:
        b -= 1
    edits = [(0, a, "")] if a else []
    if b < len(t):
        edits.append((b, len(t), ""))
    return text.replace_spans(edits)


def normalize_document(raw: RawDocument, sha256: str | None = None) -> Document:
    """Normalise every page and join them, keeping page starts for provenance."""
    markdown = raw.format in {"md", "txt"}
    pieces: list[MappedText] = []
    page_starts: list[int] = []
    raw_page_starts: list[int] = []
    raw_pos = 0
    pos = 0
    for page in raw.pages:
        page_text = normalize_text(page.text, markdown=markdown, base=raw_pos)
        if pieces:
            sep = MappedText.synthetic(PAGE_SEPARATOR, raw_pos)
            pieces.append(sep)
            pos += len(PAGE_SEPARATOR)
        page_starts.append(pos)
        raw_page_starts.append(raw_pos)
        pieces.append(page_text)
        pos += len(page_text.text)
        raw_pos += len(page.text) + len(PAGE_SEPARATOR)
    mapped = pieces[0] if pieces else MappedText.identity("")
    for piece in pieces[1:]:
        mapped = mapped + piece
    return Document(
        path=raw.path,
        format=raw.format,
        text=mapped.text,
        source=mapped,
        page_starts=page_starts or [0],
        raw_page_starts=raw_page_starts or [0],
        encoding=raw.encoding,
        ocr_pages={p.number: p.ocr_confidence for p in raw.pages if p.ocr},
        tables=[_anchored(t, mapped, raw_page_starts) for t in raw.tables],
        e_signature=raw.e_signature,
        scan=raw.scan,
        sha256=sha256,
    )


def _anchored(table: RawTable, mapped: MappedText, raw_page_starts: list[int]) -> RawTable:
    """The table with its anchor moved from its page's raw text into the normalised text."""
    if table.anchor is None or not 0 < table.page <= len(raw_page_starts):
        return table
    return replace(table, anchor=mapped.offset_of(raw_page_starts[table.page - 1] + table.anchor))
