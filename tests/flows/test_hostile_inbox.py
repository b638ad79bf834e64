"""Hostile and changing inboxes, without Prefect: links out of the inbox, the run's own
folders, timeouts explained, killed runs marked (issue 15)."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from fixtures.dispatches import dispatch_text, write_inbox
from flows.inbox import folders_inside, overlap_error
from flows.quarantine import quarantine_file
from flows.summary import RunSummary
from flows.tasks import discover_inbox, extract_files, file_ref
from fixtures.hostile import hanging_job
from pipeline.extract.record import extract_explained
from pipeline.extract import failed_record
from pipeline.extract.worker import ExtractionWorker, timeout_error
from pipeline.cli import main as dispatches
from pipeline.load import open_store
from pipeline.readers import iter_input_files


def refuse_to_open(monkeypatch, folder: Path) -> None:
    """Root opens a chmod 000 folder anyway: then the folder refuses as it would anyone else."""
    import pipeline.readers.walk as walk

    real = os.scandir

    def scandir(path):
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(walk.os, "scandir", scandir)


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """An inbox with one real dispatch, a link to it, links out of the inbox (a file and a
    folder), a dangling link and a folder nobody may open; returns (inbox, real, secret)."""
    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    real = write_inbox(inbox, 1)[0]
    elsewhere.mkdir()
    secret = elsewhere / "luong.txt"
    secret.write_text(dispatch_text(7), encoding="utf-8")
    (inbox / "ban-sao.txt").symlink_to(real)                    # inside: read once, as real
    (inbox / "passwd.txt").symlink_to(secret)                   # outside: not read
    (inbox / "tren.txt").symlink_to(Path("..") / "elsewhere" / "luong.txt")
    (inbox / "thu-muc").symlink_to(elsewhere, target_is_directory=True)
    (inbox / "mat.txt").symlink_to(tmp_path / "no-such-file.txt")
    (inbox / "khoa").mkdir()
    (inbox / "khoa" / "x.txt").write_text(dispatch_text(8), encoding="utf-8")
    (inbox / "khoa").chmod(0)
    if os.geteuid() == 0:
        refuse_to_open(monkeypatch, inbox / "khoa")
    yield inbox, real, secret
    (inbox / "khoa").chmod(0o755)


def test_links_out_of_the_inbox_are_not_read_and_each_skip_has_its_reason(hostile):
    inbox, real, secret = hostile
    listing = discover_inbox.fn(str(inbox), [])
    assert [f.path for f in listing.files] == [str(real)]     # the inside link read once
    reasons = dict(listing.not_read)
    assert "outside the inbox" in reasons[str(inbox / "passwd.txt")]
    assert str(secret) in reasons[str(inbox / "tren.txt")]
    assert "folder outside the inbox" in reasons[str(inbox / "thu-muc")]
    assert "dangling" in reasons[str(inbox / "mat.txt")]
    assert "not readable: Permission denied" in reasons[str(inbox / "khoa")]
    assert all(str(secret) not in f.path and "thu-muc" not in f.path for f in listing.files)


def test_dispatches_extract_does_not_leave_a_folder_either(hostile):
    inbox, real, _ = hostile
    skipped = []
    assert list(iter_input_files([inbox], skipped)) == [real]
    assert {s.path.name for s in skipped} >= {"passwd.txt", "tren.txt", "thu-muc", "mat.txt"}


def test_a_link_inside_the_inbox_is_read_when_its_target_is_not_listed(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / ".an").mkdir(parents=True)
    (inbox / ".an" / ".goc.txt").write_text(dispatch_text(1), encoding="utf-8")  # hidden name
    (inbox / "cv.txt").symlink_to(inbox / ".an" / ".goc.txt")
    assert [f.path for f in discover_inbox.fn(str(inbox), []).files] == [str(inbox / "cv.txt")]


def test_the_runs_own_folders_inside_the_inbox_are_left_out_and_an_inbox_inside_them_refused(
        tmp_path):
    inbox = tmp_path / "inbox"
    write_inbox(inbox, 2)
    assert overlap_error(inbox, out=inbox) and overlap_error(inbox, out=tmp_path)
    assert overlap_error(inbox, out=tmp_path / "out", quarantine=inbox)
    assert overlap_error(inbox, out=inbox / "out", quarantine=inbox / "out" / "q") is None
    assert folders_inside(inbox, out=inbox / "out") == [f"out folder {inbox / 'out'}"]
    write_inbox(inbox / "out", 1, start=5)
    assert len(discover_inbox.fn(str(inbox), [str(inbox / "out")]).files) == 2


def test_cli_run_refuses_an_out_folder_that_is_the_inbox(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    write_inbox(inbox, 1)
    assert dispatches(["run", str(inbox), "--out", str(inbox), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "inside the out folder" in err
    assert not (inbox / "dispatches.duckdb").exists()


def test_a_timed_out_file_says_how_to_give_it_longer(tmp_path):
    slow = file_ref(write_inbox(tmp_path, 1)[0])
    with ExtractionWorker(job=hanging_job) as worker:
        [(done, timed_out)] = extract_files([slow], 0.5, worker)
    error = done.record.error
    assert timed_out and "--file-timeout SECONDS" in error and "0.5 s" in error


def test_a_failed_file_is_quarantined_with_the_traceback_taken_when_it_failed(tmp_path):
    inbox = tmp_path / "inbox"
    path = write_inbox(inbox, 1)[0]
    record = failed_record(path, timeout_error(path, 120), path.read_bytes())
    done = quarantine_file(record, inbox, tmp_path / "q", timed_out=True)
    report = json.loads(done.error_file.read_text(encoding="utf-8"))
    text = json.dumps(report, ensure_ascii=False)
    assert report["timed_out"] is True and "transient" not in text
    assert "--file-timeout" in report["reason"] and "put the file back" in report["traceback"][0]
    bad = inbox / "hong.docx"
    bad.write_bytes(b"PK\x03\x04")
    failed = extract_explained(bad)
    done = quarantine_file(failed.record, inbox, tmp_path / "q", explanation=failed.traceback)
    report = json.loads(done.error_file.read_text(encoding="utf-8"))
    assert report["traceback"] == failed.traceback and "docx.py" in report["traceback"][-2]


def test_summary_counts_and_lists_what_was_not_read():
    s = RunSummary("r1", "inbox", "out/d.duckdb", "1.0",
                   not_read=[("inbox/passwd.txt", "link to a file outside the inbox (/etc/passwd)")],
                   excluded=["out folder inbox/out"], interrupted_runs=["r0"])
    text, md = s.to_text(), s.to_markdown()
    assert s.skipped_outside == 1 and s.counts["not_read"] == 1
    assert "NOT READ inbox/passwd.txt: link to a file outside" in text
    assert "left out of the inbox: the out folder inbox/out" in text and "r0" in text
    assert "## Not read (1)" in md and "/etc/passwd" in md and "`r0`" in md


def test_a_run_left_running_is_marked_interrupted_when_the_next_one_starts(tmp_path):
    with open_store(tmp_path / "d.duckdb") as store:
        store.ensure_schema()
        assert store.start_run("done", "inbox", "v1") == []
        store.finish_run("done", "completed", {})
        assert store.start_run("killed", "inbox", "v1") == []
        assert store.start_run("next", "inbox", "v1") == ["killed"]
        status = dict(store.query("SELECT run_id, status FROM runs"))
    assert status == {"killed": "interrupted", "done": "completed", "next": "running"}


@pytest.mark.slow
def test_on_postgresql_only_runs_older_than_the_threshold_count_as_killed(pg_url):
    with open_store(pg_url) as store:
        store.ensure_schema()
        store.start_run("old", "inbox", "v1")
        store.execute("UPDATE runs SET started_at = :t WHERE run_id = 'old'",
                      {"t": dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=30)})
        assert store.start_run("recent", "inbox", "v1") == ["old"]
        assert store.start_run("next", "inbox", "v1") == []  # "recent" may be running still
        assert store.start_run("later", "inbox", "v1", stale_after=dt.timedelta(0)) == \
            ["recent", "next"]
