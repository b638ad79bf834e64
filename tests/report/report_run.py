"""Helpers of the report tests: a run folder (``records.jsonl``) built from sample files."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pipeline.extract import extract_file

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.suffix in {".md", ".txt"})
TODAY = dt.date(2024, 4, 1)


def write_run(run_dir: Path, files) -> list[dict]:
    run_dir.mkdir(parents=True, exist_ok=True)
    records = [json.loads(extract_file(p).to_json_line()) for p in files]
    with open(run_dir / "records.jsonl", "w", encoding="utf-8") as out:
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    return records
