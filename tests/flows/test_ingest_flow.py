"""The ingest flow end to end on generated inboxes, under one session-wide Prefect harness."""
from __future__ import annotations

import gc
import hashlib
import json
import signal
import threading
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import flows.ingest as ingest
import flows.tasks as tasks
from fixtures.cli_runs import start_run
from fixtures.dispatches import dispatch_text, write_inbox
from flows.ingest import run_ingest
from pipeline.cli import main as dispatches
from pipeline.load import DatasetStore, open_store
from pipeline.load.ddl import quote
from pipeline.readers import supported_suffixes
from pipeline.extract.version import PIPELINE_VERSION
from schemas import Record
from schemas.dataset import EXPORTED_TABLES

pytestmark = pytest.mark.slow
DATA_TABLES = [t for t in EXPORTED_TABLES if t != "runs"]


def mixed_inbox(folder: Path) -> tuple[list[Path], list[Path]]:
    """Good dispatches (.txt, .md, a subfolder) and corrupt files; returns (good, bad)."""
    good = write_inbox(folder, 8) + write_inbox(folder / "phong-hanh-chinh", 2, start=8)
    bad = [folder / "rong.txt", folder / "nhi-phan.txt"]
    bad[0].write_bytes(b"")                               # empty
    bad[1].write_bytes(b"\x00\x01PK\x03\x04 not text\x00")  # binary in a .txt
    if ".pdf" in supported_suffixes():
        bad.append(folder / "hong.pdf")
        bad[-1].write_bytes(b"%PDF-1.4\n this is not a PDF body")
    (folder / ".an.txt").write_text(dispatch_text(99), encoding="utf-8")  # hidden: ignored
    (folder / "ghi-chu.xyz").write_text("not a dispatch", encoding="utf-8")  # unsupported
    return good, bad


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def snapshot(target: str, tables=DATA_TABLES) -> dict[str, list]:
    with open_store(target) as store:
        return {t: sorted(map(repr, store.query(f"SELECT * FROM {quote(t)}"))) for t in tables}


def doc_ids(target: str) -> list[str]:
    with open_store(target) as store:
        return [r[0] for r in store.query("SELECT doc_id FROM documents ORDER BY doc_id")]


def test_mixed_inbox_loads_duckdb_and_quarantines_corrupt_files(flow_env, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    good, bad = mixed_inbox(inbox)
    before = digest(inbox)
    summary = run_ingest(inbox, out, batch_size=3)

    assert (summary.files_seen, summary.loaded) == (len(good) + len(bad),) * 2
    assert summary.failed == summary.quarantined == len(bad)
    target = str(out / "dispatches.duckdb")
    with open_store(target) as store:
        statuses = dict(store.query("SELECT status, count(*) FROM documents GROUP BY status"))
        assert statuses.pop("failed") == len(bad) and sum(statuses.values()) == len(good)
        failed_warnings = store.query("SELECT count(*) FROM warnings WHERE code = 'extraction_failed'")
        assert failed_warnings == [(len(bad),)]
        assert store.query("SELECT status, loaded FROM runs") == [("completed", len(good) + len(bad))]
    # the corrupt files moved to quarantine with their reason; nothing else in the inbox changed
    after = digest(inbox)
    for path in bad:
        rel = path.relative_to(inbox)
        assert str(rel) not in after and (out / "quarantine" / rel).exists()
        report = json.loads((out / "quarantine" / f"{rel}.error.json").read_text(encoding="utf-8"))
        assert report["reason"] and str(rel) in report["reason"]
        assert report["pipeline_version"] == PIPELINE_VERSION and report["traceback"]
    assert after == {k: v for k, v in before.items() if k not in {str(p.relative_to(inbox)) for p in bad}}
    # exports
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(good) + len(bad)
    assert pq.read_table(out / "documents.parquet").num_rows == len(good) + len(bad)
    assert {json.loads(x)["source"]["path"] for x in lines} >= {str(p) for p in good}


def test_running_twice_changes_no_row(flow_env, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    mixed_inbox(inbox)
    first = run_ingest(inbox, out, batch_size=4)
    rows = snapshot(str(out / "dispatches.duckdb"))
    second = run_ingest(inbox, out, batch_size=4)
    assert snapshot(str(out / "dispatches.duckdb")) == rows
    assert second.extracted == 0 and second.skipped == second.files_seen == first.loaded - first.failed
    assert len(snapshot(str(out / "dispatches.duckdb"), ["runs"])["runs"]) == 2


def test_batches_done_while_the_loader_is_busy_load_in_one_transaction(flow_env, tmp_path,
                                                                       monkeypatch):
    inbox = tmp_path / "inbox"
    write_inbox(inbox, 12)
    futures, loads = [], []
    real_finished, real_load = ingest.finished_batches, DatasetStore.load_records

    def watched(batches, submit, ahead):
        def submit_watched(batch):
            futures.append(submit(batch))
            return futures[-1]
        return real_finished(batches, submit_watched, ahead)

    def first_load_waits_for_the_rest(self, records, run_id=None, **options):
        if not loads:
            # until every batch is done and handed to the flow (a callback added now runs
            # after the flow's own)
            for future in futures:
                handed = threading.Event()
                future.add_done_callback(lambda _, handed=handed: handed.set())
                assert handed.wait(60)
        loads.append(sorted(r.source.path for r in records))
        return real_load(self, records, run_id, **options)

    monkeypatch.setattr(ingest, "finished_batches", watched)
    monkeypatch.setattr(DatasetStore, "load_records", first_load_waits_for_the_rest)
    summary = run_ingest(inbox, tmp_path / "out", batch_size=4)

    assert len(futures) == 3 and summary.loaded == 12
    # the first batch alone, the two done while it loaded in one transaction
    assert [len(paths) for paths in loads] == [4, 8]
    with open_store(str(tmp_path / "out" / "dispatches.duckdb")) as store:
        committed = store.query("SELECT registered_at, count(*), min(number), max(number) "
                                "FROM register_entries GROUP BY registered_at ORDER BY 1")
    assert [row[1:] for row in committed] == [(4, 1, 4), (8, 5, 12)]


def test_a_crash_midway_then_a_rerun_leaves_no_duplicate_and_no_gap(flow_env, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    paths = write_inbox(inbox, 12)
    # one batch extracted ahead of the loader: each load is one batch
    monkeypatch.setattr(ingest, "batches_ahead", lambda workers=None: 1)
    real_load = DatasetStore.load_records
    calls = []

    def crash_on_second_batch(self, records, run_id=None, **options):
        calls.append(run_id)
        if len(calls) == 2:
            raise RuntimeError("simulated crash while loading")
        return real_load(self, records, run_id, **options)

    monkeypatch.setattr(DatasetStore, "load_records", crash_on_second_batch)
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_ingest(inbox, tmp_path / "out", batch_size=4)
    target = str(tmp_path / "out" / "dispatches.duckdb")
    assert len(doc_ids(target)) == 4  # the first batch committed, the second rolled back
    with open_store(target) as store:
        assert store.query("SELECT status FROM runs") == [("failed",)]

    monkeypatch.setattr(DatasetStore, "load_records", real_load)
    summary = run_ingest(inbox, tmp_path / "out", batch_size=4)
    assert summary.skipped == 4 and summary.loaded == 8
    clean = run_ingest(inbox, tmp_path / "clean", batch_size=4)
    assert clean.loaded == len(paths)
    assert doc_ids(target) == doc_ids(str(tmp_path / "clean" / "dispatches.duckdb"))
    assert snapshot(target, ["recipients", "references", "deadlines"]) == \
        snapshot(str(tmp_path / "clean" / "dispatches.duckdb"), ["recipients", "references", "deadlines"])


def test_a_new_pipeline_version_reextracts_only_what_changed(flow_env, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    write_inbox(inbox, 6)
    run_ingest(inbox, out)
    target = str(out / "dispatches.duckdb")
    stale = doc_ids(target)[2]
    with open_store(target) as store:
        store.execute("UPDATE documents SET pipeline_version = '0.0.1-old' WHERE doc_id = :d",
                      {"d": stale})
    summary = run_ingest(inbox, out)
    assert (summary.extracted, summary.skipped) == (1, 5)
    with open_store(target) as store:
        assert store.query("SELECT DISTINCT pipeline_version FROM documents") == [(PIPELINE_VERSION,)]



def test_new_code_reextracts_stored_documents_past_the_cache(flow_env, tmp_path, monkeypatch):
    """Another PIPELINE_VERSION (what any change to a record source gives) extracts every
    stored document again, for real: neither the dataset nor Prefect's cache answers."""
    import flows.ingest as ingest_module

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    marker = uuid.uuid4().hex  # bytes no earlier run has seen
    inbox.mkdir()
    for i in range(3):
        (inbox / f"cv-{i}.txt").write_text(dispatch_text(i) + f"\n{marker}\n", encoding="utf-8")
    calls = []
    real = tasks.file_bytes  # extraction runs in a worker process: count the hand-overs
    monkeypatch.setattr(tasks, "file_bytes", lambda ref: calls.append(ref.path) or real(ref))

    run_ingest(inbox, out, batch_size=3)
    again = run_ingest(inbox, out, batch_size=3)
    assert len(calls) == 3 and (again.extracted, again.skipped) == (0, 3)

    changed = PIPELINE_VERSION.split("+")[0] + "+000000000000"
    monkeypatch.setattr(ingest_module, "PIPELINE_VERSION", changed)
    monkeypatch.setattr(tasks, "PIPELINE_VERSION", changed)
    summary = run_ingest(inbox, out, batch_size=3)
    assert (summary.extracted, summary.skipped, summary.loaded) == (3, 0, 3)
    assert len(calls) == 6

def test_a_stored_batch_leaves_no_record_to_the_garbage_collector(flow_env, tmp_path):
    """Once a batch is stored its records are freed by reference counting. Prefect's future
    holds the batch's result in a reference cycle (future ↔ state): left there, a large
    run's records waited for full collections, which scan the whole heap (0.4 s every ~75
    batches, measured). With the collector off, garbage in cycles stays listed."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    write_inbox(inbox, 6)
    gc.collect()
    gc.disable()
    try:
        summary = run_ingest(inbox, out, batch_size=2, refresh_cache=True, write_report=False)
        left = sum(isinstance(o, Record) and o.source.path.startswith(str(inbox))
                   for o in gc.get_objects())
    finally:
        gc.enable()
    assert summary.loaded == 6 and left == 0


def test_extractions_are_cached_by_content_hash(flow_env, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    marker = uuid.uuid4().hex  # bytes no earlier run has seen
    for i in range(5):
        (inbox / f"cv-{i}.txt").parent.mkdir(parents=True, exist_ok=True)
        (inbox / f"cv-{i}.txt").write_text(dispatch_text(i) + f"\n{marker}\n", encoding="utf-8")
    calls = []
    real = tasks.file_bytes  # extraction runs in a worker process: count the hand-overs
    monkeypatch.setattr(tasks, "file_bytes", lambda ref: calls.append(ref.path) or real(ref))

    run_ingest(inbox, tmp_path / "out-1", batch_size=5)
    assert len(calls) == 5
    # a fresh dataset from the same bytes: the batch comes from Prefect's cache
    moved = tmp_path / "moved"
    inbox.rename(moved)
    summary = run_ingest(moved, tmp_path / "out-2", batch_size=5)
    assert len(calls) == 5 and summary.loaded == 5
    lines = (tmp_path / "out-2" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(json.loads(x)["source"]["path"].startswith(str(moved)) for x in lines)
    # refresh_cache extracts again
    run_ingest(moved, tmp_path / "out-3", batch_size=5, refresh_cache=True)
    assert len(calls) == 10


def test_a_transient_read_error_is_retried(flow_env, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    paths = write_inbox(inbox, 3)
    (inbox / "extra.txt").write_text(dispatch_text(3) + uuid.uuid4().hex, encoding="utf-8")
    attempts = []
    real = tasks.read_bytes

    def flaky(path):
        if path.name == "extra.txt":
            attempts.append(path)
            if len(attempts) == 1:
                raise tasks.TransientReadError(5, f"{path}: Input/output error")
        return real(path)

    monkeypatch.setattr(tasks, "read_bytes", flaky)
    summary = run_ingest(inbox, tmp_path / "out", refresh_cache=True)
    assert summary.failed == 0 and summary.loaded == len(paths) + 1
    assert len(attempts) >= 2


def test_no_quarantine_leaves_the_inbox_untouched(flow_env, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _, bad = mixed_inbox(inbox)
    before = digest(inbox)
    summary = run_ingest(inbox, out, quarantine=False)
    assert digest(inbox) == before
    assert summary.failed == len(bad) and summary.quarantined == 0
    assert all((out / "quarantine" / f"{p.relative_to(inbox)}.error.json").exists() for p in bad)


def test_cli_run_prints_a_summary_and_exits_1_on_failures(flow_env, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    write_inbox(inbox, 3)
    assert dispatches(["run", str(inbox), "--out", str(tmp_path / "out"), "-q"]) == 0
    out = capsys.readouterr().out
    assert "loaded" in out
    # the flow writes the review site at the end of the run; it lists every document
    index = tmp_path / "out" / "report" / "index.html"
    assert f"review report: {index}" in out
    assert all(p.name in index.read_text(encoding="utf-8") for p in inbox.iterdir())
    assert dispatches(["run", str(inbox), "--out", str(tmp_path / "bare"), "-q",
                       "--no-report"]) == 0
    assert "review report" not in capsys.readouterr().out
    assert not (tmp_path / "bare" / "report").exists()
    (inbox / "rong.txt").write_bytes(b"")
    assert dispatches(["run", str(inbox), "--out", str(tmp_path / "out"), "-q"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "rong.txt" in out


def test_run_summary_is_published_as_an_artifact(flow_env, tmp_path):
    from prefect.client.orchestration import get_client

    inbox = tmp_path / "inbox"
    write_inbox(inbox, 2)
    summary = run_ingest(inbox, tmp_path / "out")
    # a raw filter request: the client's read_artifacts sends nulls this server version rejects
    with get_client(sync_client=True) as client:
        response = client.request("POST", "/artifacts/filter", json={
            "artifacts": {}, "limit": 200, "offset": 0, "sort": "CREATED_DESC"})
    data = [a["data"] for a in response.json()
            if a["key"] == "ingest-summary" and summary.run_id in (a.get("data") or "")]
    assert data and "| loaded | 2 |" in data[0]


def test_flow_loads_postgresql(flow_env, pg_url, tmp_path):
    inbox = tmp_path / "inbox"
    good, bad = mixed_inbox(inbox)
    summary = run_ingest(inbox, tmp_path / "out", db=pg_url, batch_size=4, quarantine=False)
    assert summary.loaded == len(good) + len(bad) and summary.failed == len(bad)
    rows = snapshot(pg_url)
    again = run_ingest(inbox, tmp_path / "out", db=pg_url, batch_size=4, quarantine=False)
    assert snapshot(pg_url) == rows
    assert again.skipped == len(good)  # failed files are retried (they may have been transient)
    assert pq.read_table(tmp_path / "out" / "documents.parquet").num_rows == len(good) + len(bad)
    assert not (tmp_path / "out" / "dispatches.duckdb").exists()


def test_dask_runner_on_a_two_worker_local_cluster(flow_env, tmp_path):
    inbox = tmp_path / "inbox"
    paths = write_inbox(inbox, 10)
    summary = run_ingest(inbox, tmp_path / "out", runner="dask", workers=2, batch_size=3,
                         refresh_cache=True)
    assert summary.loaded == len(paths) and summary.failed == 0
    assert len(doc_ids(str(tmp_path / "out" / "dispatches.duckdb"))) == len(paths)


def test_a_killed_run_then_a_rerun_leaves_no_duplicate_and_no_gap(flow_env, tmp_path):
    """SIGKILL a real ``dispatches run`` after its first loaded batch, then run again."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    paths = write_inbox(inbox, 300)
    proc = start_run(inbox, out, tmp_path / "prefect-home")
    try:
        for line in proc.stderr:  # one progress line per loaded batch (stderr is not a tty)
            if "documents" in line:
                proc.send_signal(signal.SIGKILL)
                break
        proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    target = str(out / "dispatches.duckdb")
    loaded_before = len(doc_ids(target))
    assert 0 < loaded_before < len(paths)

    summary = run_ingest(inbox, out, batch_size=50)
    expected = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in paths)
    assert doc_ids(target) == expected
    assert summary.skipped == loaded_before and summary.loaded == len(paths) - loaded_before
    with open_store(target) as store:
        assert store.query("SELECT count(*) FROM recipients") == \
            store.query("SELECT sum(recipient_count) FROM documents")
        # the killed run no longer looks as if it were running
        assert sorted(store.query("SELECT status FROM runs")) == [("completed",), ("interrupted",)]
    assert len(summary.interrupted_runs) == 1
