"""The generated samples (``samples/10-…`` to ``15-…``) are exactly what ``scripts/make_samples.py``
builds: the script is run into a temporary folder and every file compared byte for byte, so
the checked-in PDF, Word file and scans cannot drift from the script that documents them.

When this fails after a deliberate change to a text or a layout (or after upgrading fpdf2,
python-docx, Pillow or the DejaVu fonts), run ``scripts/make_samples.py`` and check that
``samples/expected/<file>.json`` still says what the document says.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from scripts import make_samples

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MAX_SCAN_BYTES = 1_000_000

pytestmark = pytest.mark.skipif(not make_samples.fonts_available(),
                                reason="DejaVu fonts not installed (fonts-dejavu-core)")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    # the .rtf/.doc samples need LibreOffice; without it the others are still checked
    office = make_samples.office_program() is not None
    return {p.name: p for p in make_samples.build(tmp_path_factory.mktemp("samples"),
                                                  office=office)}


def _reader_text(path: Path) -> str:
    from pipeline.readers import read_document

    return "\n".join(page.text for page in read_document(path, path.read_bytes()).pages)


def test_the_script_reproduces_the_checked_in_samples(built):
    office = make_samples.office_files()
    expected = len(make_samples.SAMPLES) - (0 if office <= set(built) else len(office))
    assert len(built) == expected
    for name, path in built.items():
        assert (SAMPLES / name).exists(), f"samples/{name} missing: run scripts/make_samples.py"
        if name in office and path.read_bytes() != (SAMPLES / name).read_bytes():
            # another LibreOffice version writes other bytes: the text read must be the same
            assert _reader_text(path) == _reader_text(SAMPLES / name), \
                f"samples/{name} reads differently from what scripts/make_samples.py builds"
            continue
        assert path.read_bytes() == (SAMPLES / name).read_bytes(), \
            f"samples/{name} differs from what scripts/make_samples.py builds: run it again"


def test_every_generated_sample_has_an_expected_record(built):
    for name in built:
        assert (SAMPLES / "expected" / f"{name}.json").is_file(), name


def test_text_pdf_appendix_table_runs_over_two_pages_with_its_header_repeated(built):
    import pdfplumber

    pdf_path = next(p for n, p in built.items() if n.startswith("10-"))
    with pdfplumber.open(pdf_path) as pdf:
        assert len(pdf.pages) == 3
        assert "Số: 2375/UBND-KTN" in pdf.pages[0].extract_text()
        tables = [page.extract_tables() for page in pdf.pages[1:]]
    assert all(len(t) == 1 for t in tables)
    heads = [t[0][0] for t in tables]
    assert heads[0] == heads[1] and heads[0][0] == "STT"  # the header row repeated on page 3
    rows = tables[0][0]
    assert any(r[0] == "I. KHỐI SỞ, BAN, NGÀNH" and not any(r[1:]) for r in rows), \
        "a merged section row"


def test_docx_letterhead_and_signature_are_layout_tables(built):
    import docx

    path = next(p for n, p in built.items() if n.endswith(".docx"))
    document = docx.Document(str(path))
    assert len(document.tables) == 2
    letterhead, signature = ([c.text for c in t.rows[0].cells] for t in document.tables)
    assert "SỞ NỘI VỤ" in letterhead[0] and "Số: 186/QĐ-SNV" in letterhead[0]
    assert "Độc lập - Tự do - Hạnh phúc" in letterhead[1]
    assert signature[0].startswith("Nơi nhận:") and signature[1].endswith("Đặng Văn Lực")
    assert all(t.style is None or "Grid" not in t.style.name for t in document.tables)


def test_scans_are_one_modest_page_with_red_ink(built):
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    scans = {n: p for n, p in built.items() if n in make_samples.scanned_files()}
    assert {Path(n).suffix for n in scans} == {".jpg", ".pdf"}
    for name, path in scans.items():
        assert path.stat().st_size < MAX_SCAN_BYTES, name
        if path.suffix == ".pdf":
            doc = pdfium.PdfDocument(str(path))
            assert len(doc) == 1
            assert doc[0].get_textpage().get_text_range().strip() == "", "an image-only PDF"
            image = doc[0].render(scale=100 / 72).to_pil()
            doc.close()
        else:
            image = Image.open(io.BytesIO(path.read_bytes()))
            assert image.info.get("dpi") == (300, 300)
        rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
        red = (rgb[..., 0] - rgb[..., 1] > 60) & (rgb[..., 0] - rgb[..., 2] > 60)
        assert red.mean() > 0.002, f"{name}: no red seal or stamp"
