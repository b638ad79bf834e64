"""Quarantine: a file that failed leaves the inbox, with ``<name>.error.json`` saying why.

Layout: ``QUARANTINE/<path relative to the inbox>`` and beside it
``QUARANTINE/<path relative to the inbox>.error.json``. With ``move=False`` the file stays in
the inbox (which is then never modified) and only the ``.error.json`` is written.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract import PIPELINE_VERSION
from schemas import Record


@dataclass(frozen=True)
class Quarantined:
    source: Path
    error_file: Path
    moved_to: Path | None


def timeout_explanation(moved: bool) -> list[str]:
    """A timed-out file is not re-run to explain it: it would take as long again."""
    again = "put the file back in the inbox and run" if moved else "run"
    return [(f"(not re-run: the extraction ran out of time; to give it longer, {again} "
             "again with --file-timeout SECONDS, 0 for no limit)")]


def _explanation(record: Record, timed_out: bool, moved: bool,
                 explanation: list[str] | None) -> list[str]:
    """The traceback taken when the file failed. A failed file is never extracted again
    here: a file that hung or ate memory would do it again, outside any limit."""
    if timed_out:
        return timeout_explanation(moved)
    if explanation:
        return explanation
    return ["(no traceback was kept for this failure: the reason is what the extraction "
            "reported)", record.error or "(no reason given)"]


def _free_target(target: Path, source: Path) -> Path:
    """``target`` unless another file already sits there (then ``name-<n>.ext``)."""
    if not target.exists() or target.read_bytes() == source.read_bytes():
        return target
    n = 2
    while (candidate := target.with_name(f"{target.stem}-{n}{target.suffix}")).exists():
        n += 1
    return candidate


def quarantine_file(record: Record, inbox: Path, quarantine_dir: Path, *, move: bool = True,
                    run_id: str | None = None, timed_out: bool = False,
                    explanation: list[str] | None = None) -> Quarantined:
    """Write the ``.error.json`` of a failed record and (unless ``move`` is off) move its file;
    ``explanation``: the traceback taken when it failed (``Extracted.traceback``)."""
    source = Path(record.source.path)
    try:
        relative = source.resolve().relative_to(inbox.resolve())
    except ValueError:
        relative = Path(source.name)
    target = quarantine_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    moved_to = None
    if move and source.exists():
        target = _free_target(target, source)
        shutil.move(str(source), str(target))
        moved_to = target
    error_file = target.with_name(target.name + ".error.json")
    report = {
        "file": str(source),
        "quarantined_to": str(moved_to) if moved_to else None,
        "doc_id": record.doc_id,
        "reason": record.error,
        "timed_out": timed_out,
        "traceback": _explanation(record, timed_out, moved_to is not None, explanation),
        "pipeline_version": record.pipeline_version or PIPELINE_VERSION,
        "run_id": run_id,
        "failed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    error_file.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return Quarantined(source, error_file, moved_to)
