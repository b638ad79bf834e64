"""A Vietnamese syllable n-gram model: unigram and bigram counts of administrative text.

The counts live in ``syllables.tsv.gz`` beside this module, built by
``scripts/build_syllable_model.py`` from typed dispatches and laws. The OCR language
repair (``pipeline.readers.ocr.language``) asks it which tone-mark variant of a
syllable its neighbours expect ("tư vẫn" → "tư vấn").

A syllable is a run of letters (``\\p{L}+``) keyed by ``tone_key`` (NFC, lower case,
new tone placement); a bigram is two syllables on one line with only spaces between.

File format (gzip, UTF-8, tab-separated, ``#`` lines are comments): a line of two
fields is a unigram (``syllable count``), a line of three a bigram (``first second
count``).
"""
from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import regex

from pipeline.text.keys import fold_diacritics, tone_key

SYLLABLE_FILE = Path(__file__).parent / "syllables.tsv.gz"

#: a syllable: a run of letters
SYLLABLE_RE = regex.compile(r"\p{L}+")
#: what may stand between the two syllables of a bigram: spaces only (no punctuation)
BIGRAM_GAP_RE = regex.compile(r"[ \t]+")


def line_syllables(line: str) -> Iterator[tuple[int, int, str, bool]]:
    """``(start, end, key, joined)`` of each syllable of one line; ``joined``: only spaces
    separate it from the syllable before (the two form a bigram)."""
    prev_end = None
    for m in SYLLABLE_RE.finditer(line):
        joined = prev_end is not None and BIGRAM_GAP_RE.fullmatch(line, prev_end, m.start()) \
            is not None
        yield m.start(), m.end(), tone_key(m.group(0)), joined
        prev_end = m.end()


def count_syllables(texts: Iterable[str]) -> tuple[Counter, Counter]:
    """Unigram and bigram counts of ``texts`` (bigrams never cross a line)."""
    unigrams: Counter = Counter()
    bigrams: Counter = Counter()
    for text in texts:
        for line in text.splitlines():
            prev = None
            for _, _, key, joined in line_syllables(line):
                unigrams[key] += 1
                if joined and prev is not None:
                    bigrams[prev, key] += 1
                prev = key
    return unigrams, bigrams


@dataclass(frozen=True)
class SyllableModel:
    """Syllable counts with the same-letters index the repair needs, computed once."""

    unigrams: Mapping[str, int]
    bigrams: Mapping[tuple[str, str], int]
    _variants: Mapping[str, tuple[str, ...]] = field(repr=False, compare=False)

    @classmethod
    def from_counts(cls, unigrams: Mapping[str, int],
                    bigrams: Mapping[tuple[str, str], int]) -> "SyllableModel":
        by_letters: dict[str, list[str]] = {}
        for s, n in sorted(unigrams.items(), key=lambda kv: (-kv[1], kv[0])):
            if n > 0:
                by_letters.setdefault(fold_diacritics(s), []).append(s)
        return cls(MappingProxyType(dict(unigrams)), MappingProxyType(dict(bigrams)),
                   MappingProxyType({k: tuple(v) for k, v in by_letters.items()}))

    def unigram(self, s: str) -> int:
        return self.unigrams.get(tone_key(s), 0)

    def bigram(self, a: str, b: str) -> int:
        return self.bigrams.get((tone_key(a), tone_key(b)), 0)

    def variants(self, s: str) -> list[str]:
        """Known syllables spelt with the same letters once diacritics are folded
        ("van" → vấn, văn, vẫn, vạn, vân, …), most frequent first."""
        return list(self._variants.get(fold_diacritics(tone_key(s)), ()))


def write_model(path: Path, unigrams: Mapping[str, int],
                bigrams: Mapping[tuple[str, str], int], header: str = "") -> None:
    """Write counts in the file format above (sorted, so a rebuild diffs cleanly)."""
    lines = [f"# {h}" for h in header.splitlines()]
    lines += [f"{s}\t{n}" for s, n in sorted(unigrams.items())]
    lines += [f"{a}\t{b}\t{n}" for (a, b), n in sorted(bigrams.items())]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0,
                                               compresslevel=9) as gz:
        gz.write(data)


def read_model(path: Path) -> SyllableModel:
    unigrams: dict[str, int] = {}
    bigrams: dict[tuple[str, str], int] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                unigrams[parts[0]] = int(parts[1])
            elif len(parts) == 3:
                bigrams[parts[0], parts[1]] = int(parts[2])
            else:
                raise ValueError(f"{path}: bad line {line!r}")
    return SyllableModel.from_counts(unigrams, bigrams)


@cache
def syllable_model() -> SyllableModel:
    """The shipped model (``syllables.tsv.gz``), loaded once."""
    return read_model(SYLLABLE_FILE)
