"""Hostile files (issue 15): each is refused quickly, with its reason, without the memory
it asks for; clear messages for damaged and encrypted files."""
from __future__ import annotations

import resource
import time
import zipfile

import pytest

from fixtures.hostile import (big_text, encrypted_pdf, huge_page_pdf, huge_png, multipage_tiff,
                              zip_bomb_docx)
from pipeline.extract import extract_file
from pipeline.readers.image import image_pages
from pipeline.readers.limits import render_scale
from pipeline.readers.page_image import render_pages
from pipeline.settings import Settings


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def failed_quickly(path, settings=Settings()):
    start, before = time.monotonic(), peak_rss_mb()
    record = extract_file(path, settings=settings)
    assert time.monotonic() - start < 10 and peak_rss_mb() - before < 300
    assert record.status == "failed" and record.error.count(str(path)) == 1
    return record.error


def test_a_zip_bomb_docx_is_refused_before_it_is_inflated(tmp_path):
    path = zip_bomb_docx(tmp_path / "bom.docx", 1024)
    assert path.stat().st_size < 2_000_000
    assert "inflates to 1074 MB" in failed_quickly(path)
    assert "Settings.max_docx_ratio" in failed_quickly(
        path, Settings(max_docx_part_bytes=2**31, max_docx_total_bytes=2**31))


def test_a_big_text_file_is_refused_naming_the_limit(tmp_path):
    error = failed_quickly(big_text(tmp_path / "to.txt", 6))
    assert "text file too large" in error and "Settings.max_text_bytes" in error


def test_an_image_over_the_pixel_cap_is_refused_from_its_header(tmp_path):
    error = failed_quickly(huge_png(tmp_path / "to.png"))
    assert "1600 million pixels" in error and "Settings.max_image_pixels" in error
    error = failed_quickly(huge_png(tmp_path / "vua.png", 12_000, 10_000))  # under PIL's own cap
    assert "12000×10000 pixels" in error


def test_a_huge_pdf_page_is_rendered_under_the_pixel_cap(tmp_path):
    data = huge_page_pdf(tmp_path / "poster.pdf").read_bytes()
    assert len(data) < 5_000
    before = peak_rss_mb()
    [(number, image, scale)] = list(render_pages(data, [1], 300, max_pixels=4_000_000))
    assert number == 1 and image.width * image.height <= 4_000_000 and scale < 300 / 72
    assert peak_rss_mb() - before < 300
    assert render_scale(595, 842, 300, 60_000_000) == 300 / 72  # A4: untouched


def test_a_multipage_tiff_is_decoded_one_frame_at_a_time(tmp_path):
    path = multipage_tiff(tmp_path / "many.tif", 300)
    pages = image_pages(path, path.read_bytes())
    first = next(pages)
    assert first[0] == 1  # the first frame came before the 299 others were decoded
    assert sum(1 for _ in pages) == 299


def test_a_tiff_frame_over_the_pixel_cap_is_refused(tmp_path):
    path = multipage_tiff(tmp_path / "wide.tif", 2, size=(3000, 2000))
    with pytest.raises(Exception, match="3000×2000 pixels"):
        list(image_pages(path, path.read_bytes(), Settings(max_image_pixels=1_000_000)))


@pytest.mark.parametrize("name, content, says", [
    ("anh.png", b"\x89PNG but not really", "not an image file (or a damaged one)"),
    ("hong.docx", None, "damaged Word file: its XML is broken"),
    ("zip.docx", b"PK\x03\x04 truncated", "not a Word file"),
])
def test_damaged_files_say_what_they_are_in_words(tmp_path, name, content, says):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("[Content_Types].xml", "<Types><broken")
    else:
        path.write_bytes(content)
    error = extract_file(path).error
    assert says in error and "BytesIO" not in error and error.count(str(path)) == 1


def test_an_encrypted_pdf_says_it_needs_a_password(tmp_path):
    path = encrypted_pdf(tmp_path / "mat.pdf")
    error = extract_file(path).error
    assert error == f"{path}: encrypted PDF: it needs a password to be read"


def test_a_memory_error_says_the_file_is_too_large(tmp_path, monkeypatch):
    import pipeline.readers.text as text

    def hungry(data, path):
        raise MemoryError()

    monkeypatch.setattr(text, "decode_text", hungry)
    path = tmp_path / "cv.txt"
    path.write_text("Công văn", encoding="utf-8")
    error = extract_file(path).error
    assert error.startswith(f"{path}: too large to read: it needs more memory than")
    assert "MemoryError" not in error


def test_a_pdf_without_any_text_gets_a_warning(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    path = tmp_path / "trang.pdf"
    path.write_bytes(bytes(pdf.output()))
    record = extract_file(path)
    assert record.status != "failed" and [w.code for w in record.warnings] == ["no_text"]


def test_fifos_and_devices_are_refused_not_read(tmp_path):
    import os

    fifo = tmp_path / "ong.txt"
    os.mkfifo(fifo)
    assert "not a regular file" in failed_quickly(fifo)
    assert "not a regular file" in extract_file("/dev/zero").error
