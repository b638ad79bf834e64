#!/usr/bin/env python3
"""Benchmark of the OCR tone-mark repair (``pipeline.readers.ocr.language``).

Usage: .venv/bin/python bench/bench_ocr_language.py [--shared DIR] [--no-cache] [--show N]

Two measurements:

(a) false repairs on clean text, leave-one-out: for every document of the model's corpus
    (``scripts/build_syllable_model.py``: ../shared/real/docs, ../shared/seeds, samples),
    counts are built WITHOUT that document (same pruning as the shipped file), the document
    is repaired with them and every change is counted: the text is typed and clean, so every
    change is a false repair (a typo of the source fixed by chance counts too).
(b) character error rate of the subject (trích yếu) of the labelled real scans
    (``bench/real_scans_expected.json`` key ``subject``, scans in ../shared/real-scans):
    the OCR'd, normalised text is what ``load_document`` reads before its repair step
    (``normalize_document(read_document(...))``); the subject is found in it by best fuzzy
    match (rapidfuzz ``partial_ratio_alignment``) against the expected subject; the same
    span (repairs keep lengths) of the repaired text (``repair_ocr_document``, as
    ``load_document`` does) is compared too. CER = Levenshtein distance / expected length,
    both sides compared after ``tone_key`` (NFC, lower case, one tone placement, single
    spaces): tone marks and letters count, case does not. OCR takes 10-60 s a file: the
    normalised text is cached in /tmp/bench_ocr_language/ by the file's sha256.

Exits 1 when the repair makes the total subject CER worse, or when false repairs on clean
text exceed 1 per 10,000 syllables; skips (exit 0) the part whose data is absent.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import regex
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from build_syllable_model import MIN_BIGRAM_COUNT, corpus_files, read_text  # noqa: E402

from pipeline.readers import read_document  # noqa: E402
from pipeline.lexicon.syllables import count_syllables, syllable_model  # noqa: E402
from pipeline.readers.ocr.language import repair_ocr_document, repair_syllables  # noqa: E402
from pipeline.text.document import Document  # noqa: E402
from pipeline.text.keys import fold_diacritics, tone_key  # noqa: E402
from pipeline.text.mapped_text import MappedText  # noqa: E402
from pipeline.text.normalize import normalize_document  # noqa: E402

EXPECTED = REPO / "bench" / "real_scans_expected.json"
CACHE = Path("/tmp/bench_ocr_language")
MAX_FALSE_PER_10K = 1.0


class LeaveOneOut:
    """The model's interface over corpus counts minus one document's."""

    def __init__(self, uni: Counter, bi: Counter, doc_uni: Counter, doc_bi: Counter,
                 variants: dict[str, list[str]], min_bigram: int):
        self.uni, self.bi, self.doc_uni, self.doc_bi = uni, bi, doc_uni, doc_bi
        self._variants, self.min_bigram = variants, min_bigram

    def bigram(self, a: str, b: str) -> int:
        n = self.bi.get((a, b), 0) - self.doc_bi.get((a, b), 0)
        return n if n >= self.min_bigram else 0

    def unigram(self, s: str) -> int:
        return self.uni.get(s, 0) - self.doc_uni.get(s, 0)

    def variants(self, s: str) -> list[str]:
        return [v for v in self._variants.get(fold_diacritics(s), [])
                if self.uni[v] - self.doc_uni.get(v, 0) > 0]


def false_repairs(shared: Path, show: int) -> tuple[int, int] | None:
    files = corpus_files(shared)
    if not (shared / "real" / "docs").is_dir():
        print(f"(a) skipped: {shared}/real/docs not found")
        return None
    texts = [read_text(f) for f in files]
    per_doc = [count_syllables([t]) for t in texts]
    uni: Counter = Counter()
    bi: Counter = Counter()
    for u, b in per_doc:
        uni.update(u)
        bi.update(b)
    variants: dict[str, list[str]] = {}
    for s, _ in uni.most_common():
        variants.setdefault(fold_diacritics(s), []).append(s)
    syllables = changes = 0
    examples: list[str] = []
    for path, text, (du, db) in zip(files, texts, per_doc):
        model = LeaveOneOut(uni, bi, du, db, variants, MIN_BIGRAM_COUNT)
        _, repairs = repair_syllables(text, model)
        syllables += sum(du.values())
        changes += len(repairs)
        for r in repairs:
            line_start = text.rfind("\n", 0, r.start) + 1
            line_end = text.find("\n", r.end)
            ctx = text[max(line_start, r.start - 30):min(len(text) if line_end < 0 else line_end,
                                                         r.end + 30)]
            examples.append(f"  {path.name}: {r.original} → {r.replacement}   …{ctx}…")
    rate = changes / syllables * 10_000 if syllables else 0.0
    print(f"(a) false repairs on clean text (leave-one-out, {len(files)} documents): "
          f"{changes} in {syllables} syllables = {rate:.2f} per 10,000")
    for line in examples[:show]:
        print(line)
    return changes, syllables


def ocr_document(path: Path, no_cache: bool) -> Document:
    """The OCR'd, normalised document as ``load_document`` has it before its repair step."""
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    cached = CACHE / f"{sha}.json"
    if cached.exists() and not no_cache:
        d = json.loads(cached.read_text(encoding="utf-8"))
    else:
        t = time.time()
        doc = normalize_document(read_document(path, data), sha256=sha)
        d = {"text": doc.text, "page_starts": doc.page_starts, "format": doc.format,
             "ocr_pages": {str(k): v for k, v in doc.ocr_pages.items()}}
        CACHE.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
        print(f"  OCR {path.name}: {time.time() - t:.0f} s", file=sys.stderr)
    return Document(path=str(path), format=d["format"], text=d["text"],
                    source=MappedText.identity(d["text"]), page_starts=d["page_starts"],
                    raw_page_starts=d["page_starts"],
                    ocr_pages={int(k): v for k, v in d["ocr_pages"].items()}, sha256=sha)


def subject_cer(scans: Path, no_cache: bool) -> tuple[int, int, int] | None:
    if not scans.is_dir() or not EXPECTED.exists():
        print(f"(b) skipped: {scans} not found")
        return None
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    model = syllable_model()
    total = before_errors = after_errors = 0
    rows = []
    for name, labels in expected.items():
        subject = labels.get("subject") if isinstance(labels, dict) else None
        if not subject or not (scans / name).exists():
            continue
        doc = ocr_document(scans / name, no_cache)
        fixed = repair_ocr_document(doc, model)
        assert len(fixed.text) == len(doc.text)
        haystack = regex.sub(r"\s", " ", doc.text.lower())
        found = fuzz.partial_ratio_alignment(subject.lower(), haystack)
        start, end = found.dest_start, found.dest_end
        want = tone_key(subject)
        before = Levenshtein.distance(want, tone_key(doc.text[start:end]))
        after = Levenshtein.distance(want, tone_key(fixed.text[start:end]))
        total += len(want)
        before_errors += before
        after_errors += after
        rows.append((name, len(want), before, after, round(found.score),
                     tone_key(doc.text[start:end]), tone_key(fixed.text[start:end])))
    if not rows:
        print("(b) skipped: no labelled subject with its scan")
        return None
    print(f"(b) subject CER of {len(rows)} labelled real scans: "
          f"before {before_errors}/{total} = {before_errors / total:.2%}, "
          f"after {after_errors}/{total} = {after_errors / total:.2%}")
    for name, n, b, a, score, raw, rep in rows:
        print(f"  {name:22} {n:4} chars  before {b / n:6.2%}  after {a / n:6.2%}  "
              f"(match {score})")
        if raw != rep:
            print(f"      read:     {raw}\n      repaired: {rep}")
    return total, before_errors, after_errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--no-cache", action="store_true", help="OCR the scans again")
    parser.add_argument("--show", type=int, default=40, help="false repairs to list")
    args = parser.parse_args(argv)
    failed = False
    fr = false_repairs(args.shared, args.show)
    if fr is not None and fr[1] and fr[0] / fr[1] * 10_000 > MAX_FALSE_PER_10K:
        print(f"FAIL: more than {MAX_FALSE_PER_10K} false repair per 10,000 syllables")
        failed = True
    cer = subject_cer(args.shared / "real-scans", args.no_cache)
    if cer is not None and cer[2] > cer[1]:
        print("FAIL: the repair makes the subject CER worse")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
