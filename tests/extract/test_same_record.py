"""Every form of a dispatch gives the record of its text version.

Each sample (``samples/*.md``, ``*.txt``) is rendered to a text PDF, a Word file (Unicode,
and with TCVN3 / VNI runs), legacy TCVN3 / VNI text files and — for a few samples — a
scan; number, date, type, issuer, subject, signer and recipients must equal those of
the text version.
"""
from __future__ import annotations

import unicodedata

import pytest
from fixtures.formats import (build_docx, build_mixed_pdf, build_pdf, build_scan, legacy_bytes,
                            parse_dispatch)
from fixtures.formats import SAMPLE_DISPATCHES as SAMPLES
from fixtures.record_fields import field_values

from pipeline.extract import extract_file

if not SAMPLES:
    pytest.skip("no samples/*.md or *.txt to render", allow_module_level=True)

IDS = [p.name for p in SAMPLES]
# OCR takes seconds a page: scan the first samples only (any sample would do)
SCANNED = SAMPLES[:2]


def _text_fields(sample):
    record = extract_file(sample)
    assert record.status != "failed", record.error
    return field_values(record)


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_text_pdf_gives_text_record(sample, font, fixture_dir):
    pdf = build_pdf(parse_dispatch(sample.read_text(encoding="utf-8-sig")),
                    fixture_dir / f"{sample.stem}.pdf", font=font)
    record = extract_file(pdf)
    assert record.source.format == "pdf" and not record.source.ocr
    assert field_values(record) == _text_fields(sample)


@pytest.mark.parametrize("legacy", [None, "tcvn3", "vni"])
@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_docx_gives_text_record(sample, legacy, fixture_dir):
    path = build_docx(parse_dispatch(sample.read_text(encoding="utf-8-sig")),
                      fixture_dir / f"{sample.stem}.{legacy or 'unicode'}.docx", legacy=legacy)
    record = extract_file(path)
    assert record.source.format == "docx"
    assert record.source.encoding == (legacy or "utf-8")
    assert field_values(record) == _text_fields(sample)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_legacy_text_file_gives_unicode_record(sample, encoding, fixture_dir):
    text = unicodedata.normalize("NFC", sample.read_text(encoding="utf-8-sig"))
    path = fixture_dir / f"{sample.stem}.{encoding}{sample.suffix}"
    path.write_bytes(legacy_bytes(text, encoding))
    record = extract_file(path)
    assert record.source.encoding == encoding
    assert field_values(record) == _text_fields(sample)


@pytest.mark.slow
@pytest.mark.parametrize("sample", SCANNED, ids=[p.name for p in SCANNED])
def test_scan_gives_text_record(sample, font, fixture_dir):
    pdf = build_pdf(parse_dispatch(sample.read_text(encoding="utf-8-sig")),
                    fixture_dir / f"{sample.stem}.forscan.pdf", font=font)
    scan = build_scan(pdf, fixture_dir / f"{sample.stem}.scan.pdf")
    record = extract_file(scan)
    assert record.status != "failed", record.error
    assert record.source.ocr
    assert set(record.source.ocr_confidence) == {str(n) for n in range(1, record.source.pages + 1)}
    assert all(0.5 < c <= 1 for c in record.source.ocr_confidence.values())
    assert field_values(record) == _text_fields(sample)


@pytest.mark.slow
def test_mixed_pdf_ocrs_only_the_scanned_page(font, fixture_dir):
    from pipeline.extract import load_document

    # a sample long enough for two pages; the signature lands on page 2
    for sample in SAMPLES:
        pdf = build_pdf(parse_dispatch(sample.read_text(encoding="utf-8-sig")),
                        fixture_dir / f"{sample.stem}.mixed-src.pdf", font=font)
        import pypdfium2 as pdfium

        if len(pdfium.PdfDocument(str(pdf))) >= 2:
            break
    else:
        pytest.skip("no sample renders to two pages")
    scan = build_scan(pdf, fixture_dir / f"{sample.stem}.mixed-scan.pdf")
    mixed = build_mixed_pdf(pdf, scan, fixture_dir / f"{sample.stem}.mixed.pdf")
    doc = load_document(mixed)
    assert 1 not in doc.ocr_pages and set(doc.ocr_pages) == set(range(2, doc.pages + 1))
    record = extract_file(mixed)
    assert record.source.ocr and set(record.source.ocr_confidence) == set(
        str(n) for n in range(2, doc.pages + 1))
    assert field_values(record) == _text_fields(sample)
