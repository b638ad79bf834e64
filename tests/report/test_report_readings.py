"""The report shows what the run read (``RUN_DIR/readings/``): a run folder moved away from its
inbox still gets every document's text, marks and page images, and no source is read again."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from fixtures.formats import build_pdf, parse_dispatch
from fixtures.report_run import SAMPLE_FILES, write_run

import pipeline.report.render as render
from pipeline.cli import main
from pipeline.report.render import page_name


def labels_on(page_html: str) -> set[str]:
    return set(re.findall(r'class="hl-label" data-label="([^"]+)"', page_html))


def never_read_again(*args, **kwargs):
    raise AssertionError("the report read a source file again")


def test_a_moved_run_shows_text_marks_and_pages_without_its_inbox(font, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    text = inbox / SAMPLE_FILES[0].name
    shutil.copy(SAMPLE_FILES[0], text)
    pdf = build_pdf(parse_dispatch(text.read_text(encoding="utf-8-sig")), inbox / "b.pdf",
                    font=font)
    records = write_run(tmp_path / "run", [text, pdf], readings=True)
    moved = tmp_path / "elsewhere" / "run"
    shutil.copytree(tmp_path / "run", moved)
    shutil.rmtree(tmp_path / "run")
    shutil.rmtree(inbox)
    monkeypatch.setattr(render, "load_document", never_read_again)

    assert main(["report", str(moved), "--today", "2024-04-01"]) == 0
    docs = moved / "report" / "docs"
    for rec in records:
        page = (docs / page_name(rec)).read_text(encoding="utf-8")
        assert "not found" not in page and "changed since the run" not in page
        assert {"number", "issued_date", "subject", "signer"} <= labels_on(page)
    # the PDF's pages are shown, linked relative to the page so the site moves with its run
    page = (docs / page_name(records[1])).read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) == records[1]["source"]["pages"]
    assert all(src.startswith("../../readings/") and (docs / src).is_file() for src in images)
    assert "<img" not in (docs / page_name(records[0])).read_text(encoding="utf-8")


def test_a_run_without_readings_still_reads_its_sources(tmp_path):
    """Runs of older versions saved no reading: the source is read again, as before."""
    [rec] = write_run(tmp_path / "run", SAMPLE_FILES[:1])
    text = render.document_text(rec, tmp_path / "run")
    assert text.exact and text.text and not text.images


def test_a_site_written_elsewhere_links_the_run_s_images(font, tmp_path):
    pdf = build_pdf(parse_dispatch(SAMPLE_FILES[0].read_text(encoding="utf-8-sig")),
                    tmp_path / "a.pdf", font=font)
    [rec] = write_run(tmp_path / "run", [pdf], readings=True)
    index = render.write_report(tmp_path / "run", tmp_path / "site")
    page = (index.parent / "docs" / page_name(rec)).read_text(encoding="utf-8")
    images = re.findall(r'<img src="([^"]+)"', page)
    assert images and all((index.parent / "docs" / src).resolve().is_file() for src in images)
    assert all(Path(src).parts[:3] == ("..", "..", "run") for src in images)
