"""pdfplumber's words from a page's characters (``pdfium_text.PageChars``), on arrays.

``pdfplumber.Page.extract_words(extra_attrs=["fontname", "size"])`` cuts the characters
into runs of one font and size (in content-stream order), each run into lines by top
(``cluster_objects``, tolerance 3), reads each line left to right (a stable sort by x0)
and breaks words at blanks, at a gap wider than 3 points or a jump in top of more than 3.
The same rules here, computed for the whole page at once with numpy — a Python loop per
character cost more than pdfium's reading of the page. ``cut_words`` takes the runs as
given: pdfplumber's ``extract_text`` on a table cell's characters is the same cut with
one run per cell.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from pipeline.readers.pdfium_text import PageChars, blanks, steps

# pdfplumber's WordExtractor defaults (pdfplumber.utils.text)
X_TOLERANCE = 3
Y_TOLERANCE = 3
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_LIGATURE_TABLE = str.maketrans(LIGATURES)
_LIGATURE = re.compile("[" + "".join(LIGATURES) + "]")


def clusters(values: np.ndarray, group: np.ndarray, tolerance: float) -> np.ndarray:
    """pdfplumber's ``cluster_objects`` within each group: each value's cluster, numbered
    in (group, value) order; a cluster runs on while the next value is within
    ``tolerance`` of the one before."""
    by_value = np.lexsort((values, group))
    ordered = values[by_value]
    starts = steps(group[by_value])
    starts[1:] |= ordered[1:] > ordered[:-1] + tolerance
    cluster = np.empty(len(values), np.intp)
    cluster[by_value] = np.cumsum(starts)
    return cluster


@dataclass
class Cut:
    """Words cut from characters: each word's first (leftmost) character, an index into
    the characters given, its text and box."""

    first: np.ndarray
    text: list[str]
    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray


def cut_words(codes: np.ndarray, x0: np.ndarray, x1: np.ndarray, top: np.ndarray,
              bottom: np.ndarray, run: np.ndarray) -> Cut:
    """pdfplumber's ``WordExtractor`` (default settings) on the characters, the runs given
    (characters in the page's order within each run)."""
    n = len(codes)
    if not n:
        return _NO_WORDS
    # each run's lines (by top), each line left to right, equal x0s in the page's order
    line = clusters(top, run, Y_TOLERANCE)
    order = np.lexsort((np.arange(n), x0, line))
    line, codes = line[order], codes[order]
    x0, x1, top, bottom = x0[order], x1[order], top[order], bottom[order]
    blank = blanks(codes)
    # a word starts at a line's start, after a blank, past a gap or a jump in top
    starts = steps(line)
    starts[1:] |= blank[:-1] | (x0[1:] > x1[:-1] + X_TOLERANCE) | (
        np.abs(top[1:] - top[:-1]) > Y_TOLERANCE)
    inked = np.flatnonzero(~blank)  # blanks only ever separate words
    if not len(inked):
        return _NO_WORDS
    bounds = np.flatnonzero(starts[inked])
    first = inked[bounds]
    letters = codes[inked].tobytes().decode("utf-32-le")
    ends = np.append(bounds[1:], len(inked))
    text = [letters[a:b] for a, b in zip(bounds.tolist(), ends.tolist())]
    if _LIGATURE.search(letters):
        text = [t.translate(_LIGATURE_TABLE) for t in text]
    return Cut(order[first], text, x0[first], np.maximum.reduceat(x1[inked], bounds),
               np.minimum.reduceat(top[inked], bounds),
               np.maximum.reduceat(bottom[inked], bounds))


_NO_WORDS = Cut(np.empty(0, np.intp), [], np.empty(0), np.empty(0), np.empty(0), np.empty(0))


@dataclass
class PageWords:
    """A page's words as pdfplumber's ``extract_words`` gives them, one array (or list)
    per attribute; ``font`` indexes ``fontnames``."""

    text: list[str]
    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    size: np.ndarray
    font: np.ndarray
    fontnames: list[str]

    def __len__(self) -> int:
        return len(self.text)

    def dicts(self) -> list[dict]:
        """pdfplumber's word dicts (``extra_attrs=["fontname", "size"]``)."""
        names = self.fontnames
        return [{"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                 "fontname": names[font], "size": size}
                for text, x0, x1, top, bottom, font, size in zip(
                    self.text, self.x0.tolist(), self.x1.tolist(), self.top.tolist(),
                    self.bottom.tolist(), self.font.tolist(), self.size.tolist())]


def page_words(chars: PageChars) -> PageWords:
    """``pdfplumber``'s ``extract_words(extra_attrs=["fontname", "size"])`` on these chars:
    runs of one font and size in content-stream order, each cut into words."""
    run = np.cumsum(steps(chars.font) | steps(chars.size)) if len(chars) else chars.font
    cut = cut_words(chars.codes, chars.x0, chars.x1, chars.top, chars.bottom, run)
    return PageWords(cut.text, cut.x0, cut.x1, cut.top, cut.bottom, chars.size[cut.first],
                     chars.font[cut.first], chars.fontnames)


def extract_words(chars: PageChars) -> list[dict]:
    """``pdfplumber``'s ``extract_words(extra_attrs=["fontname", "size"])`` on these chars,
    as its dicts."""
    return page_words(chars).dicts()
