"""The ingest flow drives the run's display: one advance per file as the extraction tasks
finish each file (not per batch), the phases after extraction, and batches answered from
the cache (no per-file events) still counted in full."""
from __future__ import annotations

import io

import pytest

from fixtures.dispatches import write_inbox
from flows.ingest import run_ingest
from flows.progress import RunProgress, showing

pytestmark = pytest.mark.slow


class Recording(RunProgress):
    """A plain display that also keeps what happened, in order."""

    def __init__(self):
        super().__init__(stream=io.StringIO(), interval=3600)
        self.events: list[tuple] = []

    def phase(self, name):
        self.events.append(("phase", name))
        super().phase(name)

    def file_done(self, path, failed=False):
        self.events.append(("file", path))
        super().file_done(path, failed)

    def batch_loaded(self, outcomes, loaded):
        outcomes = list(outcomes)
        self.events.append(("batch", len(outcomes)))
        super().batch_loaded(outcomes, loaded)


def test_one_advance_per_file_then_the_phases(flow_env, tmp_path):
    paths = write_inbox(tmp_path / "inbox", 6)
    progress = Recording()
    with showing(progress):
        summary = run_ingest(tmp_path / "inbox", tmp_path / "out", batch_size=3, workers=1,
                             refresh_cache=True, show_progress=True)
    assert summary.loaded == 6
    files = [e[1] for e in progress.events if e[0] == "file"]
    assert sorted(files) == sorted(str(p) for p in paths)  # each file once, by itself
    batches = [i for i, e in enumerate(progress.events) if e[0] == "batch"]
    # the first batch's three files were each reported before the batch was loaded
    assert [e[0] for e in progress.events[batches[0] - 3:batches[0]]] == ["file"] * 3
    assert (progress.done, progress.failed, progress.loaded) == (6, 0, 6)
    phases = [e[1] for e in progress.events if e[0] == "phase"]
    assert phases == ["reading the inbox", "following the inbox", "exporting",
                      "writing the report"]
    log = progress.console.file.getvalue()
    assert "dispatches: extracting 6 files…" in log
    assert "dispatches: 6/6 files extracted, 0 failed" in log


def test_batches_from_the_cache_are_counted_when_loaded(flow_env, tmp_path):
    write_inbox(tmp_path / "inbox", 4, start=100)
    run_ingest(tmp_path / "inbox", tmp_path / "first", batch_size=2, workers=1,
               refresh_cache=True)
    progress = Recording()
    with showing(progress):  # a fresh output folder: every batch comes from the cache
        summary = run_ingest(tmp_path / "inbox", tmp_path / "second", batch_size=2,
                             workers=1, show_progress=True)
    assert summary.loaded == 4
    assert not [e for e in progress.events if e[0] == "file"]
    assert [e for e in progress.events if e[0] == "batch"] == [("batch", 2), ("batch", 2)]
    assert (progress.done, progress.loaded) == (4, 4)
