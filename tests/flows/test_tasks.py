"""The flow's building blocks as plain functions (no Prefect run needed)."""
from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from prefect.results import ResultRecord, ResultRecordMetadata
from prefect.serializers import PickleSerializer

import flows.tasks as tasks
from fixtures.dispatches import write_inbox
from flows.ingest import batches_of, needs_extraction
from flows.quarantine import quarantine_file
from flows.summary import RunSummary
from flows.tasks import FileRef, TransientReadError, batch_cache_key, extract_files, file_ref
from fixtures.hostile import hangs_on_slow_job
from pipeline.extract import extract_file
from pipeline.extract.worker import ExtractionWorker
from pipeline.load import StoredDocument
from pipeline.extract.version import PIPELINE_VERSION


def refs(folder: Path, n: int) -> list[FileRef]:
    return [file_ref(p) for p in write_inbox(folder, n)]


def test_cache_key_follows_the_bytes_not_the_path(tmp_path):
    a = refs(tmp_path / "a", 3)
    b = refs(tmp_path / "b", 3)  # same texts, other folder
    assert [r.path for r in a] != [r.path for r in b]
    assert batch_cache_key(None, {"files": a}) == batch_cache_key(None, {"files": b})
    Path(b[1].path).write_text("changed", encoding="utf-8")
    b[1] = file_ref(Path(b[1].path))
    assert batch_cache_key(None, {"files": a}) != batch_cache_key(None, {"files": b})


def test_cache_key_changes_with_the_pipeline_version(tmp_path, monkeypatch):
    files = refs(tmp_path, 2)
    before = batch_cache_key(None, {"files": files})
    monkeypatch.setattr(tasks, "PIPELINE_VERSION", PIPELINE_VERSION + "-next")
    assert batch_cache_key(None, {"files": files}) != before


def test_no_cache_key_when_a_file_could_not_be_hashed(tmp_path):
    files = refs(tmp_path, 1) + [FileRef(str(tmp_path / "gone.txt"), None, None, "gone")]
    assert batch_cache_key(None, {"files": files}) is None


@pytest.mark.parametrize("exc, transient", [
    (OSError(errno.EIO, "Input/output error"), True),
    (OSError(errno.ESTALE, "Stale file handle"), True),
    (FileNotFoundError(errno.ENOENT, "No such file"), False),
    (PermissionError(errno.EACCES, "Permission denied"), False),
    (IsADirectoryError(errno.EISDIR, "Is a directory"), False),
    (ValueError("not I/O at all"), False),
])
def test_only_transient_os_errors_are_retried(exc, transient):
    assert tasks.is_transient(exc) is transient


def test_read_bytes_turns_a_transient_error_into_transient_read_error(tmp_path, monkeypatch):
    path = tmp_path / "x.txt"
    path.write_text("x")

    def flaky(self):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(Path, "read_bytes", flaky)
    with pytest.raises(TransientReadError, match="x.txt"):
        tasks.read_bytes(path)


def test_a_hanging_file_is_killed_at_its_timeout_and_the_next_one_runs(tmp_path):
    slow, fast = refs(tmp_path, 2)
    slow = file_ref(Path(slow.path).rename(tmp_path / "slow.txt"))
    pid_file = Path(slow.path).with_suffix(".pid")
    with ExtractionWorker(job=hangs_on_slow_job) as worker:
        (done, timed_out), (after, after_timed_out) = extract_files([slow, fast], 3.0, worker)
        assert worker.replaced == 1 and not pid_alive(int(pid_file.read_text()))
    assert timed_out and done.record.status == "failed" and "per-file timeout" in done.record.error
    assert done.record.doc_id == slow.sha256 and done.reading is None
    assert not after_timed_out and after.record.status != "failed"
    assert after.reading.reading.doc_id == after.record.doc_id == fast.sha256


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_needs_extraction_skips_only_current_successes():
    ref = FileRef("x.txt", "abc")
    assert needs_extraction(ref, {})
    assert not needs_extraction(ref, {"abc": StoredDocument(PIPELINE_VERSION, "ok")})
    assert needs_extraction(ref, {"abc": StoredDocument("0.0.1-old", "ok")})
    assert needs_extraction(ref, {"abc": StoredDocument(PIPELINE_VERSION, "failed")})


def test_batches_cover_every_file_once():
    files = [FileRef(f"{i}.txt", str(i)) for i in range(23)]
    batches = batches_of(files, 5)
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    assert [f for b in batches for f in b] == files


def test_a_small_inbox_is_spread_over_the_workers_scans_apart():
    texts = [FileRef(f"{i:02d}.md", str(i), size=3_000) for i in range(11)]
    scans = [FileRef("12-scan.jpg", "s1", size=750_000), FileRef("13-scan.pdf", "s2", size=400_000)]
    batches = batches_of(texts + scans, 50, workers=2)
    assert len(batches) == 2
    assert [sum(f.path.endswith(("jpg", "pdf")) for f in b) for b in batches] == [1, 1]
    assert sorted(f.path for b in batches for f in b) == sorted(f.path for f in texts + scans)
    assert all(len(b) <= 50 for b in batches)
    assert batches_of(texts + scans, 50, workers=2) == batches  # same inbox, same plan
    many = [FileRef(f"{i:03d}.md", str(i), size=i) for i in range(120)]
    planned = batches_of(many, 50, workers=2)
    assert [len(b) for b in planned] == [40, 40, 40] and len({f for b in planned for f in b}) == 120


def test_quarantine_moves_the_file_and_explains_why(tmp_path):
    inbox, qdir = tmp_path / "inbox", tmp_path / "q"
    (inbox / "sub").mkdir(parents=True)
    bad = inbox / "sub" / "bad.txt"
    bad.write_bytes(b"")
    record = extract_file(bad)
    done = quarantine_file(record, inbox, qdir, run_id="run-1")
    assert not bad.exists() and done.moved_to == qdir / "sub" / "bad.txt"
    report = json.loads((qdir / "sub" / "bad.txt.error.json").read_text(encoding="utf-8"))
    assert "empty file" in report["reason"] and report["pipeline_version"] == PIPELINE_VERSION
    assert report["run_id"] == "run-1" and any("empty file" in t for t in report["traceback"])


def test_quarantine_can_leave_the_inbox_untouched(tmp_path):
    inbox, qdir = tmp_path / "inbox", tmp_path / "q"
    inbox.mkdir()
    bad = inbox / "bad.txt"
    bad.write_bytes(b"")
    done = quarantine_file(extract_file(bad), inbox, qdir, move=False)
    assert bad.exists() and done.moved_to is None and (qdir / "bad.txt.error.json").exists()


def test_summary_lists_counts_failures_and_overdue_deadlines():
    s = RunSummary("r1", "inbox", "out/d.duckdb", "1.0", files_seen=3, loaded=3, failed=1,
                   failures=[("inbox/bad.txt", "empty | file")],
                   overdue=[("Sở Nội vụ", "2024-01-01", "-30", "5/UBND", "việc")], overdue_total=1)
    md = s.to_markdown()
    assert "| failed | 1 |" in md and "empty \\| file" in md and "Sở Nội vụ" in md
    assert "FAILED inbox/bad.txt" in s.to_text()


def test_a_cached_record_is_pointed_at_the_file_it_now_stands_for(tmp_path):
    from flows.ingest import _with_path

    bad = tmp_path / "a" / "rong.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"")
    record = extract_file(bad)
    moved = _with_path(record, str(tmp_path / "b" / "rong.txt"))
    assert moved.source.path == str(tmp_path / "b" / "rong.txt")
    assert str(bad) not in moved.error and str(tmp_path / "b" / "rong.txt") in moved.error


def test_a_copy_of_another_file_is_named_not_lost():
    from flows.ingest import copies_of
    files = [FileRef("a/cv.txt", "h1"), FileRef("b/cv-copy.txt", "h1"), FileRef("c.txt", "h2"),
             FileRef("unreadable.txt", None)]
    assert copies_of(files) == [("b/cv-copy.txt", "a/cv.txt")]


def test_a_batch_result_is_written_to_the_cache_on_one_line_and_read_back_whole(tmp_path):
    files = refs(tmp_path, 3)
    result = tasks.extract_batch.fn(files, 60.0)
    serializer = tasks.extract_batch.result_serializer
    stored = ResultRecord(metadata=ResultRecordMetadata(serializer=serializer, storage_key="k"),
                          result=result).serialize()
    written = json.loads(stored)
    assert written["metadata"]["serializer"]["type"] == "dispatches-pickle"
    assert "\n" not in written["result"] and len(written["result"]) > 1000
    back = ResultRecord.deserialize(stored).result
    assert back == result and [r.status for r in back.records] == ["ok"] * 3
    # what Prefect's own pickle serializer wrote (line breaks every 76 characters) reads too
    assert serializer.loads(PickleSerializer(picklelib="pickle").dumps(result)) == result
