"""What a stamp says: the urgency words (độ khẩn) and the arrival mark (dấu "ĐẾN").

Stamps are stamped, often tilted, usually red, so their OCR text is noisy: ``HÓA TÔC``,
``HOA T0C``, ``ĐẾN 22 001401205.|_``. The OCR stamp pass (``pipeline.readers.ocr.stamps``)
keeps a reading when these recognise it; ``extractors.stamps`` reads the values. Pure
functions of the stamp's text.
"""
from __future__ import annotations

from functools import cache

import regex
from rapidfuzz import fuzz

from pipeline.lexicon import load_lexicon
from pipeline.settings import Confidence
from pipeline.text.keys import fold_diacritics
from pipeline.text.spans import Found

# the urgency words may be read with these confusions (Ỏ→Ó/O, Ố→Ô/0, Ẩ→A/Â)
_FUZZY_CUTOFF = 80


@cache
def mark_words(kind: str) -> tuple[tuple[str, str], ...]:
    """``(("THUONG KHAN", "thuong_khan"), …)``: the ``kind`` marks of ``lexicon/marks.yaml``
    ("urgency" or "secrecy"), folded to capitals without diacritics, longest first.

    The one reading of that lexicon: the header's marks and the stamp pass both use it.
    Longest first so that ``THƯỢNG KHẨN`` is tried before the ``KHẨN`` inside it.
    """
    entries = load_lexicon("marks")[kind]
    words = [(fold_diacritics(e["words"]).upper(), e["code"]) for e in entries]
    return tuple(sorted(words, key=lambda wc: len(wc[0]), reverse=True))


@cache
def mark_codes(kind: str) -> dict[str, str]:
    """``{"HOA TOC": "hoa_toc", …}``: a mark's folded words → its code, for exact lookup."""
    return dict(mark_words(kind))


def folded_upper(text: str) -> str:
    # keep one character per character so offsets agree with ``text``
    return fold_diacritics(text).upper().replace("0", "O")


def urgency_from_stamp(text: str) -> Found[str] | None:
    """``hoa_toc`` / ``thuong_khan`` / ``khan`` from a stamp's OCR text, tolerant to noise.

    Meant for stamp text (a red layer or a stamp crop), not for body text, where "khẩn
    trương" is an ordinary word: a lone ``KHẨN`` counts only as a whole short line.
    """
    folded = folded_upper(text)
    for m in regex.finditer(r"[^\n]+", folded):
        line = m.group(0)
        letters = regex.sub(r"[^A-Z ]+", " ", line)
        letters = " ".join(letters.split())
        if not letters:
            continue
        for words, code in mark_words("urgency"):
            if " " not in words:
                # a one-word mark (KHẨN) is an ordinary word too: only a line of its own counts
                if _lone_word(words).fullmatch(line.strip()) or \
                        _lone_word_in_letters(words).fullmatch(letters):
                    return Found(code, m.start(), m.end(), Confidence.INFERRED)
                continue
            score = _window_score(words, letters)
            if score >= _FUZZY_CUTOFF and len(letters) <= 4 * len(words):
                return Found(code, m.start(), m.end(), round(score / 100, 2))
    return None


@cache
def _lone_word(word: str) -> regex.Pattern:
    """The word alone on a line, with stray punctuation around it."""
    return regex.compile(rf"\W*{regex.escape(word)}\W*")


@cache
def _lone_word_in_letters(word: str) -> regex.Pattern:
    """The word among a line's letters, with at most a two-letter smudge either side."""
    return regex.compile(rf"(?:\S{{0,2}} )?{regex.escape(word)}(?: \S{{0,2}})?")


def _window_score(words: str, letters: str) -> float:
    """Best similarity of ``words`` to a run of as many tokens of ``letters`` (or glued)."""
    n = len(words.split())
    tokens = letters.split()
    best = 0.0
    for i in range(max(1, len(tokens) - n + 1)):
        window = tokens[i:i + n]
        best = max(best, fuzz.ratio(words, " ".join(window)),
                   fuzz.ratio(words.replace(" ", ""), "".join(window)))
    return best


# printed in capitals on the stamp: "đến ngày 15" in a sentence is no stamp
ARRIVAL_MARK = regex.compile(r"(?<![A-Za-z])D\s?E\s?N(?![A-Za-z])")
SLOT_LABELS = {
    "number": regex.compile(r"(?<![A-Z])S[O0Ô]\s*(?:DEN)?\s*[:;.,]"),
    "time": regex.compile(r"(?<![A-Z])GI?[O0]\s*[:;.,]"),  # OCR: "Gờ:"
    "date": regex.compile(r"(?<![A-Z])NGAY\s*[:;.,]?"),
}
def is_arrival_stamp(text: str) -> bool:
    """The text holds an arrival stamp: the word ĐẾN and at least one of its slots."""
    folded = folded_upper(text)
    return bool(ARRIVAL_MARK.search(fold_diacritics(text))) and \
        any(p.search(folded) for p in SLOT_LABELS.values())


