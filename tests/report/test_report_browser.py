"""The review site in a real browser: headless Chromium runs the page (and its script) and we
read back the DOM it built, and a screenshot for a person to look at."""
from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fixtures.report_run import SAMPLE_FILES

from pipeline.report.render import document_text, page_name

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed (scripts/install-system-deps.sh installs the Debian "
                "'chromium' package); the browser check of the review site is skipped")


def run_chromium(chromium: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=True)


def dump_dom(chromium: str, tmp_path: Path, url: str) -> str:
    return run_chromium(chromium, tmp_path, "--dump-dom", url).stdout


class Rows(HTMLParser):
    """Rows of the index's documents table: (class, first cell's text)."""

    def __init__(self):
        super().__init__()
        self.rows, self._cell, self._in_body = [], None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body and "data-type" in attrs:
            self.rows.append([attrs.get("class") or "", ""])
            self._cell = 0
        elif tag == "td" and self._cell is not None:
            self._cell += 1

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body, self._cell = False, None

    def handle_data(self, data):
        if self._cell == 1 and self.rows:
            self.rows[-1][1] += data.strip()


def marked_words(dom: str) -> list[tuple[str, str]]:
    """(label, word) of every field mark: the word is the text before the mark's label."""
    return re.findall(r'<span class="hl"[^>]*>([^<]*)<span class="hl-slice"[^>]*></span>'
                      r'<span class="hl-start"[^>]*><span class="hl-label" data-label="([^"]+)"', dom)


def test_index_lists_every_document_in_the_browser(chromium, samples_run, tmp_path):
    _, _, index = samples_run
    parser = Rows()
    parser.feed(dump_dom(chromium, tmp_path, index.as_uri()))
    assert sorted(name for _, name in parser.rows) == sorted(p.name for p in SAMPLE_FILES)
    assert all("hidden" not in cls for cls, _ in parser.rows)
    assert 'id="shown">%d<' % len(SAMPLE_FILES) in dump_dom(chromium, tmp_path, index.as_uri())


def test_index_filter_runs_in_the_browser(chromium, samples_run, tmp_path):
    _, records, index = samples_run
    parser = Rows()
    parser.feed(dump_dom(chromium, tmp_path, index.as_uri() + "#type=cong_van"))
    visible = sorted(name for cls, name in parser.rows if "hidden" not in cls)
    expected = sorted(Path(r["source"]["path"]).name for r in records if r["doc_type"] == "cong_van")
    assert expected and visible == expected


def test_document_page_shows_marked_number_and_date(chromium, samples_run, tmp_path):
    _, records, index = samples_run
    rec = next(r for r in records if r["source"]["path"].endswith("01-cong-van-hoa-toc-mua-lon.md"))
    page = index.parent / "docs" / page_name(rec)
    marks = [(label, word.strip()) for word, label in
             marked_words(dump_dom(chromium, tmp_path, page.as_uri()))]
    text = document_text(rec, index.parent.parent).text
    for field in ("number", "issued_date"):
        span = rec["provenance"][field]
        first_word = text[span["start"]:span["end"]].split()[0]
        assert (field, first_word) in marks, field
    assert ("number", rec["number"]["raw"]) in marks
    shot = tmp_path / "shot.png"
    run_chromium(chromium, tmp_path, "--window-size=1280,1600", f"--screenshot={shot}",
                 page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
