"""Digit-only re-reads of the places where signed documents are filled in by hand.

The number (``Số: 196 /CĐ-TTg``) and the day and month of the date (``ngày 08 tháng
10``) are often written by hand after printing. Tesseract's general reading of such
digits is a guess; reading the word's crop again as a single line restricted to
digits (``--psm 7 -c tessedit_char_whitelist=0123456789/``) gives a second opinion.
When the two disagree the reading is doubtful (``ocr_words.effective_confidence``).
"""
from __future__ import annotations

from dataclasses import replace

import regex

from pipeline.text.keys import fold_diacritics
from pipeline.text.scan import OcrWord

DIGIT_CONFIG = "--psm 7 -c tessedit_char_whitelist=0123456789/"
MARGIN = 8  # pixels around a word's box
# re-read only words read under this confidence (confident words need no second opinion)
REREAD_BELOW = 0.93


def _line_key(word: OcrWord) -> str:
    return fold_diacritics(word.text).lower()


def filled_in_words(words: list[OcrWord]) -> list[int]:
    """Indexes of words with digits on the number line or a ``ngày … tháng …`` line."""
    lines: dict[tuple, list[int]] = {}
    for i, w in enumerate(words):
        lines.setdefault(w.line, []).append(i)
    out: list[int] = []
    for indexes in lines.values():
        keys = [_line_key(words[i]) for i in indexes]
        number_line = bool(keys) and regex.match(r"^s[oô0][:;.]?", keys[0]) is not None
        date_line = "thang" in keys and any(k.startswith("ngay") for k in keys)
        if not (number_line or date_line):
            continue
        for pos, i in enumerate(indexes):
            if not regex.search(r"\d", words[i].text):
                continue
            if number_line and not date_line and "/" in "".join(keys[:pos]):
                continue  # past the number: the symbol's year or a date on the same line
            out.append(i)
    return out


def reread_digits(image, words: list[OcrWord], *, lang: str = "eng") -> list[OcrWord]:
    """Words with ``reread``/``reread_confidence`` set on the filled-in places."""
    import pytesseract

    out = list(words)
    for i in filled_in_words(words):
        w = words[i]
        if w.confidence >= REREAD_BELOW:
            continue
        box = (max(0, w.left - MARGIN), max(0, w.top - MARGIN),
               min(image.width, w.right + MARGIN), min(image.height, w.bottom + MARGIN))
        crop = image.crop(box)
        data = pytesseract.image_to_data(crop, lang=lang, config=DIGIT_CONFIG,
                                         output_type=pytesseract.Output.DICT)
        texts = [(t or "").strip() for t in data["text"]]
        confs = [float(c) for t, c in zip(texts, data["conf"]) if t and float(c) >= 0]
        text = "".join(t for t in texts if t)
        out[i] = replace(w, reread=text, reread_confidence=min(confs) / 100 if confs else 0.0)
    return out
