"""Hostile and changing inboxes through the real flow (Prefect's ephemeral API): links out of
the inbox, failures never answered from the cache, killed runs marked (issue 15)."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

import flows.tasks as tasks
from fixtures.dispatches import dispatch_text
from flows.ingest import run_ingest
from pipeline.extract.record import Extracted
from pipeline.extract import failed_record
from pipeline.load import open_store

pytestmark = pytest.mark.slow


def test_a_link_out_of_the_inbox_is_counted_not_read_and_one_inside_is_read_once(
        flow_env, tmp_path):
    inbox, elsewhere, out = tmp_path / "inbox", tmp_path / "elsewhere", tmp_path / "out"
    inbox.mkdir(), elsewhere.mkdir()
    marker = uuid.uuid4().hex
    (inbox / "cv.txt").write_text(dispatch_text(1) + f"\n{marker}\n", encoding="utf-8")
    (inbox / "ban-sao.txt").symlink_to(inbox / "cv.txt")
    secret = elsewhere / "mat.txt"
    secret.write_text(dispatch_text(2) + "\nBÍ MẬT-" + marker + "\n", encoding="utf-8")
    (inbox / "passwd.txt").symlink_to(secret)

    summary = run_ingest(inbox, out, quarantine=False)
    assert (summary.files_seen, summary.loaded, summary.failed) == (1, 1, 0)
    assert summary.skipped_outside == 1 and summary.not_read[0][0] == str(inbox / "passwd.txt")
    assert "outside the inbox" in summary.not_read[0][1]
    records = (out / "records.jsonl").read_text(encoding="utf-8")
    assert "BÍ MẬT" not in records and len(records.splitlines()) == 1
    assert "NOT READ" in summary.to_text() and "## Not read (1)" in summary.to_markdown()


def test_a_failed_extraction_is_not_answered_from_the_cache_once_its_cause_is_fixed(
        flow_env, tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    marker = uuid.uuid4().hex  # bytes no earlier run has seen
    (inbox / "cv.txt").write_text(dispatch_text(1) + f"\n{marker}\n", encoding="utf-8")
    real = tasks.extract_files  # extraction runs in a worker process: stand in before it
    calls, broken = [], [True]  # e.g. Tesseract not installed yet

    def extract(files, *args):
        calls.extend(ref.path for ref in files)
        if broken[0]:
            return iter([(Extracted(failed_record(Path(ref.path), f"{ref.path}: tesseract is "
                                                  "not installed")), False) for ref in files])
        return real(files, *args)

    monkeypatch.setattr(tasks, "extract_files", extract)
    first = run_ingest(inbox, out, quarantine=False)
    assert first.failed == 1 and len(calls) == 1
    broken[0] = False  # installed: the same batch of the same bytes is extracted again
    second = run_ingest(inbox, out, quarantine=False)
    assert (second.extracted, second.failed, second.ok + second.partial) == (1, 0, 1)
    assert len(calls) == 2
    with open_store(out / "dispatches.duckdb") as store:
        assert store.query("SELECT count(*) FROM documents WHERE status = 'failed'") == [(0,)]
    # a batch without failures is cached as before: a fresh dataset gets it from the cache
    third = run_ingest(inbox, tmp_path / "out-2", quarantine=False)
    assert third.loaded == 1 and third.failed == 0 and len(calls) == 2


def test_a_run_left_running_by_a_kill_is_marked_interrupted_by_the_next(flow_env, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "cv.txt").write_text(dispatch_text(3), encoding="utf-8")
    out.mkdir()
    with open_store(out / "dispatches.duckdb") as store:  # what a SIGKILLed run leaves
        store.ensure_schema()
        store.start_run("killed-run", str(inbox), "v0")
    summary = run_ingest(inbox, out)
    assert summary.interrupted_runs == ["killed-run"]
    assert "killed-run" in summary.to_text()
    with open_store(out / "dispatches.duckdb") as store:
        status = dict(store.query("SELECT run_id, status FROM runs"))
    assert status == {"killed-run": "interrupted", summary.run_id: "completed"}
    assert json.dumps(summary.as_dict())  # the summary stays plain data
