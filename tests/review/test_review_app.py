"""The review app over a real DuckDB dataset, through HTTP (Starlette's test client)."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from fixtures.records import dispatch_record
from pipeline.extract import ReadingBundle, save_reading
from pipeline.load import open_store
from pipeline.review import ReviewConfig, create_app
from schemas import PageReading, Provenance, Reading, WordBox

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
BASE = "http://127.0.0.1"


def jpeg(width=600, height=800) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buf, format="JPEG")
    return buf.getvalue()


@pytest.fixture
def run_dir(tmp_path) -> Path:
    """A run folder: three documents in DuckDB (one hostile, one partial), a reading with a
    page image for the first."""
    out = tmp_path / "out"
    hostile = dispatch_record(1).model_copy(update={
        "subject": f"V/v thử {HOSTILE}", "issuer": None, "recipients": [HOSTILE],
        "provenance": {"number": Provenance(page=1, start=4, end=15, confidence=0.4)}})
    hostile = hostile.model_copy(update={"source": hostile.source.model_copy(
        update={"path": f"inbox/{HOSTILE}.txt"})})
    partial = dispatch_record(2, issuer="Ủy ban nhân dân tỉnh Quảng Ngãi").model_copy(
        update={"issued_date": None, "status": "partial", "warnings": []})
    plain = dispatch_record(3).model_copy(update={"warnings": []})
    with open_store(out / "dispatches.duckdb") as store:
        store.ensure_schema()
        store.load_records([hostile, partial, plain], run_id="r1")
    text = f"Số: 101/UBND-VP\n{HOSTILE}\n"
    save_reading(out, ReadingBundle(Reading(
        doc_id=hostile.doc_id, source_path=hostile.source.path, text=text,
        pages=[PageReading(page=1, start=0, ocr=True, image="page-1.jpg", width=600, height=800,
                           words=[WordBox(start=0, end=3, box=(10, 10, 60, 40)),
                                  WordBox(start=4, end=15, box=(70, 10, 300, 40))])]),
        {"page-1.jpg": jpeg()}))
    return out


def client(run_dir: Path, **config) -> TestClient:
    app = create_app(ReviewConfig(run_dir, str(run_dir / "dispatches.duckdb"), "lan", **config))
    return TestClient(app, base_url=BASE)


def token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html)[1]


def test_the_queue_lists_what_needs_review_first(run_dir):
    html = client(run_dir).get("/").text
    order = re.findall(r'data-href="/doc/([0-9a-f]{64})"', html)
    # partial first (a register field missing), then the needs-review warning, then the rest
    assert order == [dispatch_record(i).doc_id for i in (2, 1, 3)]
    assert "Số, ký hiệu" in html and "Công văn" in html and "Trích yếu" in html
    assert "01/06/2024" in html  # dates as dd/mm/yyyy


def test_search_ignores_diacritics_and_english_is_available(run_dir):
    c = client(run_dir)
    html = c.get("/", params={"q": "quang ngai"}).text
    assert re.findall(r'data-href="/doc/([0-9a-f]{64})"', html) == [dispatch_record(2).doc_id]
    english = c.get("/", params={"lang": "en"})
    assert "Subject" in english.text and "Trích yếu" not in english.text
    assert "Subject" in c.get("/").text  # the choice is kept (cookie)


def test_document_text_is_inert_on_every_page(run_dir):
    c = client(run_dir)
    doc_id = dispatch_record(1).doc_id
    page = c.get(f"/doc/{doc_id}")
    pages = [c.get("/"), c.get("/", params={"q": HOSTILE}), page,
             c.post(f"/doc/{doc_id}/field", data={"token": token(page.text), "field": "issued_date",
                                                  "value": HOSTILE, "action": "save"}),
             c.get(f"/doc/{HOSTILE}"), c.get(f"/pages/{HOSTILE}/1.jpg")]
    assert [p.status_code for p in pages] == [200, 200, 200, 400, 404, 404]
    for p in pages:
        assert "<script>alert" not in p.text and "<img src=x" not in p.text, p.url
    assert "&lt;script&gt;alert" in page.text  # shown, as text


def test_page_images_are_served_from_the_run_folder_only(run_dir, tmp_path):
    c = client(run_dir)
    doc_id = dispatch_record(1).doc_id
    ok = c.get(f"/pages/{doc_id}/1.jpg")
    assert ok.status_code == 200 and ok.headers["content-type"] == "image/jpeg"
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(jpeg())
    os.symlink(secret, run_dir / "readings" / doc_id / "page-2.jpg")  # planted link
    for path in (f"/pages/{doc_id}/2.jpg", f"/pages/{doc_id}/0.jpg", f"/pages/{doc_id}/-1.jpg",
                 f"/pages/{doc_id}/..%2F..%2F..%2Fdispatches.duckdb",
                 "/pages/..%2F..%2Fdispatches.duckdb/1.jpg", f"/pages/{doc_id}/1.png",
                 f"/readings/{doc_id}/page-1.jpg", "/dispatches.duckdb", "/records.jsonl",
                 f"/pages/{doc_id}/%2Fetc%2Fpasswd"):
        r = c.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html"), path


def test_the_scan_page_boxes_the_fields_words_and_marks_the_text(run_dir):
    html = client(run_dir).get(f"/doc/{dispatch_record(1).doc_id}").text
    assert f'src="/pages/{dispatch_record(1).doc_id}/1.jpg"' in html
    # the number was read from the word at x 70–300, y 10–40 of a 600×800 page
    boxes = re.findall(r'class="box" data-field="(\w+)" data-family="\w+" style="left:([\d.]+)%;'
                       r'top:([\d.]+)%;width:([\d.]+)%;height:([\d.]+)%', html)
    assert boxes == [("number", "11.667", "1.250", "38.333", "3.750")]
    assert 'data-label="number"' in html  # and marked in the text beside it
    assert "0.40" in html  # its confidence


def test_a_correction_from_the_form_is_stored_and_shown(run_dir):
    c = client(run_dir)
    doc_id = dispatch_record(2).doc_id
    page = c.get(f"/doc/{doc_id}")
    assert 'id="v-issued_date" name="value" value=""' in page.text
    saved = c.post(f"/doc/{doc_id}/field", follow_redirects=False, data={
        "token": token(page.text), "field": "issued_date", "value": "02/05/2024",
        "action": "save", "who": "Hà"})
    assert saved.status_code == 303
    again = c.get(saved.headers["location"])
    assert 'value="02/05/2024"' in again.text and "Hà" in again.text
    confirmed = c.post(f"/doc/{doc_id}/field", follow_redirects=False, data={
        "token": token(page.text), "field": "subject", "action": "accept", "who": "Hà"})
    assert confirmed.status_code == 303
    with open_store(run_dir / "dispatches.duckdb") as store:
        status = {c.field: (c.corrected_value, c.status, c.corrected_by)
                  for c in store.corrections([doc_id])}
        assert status == {"issued_date": ("2024-05-02", "applied", "Hà"),
                          "subject": ("triển khai nhiệm vụ 2", "extraction_agrees", "Hà")}
        assert store.query("SELECT ngay_van_ban FROM v_incoming_register WHERE doc_id = :d",
                           {"d": doc_id}) == [(dt.date(2024, 5, 2),)]
        assert store.query("SELECT status FROM documents WHERE doc_id = :d",
                           {"d": doc_id}) == [("ok",)]


def test_forms_need_the_apps_token_and_requests_a_local_host(run_dir):
    c = client(run_dir)
    doc_id = dispatch_record(1).doc_id
    forged = c.post(f"/doc/{doc_id}/field", data={"token": "guess", "field": "subject",
                                                  "value": "x", "action": "save"})
    assert forged.status_code == 403
    other = create_app(ReviewConfig(run_dir, str(run_dir / "dispatches.duckdb"), "lan"))
    assert TestClient(other, base_url="http://attacker.example").get("/").status_code == 400
    with open_store(run_dir / "dispatches.duckdb") as store:
        assert store.corrections() == []


def test_a_run_holding_the_dataset_gets_a_busy_page_not_a_crash(run_dir):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb,sys,time;c=duckdb.connect(sys.argv[1]);print('held',flush=True);"
        "time.sleep(30)"), str(run_dir / "dispatches.duckdb")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        r = client(run_dir, lock_timeout=0.5).get("/")
        assert r.status_code == 503 and time.monotonic() - started < 10
        assert str(holder.pid) in r.text
    finally:
        holder.kill()
        holder.wait()


def test_the_command_says_when_there_is_no_dataset(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "review", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no dataset" in done.stderr


def test_corrections_work_on_postgresql_too(pg_url, tmp_path):
    record = dispatch_record(4)
    with open_store(pg_url) as store:
        store.ensure_schema()
        store.load_records([record], run_id="r1")
    c = TestClient(create_app(ReviewConfig(tmp_path, pg_url, "lan")), base_url=BASE)
    page = c.get(f"/doc/{record.doc_id}")
    assert page.status_code == 200 and 'value="104/UBND-VP"' in page.text
    saved = c.post(f"/doc/{record.doc_id}/field", follow_redirects=False, data={
        "token": token(page.text), "field": "number", "value": "55/QĐ-UBND", "action": "save"})
    assert saved.status_code == 303
    assert 'value="55/QĐ-UBND"' in c.get(f"/doc/{record.doc_id}").text
    with open_store(pg_url) as store:
        assert store.query("SELECT so_ky_hieu FROM v_incoming_register") == [("55/QĐ-UBND",)]
