"""Ruled tables from pdfium's drawing, found by pdfplumber's own table finder.

pdfplumber finds a ruled table from the page's edges (its lines, rectangles and curves)
and fills the cells with the characters inside them; getting those from pdfminer means
interpreting the whole page in Python. Here the edges come from pdfium's path objects,
classified as pdfminer classifies a painted path (a segment is a line, a closed
axis-aligned four-sided path a rectangle, anything else a curve whose edges join its
points), and the characters from ``pdfium_text``; ``pdfplumber.table.TableFinder`` then
runs unchanged on a small stand-in for its page.

``PdfiumTablePage`` is ``None`` for a page whose drawing this does not promise to read as
pdfminer would (paths inside form objects): pdfplumber reads that page.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import Table, TableFinder, TableSettings

from pipeline.readers.pdfium_text import PageChars
from pipeline.readers.pdfium_words import Y_TOLERANCE, clusters, cut_words

_vp, _int, _flt = ctypes.c_void_p, ctypes.c_int, ctypes.c_float


def _proto(func, restype, *argtypes):
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(func, _vp).value)


_count_objects = _proto(pdfium_c.FPDFPage_CountObjects, _int, _vp)
_get_object = _proto(pdfium_c.FPDFPage_GetObject, _vp, _vp, _int)
_object_type = _proto(pdfium_c.FPDFPageObj_GetType, _int, _vp)
_object_matrix = _proto(pdfium_c.FPDFPageObj_GetMatrix, _int, _vp, _vp)
_form_count = _proto(pdfium_c.FPDFFormObj_CountObjects, _int, _vp)
_count_segments = _proto(pdfium_c.FPDFPath_CountSegments, _int, _vp)
_get_segment = _proto(pdfium_c.FPDFPath_GetPathSegment, _vp, _vp, _int)
_segment_point = _proto(pdfium_c.FPDFPathSegment_GetPoint, _int, _vp, _vp, _vp)
_segment_type = _proto(pdfium_c.FPDFPathSegment_GetType, _int, _vp)
_segment_close = _proto(pdfium_c.FPDFPathSegment_GetClose, _int, _vp)


def _edge(kind: str, x0: float, x1: float, top: float, bottom: float,
          orientation: str | None) -> dict:
    return {"object_type": kind, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "doctop": top, "width": x1 - x0, "height": bottom - top,
            "orientation": orientation}


def _subpath_edges(ops: str, pts: list[tuple[float, float]], height: float) -> list[dict]:
    """pdfminer's ``paint_path`` for one subpath (points already in page space), then
    pdfplumber's ``line_to_edge`` / ``rect_to_edges`` / ``curve_to_edges``."""
    if len(ops) > 3 and ops[-2:] == "lh" and pts[-2] == pts[0]:
        ops = ops[:-2] + "h"  # a redundant "l" back to the start before the close
        pts = pts[:-1]
    flipped = [(x, height - y) for x, y in pts]
    if ops in ("ml", "mlh"):
        (ax, at), (bx, bt) = flipped[0], flipped[1]
        top, bottom = min(at, bt), max(at, bt)
        return [_edge("line", min(ax, bx), max(ax, bx), top, bottom,
                      "h" if top == bottom else "v")]
    if ops in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or \
                 (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            left, right = min(p[0] for p in flipped), max(p[0] for p in flipped)
            top, bottom = min(p[1] for p in flipped), max(p[1] for p in flipped)
            return [_edge("rect_edge", left, right, top, top, "h"),
                    _edge("rect_edge", left, right, bottom, bottom, "h"),
                    _edge("rect_edge", left, left, top, bottom, "v"),
                    _edge("rect_edge", right, right, top, bottom, "v")]
    edges = []
    for (ax, at), (bx, bt) in zip(flipped, flipped[1:]):
        orientation = "v" if ax == bx else ("h" if at == bt else None)
        edges.append(_edge("curve_edge", min(ax, bx), max(ax, bx), min(at, bt),
                           max(at, bt), orientation))
    return edges


def _path_edges(obj: int, height: float) -> list[dict]:
    m = pdfium_c.FS_MATRIX()
    if not _object_matrix(obj, ctypes.addressof(m)):
        return []
    x, y = _flt(), _flt()
    xp, yp = ctypes.addressof(x), ctypes.addressof(y)
    edges: list[dict] = []
    ops, pts = "", []
    pending_bezier = 0
    for i in range(_count_segments(obj)):
        seg = _get_segment(obj, i)
        kind = _segment_type(seg)
        _segment_point(seg, xp, yp)
        point = (m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if ops:
                edges.extend(_subpath_edges(ops, pts, height))
            ops, pts = "m", [point]
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            ops += "l"
            pts.append(point)
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            # pdfium gives a curve as three points (two controls, then the end);
            # pdfminer keeps the end point only
            pending_bezier += 1
            if pending_bezier == 3:
                ops += "c"
                pts.append(point)
                pending_bezier = 0
        if _segment_close(seg) and pending_bezier == 0:
            ops += "h"
            pts.append(pts[0])
    if ops.startswith("m") and len(ops) > 1:
        edges.extend(_subpath_edges(ops, pts, height))
    return edges


def page_edges(page: pdfium.PdfPage) -> list[dict] | None:
    """Every edge pdfplumber's ``page.edges`` would list, or None (paths inside forms)."""
    height = page.get_height()
    handle = ctypes.cast(page.raw, _vp).value
    edges: list[dict] = []
    for i in range(_count_objects(handle)):
        obj = _get_object(handle, i)
        kind = _object_type(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and _form_count(obj):
            return None
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            edges.extend(_path_edges(obj, height))
    return edges


@dataclass
class PdfiumTablePage:
    """What ``pdfplumber.table.TableFinder`` reads of a page (its edges), and the page's
    characters for the tables' cells."""

    page_number: int
    bbox: tuple[float, float, float, float]
    edges: list[dict]
    chars: PageChars

    def find_tables(self) -> list[ArrayTable]:
        tables = TableFinder(self, TableSettings.resolve(None)).tables
        return [ArrayTable(t, self.chars) for t in tables]


class ArrayTable:
    """A found table whose ``extract`` gives pdfplumber's ``Table.extract()``: a cell's
    characters are those whose middle lies inside both its row's box and its own (boxes
    closed at the top left, open at the bottom right), and its text is pdfplumber's
    ``extract_text`` of them — words cut as on the page but one run per cell, lines of
    words by top (``cluster_objects``, tolerance 3), words joined by a space, lines by a
    line break. Computed for all the cells at once."""

    def __init__(self, table: Table, chars: PageChars):
        self.table = table
        self.bbox = table.bbox
        self.chars = chars

    def extract(self) -> list[list[str | None]]:
        chars = self.chars
        h_mid, v_mid = (chars.x0 + chars.x1) / 2, (chars.top + chars.bottom) / 2

        def inside(bbox) -> np.ndarray:
            x0, top, x1, bottom = bbox
            return (h_mid >= x0) & (h_mid < x1) & (v_mid >= top) & (v_mid < bottom)

        # (cell, character) pairs, cells numbered in reading order, characters in the
        # page's order within each cell
        cell_of, char_of = [], []
        shape: list[list[int | None]] = []
        for row in self.table.rows:
            in_row = inside(row.bbox)
            numbers: list[int | None] = []
            for cell in row.cells:
                if cell is None:
                    numbers.append(None)
                    continue
                found = np.flatnonzero(in_row & inside(cell))
                cell_of.append(np.full(len(found), len(char_of), np.intp))
                char_of.append(found)
                numbers.append(len(char_of) - 1)
            shape.append(numbers)
        texts = _cell_texts(chars, np.concatenate(cell_of or [np.empty(0, np.intp)]),
                            np.concatenate(char_of or [np.empty(0, np.intp)]), len(char_of))
        return [[None if k is None else texts[k] for k in numbers] for numbers in shape]


def _cell_texts(chars: PageChars, cell: np.ndarray, at: np.ndarray, cells: int) -> list[str]:
    """pdfplumber's ``extract_text`` of each cell's characters ("" for none)."""
    cut = cut_words(chars.codes[at], chars.x0[at], chars.x1[at], chars.top[at],
                    chars.bottom[at], cell)
    word_cell = cell[cut.first]
    # words in lines by top, each line's words in the order they were cut
    line = clusters(cut.top, word_cell, Y_TOLERANCE)
    lines: list[list[list[str]]] = [[] for _ in range(cells)]
    last = None
    for k in np.lexsort((np.arange(len(line)), line)).tolist():
        if line[k] != last:
            last = line[k]
            lines[word_cell[k]].append([])
        lines[word_cell[k]][-1].append(cut.text[k])
    return ["\n".join(" ".join(words) for words in cell_lines) for cell_lines in lines]


def table_page(page: pdfium.PdfPage, number: int, chars: PageChars) -> PdfiumTablePage | None:
    edges = page_edges(page)
    if edges is None:
        return None
    width, height = page.get_size()
    return PdfiumTablePage(number, (0, 0, width, height), edges, chars)
