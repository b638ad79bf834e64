"""Headers and signers of 2001–2009 documents (Word 97 files converted through LibreOffice).

The documents in ``old_documents/`` are our own, written the way that era's ministries and
provinces laid theirs out: letterheads in a borderless table (as the DOCX reader hands them
over: the left cell's lines, then the right cell's) or laid with tabs (the tabs kept, or
turned into spaces so the two columns run together on one line), numbers left blank in a
draft, pre-2004 symbols (``12/TT/BTC``, ``1141-TC/QĐ/CĐKT``), headers written as one
catalogue line, a regulation placed before the decision that issues it, and signature
blocks with ``T/M``, ``K/T``, ``Q.``, ``(Đã ký)``. Each is run through the whole extraction,
as an archivist's file is.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.formats import build_docx, parse_dispatch
from pipeline.extract.record import extract_file

DOCS = Path(__file__).parent / "old_documents"

HAI_DUONG = {
    "doc_type": "quyet_dinh",
    "number": ("45/2003/QĐ-UB", 45, 2003, "QĐ", "UB", None),
    "issuer": ("Ủy ban nhân dân tỉnh Hải Dương", None),
    "place": "Hải Dương", "issued_date": "2003-05-12",
    "subject": "ban hành Quy định quản lý chợ trên địa bàn tỉnh",
    "signer": ("Phạm Văn Khải", "Phó Chủ tịch", "KT", "Chủ tịch"),
    "cc": ["Như Điều 3", "Thường trực Tỉnh ủy", "Lưu VP"],
}

EXPECTED = {
    # the letterhead in a borderless table, and the same laid with tabs, kept or run together
    # (the motto inside the issuer's line must not become part of the issuer)
    "qd_ubnd_2003_table.txt": HAI_DUONG,
    "qd_ubnd_2003_tabs.txt": HAI_DUONG,
    "qd_ubnd_2003_runtogether.txt": HAI_DUONG,
    # a draft: the number left blank for the clerk ("Số:     /QĐ-UB"), day and month blank;
    # T/M, K/T and a position typed in mixed case; the name after "(ký tên, đóng dấu)"
    "qd_ubnd_draft_blank_number.txt": {
        "doc_type": "quyet_dinh",
        "number": ("/QĐ-UB", None, None, "QĐ", "UB", None),
        "issuer": ("Ủy ban nhân dân huyện Gia Lộc", None),
        "place": "Gia Lộc", "issued_date": "2004",
        "subject": "thành lập Tổ công tác kiểm tra việc thu chi ngân sách xã năm 2004",
        "signer": ("Vũ Đình Thuận", "Phó Chủ tịch", "KT", "Chủ tịch"),
    },
    # number-issuer/type/unit, the pre-2004 form; the title names who issues it
    # ("QUYẾT ĐỊNH CỦA BỘ TRƯỞNG …"); KT. for a minister named with the ministry
    "qd_btc_1995_old_symbol.txt": {
        "doc_type": "quyet_dinh",
        "number": ("1141-TC/QĐ/CĐKT", 1141, None, "QĐ", "TC", "CĐKT"),
        "issuer": ("Bộ Tài chính", None),
        "place": "Hà Nội", "issued_date": "1995-11-01",
        "subject": "ban hành Chế độ kế toán doanh nghiệp",
        "signer": ("Lê Quang Tiến", "Thứ trưởng", "KT", "Bộ trưởng Bộ Tài chính"),
    },
    # the type between slashes, "Số" without its colon, the motto run into the number line
    "tt_btc_2002_slash_type.txt": {
        "doc_type": "thong_tu",
        "number": ("12/TT/BTC", 12, None, "TT", "BTC", None),
        "issuer": ("Bộ Tài chính", None),
        "place": "Hà Nội", "issued_date": "2001-02-28",
        "subject": "Hướng dẫn việc quản lý và sử dụng kinh phí đào tạo cán bộ xã",
        "signer": ("Đỗ Thị Hạnh", "Thứ trưởng", "KT", "Bộ trưởng Bộ Tài chính"),
    },
    # the header as one catalogue line: type, issuer, number, date and subject from it
    "nd_cp_2003_catalogue.txt": {
        "doc_type": "nghi_dinh",
        "number": ("114/2003/NĐ-CP", 114, 2003, "NĐ", "CP", None),
        "issuer": ("Chính phủ", None),
        "place": None, "issued_date": "2003-10-10",
        "subject": "về cán bộ, công chức xã, phường, thị trấn",
        "signer": ("Trần Văn Lộc", "Thủ tướng", "TM", "Chính phủ"),
    },
    "qd_btc_catalogue_long_date.txt": {
        "doc_type": "quyet_dinh",
        "number": ("1141-TC/QĐ/CĐKT", 1141, None, "QĐ", "TC", "CĐKT"),
        "issuer": ("Bộ Tài chính", None),  # "của Bộ trưởng Bộ Tài chính": the ministry
        "place": None, "issued_date": "1995-11-01",
        "subject": "ban hành Chế độ kế toán doanh nghiệp",
    },
    "tt_btc_catalogue_issuer_after.txt": {
        "doc_type": "thong_tu",
        "number": ("89/2002/TT-BTC", 89, 2002, "TT", "BTC", None),
        "issuer": ("Bộ Tài chính", None),
        "place": None, "issued_date": "2002-10-09",
        "subject": ("hướng dẫn thực hiện chế độ quản lý tài chính đối với cơ quan hành chính "
                    "thực hiện khoán biên chế"),
    },
    # the regulation first, the decision that issues it after: the record is the decision's
    "quy_dinh_before_decision.txt": {
        "doc_type": "quyet_dinh",
        "number": ("712/2006/QĐ-UBND", 712, 2006, "QĐ", "UBND", None),
        "issuer": ("Ủy ban nhân dân tỉnh Ninh Bình", None),
        "place": "Ninh Bình", "issued_date": "2006-04-20",
        "subject": ("ban hành Quy định về quản lý hoạt động khai thác đá trên địa bàn tỉnh "
                    "Ninh Bình"),
        "signer": ("Bùi Văn Thắng", "Phó Chủ tịch", "KT", "Chủ tịch"),
    },
    # … with the decision's letterhead in a table; Q. and "(Ký và ghi rõ họ tên)"
    "quy_che_before_decision_table.txt": {
        "doc_type": "quyet_dinh",
        "number": ("215/QĐ-SGD&ĐT", 215, None, "QĐ", "SGD&ĐT", None),
        "issuer": ("Sở Giáo dục và Đào tạo", "Ủy ban nhân dân tỉnh Thái Bình"),
        "place": "Thái Bình", "issued_date": "2008-09-03",
        "signer": ("Trịnh Văn Nam", "Giám đốc", "Q", None),
    },
    # a department over its province ("SỞ TÀI CHÍNH" / "TỈNH NAM ĐỊNH"): one body
    "cv_so_2007_signer_right_column.txt": {
        "doc_type": "cong_van",
        "number": ("356/STC-QLNS", 356, None, None, "STC", "QLNS"),
        "issuer": ("Sở Tài chính tỉnh Nam Định", None),
        "place": "Nam Định", "issued_date": "2007-06-05",
        "signer": ("Trần Quốc Việt", "Phó Giám đốc", "KT", "Giám đốc"),
        "cc": ["Như trên", "Lưu: VT, QLNS"],
    },
    # the columns run together with single spaces; a commune's acting chairman typed "Q. Chủ tịch"
    "qd_ubnd_q_chu_tich.txt": {
        "doc_type": "quyet_dinh",
        "number": ("123/QĐ-UB", 123, None, "QĐ", "UB", None),
        "issuer": ("Ủy ban nhân dân xã Đông Hưng", None),
        "place": "Đông Hưng", "issued_date": "2002-08-07",
        "subject": "thành lập Ban quản lý chợ xã",
        "signer": ("Lương Văn Mạnh", "Chủ tịch", "Q", None),
    },
}


def fields_of(record) -> dict:
    n, i, s = record.number, record.issuer, record.signer
    return {
        "doc_type": record.doc_type,
        "number": n and (n.raw, n.number, n.year, n.type_code, n.issuer_code, n.unit_code),
        "issuer": i and (i.name, i.parent),
        "place": record.place, "issued_date": record.issued_date, "subject": record.subject,
        "signer": s and (s.name, s.title, s.authority, s.on_behalf_of), "cc": record.cc,
    }


def test_every_document_has_its_expectation():
    assert sorted(p.name for p in DOCS.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_old_document(name):
    record = extract_file(DOCS / name)
    got = fields_of(record)
    assert {k: got[k] for k in EXPECTED[name]} == EXPECTED[name]
    assert not [w for w in record.warnings if w.code == "needs_review"]


def test_the_record_of_a_regulation_first_points_at_the_decision():
    record = extract_file(DOCS / "quy_dinh_before_decision.txt")
    text = (DOCS / "quy_dinh_before_decision.txt").read_text(encoding="utf-8")
    # provenance into the decision, not into the regulation's note that cites its number
    assert record.provenance["number"].start > text.index("Số: 712/2006/QĐ-UBND")
    assert record.provenance["signer"].start > text.index("QUYẾT ĐỊNH\n")


@pytest.mark.parametrize("legacy", [None, "tcvn3", "vni"])
def test_a_word_file_with_a_borderless_table_letterhead(tmp_path, legacy):
    """The table form as a real Word file (letterhead and signature in borderless tables),
    also with the right-hand cells typed in TCVN3 or VNI fonts."""
    layout = parse_dispatch((DOCS / "qd_ubnd_2003_table.txt").read_text(encoding="utf-8"))
    path = build_docx(layout, tmp_path / "qd.docx", legacy=legacy)
    got = fields_of(extract_file(path))
    for key in ("doc_type", "number", "issuer", "place", "issued_date", "signer"):
        assert got[key] == HAI_DUONG[key], key


def test_a_word_file_laid_with_tabs(tmp_path):
    """Each letterhead row one paragraph, its two columns parted by tabs; the bottom too."""
    import docx

    document = docx.Document()
    for line in (DOCS / "qd_ubnd_2003_tabs.txt").read_text(encoding="utf-8").split("\n"):
        document.add_paragraph(line)
    path = tmp_path / "qd.docx"
    document.save(str(path))
    got = fields_of(extract_file(path))
    for key in ("doc_type", "number", "issuer", "place", "issued_date", "signer", "cc"):
        assert got[key] == HAI_DUONG[key], key


def test_old_symbols_cited_in_the_body_are_read_whole():
    record = extract_file(DOCS / "qd_btc_1995_old_symbol.txt")
    # the document's own number is no reference; the 1988 order and the 1993 decree are
    assert [r.number for r in record.references] == ["06-LCT/HĐNN8", "15/CP"]
