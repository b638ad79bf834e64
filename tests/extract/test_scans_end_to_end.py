"""End to end on generated scans: what the portal sends archivists, case by case.

One signed page (PDF whose text layer is only the portal's e-signature stamp, red seal
over the signer, tilted red HỎA TỐC, a filled-in arrival stamp) and one page whose
number is written by hand. Each is OCR'd once per test session.
"""
from __future__ import annotations

import shutil

import pytest

from pipeline.extract import extract_file
from fixtures.scans import esigned_pdf, font_path, signed_page

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed"),
    pytest.mark.skipif(font_path() is None, reason="fonts-dejavu-core not installed"),
]


@pytest.fixture(scope="module")
def signed_record(tmp_path_factory):
    page = signed_page(number="188", hoa_toc=True,
                       arrival={"number": "1234", "date": "07/10/2025", "time": "14h30"})
    path = tmp_path_factory.mktemp("scans") / "signed.pdf"
    path.write_bytes(esigned_pdf([page]))
    return extract_file(path)


@pytest.fixture(scope="module")
def handwritten_record(tmp_path_factory):
    page = signed_page(handwritten="15557", seal_over_signer=False)
    path = tmp_path_factory.mktemp("scans") / "handwritten.png"
    page.save(path)
    return extract_file(path)


def test_esignature_layer_is_kept_and_the_page_ocrd(signed_record):
    r = signed_record
    assert r.status != "failed", r.error
    assert r.source.ocr
    sig = r.source.e_signature
    assert sig.organisation == "VĂN PHÒNG CHÍNH PHỦ"
    assert sig.email == "thongtinchinhphu@chinhphu.vn"
    assert sig.signed_at == "2025-10-06T10:34:22+07:00"
    # the body was read from the scan, not from the stamp
    assert r.number.raw == "188/UBND-VP"
    assert r.issued_date == "2025-10-06"
    assert "CỔNG THÔNG TIN" not in (r.signer.name if r.signer else "")


def test_red_seal_over_signer_does_not_destroy_the_name(signed_record):
    assert signed_record.signer.name == "Nguyễn Thành Long"


def test_tilted_red_urgency_stamp(signed_record):
    assert signed_record.urgency == "hoa_toc"
    assert 0 < signed_record.provenance["urgency"].confidence <= 1


def test_arrival_stamp(signed_record):
    a = signed_record.arrival
    assert (a.number, a.date, a.time) == ("1234", "2025-10-07", "14:30")


def test_every_field_has_a_confidence(signed_record):
    prov = signed_record.provenance
    for name in ("number", "issued_date", "signer", "subject"):
        assert 0 < prov[name].confidence <= 1, name
    assert prov["number"].confidence < 1  # an OCR reading is never certain


def test_handwritten_number_is_flagged_not_guessed(handwritten_record):
    r = handwritten_record
    assert r.status != "failed", r.error
    assert r.number is None
    flags = [w for w in r.warnings if w.code == "needs_review" and w.field == "number"]
    assert flags and flags[0].page == 1
    # the printed date beside it is still read
    assert r.issued_date == "2025-10-06"
