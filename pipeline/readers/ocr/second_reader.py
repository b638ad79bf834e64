"""A second reading of page 1's number line and place-date line (asterocr, offline).

Tesseract reads the filled-in number (``Số: 105/BC-UBND``) and the date (``Hà Nội, ngày
08 tháng 10 năm 2025``) of a scanned dispatch worst of all its lines; a Vietnamese line
recogniser whose weights ship inside its wheel (``asterocr``, ONNX) reads those two lines
better (measured by ``bench/bench_second_reader.py`` on the real scans). Its reading is
combined with Tesseract's, never trusted alone:

- both parse to the same value: the line's digit words get the second reading as a
  confident re-read (``OcrWord.reread``), which raises them (``effective_confidence``);
- Tesseract's line does not parse but the second reading does: the second reading
  replaces the line in the page text (for a date line only ``ngày … tháng … năm …``; the
  place stays Tesseract's) and its digit words get a moderate confidence under the
  review threshold unless both readers' digits agree, so the value is a candidate for a
  person to confirm;
- both parse and differ: the digit words' confidence is lowered under the threshold and
  the other reading set as their re-read, so the review flags the field naming both.

``line_reader`` is ``None`` when asterocr or its bundled model is not installed; then the
page is left as Tesseract read it. Nothing is ever downloaded: the model is loaded from
its explicit path inside the installed package.
"""
from __future__ import annotations

import math
import statistics
import threading
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import regex

from pipeline.text.keys import fold_diacritics
from pipeline.text.scan import OcrWord, align_words, digits

LineReader = Callable[[object], str]

MAX_ASPECT = 24  # asterocr reads chunks up to 24x their height
AGREE_CONFIDENCE = 0.95  # re-read confidence of a second reading that agrees
# confidence of digits only the second reader parsed (under min_handwritten_confidence)
SECOND_ONLY_CONFIDENCE = 0.70
DISAGREE_CONFIDENCE = 0.50  # cap on digit words the two readers read differently
COLUMN_GAP = 1.5  # a gap wider than this x the line height splits a Tesseract line

NUM_RE = regex.compile(r"(?<![\p{L}\p{N}])(\d{1,5}(?:/\d{4})?/[A-ZĐ]{1,6}(?:-[A-ZĐ][A-Za-zĐđ]{0,5})+)")
DATE_RE = regex.compile(
    r"ng[aàáảãạ][yỳýỷỹỵ]\s*(\d{1,2})\s*th[aàáảãạ]ng\s*(\d{1,2})\s*n[aăâ][mn]\s*(\d{4})",
    regex.IGNORECASE)

_lock = threading.Lock()
_reader: list[LineReader | None] = []


def line_reader() -> LineReader | None:
    """A callable reading a PIL line crop to text, or ``None`` (asterocr not installed)."""
    with _lock:
        if not _reader:
            _reader.append(_load())
        return _reader[0]


def _load() -> LineReader | None:
    try:
        import asterocr
        from asterocr import AsterOCR
    except Exception:  # noqa: BLE001 - not installed or broken: read as today
        return None
    model = Path(asterocr.__file__).parent / "assets" / "asternet.onnx"
    if not model.is_file():
        return None  # its loader would fall back to a download: refused
    try:
        ocr = AsterOCR(model_path=str(model), backend="onnx", device="cpu",
                       enable_telemetry=False)
    except Exception:  # noqa: BLE001 - e.g. onnxruntime missing
        return None

    def read(crop) -> str:
        return nfc(ocr.predict(crop.convert("RGB")))

    return read


# ---------------------------------------------------------------- parsing
def nfc(s: str) -> str:
    return regex.sub(r"\s+", " ", unicodedata.normalize("NFC", s or "")).strip()


def canon_line(s: str) -> str:
    """Spacing around '/' and before ',:' is not reading."""
    s = regex.sub(r"\s*/\s*", "/", nfc(s))
    return regex.sub(r"\s+([,:])", r"\1", s)


def parse_number(text: str) -> str | None:
    m = NUM_RE.search(canon_line(text))
    return m.group(1) if m else None


def parse_date(text: str) -> tuple[int, int, int] | None:
    """(day, month, year) of a ``ngày … tháng … năm …`` line, or ``None``."""
    m = DATE_RE.search(canon_line(text))
    if not m:
        return None
    d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= d <= 31 and 1 <= mo <= 12 and 1990 <= y <= 2100):
        return None
    return d, mo, y


def _parse(kind: str, text: str):
    return parse_number(text) if kind == "number" else parse_date(text)


def decide(kind: str, tess: str, second: str | None) -> str:
    """``keep`` / ``agree`` / ``second`` / ``disagree`` for a number or date line."""
    if not second:
        return "keep"
    t, s = _parse(kind, tess), _parse(kind, second)
    if t and s:
        return "agree" if t == s else "disagree"
    return "second" if s else "keep"


def replacement_line(kind: str, tess: str, second: str) -> str:
    """The line's new text when only the second reading parses."""
    if kind == "number":
        return f"Số: {parse_number(second)}"
    m = DATE_RE.search(canon_line(second))
    tail = f"ngày {m.group(1)} tháng {m.group(2)} năm {m.group(3)}"
    t = nfc(tess)
    at = regex.search(r"(?:^|\s)ng\S{0,3}(?:\s|\d|$)", t, regex.IGNORECASE)
    place = t[:at.start()].rstrip(" ,") if at else ""
    return f"{place}, {tail}" if place else tail


def _second_parts(kind: str, second: str) -> list[str]:
    """The second reading's digit strings: [number] or [day, month, year]."""
    if kind == "number":
        return [digits(parse_number(second) or "")]
    m = DATE_RE.search(canon_line(second))
    return [m.group(1), m.group(2), m.group(3)] if m else []


# ---------------------------------------------------------------- lines of the page
@dataclass
class Line:
    kind: str  # number / date
    indexes: list[int]  # positions in the page's word list, in reading order

    def words(self, words: list[OcrWord]) -> list[OcrWord]:
        return [words[i] for i in self.indexes]


def line_segments(words: list[OcrWord]) -> list[list[int]]:
    """Tesseract's lines split at column gaps ("Số: …" and "Hà Nội, ngày …" of one row)."""
    lines: dict[tuple, list[int]] = {}
    for i, w in enumerate(words):
        lines.setdefault(w.line, []).append(i)
    out: list[list[int]] = []
    for idx in lines.values():
        idx = sorted(idx, key=lambda i: words[i].left)
        h = statistics.median(words[i].bottom - words[i].top for i in idx)
        seg = [idx[0]]
        for i in idx[1:]:
            if words[i].left - words[seg[-1]].right > COLUMN_GAP * h:
                out.append(seg)
                seg = [i]
            else:
                seg.append(i)
        out.append(seg)
    return sorted(out, key=lambda s: (min(words[i].top for i in s), words[s[0]].left))


def find_lines(words: list[OcrWord], page_height: int) -> list[Line]:
    """The number line and the place-date line among page 1's words (top half only)."""
    found: dict[str, Line] = {}
    for seg in line_segments(words):
        if min(words[i].top for i in seg) > page_height / 2:
            break
        keys = [fold_diacritics(words[i].text).lower() for i in seg]
        has_digit = any(regex.search(r"\d", words[i].text) for i in seg)
        if "number" not in found and has_digit and \
                regex.match(r"^s[o0][:;.]?(?![a-z])", keys[0]):
            found["number"] = Line("number", seg)
        elif "date" not in found and has_digit \
                and any(regex.match(r"ng[a-z]{2}(?![a-z])", k) for k in keys) \
                and any(regex.match(r"th[a-z]ng", k) for k in keys):
            found["date"] = Line("date", seg)
    return list(found.values())


def _box(ws: list[OcrWord]) -> tuple[int, int, int, int]:
    return (min(w.left for w in ws), min(w.top for w in ws),
            max(w.right for w in ws), max(w.bottom for w in ws))


def padded(box, size, pad_x=0.25, pad_y=0.15):
    x0, y0, x1, y1 = box
    h = y1 - y0
    return (max(0, int(x0 - pad_x * h)), max(0, int(y0 - pad_y * h)),
            min(size[0], int(x1 + pad_x * h)), min(size[1], int(y1 + pad_y * h)))


def line_chunks(ws: list[OcrWord]) -> list[tuple[int, int, int, int]]:
    """Word-aligned boxes no wider than MAX_ASPECT x the (padded) line height."""
    _, y0, _, y1 = _box(ws)
    h = (y1 - y0) * 1.3
    limit = MAX_ASPECT * h - 0.5 * h
    groups, cur = [], []
    for w in ws:
        if cur and w.right - cur[0].left > limit:
            groups.append(cur)
            cur = []
        cur.append(w)
    if cur:
        groups.append(cur)
    boxes = []
    for g in groups:
        cx0, cx1 = g[0].left, g[-1].right
        if cx1 - cx0 > limit:  # one over-long "word": cut it blindly
            n = math.ceil((cx1 - cx0) / limit)
            step = (cx1 - cx0) / n
            boxes += [(int(cx0 + i * step), y0, int(cx0 + (i + 1) * step), y1) for i in range(n)]
        else:
            boxes.append((cx0, y0, cx1, y1))
    return boxes


def read_line(image, ws: list[OcrWord], reader: LineReader) -> str:
    return nfc(" ".join(reader(image.crop(padded(b, image.size))) for b in line_chunks(ws)))


# ---------------------------------------------------------------- combination
def _digit_positions(kind: str, ws: list[OcrWord]) -> list[int]:
    """Positions in ``ws`` of the words carrying the line's digits: the number's leading
    digits, or the day, month and year (matched by offset in the joined line)."""
    if kind == "number":
        return next(([i] for i, w in enumerate(ws) if regex.search(r"\d", w.text)), [])
    texts = [unicodedata.normalize("NFC", w.text) for w in ws]
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    m = DATE_RE.search(" ".join(texts))
    if not m:  # Tesseract's line does not parse: its digit words in order
        return [i for i, w in enumerate(ws) if regex.search(r"\d", w.text)]
    out = []
    for g in (1, 2, 3):
        i = max(k for k, s in enumerate(starts) if s <= m.start(g))
        if i not in out:
            out.append(i)
    return out


def agree(kind: str, ws: list[OcrWord], second: str) -> list[OcrWord]:
    """Digit words confirmed by the second reading (a confident re-read)."""
    out = list(ws)
    for i in _digit_positions(kind, ws):
        out[i] = replace(ws[i], reread=digits(ws[i].text), reread_confidence=AGREE_CONFIDENCE)
    return out


def disagree(kind: str, ws: list[OcrWord], second: str) -> list[OcrWord]:
    """Digit words the two readings differ on: lowered, the other reading as re-read."""
    out = list(ws)
    parts = _second_parts(kind, second)
    positions = _digit_positions(kind, ws)
    tess_parts = _second_parts(kind, " ".join(w.text for w in ws))
    for n, i in enumerate(positions):
        other = parts[n] if n < len(parts) else ""
        mine = tess_parts[n] if n < len(tess_parts) else digits(ws[i].text)
        if kind == "date" and other and mine and int(other) == int(mine):
            continue  # this part agrees (the day, say, while the month differs)
        out[i] = replace(ws[i], confidence=min(ws[i].confidence, DISAGREE_CONFIDENCE),
                         reread=other or None, reread_confidence=DISAGREE_CONFIDENCE)
    return out


def replaced_words(ws: list[OcrWord], new_line: str) -> list[OcrWord]:
    """Words of ``new_line`` replacing Tesseract's ``ws`` (same line key; boxes reused one
    to one when the counts match, else spread over the line box by length).

    A digit token is paired with Tesseract's digit words from the end of the line (the
    day, month and year end a date line): where both read the same digits the token keeps
    Tesseract's confidence with a confident re-read; else it gets
    ``SECOND_ONLY_CONFIDENCE`` (under the review threshold) and Tesseract's digits as its
    re-read, so the review names both readings.
    """
    tokens = new_line.split(" ")
    tess_digit_words = [w for w in ws if regex.search(r"\d", w.text)]
    n_tokens = sum(1 for t in tokens if regex.search(r"\d", t))
    offset = len(tess_digit_words) - n_tokens  # pair from the end
    base = statistics.mean(w.confidence for w in ws)
    x0, y0, x1, y1 = _box(ws)
    total = sum(len(t) for t in tokens) or 1
    out, x, n_digit = [], float(x0), 0
    for k, tok in enumerate(tokens):
        if len(tokens) == len(ws):
            box = ws[k].box
        else:
            wd = (x1 - x0) * len(tok) / total
            box = (int(x), y0, int(x + wd), y1)
            x += wd
        w = OcrWord(tok, base, *box, line=ws[0].line)
        if regex.search(r"\d", tok):
            j = offset + n_digit
            n_digit += 1
            tw = tess_digit_words[j] if 0 <= j < len(tess_digit_words) else None
            if tw is not None and digits(tw.text) == digits(tok):
                w = replace(w, confidence=tw.confidence, reread=digits(tok),
                            reread_confidence=AGREE_CONFIDENCE)
            else:  # only the second reader: a candidate under the review threshold
                tess = digits(tw.text) if tw is not None else ""
                w = replace(w, confidence=SECOND_ONLY_CONFIDENCE, reread=tess or None,
                            reread_confidence=tw.confidence if tess else None)
        out.append(w)
    return out


def second_read(image, words: list[OcrWord], text: str,
                reader: LineReader | None) -> tuple[str, list[OcrWord]]:
    """Page 1's text and aligned words with the number and date lines read again."""
    if reader is None or not words:
        return text, words
    out = list(words)
    edits: list[tuple[int, int, str]] = []  # (start, end, new text) in ``text``
    replaced: dict[int, list[OcrWord]] = {}  # first word index → its replacement words
    dropped: set[int] = set()
    for line in find_lines(words, image.height):
        ws = line.words(words)
        tess = nfc(" ".join(w.text for w in ws))
        second = read_line(image, ws, reader)
        how = decide(line.kind, tess, second)
        if how == "agree":
            new = agree(line.kind, ws, second)
        elif how == "disagree":
            new = disagree(line.kind, ws, second)
        elif how == "second":
            aligned = [w for w in ws if w.start >= 0]
            if not aligned:
                continue
            start, end = min(w.start for w in aligned), max(w.end for w in aligned)
            if "\n" in text[start:end]:
                continue  # the layout split the line: leave it as read
            new_line = replacement_line(line.kind, text[start:end], second)
            edits.append((start, end, new_line))
            replaced[min(line.indexes)] = replaced_words(ws, new_line)
            dropped.update(line.indexes)
            continue
        else:
            continue
        for i, w in zip(line.indexes, new):
            out[i] = w
    if not edits:
        return text, out
    for start, end, new_line in sorted(edits, reverse=True):
        text = text[:start] + new_line + text[end:]
    rebuilt: list[OcrWord] = []
    for i, w in enumerate(out):
        if i in replaced:
            rebuilt += replaced[i]
        if i not in dropped:
            rebuilt.append(w)
    rebuilt = [replace(w, start=-1, end=-1) for w in rebuilt]
    return text, align_words(text, rebuilt)
