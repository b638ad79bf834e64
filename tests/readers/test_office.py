"""Old office files (.doc, .rtf) typed in TCVN3/VNI with tab-laid or borderless-table
letterheads: converted by LibreOffice, read like the same document typed in Unicode.

The conversions need LibreOffice (``scripts/install-system-deps.sh`` installs it); those
tests skip, saying so, only when ``soffice`` is missing.
"""
from __future__ import annotations

import io
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from fixtures.formats import DispatchLayout, parse_dispatch
from fixtures.office import build_office_docx, soffice, to_office_many

from pipeline.extract import extract_file, load_document
from pipeline.readers import office, read_document
from pipeline.readers.columns import Line, lay_out_columns, split_cells
from pipeline.readers.office import convert_to_docx
from pipeline.text.errors import UnreadableFile

needs_office = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed:"
                                  " scripts/install-system-deps.sh installs it")

# our own 2004 decision: a blank number, 'ư' in the signer's name (0xAD in TCVN3)
DECISION = """UBND TỈNH HÀ TÂY
SỞ TÀI CHÍNH
Số:     /QĐ-UB
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Đông, ngày 12 tháng 5 năm 2004

QUYẾT ĐỊNH
Về việc cấp kinh phí sửa chữa kho lưu trữ

GIÁM ĐỐC SỞ TÀI CHÍNH

Điều 1. Cấp 120 triệu đồng cho Trung tâm Lưu trữ tỉnh để sửa chữa kho lưu trữ.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.

Nơi nhận:
- Như Điều 1;
- Lưu VT.

KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

Trương Chí Trung
"""


def decision() -> DispatchLayout:
    layout = parse_dispatch(DECISION)
    # parse_dispatch folds spaces; the typist's blank is put back
    layout.letterhead_left = [("Số:     /QĐ-UB" if line.startswith("Số:") else line)
                              for line in layout.letterhead_left]
    return layout


def fields(record) -> dict:
    d = record.model_dump(mode="json")
    return {"doc_type": d["doc_type"], "number": (d["number"] or {}).get("raw"),
            "issuer": (d["issuer"] or {}).get("name"), "issued_date": d["issued_date"],
            "signer": (d["signer"] or {}).get("name"), "title": (d["signer"] or {}).get("title")}


@pytest.fixture(scope="module")
def unicode_record(tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "decision.txt"
    path.write_text(DECISION, encoding="utf-8")
    return fields(extract_file(path))


# ------------------------------------------------------------- Word files without LibreOffice

@pytest.mark.parametrize("how", ["tabs", "spaces", "table"])
@pytest.mark.parametrize("legacy", [None, "tcvn3", "vni"])
def test_two_column_letterhead_and_signature_read_as_blocks(tmp_path, unicode_record, how, legacy):
    path = build_office_docx(decision(), tmp_path / f"d.{how}.docx", legacy=legacy, letterhead=how)
    doc = load_document(path)
    text = doc.text
    # the issuing body's column, then the motto's: never one line of both
    assert text.index("SỞ TÀI CHÍNH") < text.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "SỞ TÀI CHÍNH\n" in text and "\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n" in text
    assert text.index("- Lưu VT.") < text.index("KT. GIÁM ĐỐC") < text.index("Trương Chí Trung")
    assert fields(extract_file(path)) == unicode_record
    assert unicode_record["signer"] == "Trương Chí Trung"


def test_blank_number_keeps_its_gap_and_symbol(tmp_path):
    path = build_office_docx(decision(), tmp_path / "blank.docx", letterhead="spaces")
    text = read_document(path, path.read_bytes()).pages[0].text
    assert "\nSố:     /QĐ-UB\n" in text  # the gap left for a hand-written number, in its column
    assert text.index("Số:     /QĐ-UB") < text.index("CỘNG HÒA")
    record = extract_file(path)
    assert record.number is not None and record.number.number is None
    assert record.number.raw.endswith("/QĐ-UB")


def test_tab_after_a_list_marker_or_in_body_text_is_not_a_column(tmp_path):
    layout = decision()
    layout.body = ["1.\tCấp kinh phí cho Trung tâm Lưu trữ.", "Điều 3.\tHiệu lực thi hành."]
    text = load_document(build_office_docx(layout, tmp_path / "marker.docx")).text
    assert "1.\tCấp kinh phí cho Trung tâm Lưu trữ." in text
    assert "Điều 3.\tHiệu lực thi hành." in text


def test_columns_centred_on_tab_stops_and_a_signer_after_blank_lines():
    lines = [Line("\tUBND TỈNH HÀ TÂY\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
             Line("\tSỞ TÀI CHÍNH\tĐộc lập - Tự do - Hạnh phúc"),
             Line("Số: 15/QĐ-STC\t\tHà Đông, ngày   tháng 5 năm 2004"),
             Line(""), Line("QUYẾT ĐỊNH", centred=True), Line(""),
             Line("Nơi nhận:\tKT. GIÁM ĐỐC"), Line("- Lưu VT.\tPHÓ GIÁM ĐỐC"), Line(""),
             Line(""), Line("\t\tTrương Chí Trung")]
    assert lay_out_columns(lines) == [
        "", "UBND TỈNH HÀ TÂY\nSỞ TÀI CHÍNH\nSố: 15/QĐ-STC", "",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Hà Đông, ngày   tháng 5 năm 2004", "",
        "", "QUYẾT ĐỊNH", "",
        "", "Nơi nhận:\n- Lưu VT.", "", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\nTrương Chí Trung", ""]


def test_tab_laid_lines_without_letterhead_cues_stay_as_typed():
    lines = [Line("Họ và tên\tChức vụ"), Line("Nguyễn Văn An\tChuyên viên")]
    assert lay_out_columns(lines) == ["Họ và tên\tChức vụ", "Nguyễn Văn An\tChuyên viên"]
    assert split_cells("Số:     /QĐ-UB      Hà Nội, ngày   tháng 5 năm 2004") == \
        ["Số:     /QĐ-UB", "Hà Nội, ngày   tháng 5 năm 2004"]


def test_soft_hyphen_of_a_tcvn3_run_is_u(tmp_path):
    """Word keeps TCVN3's 'ư' (0xAD) as a soft hyphen, ``w:softHyphen``: read back as 'ư'."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    path = build_office_docx(decision(), tmp_path / "hyphen.docx", legacy="tcvn3")
    document = docx.Document(str(path))
    for p in document.paragraphs:  # what LibreOffice/Word write: U+00AD as an element
        for r in p.runs:
            for t in r._r.findall(qn("w:t")):
                if "\u00ad" in (t.text or ""):
                    head, *rest = t.text.split("\u00ad")
                    t.text = head
                    for piece in rest:
                        t.addnext(OxmlElement("w:softHyphen"))
                        new_t = OxmlElement("w:t")
                        new_t.text = piece
                        new_t.set(qn("xml:space"), "preserve")
                        t.getnext().addnext(new_t)
                        t = new_t
    document.save(str(path))
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "<w:softHyphen/>" in xml and "\u00ad" not in xml
    record = extract_file(path)
    assert record.signer.name == "Trương Chí Trung"
    assert "Trơng" not in load_document(path).text


def test_missing_libreoffice_is_a_failed_record_naming_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    for name, data in (("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
                       ("old.rtf", b"{\\rtf1\\ansi Cong van}")):
        path = tmp_path / name
        path.write_bytes(data)
        record = extract_file(path)
        assert record.status == "failed"
        assert name in record.error and "LibreOffice" in record.error
        assert "libreoffice-writer-nogui" in record.error
        assert record.source.format == name.rsplit(".", 1)[1]


def _fake_office(tmp_path: Path) -> Path:
    """A 'soffice' that starts a helper and hangs, as a stuck conversion does."""
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {tmp_path}/child.pid\nsleep 300\n")
    script.chmod(0o755)
    return script


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed orphan waits for init to reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_timeout_kills_the_whole_libreoffice_process_group(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "office_program", lambda: str(_fake_office(tmp_path)))
    monkeypatch.setattr(office.tempfile, "tempdir", str(tmp_path))
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match=r"took over 1 s.*stuck\.doc|stuck\.doc.*took over 1 s"):
        convert_to_docx(tmp_path / "stuck.doc", b"x", ".doc", timeout=1)
    assert time.monotonic() - started < 30
    child = int((tmp_path / "child.pid").read_text())
    time.sleep(0.2)
    assert not _running(child), "the helper was left running: kill the process group"
    assert not list(tmp_path.glob("dispatch-office-*")), "temporary folder left behind"


# ------------------------------------------------------------- through LibreOffice

@pytest.fixture(scope="module")
def office_files(tmp_path_factory) -> dict[str, Path]:
    """The decision as .doc and .rtf: TCVN3 and VNI, tab-laid and borderless-table."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed: scripts/install-system-deps.sh "
                    "installs it")
    out = tmp_path_factory.mktemp("office")
    made = {}
    plan = {"doc": [("tcvn3", "table"), ("vni", "tabs")], "rtf": [("tcvn3", "tabs"),
                                                                   ("vni", "table")]}
    for fmt, variants in plan.items():
        sources = [build_office_docx(decision(), out / f"{fmt}-{enc}-{how}.docx", legacy=enc,
                                     letterhead=how) for enc, how in variants]
        for path in to_office_many(sources, fmt):
            made[path.stem + path.suffix] = path
    return made


@needs_office
@pytest.mark.parametrize("name", ["doc-tcvn3-table.doc", "doc-vni-tabs.doc",
                                  "rtf-tcvn3-tabs.rtf", "rtf-vni-table.rtf"])
def test_old_office_file_reads_as_its_unicode_text(office_files, unicode_record, name):
    path = office_files[name]
    record = extract_file(path)
    assert record.status != "failed", record.error
    assert record.source.format == path.suffix.lstrip(".")
    assert record.source.encoding == name.split("-")[1]
    assert fields(record) == unicode_record
    text = load_document(path).text
    assert "Số:" in text and "/QĐ-UB" in text and "Trương Chí Trung" in text


@needs_office
def test_libreoffice_keeps_tcvn3_u_as_a_soft_hyphen(office_files):
    """Why the reader maps ``w:softHyphen`` back: the converted file has no 'ư' byte left."""
    for name in ("doc-tcvn3-table.doc", "rtf-tcvn3-tabs.rtf"):
        path = office_files[name]
        data = convert_to_docx(path, path.read_bytes(), path.suffix)
        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        assert "<w:softHyphen/>" in xml, name


def _convert(path: Path) -> int:
    return len(convert_to_docx(path, path.read_bytes(), path.suffix))


@needs_office
def test_conversions_run_in_parallel_from_threads_and_processes(office_files, tmp_path,
                                                                monkeypatch):
    monkeypatch.setattr(office.tempfile, "tempdir", str(tmp_path))
    paths = list(office_files.values())
    with ThreadPoolExecutor(4) as pool:
        assert all(n > 0 for n in pool.map(_convert, paths))
    with ProcessPoolExecutor(2) as pool:
        assert all(n > 0 for n in pool.map(_convert, paths[:2]))
    assert not list(tmp_path.glob("dispatch-office-*")), "temporary folder left behind"


@needs_office
@pytest.mark.parametrize("name, fonts, layout", [
    ("14-cong-van-quyet-toan-2003-tcvn3.rtf", (".VnTime", ".VnTimeH", "VNI-Times"), "<w:tab/>"),
    ("15-quyet-dinh-phong-chong-lut-2006-vni.doc", ("VNI-Times", ".VnTimeH"), "<w:tbl>")])
def test_office_samples_are_what_they_say(name, fonts, layout):
    """samples/14 and 15: legacy fonts, TCVN3's 'ư' as soft hyphens, tabs or a table."""
    path = Path(__file__).resolve().parents[2] / "samples" / name
    xml = zipfile.ZipFile(io.BytesIO(convert_to_docx(path, path.read_bytes(), path.suffix))
                          ).read("word/document.xml").decode()
    for font in fonts:
        assert f'"{font}"' in xml, font
    assert "<w:softHyphen/>" in xml and layout in xml


@needs_office
def test_damaged_office_file_is_a_failed_record_naming_file_and_problem(tmp_path):
    path = tmp_path / "broken.rtf"
    path.write_bytes(b"{\\rtf1 \\ansi broken")
    record = extract_file(path)
    assert record.status == "failed"
    assert "broken.rtf" in record.error and "LibreOffice could not convert" in record.error


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
