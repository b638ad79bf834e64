"""OCR words placed in a page's text by runs of a line's words, for drawing their boxes.

``align_words`` (``pipeline.text.scan``) finds each word on its own from a cursor: good
enough to learn a span's confidence, but a reviewer looking at boxes sees its slips: the
letterhead's "TỈNH HÒA BÌNH" lands on "tỉnh Hòa Bình" of the Kính gửi line (found first
from the cursor), "Số:" on "Sở" (the same letters once folded).

Layout (``pipeline.readers.layout``) moves whole column segments of a Tesseract line, never
single words, so consecutive words of a line stay consecutive in the text. Here each line
is matched as runs: a word is placed where the longest run of its line's following words
matches consecutive tokens still free, preferring exact spellings, then the first place
after the line's previous run. Extraction keeps ``align_words``: its spans decide records.
"""
from __future__ import annotations

from dataclasses import replace

import regex

from pipeline.text.keys import fold_diacritics
from pipeline.text.scan import OcrWord

_TOKEN = regex.compile(r"\S+")
_KEY = regex.compile(r"[\p{L}\p{N}]+")


def _key(s: str) -> str:
    return "".join(_KEY.findall(fold_diacritics(s).lower())) or s


def align_runs(text: str, words: list[OcrWord]) -> list[OcrWord]:
    """``words`` with ``start``/``end`` set to their token's span in ``text`` (``-1``: not
    found), in the order given."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    keys = [_key(t) for _, _, t in tokens]
    where: dict[str, list[int]] = {}
    for j, k in enumerate(keys):
        where.setdefault(k, []).append(j)
    free = [True] * len(tokens)
    placed: dict[int, int] = {}  # word index → token index

    lines: dict[tuple[int, ...], list[int]] = {}
    for i, w in enumerate(words):
        lines.setdefault(w.line, []).append(i)
    for members in lines.values():
        members.sort(key=lambda i: words[i].left)
        wkeys = [_key(words[i].text) for i in members]
        after = 0
        n = 0
        while n < len(members):
            best = None
            for j in where.get(wkeys[n], ()):
                length = exact = 0
                while (n + length < len(members) and j + length < len(tokens)
                       and free[j + length] and keys[j + length] == wkeys[n + length]):
                    exact += tokens[j + length][2] == words[members[n + length]].text
                    length += 1
                if length:
                    score = (length, exact, j >= after, -j)
                    if best is None or score > best[0]:
                        best = (score, j)
            if best is None:
                n += 1
                continue
            length, j = best[0][0], best[1]
            for d in range(length):
                placed[members[n + d]] = j + d
                free[j + d] = False
            after = j + length
            n += length
    out = []
    for i, w in enumerate(words):
        j = placed.get(i)
        out.append(replace(w, start=tokens[j][0], end=tokens[j][1]) if j is not None
                   else replace(w, start=-1, end=-1))
    return out
