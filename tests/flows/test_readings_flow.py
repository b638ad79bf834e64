"""The flow saves what it read of each file (``OUT/readings/``) and writes the review report;
the report of a run folder moved away from its inbox runs no OCR and misses nothing."""
from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path

import pytest

import flows.ingest as ingest_module
import flows.tasks as tasks
from fixtures.dispatches import dispatch_text
from fixtures.scans import font_path, signed_page
from flows.ingest import run_ingest
from pipeline.cli import main as dispatches
from pipeline.extract import load_reading, page_image_path
from pipeline.report.render import page_name

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed"),
    pytest.mark.skipif(font_path() is None, reason="fonts-dejavu-core not installed"),
]


def labels_on(page_html: str) -> set[str]:
    return set(re.findall(r'class="hl-label" data-label="([^"]+)"', page_html))


def records_of(out) -> list[dict]:
    return [json.loads(x) for x in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]


def no_ocr(*args, **kwargs):
    raise AssertionError("OCR ran again")


def test_readings_are_saved_and_the_report_needs_neither_inbox_nor_ocr(flow_env, tmp_path,
                                                                       monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    marker = uuid.uuid4().hex  # bytes no earlier run has seen: the first run extracts
    for i in range(2):
        (inbox / f"cv-{i}.txt").write_text(dispatch_text(i) + f"\n{marker}\n", encoding="utf-8")
    signed_page(number="188").save(inbox / "scan.png")
    (inbox / "rong.txt").write_bytes(b"")  # failed: no reading
    calls = []
    real = tasks.file_bytes  # extraction runs in a worker process: count the hand-overs
    monkeypatch.setattr(tasks, "file_bytes", lambda ref: calls.append(ref.path) or real(ref))

    out = tmp_path / "out"
    summary = run_ingest(inbox, out, quarantine=False, workers=2)  # the scan: a batch alone
    records = records_of(out)
    good = [r for r in records if r["status"] != "failed"]
    assert len(good) == 3 and summary.readings == 3
    for rec in good:
        reading = load_reading(out, rec["doc_id"])
        assert reading.source_path == rec["source"]["path"]
        prov = rec["provenance"]["number"]
        assert reading.text[prov["start"]:prov["end"]] == rec["number"]["raw"]
    [scan] = [r for r in good if r["source"]["path"].endswith("scan.png")]
    scanned = load_reading(out, scan["doc_id"])
    assert scanned.pages[0].ocr and scanned.pages[0].words
    assert page_image_path(out, scan["doc_id"], 1) is not None
    # the flow wrote the report, and says where
    assert summary.report == str(out / "report" / "index.html") and summary.report_error is None
    assert all(r["source"]["path"].split("/")[-1] in (out / "report" / "index.html").read_text(
        encoding="utf-8") for r in records)

    # the same bytes from another folder: the scan's batch comes from Prefect's cache, and
    # its readings are saved all the same, naming the files where they are now; the batch
    # with the failed file was not cached, so it is extracted again
    moved = inbox.rename(tmp_path / "moved")
    again = run_ingest(moved, tmp_path / "out-2", quarantine=False, write_report=False,
                       workers=2)
    extracted_again = {Path(p).name for p in calls[4:]}
    assert "rong.txt" in extracted_again and "scan.png" not in extracted_again
    assert again.readings == 3
    assert load_reading(tmp_path / "out-2", scan["doc_id"]).source_path == str(moved / "scan.png")
    assert again.report is None and not (tmp_path / "out-2" / "report").exists()

    # the run folder moved elsewhere, the inbox gone: the report reads the readings only
    copy = tmp_path / "elsewhere" / "run"
    shutil.copytree(out, copy)
    shutil.rmtree(moved)
    shutil.rmtree(copy / "report")
    monkeypatch.setattr("pytesseract.image_to_data", no_ocr)
    monkeypatch.setattr("pytesseract.image_to_string", no_ocr)
    assert dispatches(["report", str(copy)]) == 0
    for rec in good:
        page = (copy / "report" / "docs" / page_name(rec)).read_text(encoding="utf-8")
        assert "not found" not in page
        assert {"number", "issued_date"} <= labels_on(page), rec["source"]["path"]
    page = (copy / "report" / "docs" / page_name(scan)).read_text(encoding="utf-8")
    assert f'src="../../readings/{scan["doc_id"]}/page-1.jpg"' in page


def test_a_failing_report_does_not_fail_the_run(flow_env, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "cv.txt").write_text(dispatch_text(7) + uuid.uuid4().hex, encoding="utf-8")

    def broken(run_dir):
        raise OSError("disk full")

    monkeypatch.setattr(ingest_module, "write_review_report", broken)
    summary = run_ingest(inbox, tmp_path / "out")
    assert summary.loaded == 1 and summary.report is None
    assert "disk full" in summary.report_error and "disk full" in summary.to_text()
    assert (tmp_path / "out" / "records.jsonl").is_file()
