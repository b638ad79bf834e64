#!/usr/bin/env python3
"""Build ``pipeline/lexicon/syllables.tsv.gz``: syllable unigram and bigram counts of
Vietnamese administrative text, for the OCR tone-mark repair
(``pipeline.readers.ocr.language``).

Sources (typed, clean text; NFC): ``../shared/real/docs/*.txt`` (laws and decrees),
``../shared/seeds/*.txt`` and the repo's ``samples/*.md`` / ``samples/*.txt``.
Syllables are runs of letters keyed by ``pipeline.text.keys.tone_key``; bigrams are two
syllables with only spaces between, never across a line (``pipeline.lexicon.syllables``).

Every count is kept, bigrams seen once included: the whole file is under 200 KB, well
below the 400 KB budget, and a bigram seen once is still evidence that a syllable is right
where it stands (fewer false repairs). ``--min-bigram 2`` drops those seen once (~40 %
of the bigrams) should the corpus ever outgrow the budget.

The file is committed because ``../shared`` does not exist on a fresh clone. To rebuild
it (after adding text to the sources), from the repository root::

    .venv/bin/python scripts/build_syllable_model.py            # default sources
    .venv/bin/python scripts/build_syllable_model.py --shared /path/to/shared

then re-run ``bench/bench_ocr_language.py`` (false repairs on clean text, CER of real
scans) before committing the new file.
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.lexicon.syllables import SYLLABLE_FILE, count_syllables, write_model  # noqa: E402

#: bigrams seen fewer times are left out of the file (1: keep all)
MIN_BIGRAM_COUNT = 1


def corpus_files(shared: Path) -> list[Path]:
    """The source files, in a stable order."""
    files = sorted((shared / "real" / "docs").glob("*.txt"))
    files += sorted((shared / "seeds").glob("*.txt"))
    files += sorted((REPO / "samples").glob("*.md")) + sorted((REPO / "samples").glob("*.txt"))
    return files


def read_text(path: Path) -> str:
    return unicodedata.normalize("NFC", path.read_text(encoding="utf-8", errors="replace"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared",
                        help="the shared data folder (default: ../shared beside the checkout)")
    parser.add_argument("--out", type=Path, default=SYLLABLE_FILE)
    parser.add_argument("--min-bigram", type=int, default=MIN_BIGRAM_COUNT)
    args = parser.parse_args(argv)
    files = corpus_files(args.shared)
    if not (args.shared / "real" / "docs").is_dir():
        print(f"{args.shared}/real/docs not found: nothing to build from", file=sys.stderr)
        return 1
    unigrams, bigrams = count_syllables(read_text(f) for f in files)
    kept = {k: n for k, n in bigrams.items() if n >= args.min_bigram}
    dropped = (f"(those seen fewer than {args.min_bigram} times dropped)"
               if args.min_bigram > 1 else "(all kept)")
    header = (f"Vietnamese syllable counts: {len(files)} files, {sum(unigrams.values())} "
              f"syllables; {len(unigrams)} unigrams, {len(kept)} of {len(bigrams)} bigrams "
              f"{dropped}.\nBuilt by scripts/build_syllable_model.py; do not edit by hand.")
    write_model(args.out, unigrams, kept, header)
    print(header.splitlines()[0])
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
