"""A rerun over an unchanged inbox writes nothing again but runs.parquet; a change to the
data (a correction, a file) or a missing output brings the exports and the report back."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from fixtures.dispatches import write_inbox
from flows.ingest import run_ingest
from flows.unchanged import unchanged_run
from pipeline.cli import main as dispatches
from pipeline.load import open_store

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def written(out) -> dict[str, int]:
    """When each output was last written (ns), by name."""
    names = ["documents.parquet", "v_incoming_register.parquet", "records.jsonl",
             "report/index.html"]
    return {n: (out / n).stat().st_mtime_ns for n in names}


def subjects(out) -> list[str]:
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return sorted(json.loads(line)["subject"] for line in lines)


def test_an_unchanged_inbox_is_not_exported_again(flow_env, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    write_inbox(inbox, 4)
    first = run_ingest(inbox, out, quarantine=False)
    before, listed = written(out), subjects(out)

    again = run_ingest(inbox, out, quarantine=False)
    assert (again.skipped, again.loaded) == (4, 0)
    assert written(out) == before
    assert subjects(out) == listed
    assert again.report == first.report
    assert pq.read_table(out / "runs.parquet").num_rows == 2  # this run is listed

    with open_store(out / "dispatches.duckdb") as store:
        doc_id = store.query("SELECT doc_id FROM documents ORDER BY source_path")[0][0]
        store.add_correction(doc_id, "subject", "về việc đã hiệu chỉnh", "chuyên viên")
    corrected = run_ingest(inbox, out, quarantine=False)
    assert corrected.loaded == 0
    now = written(out)
    assert all(now[n] != before[n] for n in now)
    assert "về việc đã hiệu chỉnh" in subjects(out)
    assert "về việc đã hiệu chỉnh" in (out / "report" / "index.html").read_text(encoding="utf-8")

    (out / "records.jsonl").unlink()  # an output gone: written again
    run_ingest(inbox, out, quarantine=False, write_report=False)
    assert "về việc đã hiệu chỉnh" in subjects(out)


def test_the_command_answers_an_unchanged_inbox_without_the_flow(flow_env, tmp_path,
                                                                 monkeypatch, capsys):
    import flows.ingest

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    write_inbox(inbox, 3)
    assert dispatches(["run", str(inbox), "--out", str(out), "-q"]) == 0
    before = written(out)

    def no_flow(*args, **kwargs):
        raise AssertionError("the flow ran for an unchanged inbox")

    monkeypatch.setattr(flows.ingest, "run_ingest", no_flow)
    capsys.readouterr()
    assert dispatches(["run", str(inbox), "--out", str(out), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "skipped (unchanged, already loaded)" in printed and "review report:" in printed
    assert written(out) == before
    runs = pq.read_table(out / "runs.parquet").to_pylist()
    assert [(r["status"], r["files_seen"], r["skipped"]) for r in runs
            if r["run_id"].startswith("unchanged-")] == [("completed", 3, 3)]

    # anything to do — here a new file — is the flow's
    write_inbox(inbox, 1, start=3)
    assert unchanged_run(str(inbox), str(out)) is None
    monkeypatch.undo()
    assert dispatches(["run", str(inbox), "--out", str(out), "-q"]) == 0
    with open_store(out / "dispatches.duckdb") as store:
        assert store.query("SELECT count(*) FROM documents")[0][0] == 4


def test_only_an_inbox_as_it_was_loaded_is_unchanged(flow_env, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    paths = write_inbox(inbox, 3)
    assert unchanged_run(str(inbox), str(out)) is None  # no dataset yet
    run_ingest(inbox, out, quarantine=False)
    assert unchanged_run(str(inbox), str(out), write_report=True) is not None

    moved = paths[0].rename(inbox / "moved.txt")
    assert unchanged_run(str(inbox), str(out)) is None  # the flow records the new path
    moved.rename(paths[0])
    gone = paths[1].read_bytes()
    paths[1].unlink()
    assert unchanged_run(str(inbox), str(out)) is None  # the flow withdraws it
    paths[1].write_bytes(gone)
    (inbox / "copy.txt").write_bytes(gone)
    assert unchanged_run(str(inbox), str(out)) is None  # the flow names the copy
    (inbox / "copy.txt").unlink()
    (out / "records.jsonl").unlink()
    assert unchanged_run(str(inbox), str(out)) is None  # an output to write again


def test_the_command_answers_an_unchanged_inbox_without_importing_pandas(flow_env, tmp_path):
    """DuckDB's client imports pandas at the first query that binds a parameter (the run's
    own ``runs`` rows): 1.1–1.9 s of a rerun of 10,000 files, and 45 MB (measured). The
    command leaves it out, as it does for a flow run (``pipeline.cli.lean``);
    ``-X importtime`` lists every module imported."""
    pytest.importorskip("pandas")  # only meaningful where pandas is installed
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    write_inbox(inbox, 3)
    run_ingest(inbox, out, quarantine=False)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline.cli", "run",
                           str(inbox), "--out", str(out), "-q"], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "skipped (unchanged, already loaded)" in done.stdout  # no flow: no Prefect either
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "duckdb" in imported and "pipeline.load" in imported  # the listing is complete
    # an import refused is listed too, as "pandas" alone; one that happens brings its
    # submodules (pandas._config first of all)
    assert not {name for name in imported if name.startswith("pandas.")}
