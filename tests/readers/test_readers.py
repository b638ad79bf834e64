"""Reader behaviour: reading order, tables, merged cells, scans detection, failures."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from fixtures.formats import build_docx, build_pdf, build_scan, parse_dispatch
from fixtures.formats import SAMPLE_DISPATCHES as SAMPLES

from pipeline.text.errors import MissingProgram
from pipeline.extract import extract_file, load_document
from pipeline.readers.layout import Segment, segments_to_text
from pipeline.readers.pdf import needs_ocr


def seg(text, x0, x1, top, h=10):
    return Segment(text, x0, x1, top, top + h)


# ---------------------------------------------------------------- reading order

def test_letterhead_reads_left_block_then_right_block():
    segments = [
        seg("ỦY BAN NHÂN DÂN", 40, 160, 0), seg("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 250, 520, 0),
        seg("TỈNH BÀ RỊA-VŨNG TÀU", 30, 170, 13), seg("Độc lập - Tự do - Hạnh phúc", 290, 480, 13),
        seg("Số: 3552/UBND-SNV", 50, 150, 40), seg("Bà Rịa-Vũng Tàu, ngày 25 tháng 3 năm 2024", 260, 510, 40),
        seg("V/v triển khai công tác", 35, 165, 66),
        seg("Kính gửi: Sở Nội vụ", 150, 400, 110),
    ]
    assert segments_to_text(segments).split("\n") == [
        "ỦY BAN NHÂN DÂN", "TỈNH BÀ RỊA-VŨNG TÀU", "", "Số: 3552/UBND-SNV", "",
        "V/v triển khai công tác", "",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
        "Bà Rịa-Vũng Tàu, ngày 25 tháng 3 năm 2024", "",
        "Kính gửi: Sở Nội vụ"]


def test_signature_area_reads_cc_list_then_signer():
    segments = [
        seg("Nơi nhận:", 20, 80, 0), seg("KT. CHỦ TỊCH", 330, 430, 0),
        seg("- Như trên;", 20, 90, 12), seg("PHÓ CHỦ TỊCH", 325, 435, 12),
        seg("- Lưu: VT, SNV.", 20, 110, 24),
        seg("Nguyễn Văn A", 320, 440, 70),
    ]
    assert segments_to_text(segments).split("\n") == [
        "Nơi nhận:", "- Như trên;", "- Lưu: VT, SNV.", "",
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "Nguyễn Văn A"]


def test_body_text_spanning_the_page_is_read_row_by_row():
    segments = [seg("Điều 1. Giao Sở Nội vụ chủ trì", 20, 500, 0),
                seg("phối hợp với các cơ quan.", 20, 300, 12)]
    assert segments_to_text(segments) == "Điều 1. Giao Sở Nội vụ chủ trì\nphối hợp với các cơ quan."


# ---------------------------------------------------------------- PDF

def _sample_with_table():
    for sample in SAMPLES:
        if any(line.lstrip().startswith("|") for line in sample.read_text("utf-8-sig").splitlines()):
            return sample
    pytest.skip("no sample has a table")


def test_pdf_tables_come_with_their_page_and_stay_out_of_the_flow(font, fixture_dir):
    sample = _sample_with_table()
    layout = parse_dispatch(sample.read_text(encoding="utf-8-sig"))
    pdf = build_pdf(layout, fixture_dir / f"{sample.stem}.tables.pdf", font=font)
    doc = load_document(pdf)
    assert doc.tables, "the ruled table was not found"
    table = doc.tables[0]
    assert table.page >= 1 and len(table.rows) >= 2
    cell = next(c for row in table.rows[1:] for c in row if c and len(c) > 12)
    assert cell not in doc.text  # read once, as a table


def test_cid_garbage_and_image_only_pages_need_ocr():
    class Page:
        width, height = 600, 800
        images = [{"x0": 0, "x1": 600, "top": 0, "bottom": 800}]

    class Blank(Page):
        images = []

    garbage = [{"text": f"(cid:{i})"} for i in range(30)] + [{"text": "Số"}]
    text = [{"text": w} for w in "Số: 12/QĐ-UBND ngày 12 tháng 3 năm 2024".split()]
    assert needs_ocr(Page(), garbage)
    assert needs_ocr(Page(), [])
    assert not needs_ocr(Page(), text)
    assert not needs_ocr(Blank(), [])  # a blank page is not a scan


def test_broken_pdf_gives_a_failed_record_naming_the_file(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    record = extract_file(bad)
    assert record.status == "failed" and "broken.pdf" in record.error


def test_missing_tesseract_gives_a_failed_record(font, fixture_dir, monkeypatch):
    import pytesseract

    sample = SAMPLES[0]
    pdf = build_pdf(parse_dispatch(sample.read_text(encoding="utf-8-sig")),
                    fixture_dir / f"{sample.stem}.notess.pdf", font=font)
    scan = build_scan(pdf, fixture_dir / f"{sample.stem}.notess.scan.pdf")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    record = extract_file(scan)
    assert record.status == "failed"
    assert "tesseract" in record.error and "notess.scan.pdf" in record.error


def test_missing_language_model_is_named(tmp_path):
    from pipeline.readers.ocr.engine import check_tesseract

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    with pytest.raises(MissingProgram, match="'xyz' language model"):
        check_tesseract(tmp_path / "a.png", lang="xyz")


@pytest.mark.slow
def test_png_page_is_ocred(font, fixture_dir):
    import pypdfium2 as pdfium

    sample = SAMPLES[0]
    pdf = build_pdf(parse_dispatch(sample.read_text(encoding="utf-8-sig")),
                    fixture_dir / f"{sample.stem}.png-src.pdf", font=font)
    png = fixture_dir / f"{sample.stem}.png"
    pdfium.PdfDocument(str(pdf))[0].render(scale=300 / 72).to_pil().save(png)
    record = extract_file(png)
    text_record = extract_file(sample)
    assert record.source.format == "image" and record.source.ocr
    assert record.number and record.number.raw == text_record.number.raw
    assert record.issued_date == text_record.issued_date


# ---------------------------------------------------------------- DOCX

def _docx_with_merged_row(path):
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "RUNNING HEADER"
    document.add_paragraph("Danh mục")
    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for c, text in enumerate(["STT", "Đơn vị", "Thời hạn"]):
        table.cell(0, c).text = text
    merged = table.cell(1, 0).merge(table.cell(1, 2))
    merged.text = "I. KHỐI SỞ, BAN, NGÀNH"
    for c, text in enumerate(["1", "Sở Tư pháp", "31/5/2024"]):
        table.cell(2, c).text = text
    document.save(str(path))
    return path


def test_docx_merged_cell_is_read_once_and_headers_ignored(tmp_path):
    doc = load_document(_docx_with_merged_row(tmp_path / "merged.docx"))
    assert "RUNNING HEADER" not in doc.text
    assert doc.tables[0].rows == [["STT", "Đơn vị", "Thời hạn"],
                                  ["I. KHỐI SỞ, BAN, NGÀNH", None, None],
                                  ["1", "Sở Tư pháp", "31/5/2024"]]
    assert "Sở Tư pháp" not in doc.text


def test_docx_letterhead_table_is_read_as_blocks(fixture_dir):
    sample = SAMPLES[0]
    layout = parse_dispatch(sample.read_text(encoding="utf-8-sig"))
    doc = load_document(build_docx(layout, fixture_dir / f"{sample.stem}.blocks.docx"))
    left = "\n".join(l for l in layout.letterhead_left if l)
    right_first = layout.letterhead_right[0]
    assert doc.text.index(layout.letterhead_left[-1]) < doc.text.index(right_first)
    assert not doc.tables or all(len(t.rows) > 3 or left not in str(t.rows) for t in doc.tables)


def test_doc_without_libreoffice_is_a_failed_record(tmp_path, monkeypatch):
    import pipeline.readers.office as office_reader

    monkeypatch.setattr(office_reader.shutil, "which", lambda name: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    record = extract_file(path)
    assert record.status == "failed" and "LibreOffice" in record.error and "old.doc" in record.error


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_doc_is_converted_with_libreoffice(fixture_dir, tmp_path):
    sample = SAMPLES[0]
    docx_path = build_docx(parse_dispatch(sample.read_text(encoding="utf-8-sig")),
                           tmp_path / "old.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/p",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(docx_path)],
                   check=True, capture_output=True, timeout=180)
    record = extract_file(tmp_path / "old.doc")
    text_record = extract_file(sample)
    assert record.source.format == "doc"
    assert record.number.raw == text_record.number.raw
    assert record.signer and record.signer.name == text_record.signer.name



def test_scanned_letterhead_columns_barely_an_em_apart_are_split():
    from pipeline.readers.layout import Word, lines_to_segments

    # word boxes as Tesseract gave them for a real letterhead line (pixels at 300 dpi)
    xs = [(406, 519, "VĂN"), (535, 733, "PHÒNG"), (752, 934, "CHÍNH"), (952, 1066, "PHỦ"),
          (1121, 1280, "CỘNG"), (1297, 1419, "HOÀ"), (1436, 1512, "XÃ"), (1529, 1633, "HỘI")]
    line = [Word(t, x0, x1, 289, 339) for x0, x1, t in xs]
    assert [s.text for s in lines_to_segments([line])] == ["VĂN PHÒNG CHÍNH PHỦ", "CỘNG HOÀ XÃ HỘI"]
    body = [Word(t, x0, x1, 289, 339) for x0, x1, t in
            [(100, 180, "bão"), (200, 260, "số"), (280, 330, "11"), (350, 420, "sẽ"), (440, 520, "gây")]]
    assert len(lines_to_segments([body])) == 1
