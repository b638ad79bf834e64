"""A text page's characters read with pdfium, the way pdfplumber would give them.

pdfplumber (pdfminer) interprets every content stream in Python: 4–20 pages a second on
a long decree. pdfium reads the same text a hundred times faster. This module takes from
pdfium's text page what ``pdfplumber.Page.extract_words(extra_attrs=["fontname", "size"])``
reads — each character's text, box, font name and size, in content-stream order — and
``pdfium_words`` groups them into words with pdfplumber's own rules, so
``pipeline.readers.layout`` sees the same words either way.

The box is pdfminer's, not pdfium's, computed as pdfminer computes it: from the
character's origin (pdfium's single-precision coordinates rounded back to the file's
decimals), the height is the font size and the bottom sits at the font's descent — so the
size carries pdfminer's last-digit noise, which pdfplumber groups words by. The width is
the advance: up to the next character's origin in the same text object, or to pdfium's
generated space after it; a glyph's advance measured once serves wherever the glyph
recurs in that font and size (kept across the document's pages); one never measured (a
glyph followed by a kerning gap each time) takes pdfium's loose box, which may overhang
the advance by a few tenths of a point.

``read_page`` returns ``None`` for a page this path does not promise to read as pdfplumber
would (rotated or skewed text, characters without a Unicode mapping — pdfminer's
``(cid:N)`` —, a rotated or offset page box): the caller reads that page with pdfplumber.
``has_rules`` tells a page that may hold a ruled table (its lines and rectangles) from one
that cannot.

A page holds thousands of characters, and Python's cost per character, not pdfium's,
is what a page costs: the only call made per character is pdfium's origin, mapped over
the page in one go into numpy arrays (no Python loop around it), and the rest — which
characters are kept, their advances, their boxes — is computed on whole arrays; Python
loops run per text object and per distinct glyph. ctypes calls go through private
prototypes taking plain addresses (``c_void_p``): the pypdfium2 bindings' typed pointers
cost more per call than the call itself.
"""
from __future__ import annotations

import ctypes
import itertools
from bisect import bisect_right
from dataclasses import dataclass
from math import floor as _floor

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# a path thinner than this (points) is drawn as a rule; pdfplumber's table finder keeps
# edges from 3 points long (edge_min_length)
RULE_THICKNESS = 3.0
RULE_MIN_LENGTH = 3.0
_POINT_TOLERANCE = 1e-3

_vp, _int, _dbl, _flt = ctypes.c_void_p, ctypes.c_int, ctypes.c_double, ctypes.c_float


def _proto(func, restype, *argtypes):
    """The same pdfium function with address-typed arguments (see the module note)."""
    address = ctypes.cast(func, _vp).value
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


_count_chars = _proto(pdfium_c.FPDFText_CountChars, _int, _vp)
_get_text = _proto(pdfium_c.FPDFText_GetText, _int, _vp, _int, _int, _vp)
_text_object = _proto(pdfium_c.FPDFText_GetTextObject, _vp, _vp, _int)
_origin = _proto(pdfium_c.FPDFText_GetCharOrigin, _int, _vp, _int, _vp, _vp)
_loose_box = _proto(pdfium_c.FPDFText_GetLooseCharBox, _int, _vp, _int, _vp)
_matrix = _proto(pdfium_c.FPDFText_GetMatrix, _int, _vp, _int, _vp)
_font_size = _proto(pdfium_c.FPDFText_GetFontSize, _dbl, _vp, _int)
_is_generated = _proto(pdfium_c.FPDFText_IsGenerated, _int, _vp, _int)
_map_error = _proto(pdfium_c.FPDFText_HasUnicodeMapError, _int, _vp, _int)
_obj_font = _proto(pdfium_c.FPDFTextObj_GetFont, _vp, _vp)
_font_name = _proto(pdfium_c.FPDFFont_GetBaseFontName, ctypes.c_size_t, _vp, _vp, ctypes.c_size_t)
_font_descent = _proto(pdfium_c.FPDFFont_GetDescent, _int, _vp, _flt, _vp)
_count_objects = _proto(pdfium_c.FPDFPage_CountObjects, _int, _vp)
_get_object = _proto(pdfium_c.FPDFPage_GetObject, _vp, _vp, _int)
_form_count = _proto(pdfium_c.FPDFFormObj_CountObjects, _int, _vp)
_form_object = _proto(pdfium_c.FPDFFormObj_GetObject, _vp, _vp, ctypes.c_ulong)
_object_type = _proto(pdfium_c.FPDFPageObj_GetType, _int, _vp)
_object_bounds = _proto(pdfium_c.FPDFPageObj_GetBounds, _int, _vp, _vp, _vp, _vp, _vp)


# one character as pdfplumber gives it (top-down coordinates, points), as a tuple
Char = tuple  # (text, x0, x1, top, bottom, fontname, size)
TEXT, X0, X1, TOP, BOTTOM, FONTNAME, SIZE = range(7)


@dataclass
class PageChars:
    """A page's characters in content-stream order, one array per attribute.

    ``codes`` holds the characters' code points; ``font`` indexes ``fontnames``."""

    codes: np.ndarray
    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    size: np.ndarray
    font: np.ndarray
    fontnames: list[str]

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def text(self) -> str:
        return self.codes.tobytes().decode("utf-32-le")

    def tuples(self) -> list[Char]:
        """The characters one by one, as ``Char`` tuples (Python floats)."""
        names = [self.fontnames[k] for k in self.font.tolist()]
        return list(zip(self.text, self.x0.tolist(), self.x1.tolist(), self.top.tolist(),
                        self.bottom.tolist(), names, self.size.tolist()))


def _no_chars() -> PageChars:
    empty = np.empty(0)
    return PageChars(np.empty(0, np.uint32), empty, empty, empty, empty, empty,
                     np.empty(0, np.intp), [])


# str.isspace on code points: the last blank is U+3000, anything above maps to a non-blank
_BLANK = np.array([chr(c).isspace() for c in range(0x3002)])


def blanks(codes: np.ndarray) -> np.ndarray:
    """Which code points are blanks (``str.isspace``)."""
    return _BLANK[np.minimum(codes, len(_BLANK) - 1)]


@dataclass
class _Font:
    name: str
    size: float  # the font size set (Tf)
    descent: float  # pdfminer's: the descriptor's Descent, negative, times the font size
    y_scale: float  # the text matrix's vertical scale (d)
    x_scale: float


def _exact(value: float) -> float:
    """pdfium keeps coordinates in single precision: 128.96 comes back 128.96000671…. The
    numbers a PDF writes have a few decimals; rounded to four they are the file's again,
    as pdfminer reads them (and its arithmetic on them then gives the same doubles)."""
    return _floor(value * 10000.0 + 0.5) / 10000.0  # round(value, 4), a third of the time


def _exact_all(values: np.ndarray) -> np.ndarray:
    """``_exact`` on an array (the same IEEE operations, so the same doubles)."""
    return np.floor(values * 10000.0 + 0.5) / 10000.0


def _address(handle) -> int:
    return ctypes.cast(handle, _vp).value


def page_objects(page_handle: int) -> list[tuple[int, int]]:
    """``(object, type)`` of the page's objects in content-stream order, a form object's
    contents in place of the form (pdfium called through ``map``: no Python frame per
    object)."""
    count = _count_objects(page_handle)
    objects = list(map(_get_object, itertools.repeat(page_handle, count), range(count)))
    return _in_place(objects)


def _in_place(objects: list[int]) -> list[tuple[int, int]]:
    kinds = list(map(_object_type, objects))
    if pdfium_c.FPDF_PAGEOBJ_FORM not in kinds:
        return list(zip(objects, kinds))
    flat: list[tuple[int, int]] = []
    for obj, kind in zip(objects, kinds):
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            count = _form_count(obj)
            flat.extend(_in_place(list(map(_form_object, itertools.repeat(obj, count),
                                           range(count)))))
        else:
            flat.append((obj, kind))
    return flat


def _stream_order(page_handle: int) -> dict[int, int]:
    """Text objects' positions in the content stream (form objects' contents in place).

    pdfium orders a line's text objects left to right; pdfminer keeps the stream's order,
    and pdfplumber cuts words where the font changes in that order.
    """
    order: dict[int, int] = {}
    for obj, kind in page_objects(page_handle):
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            order[obj] = len(order)
    return order


def _plain_page(page: pdfium.PdfPage) -> bool:
    """No rotation, and the media box at the origin with no crop: pdfplumber's page
    coordinates are then pdfium's with y flipped."""
    if page.get_rotation():
        return False
    media = page.get_mediabox()
    crop = page.get_cropbox()
    return media[0] == 0 and media[1] == 0 and tuple(crop) == tuple(media)


def _font_facts(font: int) -> tuple[str, float]:
    """A font's base name and pdfminer's descent per unit of size (Descent × 0.001,
    forced negative)."""
    length = _font_name(font, None, 0)
    buf = ctypes.create_string_buffer(max(length, 1))
    _font_name(font, buf, length)
    out = _flt()
    descent = 0.0
    if _font_descent(font, _flt(1000.0), ctypes.addressof(out)):
        descent = min(out.value, -out.value) * 0.001
    return buf.value.decode("latin-1"), descent


def _font(textpage: int, index: int, obj: int, facts: dict) -> _Font | None:
    """The character's font as pdfminer sets it, or None (rotated or skewed text).
    ``facts``: font names and descents by font handle, read once per page."""
    m = pdfium_c.FS_MATRIX()
    _matrix(textpage, index, ctypes.addressof(m))
    if m.b != 0 or m.c != 0 or m.a <= 0 or m.d <= 0:
        return None  # rotated, skewed or mirrored text: pdfplumber's "upright" rules apply
    size = _font_size(textpage, index)
    font = _obj_font(obj)
    name, descent = "", 0.0
    if font:
        if font not in facts:
            facts[font] = _font_facts(font)
        name, descent = facts[font]
    return _Font(name, size, descent * size, _exact(m.d), _exact(m.a))


def _object_runs(tp: int, n: int, breaks: list[int]) -> list[tuple[int, int, int]]:
    """``(start, end, text object)`` runs of the page's characters.

    pdfium appends a text object's characters in one go, so each object's characters are
    contiguous: a run's end is first looked for at the next of ``breaks`` (pdfium's
    generated characters, sorted: a line's object mostly ends at its line break), else
    found by galloping and bisection — a few calls per object instead of one per
    character. Generated characters between objects have no object and are not
    contiguous: they are taken one by one.
    """
    runs = []
    i = 0
    while i < n:
        obj = _text_object(tp, i)
        if obj is None:
            runs.append((i, i + 1, obj))
            i += 1
            continue
        end = breaks[bisect_right(breaks, i)] if breaks and breaks[-1] > i else n
        if end > i + 1 and _text_object(tp, end - 1) == obj and (
                end == n or _text_object(tp, end) != obj):
            runs.append((i, end, obj))
            i = end
            continue
        lo, hi, step = i, i + 1, 1
        while hi < n and _text_object(tp, hi) == obj:
            lo, step = hi, step * 2
            hi = min(lo + step, n)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _text_object(tp, mid) == obj:
                lo = mid
            else:
                hi = mid
        runs.append((i, hi, obj))
        i = hi
    return runs


_GLYPH_BITS = 21  # a code point fits in 21 bits: (font key, glyph) as one integer
_GLYPH_MASK = (1 << _GLYPH_BITS) - 1


def _origins(tp: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every character's origin, pdfium writing straight into two arrays."""
    xs, ys = np.zeros(n), np.zeros(n)
    xb, yb = xs.ctypes.data, ys.ctypes.data
    # map drives the calls from C: no Python frame per character
    for _ in map(_origin, itertools.repeat(tp, n), range(n), range(xb, xb + 8 * n, 8),
                 range(yb, yb + 8 * n, 8)):
        pass
    return xs, ys


def _text(tp: int, n: int) -> str:
    buf = (ctypes.c_ushort * (n + 1))()
    got = _get_text(tp, 0, n, ctypes.addressof(buf))
    return bytes(buf)[:max(got - 1, 0) * 2].decode("utf-16-le", "replace")


def read_page(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage,
              advances: Advances | None = None) -> PageChars | None:
    """The page's characters in content-stream order, or ``None`` (read it with pdfplumber).

    ``advances``: characters' advances measured so far in the document, by font (kept
    across its pages: a glyph that overhangs its advance is measured where it is followed
    closely)."""
    advances = Advances() if advances is None else advances
    if not _plain_page(page):
        return None
    height = _exact(page.get_height())
    tp = _address(textpage.raw)
    n = _count_chars(tp)
    if n <= 0:
        return _no_chars()
    text = _text(tp, n)
    if len(text) != n:
        return None  # characters outside the BMP: keep pdfplumber's reading
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    # pdfium's own spaces and line breaks are not in the content stream: not kept
    is_space = blanks(codes)
    spaces = np.flatnonzero(is_space)
    generated = np.zeros(n, bool)
    if len(spaces):
        flags = np.fromiter(map(_is_generated, itertools.repeat(tp), spaces.tolist()),
                            dtype=np.intc, count=len(spaces))
        generated[spaces[flags != 0]] = True
    kept = ~generated
    if ((codes < 0x20) | (codes == 0xFFFE))[kept].any():
        return None  # a control code pdfium did not generate itself: pdfplumber decides

    runs = _object_runs(tp, n, np.flatnonzero(generated).tolist())
    run_of = np.repeat(np.arange(len(runs)), [end - start for start, end, _ in runs])
    kept_at = np.flatnonzero(kept)
    if not len(kept_at):
        return _no_chars()
    kept_run = run_of[kept_at]
    firsts = np.flatnonzero(steps(kept_run))
    # each text object's font, read at its first kept character
    facts: dict = {}
    names: dict[str, int] = {}
    count = len(runs)
    run_key = np.zeros(count, np.int64)
    run_name = np.zeros(count, np.intp)
    run_low = np.zeros(count)  # pdfminer's box: bottom and top above the baseline
    run_high = np.zeros(count)
    run_rank = [(0, 0)] * count
    order = _stream_order(_address(page.raw))
    for r, i in zip(kept_run[firsts].tolist(), kept_at[firsts].tolist()):
        obj = runs[r][2]
        if _map_error(tp, i):
            return None  # no Unicode for the run's glyphs: pdfminer says (cid:N)
        font = _font(tp, i, obj, facts)
        if font is None:
            return None
        run_key[r] = advances.font(font.name, font.size, font.x_scale)
        run_name[r] = names.setdefault(font.name, len(names))
        d = font.y_scale
        # computed as pdfminer does: its size (y1 - y0) carries the same last-digit noise,
        # and pdfplumber groups words by it
        run_low[r] = 0.0 + d * font.descent
        run_high[r] = 0.0 + d * (font.descent + font.size)
        run_rank[r] = (order.get(obj, len(order)), runs[r][0])

    xs, ys = _origins(tp, n)
    x, y = _exact_all(xs), _exact_all(ys)
    key_of = run_key[run_of] << _GLYPH_BITS | codes  # (font, glyph), each character
    objectless = np.array([obj is None for _, _, obj in runs])
    advances.learn(*_measured(key_of, xs, x, y, kept, run_of, objectless))

    x0, glyph = x[kept_at], key_of[kept_at]
    x1 = _advance_ends(tp, advances, glyph, x0, is_space[kept_at], kept_at)
    y0, y1 = run_low[kept_run] + y[kept_at], run_high[kept_run] + y[kept_at]
    # content-stream order: a run is one text object, its characters in pdfium's order
    ranks = np.empty(count, np.intp)
    ranks[sorted(range(count), key=run_rank.__getitem__)] = np.arange(count)
    perm = np.argsort(ranks[kept_run], kind="stable")
    return PageChars(codes[kept_at][perm], x0[perm], x1[perm],
                     (height - y1)[perm], (height - y0)[perm], (y1 - y0)[perm],
                     run_name[kept_run][perm], list(names))


class Advances:
    """Characters' advances measured in a document: the narrowest seen (kerning only ever
    widens one) for each character in each font (name, size, horizontal scale), kept
    across the document's pages. A glyph is one integer, its font's number shifted left
    of its code point; the measured glyphs are kept sorted, for lookups by bisection."""

    def __init__(self) -> None:
        self.fonts: dict[tuple[str, float, float], int] = {}
        self.glyphs = np.empty(0, np.int64)
        self.widths = np.empty(0)

    def font(self, name: str, size: float, x_scale: float) -> int:
        return self.fonts.setdefault((name, size, x_scale), len(self.fonts))

    def learn(self, glyphs: np.ndarray, widths: np.ndarray) -> None:
        glyphs = np.concatenate((self.glyphs, glyphs))
        widths = np.concatenate((self.widths, widths))
        by = np.lexsort((widths, glyphs))
        glyphs, widths = glyphs[by], widths[by]
        first = steps(glyphs)
        self.glyphs, self.widths = glyphs[first], widths[first]

    def of(self, glyphs: np.ndarray) -> np.ndarray:
        """Each glyph's advance, NaN where never measured."""
        if not len(self.glyphs):
            return np.full(len(glyphs), np.nan)
        at = np.minimum(np.searchsorted(self.glyphs, glyphs), len(self.glyphs) - 1)
        return np.where(self.glyphs[at] == glyphs, self.widths[at], np.nan)

    def as_dict(self) -> dict[tuple, dict[str, float]]:
        """``{(font name, size, horizontal scale): {character: advance}}``."""
        fonts = list(self.fonts)
        known: dict[tuple, dict[str, float]] = {}
        for glyph, width in zip(self.glyphs.tolist(), self.widths.tolist()):
            known.setdefault(fonts[glyph >> _GLYPH_BITS], {})[chr(glyph & _GLYPH_MASK)] = width
        return known


def steps(values: np.ndarray) -> np.ndarray:
    """Where each value differs from the one before (the first always does)."""
    out = np.empty(len(values), bool)
    out[:1] = True
    np.not_equal(values[1:], values[:-1], out=out[1:])
    return out


def _measured(key_of: np.ndarray, raw_x: np.ndarray, x: np.ndarray, y: np.ndarray,
              kept: np.ndarray, run_of: np.ndarray,
              objectless: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Advances measured on the page: ``(glyphs, widths)``, a glyph maybe many times.

    Within a text object the next kept character starts where this one's advance ends
    (on the same baseline, further right); a generated space inside an object stands for
    a kerning gap and measures nothing. A generated space between two objects starts
    where the character before it ends (pdfium's raw origin).
    """
    follows = kept[:-1] & kept[1:] & (run_of[:-1] == run_of[1:])
    dy = y[1:] - y[:-1]
    same_line = (y[1:] == y[:-1]) | (np.abs(dy) < _POINT_TOLERANCE)
    inner = np.flatnonzero(follows & (x[1:] > x[:-1]) & same_line)
    gaps = np.flatnonzero(~kept[1:] & objectless[run_of[1:]] & kept[:-1]
                          & (raw_x[1:] > x[:-1]))
    return (np.concatenate((key_of[inner], key_of[gaps])),
            np.concatenate((x[inner + 1] - x[inner], raw_x[gaps + 1] - x[gaps])))


def _advance_ends(tp: int, advances: Advances, glyph: np.ndarray, x0: np.ndarray,
                  is_space: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Each character's right edge: its origin plus its advance where measured (in the
    document, in that font and size); a blank's own origin; else pdfium's loose box."""
    advance = advances.of(glyph)
    x1 = x0 + advance
    unknown = np.isnan(advance)
    x1[unknown & is_space] = x0[unknown & is_space]
    box = pdfium_c.FS_RECTF()
    box_p = ctypes.addressof(box)
    for k in np.flatnonzero(unknown & ~is_space).tolist():
        _loose_box(tp, int(index[k]), box_p)  # never measured: the character's loose box
        x1[k] = box.right
    return x1


def has_rules(page: pdfium.PdfPage) -> bool:
    """Lines or rectangles enough for a ruled table: at least two horizontal and two
    vertical edges of 3 points or more (a letterhead's underlines alone are not a table).

    Counted from path objects' bounds (a thin box is a rule, a wider one a rectangle with
    four edges), inside form objects too; generous on purpose — a page with rules only
    costs the table finder's time.
    """
    horizontal = vertical = 0
    left, bottom, right, top = _flt(), _flt(), _flt(), _flt()
    refs = [ctypes.addressof(v) for v in (left, bottom, right, top)]
    for obj, kind in page_objects(_address(page.raw)):
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH or not _object_bounds(obj, *refs):
            continue
        width, height = right.value - left.value, top.value - bottom.value
        if width < RULE_THICKNESS and height >= RULE_MIN_LENGTH:
            vertical += 1
        elif height < RULE_THICKNESS and width >= RULE_MIN_LENGTH:
            horizontal += 1
        elif width >= RULE_MIN_LENGTH and height >= RULE_MIN_LENGTH:
            horizontal += 2
            vertical += 2
    return horizontal >= 2 and vertical >= 2
