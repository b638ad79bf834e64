"""Words from Tesseract's word table, and joined back into text with their spans.

The word type and its confidence helpers are the text model's (``pipeline.text.scan``):
extractors read them too.
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.text.scan import OcrWord


def words_from_data(data: dict, *, dx: int = 0, dy: int = 0, scale: float = 1.0) -> list[OcrWord]:
    """Words of a ``pytesseract.image_to_data(..., output_type=DICT)`` result.

    ``dx``/``dy``/``scale`` put the boxes of a crop back into page coordinates.
    """
    out: list[OcrWord] = []
    for i, raw in enumerate(data["text"]):
        text = (raw or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        left = int(data["left"][i] / scale) + dx
        top = int(data["top"][i] / scale) + dy
        out.append(OcrWord(
            text, conf / 100, left, top, left + int(data["width"][i] / scale),
            top + int(data["height"][i] / scale),
            (data["block_num"][i], data["par_num"][i], data["line_num"][i])))
    return out


def join_lines(words: list[OcrWord]) -> tuple[str, list[OcrWord]]:
    """Words joined into text (a space between words, a newline between lines), with spans."""
    parts: list[str] = []
    out: list[OcrWord] = []
    pos = 0
    previous = None
    for w in words:
        if previous is not None:
            sep = " " if w.line == previous else "\n"
            parts.append(sep)
            pos += 1
        out.append(replace(w, start=pos, end=pos + len(w.text)))
        parts.append(w.text)
        pos += len(w.text)
        previous = w.line
    return "".join(parts), out
