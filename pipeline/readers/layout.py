"""Reading order of positioned text: words → segments → rows → blocks → text.

Page 1 of a dispatch sets two grids side by side: the letterhead (issuing body,
``Số:``, ``V/v`` on the left; national motto and place-date on the right) and
the signature area (``Nơi nhận:`` on the left; the signer on the right). Read
row by row they interleave ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI…"). Here each
such band is read column by column, left block then right block, with a blank
line between blocks, so a PDF or a scan yields the same lines as the typed text.

Coordinates are top-down (``top`` < ``bottom``) in any unit; sizes are the text
height in that unit. PDFs feed words (``words_to_segments``); OCR feeds lines it
already found (``Segment`` directly).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

# a horizontal gap wider than this many text heights separates two columns …
COLUMN_GAP_EM = 1.5
# … and so does one over a text height that is this many times the line's usual word gap
# (a scanned letterhead can set its two columns barely an em apart)
COLUMN_GAP_MIN_EM = 1.0
COLUMN_GAP_TIMES_WORD_GAP = 3.0
# a vertical gap wider than this many line heights is a blank line between blocks
BLOCK_GAP_EM = 0.9
# how far below a band a one-sided row may sit and still belong to it
BAND_JOIN_EM = 1.0


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1e-6)


@dataclass
class Segment(Word):
    """A run of words on one visual line, not broken by a column gap."""

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Row:
    segments: list[Segment] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(s.top for s in self.segments)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segments)

    @property
    def height(self) -> float:
        return _median([s.height for s in self.segments])


@dataclass
class Block:
    """Lines read together: a paragraph run, or one column of a two-column band."""

    lines: list[Segment]
    column: str = "full"  # "full" | "left" | "right"


def _median(values: list[float]) -> float:
    """``statistics.median``, without its generality (this runs for every line)."""
    values = sorted(values)
    n = len(values)
    i = n // 2
    return values[i] if n % 2 else (values[i - 1] + values[i]) / 2


def _median_height(items) -> float:
    heights = [i.height for i in items]
    return _median(heights) if heights else 1.0


def _same_line(a_top: float, a_bottom: float, b: Segment | Word) -> bool:
    """Vertical overlap of at least half the smaller height."""
    overlap = min(a_bottom, b.bottom) - max(a_top, b.top)
    return overlap >= 0.5 * min(a_bottom - a_top, b.height)


def words_to_segments(words: list[Word]) -> list[Segment]:
    """Group words into lines, then cut each line at column gaps."""
    lines: list[list[Word]] = []
    extents: list[list[float]] = []  # each line's [top, bottom], kept as words join it
    for word in sorted(words, key=attrgetter("top", "x0")):
        top, bottom = word.top, word.bottom
        height = bottom - top
        if 1e-6 > height:  # Word.height
            height = 1e-6
        for k in range(len(lines) - 1, max(len(lines) - 4, 0) - 1, -1):
            extent = extents[k]
            line_top, line_bottom = extent
            # _same_line, inlined with comparisons for min() and max(): this runs for
            # every word of every page
            low = bottom if bottom < line_bottom else line_bottom
            high = top if top > line_top else line_top
            span = line_bottom - line_top
            if low - high >= 0.5 * (height if height < span else span):
                lines[k].append(word)
                if top < line_top:
                    extent[0] = top
                if bottom > line_bottom:
                    extent[1] = bottom
                break
        else:
            lines.append([word])
            extents.append([top, bottom])
    return lines_to_segments(lines)


def lines_to_segments(lines: list[list[Word]]) -> list[Segment]:
    """Cut each line of words at its column gaps (OCR gives lines ready-made)."""
    segments: list[Segment] = []
    for line in lines:
        if not line:
            continue
        line = sorted(line, key=lambda w: w.x0)
        height = _median_height(line)
        gaps = [b.x0 - a.x1 for a, b in zip(line, line[1:])]
        word_gap = _median(gaps) if len(gaps) >= 4 else float("inf")
        threshold = min(COLUMN_GAP_EM * height,
                        max(COLUMN_GAP_MIN_EM * height, COLUMN_GAP_TIMES_WORD_GAP * word_gap))
        run = [line[0]]
        for word, gap in zip(line[1:], gaps):
            if gap > threshold:
                segments.append(_segment(run))
                run = [word]
            else:
                run.append(word)
        segments.append(_segment(run))
    return segments


def _segment(words: list[Word]) -> Segment:
    x1, top, bottom = words[0].x1, words[0].top, words[0].bottom
    for w in words:
        if w.x1 > x1:
            x1 = w.x1
        if w.top < top:
            top = w.top
        if w.bottom > bottom:
            bottom = w.bottom
    # words come sorted by x0: the first one's is the segment's
    return Segment(" ".join([w.text for w in words]), words[0].x0, x1, top, bottom)


def segments_to_rows(segments: list[Segment]) -> list[Row]:
    """Segments that share a visual line, top to bottom, each row left to right."""
    rows: list[Row] = []
    for seg in sorted(segments, key=lambda s: (s.middle, s.x0)):
        for row in reversed(rows[-3:]):
            if _same_line(row.top, row.bottom, seg) and not any(
                    _overlaps_x(seg, other) for other in row.segments):
                row.segments.append(seg)
                break
        else:
            rows.append(Row([seg]))
    for row in rows:
        row.segments.sort(key=lambda s: s.x0)
    rows.sort(key=lambda r: r.top)
    return rows


def _overlaps_x(a: Segment, b: Segment) -> bool:
    return min(a.x1, b.x1) > max(a.x0, b.x0)


def _column_split(row: Row) -> tuple[float, float] | None:
    """The widest gap between two segments of a row: (left edge, right edge)."""
    if len(row.segments) < 2:
        return None
    gaps = [(b.x0 - a.x1, a.x1, b.x0) for a, b in zip(row.segments, row.segments[1:])]
    _, left, right = max(gaps)
    return left, right


def _side(seg: Segment, gap_left: float, gap_right: float) -> str | None:
    """Which column of a band a segment sits in; None when it spans the gutter."""
    fits_left = seg.x1 <= gap_right
    fits_right = seg.x0 >= gap_left
    if fits_left and fits_right:
        return "left" if (seg.x0 + seg.x1) / 2 < (gap_left + gap_right) / 2 else "right"
    return "left" if fits_left else "right" if fits_right else None


def _x_overlap_share(a: Segment, b: Segment) -> float:
    overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
    return max(0.0, overlap) / max(min(a.x1 - a.x0, b.x1 - b.x0), 1e-6)


def rows_to_blocks(rows: list[Row]) -> list[Block]:
    """Read two-column bands column by column; everything else row by row.

    A band starts at a row with a column gap and goes on while rows keep to one
    side of the gutter. A row with text on one side only joins when it follows
    closely, or when it is aligned under that column and the space above it is no
    wider than the spaces already seen inside the column (``V/v`` under ``Số:``),
    so a left-aligned ``Kính gửi:`` after the letterhead starts the body instead.
    """
    blocks: list[Block] = []
    full: list[Segment] = []

    def flush_full():
        if full:
            blocks.append(Block(list(full)))
            full.clear()

    i = 0
    while i < len(rows):
        split = _column_split(rows[i])
        if split is None:
            full.extend(rows[i].segments)
            i += 1
            continue
        flush_full()
        gap_left, gap_right = split
        cols: dict[str, list[Segment]] = {"left": [], "right": []}
        widest: dict[str, float] = {"left": 0.0, "right": 0.0}
        j = i
        while j < len(rows):
            row = rows[j]
            sides = [_side(s, gap_left, gap_right) for s in row.segments]
            if None in sides:
                break  # a segment spans the gutter: the band is over
            if j > i and len(set(sides)) == 1:
                side = sides[0]
                prev = cols[side][-1] if cols[side] else None
                last_bottom = max(s.bottom for c in cols.values() for s in c)
                close = row.top - last_bottom <= BAND_JOIN_EM * row.height
                aligned = prev is not None and all(
                    _x_overlap_share(s, prev) >= 0.5 for s in row.segments) and \
                    row.top - prev.bottom <= 1.2 * widest[side] + 1e-6
                if not (close or aligned):
                    break
            for seg, side in zip(row.segments, sides):
                if cols[side]:
                    widest[side] = max(widest[side], seg.top - cols[side][-1].bottom)
                cols[side].append(seg)
                if side == "left":
                    gap_left = max(gap_left, seg.x1)
                else:
                    gap_right = min(gap_right, seg.x0)
            j += 1
        for side in ("left", "right"):
            if cols[side]:
                blocks.append(Block(cols[side], side))
        i = j
    flush_full()
    return blocks


def blocks_to_text(blocks: list[Block]) -> str:
    """Lines of each block; a blank line between blocks and at wide vertical gaps."""
    parts: list[str] = []
    for block in blocks:
        height = _median_height(block.lines)
        lines: list[str] = []
        prev: Segment | None = None
        for seg in sorted(block.lines, key=lambda s: (s.top, s.x0)) if block.column != "full" \
                else block.lines:
            if prev is not None and seg.top - prev.bottom > BLOCK_GAP_EM * height:
                lines.append("")
            lines.append(seg.text)
            prev = seg
        parts.append("\n".join(lines))
    return "\n\n".join(p for p in parts if p.strip())


def words_to_text(words: list[Word]) -> str:
    """Reading-order text of one page's words."""
    return segments_to_text(words_to_segments(words))


def segments_to_text(segments: list[Segment]) -> str:
    if not segments:
        return ""
    return blocks_to_text(rows_to_blocks(segments_to_rows(segments)))
