"""Tone-mark repair of OCR'd text with a syllable bigram model (``pipeline.lexicon.syllables``).

Tesseract often reads the right letters with a wrong tone or vowel mark: "tư vẫn" for
"tư vấn", "Chính phú" for "Chính phủ", "quôc tê" for "quốc tế", "ôn định" for "ổn định".
The rule, applied line by line (two syllables are neighbours when only spaces separate them):

1. a syllable is *suspect* when it has a neighbour and forms no known bigram with any of
   its neighbours (count 0 on both sides);
2. each spelling with the same letters once diacritics are folded (``variants``, the
   syllable as read included) is scored: its bigram count with the left neighbour plus
   that with the right one; a neighbour that is itself suspect may stand as any of its
   variants, so two wrong syllables in a row ("quôc tê") still find each other;
   a spelling without any mark is no candidate for a syllable read with marks;
3. the best variant replaces the syllable only when it is not the syllable as read, its
   score reaches ``Settings.ocr_lm_min_bigram`` and is at least
   ``Settings.ocr_lm_min_ratio`` times the runner-up's.

Every decision is taken on the text as read (no repair feeds another), the original's case
is kept letter by letter ("CHÍNH PHÚ" → "CHÍNH PHỦ"), and a replacement always has the
original's length (NFC letters with other marks are one character each), so every offset
of the text, and every provenance span, stays valid. ``repair_ocr_document`` repairs only
OCR'd pages and leaves the document's source map pointing at what OCR read.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.lexicon.syllables import line_syllables
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.document import Document
from pipeline.text.keys import fold_diacritics
from pipeline.text.mapped_text import MappedText


@dataclass(frozen=True)
class SyllableRepair:
    """``text[start:end]`` was ``original`` and is now ``replacement`` (same length)."""

    start: int
    end: int
    original: str
    replacement: str


def _with_case(pattern: str, word: str) -> str:
    """``word`` with the case of ``pattern``, letter by letter (same length)."""
    return "".join(c.upper() if p.isupper() else c for p, c in zip(pattern, word))


def _association(model, a: str, b: str) -> tuple[int, float]:
    """The bigram count of ``a b`` and how strongly the two go together: that count over
    the smaller of their unigram counts (1.0: one never occurs without the other)."""
    n = model.bigram(a, b)
    if not n:
        return 0, 0.0
    return n, n / max(1, min(model.unigram(a), model.unigram(b)))


def _side(model, v: str, others: list[str], after: bool) -> tuple[int, float, str | None]:
    """Best bigram of ``v`` with one spelling of a neighbour: count, association, spelling."""
    best: tuple[int, float, str | None] = (0, 0.0, None)
    for o in others:
        n, assoc = _association(model, v, o) if after else _association(model, o, v)
        if n > best[0]:
            best = (n, assoc, o)
    return best


def _repair_line(line: str, base: int, model, settings: Settings) -> list[SyllableRepair]:
    toks = list(line_syllables(line))
    n = len(toks)
    if n < 2:
        return []
    keys = [t[2] for t in toks]
    left = [i > 0 and toks[i][3] for i in range(n)]           # joined to the one before
    right = [i + 1 < n and toks[i + 1][3] for i in range(n)]  # joined to the one after
    suspect = [
        (left[i] or right[i])
        and not (left[i] and model.bigram(keys[i - 1], keys[i]))
        and not (right[i] and model.bigram(keys[i], keys[i + 1]))
        for i in range(n)
    ]

    def variants(i: int) -> list[str]:
        # never a spelling stripped of every mark: OCR mistakes one mark for another, and a
        # bare form ("Ninh Binh", "Viet Nam") is the corpus's unaccented text, not Vietnamese
        marked = fold_diacritics(keys[i]) != keys[i]
        return [keys[i]] + [v for v in model.variants(keys[i])
                            if v != keys[i] and not (marked and fold_diacritics(v) == v)]

    def as_neighbour(i: int) -> list[str]:
        # a suspect neighbour rare as read may stand as any of its variants ("quôc tê")
        if suspect[i] and model.unigram(keys[i]) < settings.ocr_lm_rare_count:
            return variants(i)
        return [keys[i]]

    proposals: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for i in range(n):
        if not suspect[i]:
            continue
        candidates = variants(i)
        if len(candidates) < 2:
            continue
        lefts = as_neighbour(i - 1) if left[i] else []
        rights = as_neighbour(i + 1) if right[i] else []
        scored = []
        for v in candidates:
            ln, la, ls = _side(model, v, lefts, after=False)
            rn, ra, rs = _side(model, v, rights, after=True)
            needs = [(j, s) for j, s in ((i - 1, ls), (i + 1, rs)) if s and s != keys[j]]
            scored.append((ln + rn, max(la, ra), v, needs))
        scored.sort(key=lambda sc: -sc[0])
        best_count, best_assoc, best, needs = scored[0]
        if (best == keys[i] or best_count < settings.ocr_lm_min_bigram
                or best_count < settings.ocr_lm_min_ratio * scored[1][0]
                or best_assoc < settings.ocr_lm_min_association):
            continue
        proposals[i] = (best, needs)
    # evidence from a neighbour read otherwise holds only if that neighbour is repaired so
    changed = True
    while changed:
        changed = False
        for i, (_, needs) in list(proposals.items()):
            if any(proposals.get(j, (None,))[0] != s for j, s in needs):
                del proposals[i]
                changed = True
    repairs: list[SyllableRepair] = []
    for i, (best, _) in sorted(proposals.items()):
        start, end = toks[i][0], toks[i][1]
        original = line[start:end]
        replacement = _with_case(original, best)
        if len(replacement) != len(original) or replacement == original:
            continue
        repairs.append(SyllableRepair(base + start, base + end, original, replacement))
    return repairs


def repair_syllables(text: str, model, settings: Settings = DEFAULT_SETTINGS
                     ) -> tuple[str, list[SyllableRepair]]:
    """``text`` with its tone-mark misreads repaired (same length), and the repairs made.

    ``model``: a ``SyllableModel`` (or anything with its ``bigram`` and ``variants``).
    """
    repairs: list[SyllableRepair] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        repairs += _repair_line(line, pos, model, settings)
        pos += len(line)
    if not repairs:
        return text, []
    chars = list(text)
    for r in repairs:
        chars[r.start:r.end] = r.replacement
    return "".join(chars), repairs


def repair_ocr_document(doc: Document, model, settings: Settings = DEFAULT_SETTINGS
                        ) -> Document:
    """A new ``Document`` whose OCR'd pages (``doc.ocr_pages``) are tone-repaired.

    Typed pages are left as they are. The source map keeps its offsets: the raw page
    text stays what OCR read, so provenance still points at the original.
    """
    if not doc.ocr_pages:
        return doc
    text = doc.text
    changed = False
    for page in sorted(doc.ocr_pages):
        if not 1 <= page <= len(doc.page_starts):
            continue
        start = doc.page_starts[page - 1]
        end = doc.page_starts[page] if page < len(doc.page_starts) else len(text)
        fixed, repairs = repair_syllables(text[start:end], model, settings)
        if repairs:
            text = text[:start] + fixed + text[end:]
            changed = True
    if not changed:
        return doc
    return replace(doc, text=text,
                   source=MappedText(text, doc.source.starts, doc.source.ends))
