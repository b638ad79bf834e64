"""The worker process (issue 15): a file that hangs is killed at its time, one that dies or
asks for too much memory gets a failed record saying so, and the batch goes on."""
from __future__ import annotations

import time

import pytest

from fixtures.dispatches import write_inbox
from fixtures.hostile import crashes_on_crash_job, crashing_job, hungry_job, zip_bomb_docx
from pipeline.extract import extract_file
import pipeline.extract.worker as worker_module
from pipeline.extract.worker import ExtractionWorker, close_idle_workers
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


def _taken_up(folder) -> dict[str, tuple[float, float]]:
    """name → (start, end) of each file ``timed_job`` extracted in ``folder``."""
    lines = (folder / "times.log").read_text(encoding="utf-8").splitlines()
    return {name: (float(start), float(end)) for name, start, end in map(str.split, lines)}


def _slowly(answers, pause: float) -> tuple[list, list[float]]:
    """The answers, taken ``pause`` seconds apart (a loader busy between two), and when
    each was taken (``time.time()``)."""
    taken, when = [], []
    for answer in answers:
        taken.append(answer)
        when.append(time.time())
        time.sleep(pause)
    return taken, when


def test_the_next_file_is_handed_over_before_the_answer_is_taken(tmp_path):
    """``extract_all``: the child has the next file while this process takes an answer
    (and is busy after it), not once it asks for the next answer."""
    from fixtures.worker_jobs import timed_job

    paths = write_inbox(tmp_path, 4)
    with ExtractionWorker(job=timed_job) as worker:
        answers, taken = _slowly(worker.extract_all(((p, p.read_bytes()) for p in paths), 60),
                                 0.5)
        assert worker.replaced == 0
    assert [done.record for done, _ in answers] == [extract_file(p) for p in paths]
    started = [_taken_up(tmp_path)[p.name][0] for p in paths]
    # one by one, each file would start once the pause after the answer before it was over
    assert all(start < at + 0.25 for start, at in zip(started[1:], taken))


def test_a_large_file_waits_for_the_child_to_be_idle(tmp_path, monkeypatch):
    from fixtures.worker_jobs import timed_job

    paths = write_inbox(tmp_path, 3)
    monkeypatch.setattr(worker_module, "AHEAD_BYTES", paths[1].stat().st_size - 1)
    with ExtractionWorker(job=timed_job) as worker:
        answers, taken = _slowly(worker.extract_all(((p, p.read_bytes()) for p in paths), 60),
                                 0.5)
    assert [done.record for done, _ in answers] == [extract_file(p) for p in paths]
    # sent once the first answer was taken and the pause after it was over, not before
    assert _taken_up(tmp_path)[paths[1].name][0] >= taken[0] + 0.45


def test_the_files_after_one_that_killed_its_child_go_to_a_new_one(tmp_path):
    first, doomed, third, fourth = write_inbox(tmp_path, 4)
    doomed = doomed.rename(tmp_path / "crash.txt")
    paths = [first, doomed, third, fourth]
    with ExtractionWorker(job=crashes_on_crash_job) as worker:
        answers = list(worker.extract_all(((p, p.read_bytes()) for p in paths), 60))
    records = [done.record for done, _ in answers]
    assert "extraction process died" in records[1].error and str(doomed) in records[1].error
    assert [records[0], *records[2:]] == [extract_file(p) for p in (first, third, fourth)]


def test_leaving_before_the_answers_ends_the_child_that_holds_files(tmp_path):
    """An error reading the next file (``TransientReadError``: the batch is retried) leaves
    a child with a file it was handed: ended, never handed back to the idle pool."""
    paths = write_inbox(tmp_path, 2)
    close_idle_workers()

    def files():
        yield paths[0], paths[0].read_bytes()
        raise OSError("the share went away")

    with ExtractionWorker() as worker:
        with pytest.raises(OSError, match="share went away"):
            next(worker.extract_all(files(), 60))
        assert worker._process is None
    assert _worker_pids() == set() and close_idle_workers() == 0


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


def _worker_pids() -> set[int]:
    """This process's extraction worker children (started by ``ExtractionWorker``)."""
    import psutil

    pids = set()
    for p in psutil.Process().children():
        try:
            if "pipeline.extract.worker" in " ".join(p.cmdline()):
                pids.add(p.pid)
        except psutil.Error:  # a zombie (ended, not yet reaped: an earlier test's) or gone
            continue
    return pids


def test_the_next_worker_reuses_the_idle_process_until_the_pool_is_closed(tmp_path):
    first, second = write_inbox(tmp_path, 2)
    close_idle_workers()
    with ExtractionWorker() as worker:
        worker.extract(first, first.read_bytes(), 60)
        pid = worker._process.pid
    assert _worker_pids() == {pid}  # idle, not ended: the next batch imports nothing
    with ExtractionWorker() as worker:
        done, _ = worker.extract(second, second.read_bytes(), 60)
        assert worker._process.pid == pid
    assert done.record == extract_file(second)
    assert close_idle_workers() == 1
    assert _worker_pids() == set()


def test_a_process_is_ended_after_its_share_of_files(tmp_path, monkeypatch):
    paths = write_inbox(tmp_path, 3)
    monkeypatch.setattr(worker_module, "RECYCLE_AFTER", 2)
    close_idle_workers()
    pids = []
    for path in paths:
        with ExtractionWorker() as worker:
            worker.extract(path, path.read_bytes(), 60)
            pids.append(worker._process.pid)
    assert pids[0] == pids[1] != pids[2]
    assert _worker_pids() == {pids[2]}
    close_idle_workers()


@pytest.mark.parametrize("clear_after", [2, 100])
def test_a_worker_empties_its_caches_every_so_many_files(tmp_path, monkeypatch, clear_after):
    """Every ``CLEAR_CACHES_AFTER`` files the child empties its per-line caches (its memory
    would grow with every document otherwise) and goes on: the same process, the same
    records."""
    from fixtures.worker_jobs import count_cached_then_extract

    paths = write_inbox(tmp_path, 3)
    monkeypatch.setattr(worker_module, "CLEAR_CACHES_AFTER", clear_after)
    close_idle_workers()
    seen, pids = [], set()
    with ExtractionWorker(job=count_cached_then_extract) as worker:
        for path in paths:
            (entries, done), _ = worker.extract(path, path.read_bytes(), 60)
            seen.append(entries)
            pids.add(worker._process.pid)
            assert done.record == extract_file(path)
    close_idle_workers()
    assert len(pids) == 1 and seen[1] > seen[0]
    if clear_after == 2:
        assert seen[2] == 0  # emptied after the second file
    else:
        assert seen[2] > seen[1]


def test_a_worker_process_ends_by_itself_when_its_parent_goes(tmp_path):
    [path] = write_inbox(tmp_path, 1)
    with ExtractionWorker() as worker:
        worker.extract(path, path.read_bytes(), 60)
        child, worker._process = worker._process, None
    child.conn.close()  # what the parent's death does to the pipe
    assert child.popen.wait(timeout=30) == 0


def test_a_text_worker_loads_no_reader_library_and_still_reads_a_pdf(tmp_path, font):
    """A worker holds the libraries of the kinds of file it was given, no more: an inbox of
    text dispatches costs no PDF, DOCX or OCR library in either worker (the run's memory is
    summed over its processes). A PDF that comes later is read, loading its own."""
    from fixtures.formats import build_pdf, parse_dispatch
    from fixtures.worker_jobs import extract_and_list_libraries

    texts = write_inbox(tmp_path / "inbox", 2)
    pdf = build_pdf(parse_dispatch(texts[0].read_text(encoding="utf-8")), tmp_path / "a.pdf",
                    font=font)
    with ExtractionWorker(job=extract_and_list_libraries) as worker:
        for path in texts:
            (done, loaded), _ = worker.extract(path, path.read_bytes(), 60)
            assert done.record.status != "failed" and loaded == []
        (done, loaded), _ = worker.extract(pdf, pdf.read_bytes(), 60)
    assert done.record.status != "failed" and done.record.source.format == "pdf"
    assert done.record.number == extract_file(texts[0]).number
    assert {"pdfplumber", "pypdfium2"} <= set(loaded)


def test_a_worker_maps_no_openssl_yet_hashes_as_this_process_does(tmp_path):
    """``KEPT_OUT``: libcrypto (3.5 MB resident in each worker) stays out of the workers;
    the record's sha256 (its ``doc_id``) and pipeline version are the ones this process
    computes with OpenSSL."""
    import hashlib  # noqa: F401 - this process: OpenSSL's hashes, as a run's main process has
    from fixtures.worker_jobs import extract_and_list_mapped, mapped_libraries

    [path] = write_inbox(tmp_path, 1)
    with ExtractionWorker(job=extract_and_list_mapped) as worker:
        (done, mapped), _ = worker.extract(path, path.read_bytes(), 60)
    assert any(lib.startswith("libcrypto") for lib in mapped_libraries())
    assert not any(lib.startswith("libcrypto") for lib in mapped)
    here = extract_file(path)
    assert ((done.record.doc_id, done.record.pipeline_version)
            == (here.doc_id, here.pipeline_version))
