"""Quarantine: a file that failed leaves the inbox, with ``<name>.error.json`` saying why.

Layout: ``QUARANTINE/<path relative to the inbox>`` and beside it
``QUARANTINE/<path relative to the inbox>.error.json``. With ``move=False`` the file stays in
the inbox (which is then never modified) and only the ``.error.json`` is written.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract import PIPELINE_VERSION, load_document, record_from_document
from schemas import Record


@dataclass(frozen=True)
class Quarantined:
    source: Path
    error_file: Path
    moved_to: Path | None


def failure_traceback(path: Path, limit: int = 6) -> list[str]:
    """Re-run the failing step to get its traceback (``extract_file`` keeps only the message).

    Failures are rare, so paying for one more attempt here is cheap; the last ``limit``
    frames are kept, one line each.
    """
    try:
        record_from_document(load_document(path))
    except Exception as exc:  # noqa: BLE001 - we are describing the failure, not handling it
        frames = traceback.extract_tb(exc.__traceback__)[1:][-limit:]  # [0] is this function
        return ([f"{Path(f.filename).name}:{f.lineno} in {f.name}: {(f.line or '').strip()}"
                 for f in frames] + [f"{type(exc).__name__}: {exc}"])
    return ["(the failure did not happen again when re-run here: it may have been transient)"]


def timeout_explanation(moved: bool) -> list[str]:
    """A timed-out file is not re-run to explain it: it would take as long again."""
    again = "put the file back in the inbox and run" if moved else "run"
    return [(f"(not re-run: the extraction ran out of time; to give it longer, {again} "
             "again with --file-timeout SECONDS, 0 for no limit)")]


def _explanation(path: Path, timed_out: bool, moved: bool) -> list[str]:
    if timed_out:
        return timeout_explanation(moved)
    return failure_traceback(path) if path.exists() else ["(file no longer exists)"]


def _free_target(target: Path, source: Path) -> Path:
    """``target`` unless another file already sits there (then ``name-<n>.ext``)."""
    if not target.exists() or target.read_bytes() == source.read_bytes():
        return target
    n = 2
    while (candidate := target.with_name(f"{target.stem}-{n}{target.suffix}")).exists():
        n += 1
    return candidate


def quarantine_file(record: Record, inbox: Path, quarantine_dir: Path, *, move: bool = True,
                    run_id: str | None = None, timed_out: bool = False) -> Quarantined:
    """Write the ``.error.json`` of a failed record and (unless ``move`` is off) move its file."""
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
        "traceback": _explanation(moved_to or source, timed_out, moved_to is not None),
        "pipeline_version": record.pipeline_version or PIPELINE_VERSION,
        "run_id": run_id,
        "failed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    error_file.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return Quarantined(source, error_file, moved_to)
