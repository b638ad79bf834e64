"""What a run keeps of each document (``extract_file_with_reading``): the normalised text, the
pages, and for a scan the page as OCR read it with each word's box on it."""
from __future__ import annotations

import io
import shutil

import pytest
from fixtures.formats import SAMPLE_DISPATCHES, build_docx, build_pdf, parse_dispatch
from fixtures.scans import esigned_pdf, font_path, signed_page
from PIL import Image

import pipeline.extract.record as record_module
from pipeline.extract import extract_file, extract_file_with_reading

OCR_MARKS = (
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed"),
    pytest.mark.skipif(font_path() is None, reason="fonts-dejavu-core not installed"),
)


def needs_ocr(test):
    for mark in OCR_MARKS:
        test = mark(test)
    return test

# where signed_page() prints "Số: 188/UBND-VP", in pixels of the 300-dpi page
NUMBER_LINE = (330, 450, 1000, 545)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """(record, bundle, the Document extraction made) of an e-signed one-page scan, OCR'd once."""
    path = tmp_path_factory.mktemp("scan") / "signed.pdf"
    path.write_bytes(esigned_pdf([signed_page(number="188", hoa_toc=True)]))
    docs = []
    real = record_module.load_document
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(record_module, "load_document", lambda p, d=None, **kw: docs.append(real(p, d, **kw))
                   or docs[-1])
        record, bundle = extract_file_with_reading(path)
    return record, bundle, docs[0]


def sample_layout():
    return parse_dispatch(SAMPLE_DISPATCHES[0].read_text(encoding="utf-8-sig"))


@needs_ocr
def test_a_scan_keeps_its_text_and_the_page_ocr_read(scanned):
    record, bundle, doc = scanned
    reading = bundle.reading
    assert record.status != "failed", record.error
    assert reading.doc_id == record.doc_id and reading.source_format == "pdf"
    assert reading.text == doc.text
    [page] = reading.pages
    assert (page.page, page.start, page.ocr, page.image) == (1, 0, True, "page-1.jpg")
    assert page.width == 1400 and page.height == round(3508 * 1400 / 2480)
    image = Image.open(io.BytesIO(bundle.images["page-1.jpg"]))
    assert image.format == "JPEG" and image.size == (page.width, page.height)
    assert image.mode == "RGB"  # the red seal stays red
    assert len(page.words) > 50
    assert all(0 <= w.start < w.end <= len(reading.text) and w.start >= page.start
               for w in page.words)
    assert all(0 <= w.confidence <= 1 for w in page.words)


@needs_ocr
def test_the_number_words_are_boxed_where_the_number_is_printed(scanned):
    record, bundle, _ = scanned
    page = bundle.reading.pages[0]
    prov = record.provenance["number"]
    words = [w for w in page.words if w.start < prov.end and w.end > prov.start]
    assert "".join(bundle.reading.text[w.start:w.end] for w in words) == "188/UBND-VP"
    scale = page.width / 2480
    left, top, right, bottom = (round(v * scale) for v in NUMBER_LINE)
    for w in words:
        x0, y0, x1, y1 = w.box
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
        # on the saved (downscaled) image, not in the 300-dpi pixels OCR used
        assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom, w.box


def test_a_text_pdf_keeps_one_small_image_per_page_and_no_words(font, tmp_path):
    pdf = build_pdf(sample_layout(), tmp_path / "a.pdf", font=font)
    record, bundle = extract_file_with_reading(pdf)
    assert record == extract_file(pdf)
    pages = bundle.reading.pages
    assert len(pages) == record.source.pages >= 1
    assert [p.image for p in pages] == [f"page-{n}.jpg" for n in range(1, len(pages) + 1)]
    assert set(bundle.images) == {p.image for p in pages}
    for p in pages:
        assert not p.ocr and p.words == []
        image = Image.open(io.BytesIO(bundle.images[p.image]))
        assert image.size == (p.width, p.height) and 700 < p.width < 900  # A4 at 100 dpi


def test_text_files_and_word_files_keep_their_text_without_images(tmp_path):
    docx = build_docx(sample_layout(), tmp_path / "a.docx")
    for path in (SAMPLE_DISPATCHES[0], docx):
        record, bundle = extract_file_with_reading(path)
        assert record == extract_file(path)
        reading = bundle.reading
        assert bundle.images == {} and all(p.image is None for p in reading.pages)
        assert reading.pages[0].start == 0 and reading.source_path == str(path)
        prov = record.provenance["number"]
        assert reading.text[prov.start:prov.end] == record.number.raw


def test_a_failed_file_has_no_reading(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    record, bundle = extract_file_with_reading(empty)
    assert record.status == "failed" and bundle is None
