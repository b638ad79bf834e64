"""A text page's characters and words read with pdfium, the way pdfplumber would give them.

pdfplumber (pdfminer) interprets every content stream in Python: 4–20 pages a second on
a long decree. pdfium reads the same text a hundred times faster. This module takes from
pdfium's text page what ``pdfplumber.Page.extract_words(extra_attrs=["fontname", "size"])``
gives the reader — each character's text, box, font name and size, in content-stream
order — and groups the characters into words with pdfplumber's own rules (its default
tolerances), so ``pipeline.readers.layout`` sees the same words either way.

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

ctypes calls go through private prototypes taking plain addresses (``c_void_p``): the
pypdfium2 bindings' typed pointers cost more per call than the call itself, and this runs
once per character.
"""
from __future__ import annotations

import ctypes
import itertools
import re
from math import floor as _floor
from dataclasses import dataclass
from operator import itemgetter

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# pdfplumber's WordExtractor defaults (pdfplumber.utils.text)
X_TOLERANCE = 3
Y_TOLERANCE = 3
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_LIGATURE_TABLE = str.maketrans(LIGATURES)
# a path thinner than this (points) is drawn as a rule; pdfplumber's table finder keeps
# edges from 3 points long (edge_min_length)
RULE_THICKNESS = 3.0
RULE_MIN_LENGTH = 3.0
_POINT_TOLERANCE = 1e-3
_OWN_BOX = False  # a character whose advance is measured by its loose box

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


# one character as pdfplumber gives it (top-down coordinates, points): a plain tuple,
# made once per character
Char = tuple  # (text, x0, x1, top, bottom, fontname, size)
TEXT, X0, X1, TOP, BOTTOM, FONTNAME, SIZE = range(7)


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


def _address(handle) -> int:
    return ctypes.cast(handle, _vp).value


def _stream_order(page_handle: int) -> dict[int, int]:
    """Text objects' positions in the content stream (form objects' contents in place).

    pdfium orders a line's text objects left to right; pdfminer keeps the stream's order,
    and pdfplumber cuts words where the font changes in that order.
    """
    order: dict[int, int] = {}

    def walk(count: int, get) -> None:
        for i in range(count):
            obj = get(i)
            kind = _object_type(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                order[obj] = len(order)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                walk(_form_count(obj), lambda j, o=obj: _form_object(o, j))

    walk(_count_objects(page_handle), lambda i: _get_object(page_handle, i))
    return order


def _plain_page(page: pdfium.PdfPage) -> bool:
    """No rotation, and the media box at the origin with no crop: pdfplumber's page
    coordinates are then pdfium's with y flipped."""
    if page.get_rotation():
        return False
    media = page.get_mediabox()
    crop = page.get_cropbox()
    return media[0] == 0 and media[1] == 0 and tuple(crop) == tuple(media)


def _font(textpage: int, index: int, obj: int) -> _Font | None:
    m = pdfium_c.FS_MATRIX()
    _matrix(textpage, index, ctypes.addressof(m))
    if m.b != 0 or m.c != 0 or m.a <= 0 or m.d <= 0:
        return None  # rotated, skewed or mirrored text: pdfplumber's "upright" rules apply
    size = _font_size(textpage, index)
    font = _obj_font(obj)
    name = ""
    descent = 0.0
    if font:
        length = _font_name(font, None, 0)
        buf = ctypes.create_string_buffer(max(length, 1))
        _font_name(font, buf, length)
        name = buf.value.decode("latin-1")
        out = _flt()
        if _font_descent(font, _flt(1000.0), ctypes.addressof(out)):
            # as pdfminer: Descent × 0.001 (forced negative), times the font size
            descent = min(out.value, -out.value) * 0.001
    return _Font(name, size, descent * size, _exact(m.d), _exact(m.a))


def _object_runs(tp: int, n: int) -> list[tuple[int, int, int]]:
    """``(start, end, text object)`` runs of the page's characters.

    pdfium appends a text object's characters in one go, so each object's characters are
    contiguous: each run's end is found by galloping and bisection, a few calls per object
    instead of one per character. pdfium's generated characters (spaces, line breaks) have
    no object and are not contiguous: they are taken one by one.
    """
    runs = []
    i = 0
    while i < n:
        obj = _text_object(tp, i)
        if obj is None:
            # generated characters have no object, and are not contiguous: one at a time
            runs.append((i, i + 1, obj))
            i += 1
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


_CONTROL = re.compile("[\x00-\x1f\ufffe]")


def read_page(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage,
              advances: dict | None = None) -> list[Char] | None:
    """The page's characters in content-stream order, or ``None`` (read it with pdfplumber).

    ``advances``: characters' advances measured so far in the document, by font (kept
    across its pages: a glyph that overhangs its advance is measured where it is followed
    closely)."""
    advances = {} if advances is None else advances
    if not _plain_page(page):
        return None
    height = _exact(page.get_height())
    tp = _address(textpage.raw)
    n = _count_chars(tp)
    if n <= 0:
        return []
    buf = (ctypes.c_ushort * (n + 1))()
    got = _get_text(tp, 0, n, ctypes.addressof(buf))
    text = bytes(buf)[:max(got - 1, 0) * 2].decode("utf-16-le", "replace")
    if len(text) != n:
        return None  # characters outside the BMP: keep pdfplumber's reading
    # a control code pdfium did not generate itself: pdfplumber decides (most pages have
    # none, and are spared the test per character)
    controls = _CONTROL.search(text) is not None
    order = _stream_order(_address(page.raw))
    ox, oy = _dbl(), _dbl()
    ox_p, oy_p = ctypes.addressof(ox), ctypes.addressof(oy)
    box = pdfium_c.FS_RECTF()
    box_p = ctypes.addressof(box)
    runs: list[tuple[int, int, _Font | None, list[list]]] = []
    # advances measured on this page, by font: the document's take them once the page is
    # read whole (a page given back to pdfplumber measures nothing)
    measured: dict[tuple, dict[str, float]] = {}
    last = None  # the last character kept, in pdfium's order: [index, char, x, y, right]
    last_widths = None  # its font's measured advances
    raw_y = y = None
    origin, is_generated = _origin, _is_generated
    for start, end, obj in _object_runs(tp, n):
        font = None
        widths = None
        run: list[list] = []
        prev = None  # run[-1] …
        open_ = False  # … its advance not yet known (prev[4] is None); its x and y:
        prev_x = prev_y = 0.0
        for i in range(start, end):
            ch = text[i]
            if ch.isspace() and is_generated(tp, i):
                # pdfium's own spaces and line breaks are not in the content stream. One
                # between two text objects starts where the character before it ends; one
                # inside an object stands for a kerning gap (and may replace the real space
                # after it): it starts at the next character, so the character before it
                # is measured by its own box
                if obj is None:
                    if last is not None and last[0] == i - 1:
                        origin(tp, i, ox_p, oy_p)
                        if ox.value > last[2]:
                            last[4] = ox.value
                            _measure(last_widths, last[1], ox.value - last[2])
                elif open_:
                    prev[4] = _OWN_BOX
                    open_ = False
                continue
            if controls:
                code = ord(ch)
                if code < 0x20 or code == 0xFFFE:
                    return None  # a control code: pdfplumber decides
            if font is None:
                if _map_error(tp, i):
                    return None  # no Unicode for the run's glyphs: pdfminer says (cid:N)
                font = _font(tp, i, obj)
                if font is None:
                    return None
                widths = measured.setdefault((font.name, font.size, font.x_scale), {})
            origin(tp, i, ox_p, oy_p)
            x = _floor(ox.value * 10000.0 + 0.5) / 10000.0  # _exact, inlined
            if oy.value != raw_y:  # a run's characters share their baseline
                raw_y = oy.value
                y = _exact(raw_y)
            # within a run the next character starts where this one's advance ends
            if open_ and x > prev_x and (y == prev_y or abs(y - prev_y) < _POINT_TOLERANCE):
                prev[4] = x
                width = x - prev_x  # _measure, inlined: nearly every character is measured
                if width < widths.get(prev[1], width + 1):
                    widths[prev[1]] = width
            prev = [i, ch, x, y, None]
            open_, prev_x, prev_y = True, x, y
            run.append(prev)
        if run:
            last, last_widths = run[-1], widths
            runs.append((order.get(obj, len(order)), start, font, run))
    # a character's advance, where measured (the next origin), is the same wherever that
    # character is set in that font and size; kerning only ever adds to it
    for key, widths in measured.items():
        known = advances.setdefault(key, {})
        for ch, width in widths.items():
            if width < known.get(ch, width + 1):
                known[ch] = width
    runs.sort(key=itemgetter(0, 1))  # content-stream order (a run is one text object)
    chars: list[Char] = []
    append = chars.append
    for _, _, font, run in runs:
        fontsize, descent, name, x_scale = font.size, font.descent, font.name, font.x_scale
        d = font.y_scale
        known = advances.get((name, fontsize, x_scale), {})
        y = top = bottom = size = None
        for i, ch, x, char_y, right in run:
            advance = known.get(ch)
            if advance is not None:
                right = x + advance
            elif ch.isspace():
                right = x
            else:
                _loose_box(tp, i, box_p)  # never measured: the character's loose box
                right = box.right
            if char_y != y:
                # pdfminer's box, computed as pdfminer computes it: its size (y1 - y0)
                # carries the same last-digit noise, and pdfplumber groups words by it
                y = char_y
                y0 = 0.0 + d * descent + y
                y1 = 0.0 + d * (descent + fontsize) + y
                top, bottom, size = height - y1, height - y0, y1 - y0
            append((ch, x, right, top, bottom, name, size))
    return chars


def _measure(widths: dict[str, float] | None, ch: str, width: float) -> None:
    """The narrowest advance seen for ``ch`` (kerning only ever widens it)."""
    if widths is not None and width < widths.get(ch, width + 1):
        widths[ch] = width


def _line_clusters(chars: list[Char]) -> list[list[Char]]:
    """pdfplumber's ``cluster_objects(chars, top, y_tolerance)``: lines by top."""
    tops = list(map(itemgetter(TOP), chars))
    lines: list[list[Char]] = []
    line_of: dict[float, list[Char]] = {}
    last = None
    for top in sorted(set(tops)):
        if last is None or top > last + Y_TOLERANCE:
            lines.append([])
        line_of[top] = lines[-1]
        last = top
    if len(lines) == 1:
        return [chars]
    for c, top in zip(chars, tops):
        line_of[top].append(c)
    return lines


def _word(chars: list[Char], x1: float, top: float, bottom: float) -> dict:
    # chars are sorted by x0: the first one's is the word's
    return {"text": "".join([c[TEXT] for c in chars]).translate(_LIGATURE_TABLE),
            "x0": chars[0][X0], "x1": x1, "top": top, "bottom": bottom,
            "fontname": chars[0][FONTNAME], "size": chars[0][SIZE]}


def extract_words(chars: list[Char]) -> list[dict]:
    """``pdfplumber``'s ``extract_words(extra_attrs=["fontname", "size"])`` on these chars:
    runs of one font and size, cut into lines by top, each line left to right, words
    broken at blanks, at a step back, at a gap wider than 3 points or a line jump."""
    words: list[dict] = []
    append = words.append
    for _, run in itertools.groupby(chars, key=itemgetter(FONTNAME, SIZE)):
        for line in _line_clusters(list(run)):
            line.sort(key=itemgetter(X0))  # stable, as pdfplumber's sort
            current: list[Char] = []
            prev = None
            x1 = top = bottom = 0.0
            for c in line:
                if c[TEXT].isspace():
                    if current:
                        append(_word(current, x1, top, bottom))
                        current = []
                    continue
                if current and (c[X0] < prev[X0] or c[X0] > prev[X1] + X_TOLERANCE
                                or (c[TOP] != prev[TOP]
                                    and abs(c[TOP] - prev[TOP]) > Y_TOLERANCE)):
                    append(_word(current, x1, top, bottom))
                    current = []
                if current:
                    if c[X1] > x1:
                        x1 = c[X1]
                    if c[TOP] < top:
                        top = c[TOP]
                    if c[BOTTOM] > bottom:
                        bottom = c[BOTTOM]
                else:
                    x1, top, bottom = c[X1], c[TOP], c[BOTTOM]
                current.append(c)
                prev = c
            if current:
                append(_word(current, x1, top, bottom))
    return words


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

    def walk(count: int, get) -> None:
        nonlocal horizontal, vertical
        for i in range(count):
            obj = get(i)
            kind = _object_type(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                walk(_form_count(obj), lambda j, o=obj: _form_object(o, j))
                continue
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

    handle = _address(page.raw)
    walk(_count_objects(handle), lambda i: _get_object(handle, i))
    return horizontal >= 2 and vertical >= 2
