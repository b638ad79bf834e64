"""The review loop in a real browser (headless Chromium through its chromedriver): open the
app on a run with a scan, correct the scan's number from the keyboard, reload, re-run the
flow with ``--refresh-cache``, and find the corrected number in the page, in
``v_incoming_register`` and in the exported Parquet.

Screenshots of the queue and of the scan's page go to ``$DISPATCHES_SCREENSHOTS`` when set
(else the test's tmp folder) for a person to look at.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from fixtures.scans import signed_page

pytestmark = pytest.mark.slow

selenium = pytest.importorskip("selenium", reason="selenium is in the dev extra")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CORRECTED = "4321/UBND-VP"
SAMPLE = Path(__file__).parents[2] / "samples" / "01-cong-van-hoa-toc-mua-lon.md"


def which(*names: str) -> str:
    for name in names:
        if found := shutil.which(name):
            return found
    pytest.skip(f"{names[0]} is not installed (scripts/install-system-deps.sh installs Debian's "
                "chromium and chromium-driver); the browser test of the review app is skipped")


@pytest.fixture
def browser(tmp_path):
    options = Options()
    options.binary_location = which("chromium", "chromium-browser", "google-chrome")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1440,1000",
                 f"--user-data-dir={tmp_path / 'profile'}", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--lang=vi"):
        options.add_argument(flag)
    # an explicit driver: Selenium Manager would try to download one
    driver = webdriver.Chrome(service=Service(executable_path=which("chromedriver")),
                              options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True,
                          text=True, timeout=600)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def review_app(tmp_path):
    """A run over an inbox with one scan (HỎA TỐC stamp) and one typed dispatch, and the
    review app serving it; yields (base URL, run folder, inbox, the scan's doc_id)."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    scan = inbox / "cong-dien-188.png"
    signed_page(number="188", hoa_toc=True).save(scan)
    shutil.copy(SAMPLE, inbox / SAMPLE.name)
    done = cli("run", str(inbox), "--out", str(out), "-q")
    assert done.returncode == 0, done.stderr
    port = free_port()
    app = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "review", str(out),
                            "--port", str(port), "--user", "lan"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                if app.poll() is not None:
                    pytest.fail(f"the review app exited: {app.stdout.read()}")
                time.sleep(0.25)
        yield base, out, inbox, hashlib.sha256(scan.read_bytes()).hexdigest()
    finally:
        app.terminate()
        app.wait(timeout=10)


def screenshots_dir(tmp_path: Path) -> Path:
    where = Path(os.environ.get("DISPATCHES_SCREENSHOTS") or tmp_path / "screenshots")
    where.mkdir(parents=True, exist_ok=True)
    return where


def register_number(out: Path, doc_id: str) -> str:
    with duckdb.connect(str(out / "dispatches.duckdb"), read_only=True) as con:
        return con.execute("SELECT so_ky_hieu FROM v_incoming_register WHERE doc_id = ?",
                           [doc_id]).fetchone()[0]


def test_a_correction_made_in_the_browser_sticks(browser, review_app, tmp_path):
    base, out, inbox, scan_id = review_app
    shots = screenshots_dir(tmp_path)
    wait = WebDriverWait(browser, 30)

    browser.get(base + "/")
    rows = browser.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
    assert len(rows) == 2
    assert "HỎA TỐC" in browser.find_element(By.ID, "queue").text  # the stamp, read and shown
    browser.save_screenshot(str(shots / "queue.png"))

    # accent-insensitive search, typed as an archivist would without diacritics
    search = browser.find_element(By.ID, "q")
    search.send_keys("mua lu")  # "mưa lũ"
    assert browser.find_element(By.ID, "shown").text == "1"
    search.clear()
    search.send_keys(Keys.ESCAPE)

    browser.find_element(By.CSS_SELECTOR, f'a[href="/doc/{scan_id}"]').click()
    wait.until(lambda b: b.current_url.endswith(scan_id))
    # the page image is there and the number's words are boxed on it
    assert browser.execute_script(
        "var i=document.querySelector('.pageimg img');return i&&i.complete&&i.naturalWidth;") > 0
    assert browser.find_elements(By.CSS_SELECTOR, '.box[data-family="number"]')
    extracted = browser.find_element(By.ID, "v-number").get_attribute("value")
    assert extracted.startswith("188")
    browser.save_screenshot(str(shots / "scan-review.png"))

    field = browser.find_element(By.ID, "v-number")
    field.clear()
    field.send_keys(CORRECTED, Keys.ENTER)  # Enter saves
    wait.until(lambda b: "saved=number" in b.current_url)
    browser.refresh()
    assert browser.find_element(By.ID, "v-number").get_attribute("value") == CORRECTED
    assert "lan" in browser.find_element(By.ID, "f-number").text  # who corrected it

    again = cli("run", str(inbox), "--out", str(out), "--refresh-cache", "-q")
    assert again.returncode == 0, again.stderr

    browser.refresh()
    assert browser.find_element(By.ID, "v-number").get_attribute("value") == CORRECTED
    assert register_number(out, scan_id) == CORRECTED
    register = pq.read_table(out / "v_incoming_register.parquet").to_pylist()
    assert {r["doc_id"]: r["so_ky_hieu"] for r in register}[scan_id] == CORRECTED
    documents = pq.read_table(out / "documents.parquet").to_pylist()
    assert {d["doc_id"]: d["number_raw"] for d in documents}[scan_id] == CORRECTED
    records = [json.loads(x) for x in (out / "records.jsonl").read_text().splitlines()]
    assert {r["doc_id"]: r["number"]["raw"] for r in records}[scan_id] == CORRECTED
