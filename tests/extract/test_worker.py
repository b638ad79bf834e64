"""The worker process (issue 15): a file that hangs is killed at its time, one that dies or
asks for too much memory gets a failed record saying so, and the batch goes on."""
from __future__ import annotations

import time

from fixtures.dispatches import write_inbox
from fixtures.hostile import crashing_job, hungry_job, zip_bomb_docx
from pipeline.extract import extract_file
from pipeline.extract.worker import ExtractionWorker
from pipeline.settings import Settings


def test_the_worker_gives_the_same_record_as_in_process(tmp_path):
    paths = write_inbox(tmp_path, 3)
    with ExtractionWorker() as worker:
        records = [worker.extract(p, p.read_bytes(), 60)[0].record for p in paths]
        assert worker.replaced == 0
    assert records == [extract_file(p) for p in paths]


def test_a_worker_that_dies_gives_a_failed_record_and_the_next_file_a_new_worker(tmp_path):
    first, second = write_inbox(tmp_path, 2)
    with ExtractionWorker(job=crashing_job) as worker:
        done, timed_out = worker.extract(first, first.read_bytes(), 60)
        assert not timed_out and done.record.status == "failed"
        assert "extraction process died" in done.record.error and "exit 137" in done.record.error
        worker.job = ExtractionWorker().job
        done, _ = worker.extract(second, second.read_bytes(), 60)
    assert done.record.status != "failed"


def test_memory_past_the_limit_is_a_failed_record_naming_the_limit(tmp_path):
    [path] = write_inbox(tmp_path, 1)
    start = time.monotonic()
    with ExtractionWorker(Settings(max_memory_mb=2048), job=hungry_job) as worker:
        done, _ = worker.extract(path, path.read_bytes(), 60)
    assert time.monotonic() - start < 30
    assert done.record.error == (f"{path}: too large to read: it needs more memory than the "
                                 "per-file limit of 2048 MB (Settings.max_memory_mb)")
    assert done.traceback[-1].startswith("MemoryError")


def test_a_zip_bomb_fails_in_the_worker_with_its_reason(tmp_path):
    path = zip_bomb_docx(tmp_path / "bom.docx", 1024)
    with ExtractionWorker() as worker:
        done, _ = worker.extract(path, path.read_bytes(), 60)
    assert "Settings.max_docx_part_bytes" in done.record.error and done.traceback
