"""The seeds scored by ../shared/eval/score.py: the foundation's bar is 0.90 overall."""
import json
import subprocess
import sys

import pytest

from pipeline.extract import extract_file

HEADER_FIELDS = ["number.raw", "issued_date", "doc_type", "subject", "signer.name", "references"]


def score(shared_dir, gold, records, tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(r.to_json_line() for r in records) + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(shared_dir / "eval" / "score.py"), str(gold),
                           str(path), "--json"], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def test_seed_score_at_least_090(shared_dir, tmp_path):
    records = [extract_file(p) for p in sorted((shared_dir / "seeds").glob("*.txt"))]
    result = score(shared_dir, shared_dir / "gold", records, tmp_path)
    for field in HEADER_FIELDS:
        assert result["fields"][field] >= 0.9, (field, result["misses"])
    assert result["overall"] >= 0.90, result["misses"]


def test_real_documents_generalise(shared_dir, tmp_path):
    docs = shared_dir / "real" / "docs"
    if not docs.is_dir():
        pytest.skip("../shared/real is not there")
    records = [extract_file(p) for p in sorted(docs.glob("*.txt"))]
    result = score(shared_dir, shared_dir / "real" / "gold", records, tmp_path)
    assert result["overall"] >= 0.95, result["misses"]
