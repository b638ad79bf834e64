"""The bundled samples: every sample has a well-formed hand-written expected record, and the
pipeline's score on them does not drop below the last recorded value (samples/expected/SCORE).

The text samples (``.md``/``.txt``) are read as they are; the PDF, Word and scanned samples are
built by ``scripts/make_samples.py``, whose text of each document stands in for the file here.
"""
from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from pipeline.evaluate import evaluate, load_gold_dir, norm_number
from pipeline.extract import extract_file
from pipeline.readers import supported_suffixes
from scripts import make_samples

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
EXPECTED = SAMPLES / "expected"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir()
                      if p.is_file() and p.suffix.lower() in supported_suffixes())
TEXT_FILES = [p for p in SAMPLE_FILES if p.suffix in {".md", ".txt"}]
GENERATED = make_samples.sample_texts()
SCANNED = make_samples.scanned_files()
GOLD_KEYS = {"file", "doc_type", "number", "issuer", "issuer_contains", "place", "issued_date",
             "subject", "urgency", "confidentiality", "recipients", "cc", "signer", "references",
             "references_ignore", "deadlines", "tables"}
ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def sample_text(name: str) -> str:
    if name in GENERATED:
        return unicodedata.normalize("NFC", GENERATED[name])
    return unicodedata.normalize("NFC", (SAMPLES / name).read_text(encoding="utf-8-sig"))


def recorded_scores() -> tuple[float, float]:
    """SCORE: line 1 all samples (``dispatches eval samples/expected samples``), line 2 the
    samples read without OCR."""
    lines = (EXPECTED / "SCORE").read_text().splitlines()
    return float(lines[0].split()[0]), float(lines[1].split()[0])


def test_every_sample_has_an_expected_record():
    golds = {g["file"] for g in load_gold_dir(EXPECTED)}
    assert len(SAMPLE_FILES) >= 8
    assert golds == {p.name for p in SAMPLE_FILES}
    assert set(GENERATED) <= golds, "a generated sample is missing: run scripts/make_samples.py"


@pytest.mark.parametrize("gold_path", sorted(EXPECTED.glob("*.json")), ids=lambda p: p.name)
def test_expected_record_is_well_formed_and_agrees_with_its_text(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    assert set(gold) <= GOLD_KEYS, set(gold) - GOLD_KEYS
    assert gold_path.name == gold["file"] + ".json"
    text = sample_text(gold["file"])
    flat = re.sub(r"\s+", "", text)
    assert ISO.match(gold["issued_date"])
    # hand labels quote the text: a typo in either shows up here
    for item in gold.get("recipients", []) + gold.get("cc", []) + [gold["subject"]]:
        assert item in text, item
    assert gold["signer"]["name"] in text
    for ref in gold["references"]:
        assert norm_number(ref["number"]) in norm_number(flat), ref
        assert ref["date"] is None or ISO.match(ref["date"])
    for due in gold["deadlines"]["due_dates"]:
        assert ISO.match(due)
    if gold["number"]["number"] is not None:
        assert gold["number"]["raw"].startswith(f"{gold['number']['number']:02d}/")


def test_sample_variants_are_present():
    """The encodings the samples promise to exercise are really in the files."""
    raw = {p.name: p.read_bytes() for p in TEXT_FILES}
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw.values()), "a UTF-8 BOM sample"
    texts = [b.decode("utf-8-sig") for b in raw.values()]
    assert any(t == unicodedata.normalize("NFD", t) and t != unicodedata.normalize("NFC", t)
               for t in texts), "an NFD sample"
    assert any("<sup>" in t and "**" in t for t in texts), "Markdown and HTML markup"


def test_sample_formats_are_present():
    """The main job shows every kind of input: text, a text PDF, Word, an image and a scanned PDF."""
    suffixes = {p.suffix.lower() for p in SAMPLE_FILES}
    assert {".md", ".txt", ".pdf", ".docx"} <= suffixes
    assert any(p.suffix.lower() in {".jpg", ".jpeg", ".png"} for p in SAMPLE_FILES), "an image scan"
    assert any(p.suffix.lower() == ".pdf" and p.name in SCANNED for p in SAMPLE_FILES), \
        "a scanned PDF"


def _score(files: list[Path]):
    names = {p.name for p in files}
    golds = [g for g in load_gold_dir(EXPECTED) if g["file"] in names]
    records = [json.loads(extract_file(p).to_json_line()) for p in files]
    report = evaluate(golds, records)
    misses = "\n".join(f"{c.file} {c.field} {c.score:.2f} {c.detail[:120]}" for c in report.misses)
    return report.overall, misses


def test_samples_score_does_not_drop():
    """Raise samples/expected/SCORE when the extractors improve; never lower it silently.
    Here the samples read without OCR (line 2 of SCORE)."""
    recorded = recorded_scores()[1]
    overall, misses = _score([p for p in SAMPLE_FILES if p.name not in SCANNED])
    assert overall >= recorded - 1e-4, f"samples score {overall:.4f} < recorded {recorded:.4f}\n{misses}"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_samples_score_with_scans_does_not_drop():
    """All samples, the scans OCR'd (line 1 of SCORE: what ``dispatches eval`` prints)."""
    recorded = recorded_scores()[0]
    overall, misses = _score(SAMPLE_FILES)
    assert overall >= recorded - 1e-4, f"samples score {overall:.4f} < recorded {recorded:.4f}\n{misses}"
