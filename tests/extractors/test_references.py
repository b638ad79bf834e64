import pytest

from extractors import references
from extractors.references import find_references
from pipeline.settings import Confidence, Settings
from pipeline.text.normalize import normalize_text


def refs(text, own=None):
    return [(f.value.number, f.value.date, f.value.doc_type)
            for f in find_references(normalize_text(text).text, own_number=own)]


@pytest.mark.parametrize("text, expected", [
    # with "số", date after, issuer
    ("Căn cứ Công văn số 1234/UBND-VP ngày 12/3/2024 của UBND tỉnh;",
     [("1234/UBND-VP", "2024-03-12", "cong_van")]),
    # without "số"
    ("Quyết định 15/QĐ-UBND ngày 05 tháng 01 năm 2024", [("15/QĐ-UBND", "2024-01-05", "quyet_dinh")]),
    # "-" instead of "ngày"
    ("theo Kế hoạch số 20/KH-UBND - 05/3/2024", [("20/KH-UBND", "2024-03-05", "ke_hoach")]),
    # date before the type, in the same clause
    ("Ngày 19/01/2024, UBND tỉnh ban hành Công văn số 867/UBND-SNV về việc đăng ký",
     [("867/UBND-SNV", "2024-01-19", "cong_van")]),
    # stray spaces in number and date
    ("Kèm theo Công văn số 7338 /UBND-SNV ngày 31 / 5 /2024 của UBND tỉnh",
     [("7338/UBND-SNV", "2024-05-31", "cong_van")]),
    # normative and Party documents; type from the code when the word is far away
    ("Nghị định số 61/2018/NĐ-CP; Nghị quyết 18-NQ/TW của Ban Chấp hành Trung ương",
     [("61/2018/NĐ-CP", None, "nghi_dinh"), ("18-NQ/TW", None, "nghi_quyet")]),
    # numbers that are no documents
    ("đã thực hiện 24/42 nội dung trong Quý I/2024", []),
])
def test_find_references(text, expected):
    assert refs(text) == expected


def test_own_number_is_not_a_reference():
    text = "Số: 7338/UBND-SNV\n\nTheo Tờ trình số 357/TTr-SNV.\n\nKèm theo Công văn số 7338 /UBND-SNV"
    assert [r[0] for r in refs(text, own="7338/UBND-SNV")] == ["357/TTr-SNV"]


def test_one_reference_per_number_keeps_what_later_mentions_add():
    text = "Công văn số 867/UBND-SNV đã nêu. Thực hiện Công văn số 867/UBND-SNV ngày 19/01/2024."
    assert refs(text) == [("867/UBND-SNV", "2024-01-19", "cong_van")]


def test_issuer_and_raw_text():
    [found] = find_references("Căn cứ Tờ trình số 357/TTr-SNV ngày 22/5/2024 của Sở Nội vụ tổng hợp")
    assert found.value.issuer == "Sở Nội vụ"
    assert found.value.raw == "Tờ trình số 357/TTr-SNV ngày 22/5/2024 của Sở Nội vụ"


def test_a_date_that_belongs_to_another_citation_is_not_borrowed():
    text = ("Nghị định số 107/2021/NĐ-CP ngày 06/12/2021 sửa đổi, bổ sung Nghị định số "
            "61/2018/NĐ-CP của Chính phủ")
    assert refs(text) == [("107/2021/NĐ-CP", "2021-12-06", "nghi_dinh"),
                          ("61/2018/NĐ-CP", None, "nghi_dinh")]


def test_a_citation_behind_its_type_word_is_cued_a_bare_symbol_weak():
    text = normalize_text("Thực hiện Công văn số 7338/UBND-SNV. Theo 15/QĐ-UBND, các sở báo cáo.").text
    cued, bare = find_references(text)
    assert cued.confidence == Confidence.CUED
    assert bare.confidence == Confidence.WEAK


def test_the_type_word_is_looked_for_within_the_settings_gap():
    text = normalize_text("Thực hiện Công văn (đã gửi các đơn vị) số 7338/UBND-SNV.").text
    assert find_references(text)[0].value.doc_type == "cong_van"
    [ref] = find_references(text, settings=Settings(reference_type_gap=5))
    assert ref.confidence == Confidence.WEAK


# --- citations in table cells (a "Căn cứ" box, a table of "Văn bản liên quan") ---

def _document(text, *tables):
    from pipeline.text.document import RawDocument, RawPage
    from pipeline.text.normalize import normalize_document
    return normalize_document(RawDocument(path="t.docx", format="docx", pages=[RawPage(1, text)],
                                          tables=list(tables)))


def _table(*rows, anchor=None):
    from pipeline.text.document import RawTable
    return RawTable(rows=[list(r) for r in rows], page=1, anchor=anchor)


def doc_refs(doc, own=None):
    from extractors.references import document_references
    return document_references(doc, doc.text, own_number=own)


def test_citations_in_table_cells_count_placed_at_their_table():
    body = "KẾ HOẠCH\nChuyển đổi số năm 2024\n\nNội dung như sau."
    doc = _document(body, _table(
        ("STT", "Văn bản", "Ngày ban hành", "Trích yếu"),
        ("1", "Quyết định số 749/QĐ-TTg", "03/6/2020", "Phê duyệt Chương trình chuyển đổi số"),
        ("2", "Công văn số 1234/UBND-KGVX ngày 05/02/2024 của UBND tỉnh", "", "Về chuyển đổi số"),
        anchor=body.index("Nội dung")))
    found = doc_refs(doc)
    assert [(f.value.number, f.value.date, f.value.doc_type) for f in found] == [
        ("749/QĐ-TTg", None, "quyet_dinh"), ("1234/UBND-KGVX", "2024-02-05", "cong_van")]
    assert found[1].value.issuer == "UBND tỉnh"
    # no text to point at: the table's place in the text
    assert {(f.start, f.end) for f in found} == {(doc.text.index("Nội dung"),) * 2}
    assert found[0].value.raw == "Quyết định số 749/QĐ-TTg"


def test_a_citation_in_text_and_table_is_one_reference_placed_in_the_text():
    body = "Căn cứ Quyết định số 120/QĐ-UBND của UBND tỉnh;\n\nNội dung."
    doc = _document(body, _table(("1", "Quyết định số 120/QĐ-UBND ngày 01/3/2024"),
                                 ("2", "Kế hoạch số 88/KH-UBND")))
    found = doc_refs(doc)
    assert [f.value.number for f in found] == ["120/QĐ-UBND", "88/KH-UBND"]
    first = found[0]
    assert doc.text[first.start:first.end] == "Quyết định số 120/QĐ-UBND của UBND tỉnh"
    assert first.value.date == "2024-03-01"  # what the table adds
    # without an anchor a table sits at the end of its page, after the text's citations
    assert found[1].start == len(doc.text)


def test_table_citations_keep_document_order():
    body = "Mở đầu.\n\nThực hiện Công văn số 55/UBND-VP ngày 02/01/2024."
    doc = _document(body, _table(("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020",), anchor=0))
    assert [f.value.number for f in doc_refs(doc)] == ["30/2020/NĐ-CP", "55/UBND-VP"]


def test_a_table_of_codes_and_figures_gives_no_reference():
    rows = [("STT", "Đơn vị", "Mã hồ sơ", "Kết quả", "Ghi chú")]
    rows += [(str(i), f"Phòng {i}", f"{100 + i}/UBND-VP", f"{i}/42", "Quý I/2024")
             for i in range(1, 40)]
    doc = _document("Số: 12/BC-UBND\n\nBáo cáo kết quả.", _table(*rows),
                    _table(("Số: 12/BC-UBND", "Quảng Ngãi, ngày 05/3/2024")))
    assert doc_refs(doc, own="12/BC-UBND") == []


def test_the_documents_own_number_in_a_table_is_no_reference():
    doc = _document("Nội dung.", _table(("UBND TỈNH", "CỘNG HÒA"), ("Kế hoạch số 45/KH-UBND", "")))
    assert doc_refs(doc, own="45/KH-UBND") == []


def test_a_citation_read_again_elsewhere_is_placed_where_it_stands():
    """The word before a symbol and the date and issuer after it are read from their windows
    through caches: the same citation further on in another text gets the same reading at its
    own offsets, and the same as with the caches empty."""
    text = ("Căn cứ Nghị định số 23/2020/NĐ-CP ngày 24/4/2020 của Chính phủ về quản lý;\n"
            "Thực hiện Công văn số 642/BNV-CCHC ngày 15/3/2024 của Bộ Nội vụ, Sở báo cáo.")
    pad = "Trong thời gian qua, công tác cải cách hành chính đạt nhiều kết quả.\n"
    for cache in (references._word_before, references._date_in, references._issuer_in):
        cache.cache_clear()
    cold = find_references(text)
    moved = find_references(pad + text)
    assert [f.value for f in moved] == [f.value for f in cold] == [f.value for f in find_references(text)]
    assert [(f.start - len(pad), f.end - len(pad)) for f in moved] == [(f.start, f.end) for f in cold]
    assert [(r.value.doc_type, r.value.date, r.value.issuer) for r in cold] == [
        ("nghi_dinh", "2020-04-24", "Chính phủ"), ("cong_van", "2024-03-15", "Bộ Nội vụ")]


@pytest.mark.parametrize("seed", range(20))
def test_the_issuer_is_looked_for_as_the_pattern_finds_it(seed):
    """``_issuer_named`` tries the pattern only where "của" opens the window: it finds what
    the pattern finds everywhere."""
    import random
    rng = random.Random(seed)
    pieces = [" ", "  ", ",", ", ", "\t", "\x1c", "của", "CỦA", "Của", "cua", " Bộ Nội vụ",
              " UBND tỉnh", " về", ";", "(", "\n", "ngày"]
    for _ in range(200):
        window = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 7)))
        assert references._issuer_named(window) == references._issuer_in(window), window


@pytest.mark.parametrize("seed", range(10))
def test_a_cited_symbol_is_parsed_as_its_codes_are_whatever_its_number(seed):
    """``_cited_symbol`` parses the codes after a symbol's number once (cached) for every
    number: the same type code, and the same refusals, as parsing each whole symbol."""
    import random

    from extractors.number_symbol import SYMBOL_IN_TEXT, clean_symbol, number_symbol_fields
    rng = random.Random(seed)
    numbers = ["1", "07", "123456", "2024", "١٢", "０５"]  # Arabic-Indic, full-width digits too
    seps = ["/", "-", " /", "- ", "/ "]
    codes = ["QĐ", "UBND", "NĐ", "CP", "TTg", "TT", "TTLT", "BTC", "BNV", "KH", "TW", "NQ", "XX",
             "CĐKT", "SNgV", "2018", "2020", "QyĐ", "HĐND", "VPCP"]
    joins = ["/", "-", " - ", "/ ", "–", "/", "/"]  # slashes: three-part symbols, some unreadable
    for _ in range(600):
        text = (rng.choice(numbers) + rng.choice(seps) + rng.choice(codes)
                + "".join(rng.choice(joins) + rng.choice(codes) for _ in range(rng.randint(0, 3)))
                + rng.choice(["", ".", ";", " ngày", ","]))
        for m in SYMBOL_IN_TEXT.finditer(text):
            symbol = clean_symbol(m.group("sym"))
            parsed = number_symbol_fields(symbol)
            whole = None if parsed is None or parsed["number"] is None \
                else (parsed["type_code"], symbol.upper())
            assert references._cited_symbol(symbol) == whole, symbol
