"""Two columns typed on one line: a letterhead or signature area laid out with TABS or runs
of SPACES, read as blocks, left column then right column.

Word 97 typists set the letterhead as ``UBND TỈNH HÀ TÂY<TAB>CỘNG HÒA XÃ HỘI…`` line by
line, and the signature area as ``Nơi nhận:<TAB>KT. GIÁM ĐỐC`` with the signer's name on a
line of its own after a few blank ones (``<TAB><TAB>Trương Chí Trung``). Read line by line
the columns interleave ("Ủy ban nhân dân cộng hòa xã hội…"); here such a band is read as the
PDF reader reads a two-column band by geometry (``layout.rows_to_blocks``): the left block,
a blank line, the right block, so the extractors see the same shape of text.

A gap left for a number or a day to be written by hand (``Số:     /QĐ-UB``, ``ngày   tháng
5``) is not a column gap: it is kept as typed.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.text.keys import tone_key

# a column gap: tabs, or three spaces and more (typists aligned columns by eye)
_GAP = regex.compile(r"[ \u00a0]*\t[\t \u00a0]*|[ \u00a0]{3,}")
# … unless it is the blank of a number or a date to be filled in by hand
_BLANK_BEFORE = regex.compile(r"(?:^|[\s,])(?:số|ngày|tháng|năm)\s*:?$", regex.I)
_BLANK_AFTER = regex.compile(r"^(?:/|tháng\b|năm\b)", regex.I)
# a list marker before a tab ("1.<TAB>…", "Điều 1.<TAB>…") is not a column
_MARKER = regex.compile(r"^(?:[-+•*–]|\d+[.)]?|[a-zđ][.)]|[IVX]+\.|điều\s+\d+\.?|chương\s+\w+"
                        r"|mục\s+\d+\.?|khoản\s+\d+\.?)$", regex.I)
# what makes a band the letterhead or the signature area (as for a layout table)
LAYOUT_CUES = regex.compile(
    r"cộng hòa xã hội|độc lập - tự do|^số\s*:|nơi nhận|^(tm|kt|tl|tuq|q)\.\s|\bv/v\b", regex.M)
_SIGNATURE_CUES = regex.compile(r"nơi nhận|^(tm|kt|tl|tuq|q)\.\s", regex.M)
# a column's line is short: a longer piece is a body paragraph with a stray gap
MAX_CELL_CHARS = 80
MAX_LONE_CHARS = 60


@dataclass(frozen=True)
class Line:
    """A paragraph as read, and whether it is centred (a title, never a left-column line)."""

    text: str
    centred: bool = False


@dataclass(frozen=True)
class _Kind:
    kind: str               # "two" | "right" | "plain" | "blank"
    left: str = ""
    right: str = ""


def split_cells(text: str) -> list[str]:
    """The pieces of a line between column gaps (a leading gap gives an empty first piece)."""
    pieces: list[str] = []
    start = 0
    for gap in _GAP.finditer(text):
        before, after = text[start:gap.start()], text[gap.end():]
        if before.strip() and (_BLANK_BEFORE.search(before.strip())
                               or _BLANK_AFTER.match(after)):
            continue  # a blank to be filled by hand, inside one column
        pieces.append(before)
        start = gap.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces]


def _classify(line: Line) -> _Kind:
    if not line.text.strip():
        return _Kind("blank")
    pieces = split_cells(line.text)
    if not pieces[0] and len([p for p in pieces if p]) >= 2:
        pieces = pieces[1:]  # both columns centred on tab stops: "<TAB>UBND…<TAB>CỘNG HÒA…"
    rest = [p for p in pieces[1:] if p]
    if not rest or any(len(p) > MAX_CELL_CHARS for p in pieces):
        return _Kind("plain")
    if not pieces[0]:
        return _Kind("right", right=" ".join(rest))
    if _MARKER.match(pieces[0]):
        return _Kind("plain")
    return _Kind("two", pieces[0], " ".join(rest))


def _band(kinds: list[_Kind], lines: list[Line], i: int) -> tuple[list[str], list[str], int]:
    """The columns of the band starting at line ``i`` (a two-column line) and where it ends."""
    left: list[str] = []
    right: list[str] = []
    blanks = 0
    end = i
    j = i
    while j < len(kinds):
        k = kinds[j]
        if k.kind == "blank":
            blanks += 1
            j += 1
            continue
        signature = bool(_SIGNATURE_CUES.search(tone_key("\n".join(left + right))))
        if k.kind == "two":
            for column, text in ((left, k.left), (right, k.right)):
                column.extend([""] * blanks if column else [])
                column.append(text)
        elif k.kind == "right" and len(k.right) <= MAX_LONE_CHARS and (blanks == 0 or signature):
            right.extend([""] * blanks if right else [])
            right.append(k.right)
        elif k.kind == "plain" and blanks == 0 and not lines[j].centred and \
                len(lines[j].text.strip()) <= MAX_LONE_CHARS:
            left.append(lines[j].text.strip())  # "V/v …" under "Số:", "- Lưu: VT." in the cc list
        else:
            break
        blanks = 0
        j += 1
        end = j
    return left, right, end


def lay_out_columns(lines: list[Line]) -> list[str]:
    """The lines with every tab- or space-laid letterhead/signature band read as two blocks
    (a blank line around and between them); other lines unchanged."""
    kinds = [_classify(line) for line in lines]
    out: list[str] = []
    i = 0
    while i < len(lines):
        if kinds[i].kind != "two":
            out.append(lines[i].text)
            i += 1
            continue
        left, right, end = _band(kinds, lines, i)
        if not LAYOUT_CUES.search(tone_key("\n".join(left + right))):
            out.append(lines[i].text)
            i += 1
            continue
        out.extend(["", "\n".join(left), "", "\n".join(right), ""])
        i = end
    return out
