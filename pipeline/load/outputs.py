"""Are a run folder's outputs (Parquet, records.jsonl, the review site) those of the data?

Each kind of output is stamped, in ``OUT/.dispatches-outputs.json``, with the state it was
written from: the dataset, its ``dataset_token`` (new with every write of its documents) and
the day (the views count days to deadlines). A run that finds the same stamp and every file
in place writes them again for nothing: an unchanged inbox is answered in seconds.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

from schemas.dataset import EXPORTED_TABLES, EXPORTED_VIEWS

STAMP_FILE = ".dispatches-outputs.json"


def outputs_token(target: str, dataset_token: str | None, today: dt.date | None = None) -> str:
    """What outputs written now are made from: the dataset, its state, today."""
    return json.dumps([str(target), dataset_token, (today or dt.date.today()).isoformat()])


def _stamps(out_dir: Path) -> dict[str, str]:
    try:
        stamps = json.loads((out_dir / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamps if isinstance(stamps, dict) else {}


def outputs_current(out_dir: Path, kind: str, token: str, files: Iterable[Path]) -> bool:
    """``kind`` was last written from ``token`` and every one of ``files`` is there."""
    return _stamps(out_dir).get(kind) == token and all(Path(f).is_file() for f in files)


def stamp_outputs(out_dir: Path, kind: str, token: str | None) -> None:
    """Say ``kind`` was written from ``token`` (``None``: being rewritten, so not current
    should the writing stop half-way). Written beside and renamed over, like the exports."""
    stamps = _stamps(out_dir)
    if token is None:
        stamps.pop(kind, None)
    else:
        stamps[kind] = token
    target = out_dir / STAMP_FILE
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(stamps, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(target)


# the kinds of outputs a run folder holds
EXPORTS = "exports"   # <table>.parquet, <view>.parquet, records.jsonl
REPORT = "report"     # the review site, report/


def export_files(out_dir: Path) -> list[Path]:
    """Every file the exports write: what must be there for them to be current."""
    return ([out_dir / f"{name}.parquet" for name in EXPORTED_TABLES + EXPORTED_VIEWS]
            + [out_dir / "records.jsonl"])
