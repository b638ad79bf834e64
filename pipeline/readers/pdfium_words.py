"""pdfplumber's words from a page's characters (``pdfium_text.PageChars``), on arrays.

``pdfplumber.Page.extract_words(extra_attrs=["fontname", "size"])`` cuts the characters
into runs of one font and size (in content-stream order), each run into lines by top
(``cluster_objects``, tolerance 3), reads each line left to right (a stable sort by x0)
and breaks words at blanks, at a gap wider than 3 points or a jump in top of more than 3.
The same rules here, computed for the whole page at once with numpy — a Python loop per
character cost more than pdfium's reading of the page.
"""
from __future__ import annotations

import re

import numpy as np

from pipeline.readers.pdfium_text import PageChars

# pdfplumber's WordExtractor defaults (pdfplumber.utils.text)
X_TOLERANCE = 3
Y_TOLERANCE = 3
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_LIGATURE_TABLE = str.maketrans(LIGATURES)
_SPACE = re.compile(r"\s")  # str.isspace's characters


def _steps(values: np.ndarray) -> np.ndarray:
    """Where each value differs from the one before (the first always does)."""
    return np.r_[True, values[1:] != values[:-1]]


def reading_order(chars: PageChars) -> tuple[np.ndarray, np.ndarray]:
    """The characters' order as pdfplumber reads them (runs, lines top-down, each line
    left to right) and each one's line in that order."""
    n = len(chars)
    top = chars.top
    # runs of one font and size, in content-stream order
    run = np.cumsum(_steps(chars.font) | _steps(chars.size))
    # a run's characters by top: a line starts where top jumps by more than the tolerance
    by_top = np.lexsort((top, run))
    sorted_top = top[by_top]
    starts = _steps(run[by_top])
    starts[1:] |= sorted_top[1:] > sorted_top[:-1] + Y_TOLERANCE
    line = np.empty(n, np.intp)
    line[by_top] = np.cumsum(starts)
    # each line left to right, characters at the same x0 in the page's order
    order = np.lexsort((np.arange(n), chars.x0, line))
    return order, line[order]


def extract_words(chars: PageChars) -> list[dict]:
    """``pdfplumber``'s ``extract_words(extra_attrs=["fontname", "size"])`` on these chars."""
    if not len(chars):
        return []
    order, line = reading_order(chars)
    text = np.frombuffer(chars.text.encode("utf-32-le"), dtype=np.uint32)[order]
    blank = np.zeros(len(chars), bool)
    blank[[m.start() for m in _SPACE.finditer(chars.text)]] = True
    blank = blank[order]
    x0, x1, top, bottom = chars.x0[order], chars.x1[order], chars.top[order], \
        chars.bottom[order]
    # a word starts at a line's start, after a blank, past a gap or a jump in top
    dtop = top[1:] - top[:-1]
    starts = _steps(line)
    starts[1:] |= blank[:-1] | (x0[1:] > x1[:-1] + X_TOLERANCE) | (
        (top[1:] != top[:-1]) & (np.abs(dtop) > Y_TOLERANCE))
    inked = np.flatnonzero(~blank)  # blanks only ever separate words
    if not len(inked):
        return []
    bounds = np.flatnonzero(starts[inked])
    first = inked[bounds]
    letters = text[inked].tobytes().decode("utf-32-le")
    ends = np.r_[bounds[1:], len(inked)].tolist()
    names = chars.fontnames
    fonts = chars.font[order][first].tolist()
    return [{"text": letters[a:b].translate(_LIGATURE_TABLE), "x0": left, "x1": right,
             "top": high, "bottom": low, "fontname": names[font], "size": size}
            for a, b, left, right, high, low, font, size in zip(
                bounds.tolist(), ends, x0[first].tolist(),
                np.maximum.reduceat(x1[inked], bounds).tolist(),
                np.minimum.reduceat(top[inked], bounds).tolist(),
                np.maximum.reduceat(bottom[inked], bounds).tolist(),
                fonts, chars.size[order][first].tolist())]
