import pytest

from extractors.number_symbol import SYMBOL, SYMBOL_IN_TEXT, parse_number_symbol


@pytest.mark.parametrize("raw, expected", [
    # công văn: issuer and drafting unit, no type code
    ("7338/UBND-SNV", ("7338/UBND-SNV", 7338, None, None, "UBND", "SNV")),
    # typed documents
    ("15/QĐ-BNV", ("15/QĐ-BNV", 15, None, "QĐ", "BNV", None)),
    ("10/KH-TCT-CATP", ("10/KH-TCT-CATP", 10, None, "KH", "TCT", "CATP")),
    # normative documents carry their year
    ("61/2018/NĐ-CP", ("61/2018/NĐ-CP", 61, 2018, "NĐ", "CP", None)),
    ("33/2005/QH11", ("33/2005/QH11", 33, 2005, None, "QH11", None)),
    # Party documents
    ("18-NQ/TW", ("18-NQ/TW", 18, None, "NQ", "TW", None)),
    # drafts with a blank number keep the symbol
    ("/BC-UBND", ("/BC-UBND", None, None, "BC", "UBND", None)),
    ("…./….../TT-BCA", ("/TT-BCA", None, None, "TT", "BCA", None)),
    # stray spaces
    ("7338 /UBND-SNV", ("7338/UBND-SNV", 7338, None, None, "UBND", "SNV")),
    ("3552/ UBND - SNV", ("3552/UBND-SNV", 3552, None, None, "UBND", "SNV")),
    # before the 2004 rules: the type between slashes, the issuer after it
    ("12/TT/BTC", ("12/TT/BTC", 12, None, "TT", "BTC", None)),
    ("15/TTLT/BTC-BNV", ("15/TTLT/BTC-BNV", 15, None, "TTLT", "BTC", "BNV")),
    ("12/2003/TT/BTC", ("12/2003/TT/BTC", 12, 2003, "TT", "BTC", None)),
    # … no type between the slashes: the issuer, then its units; raw kept as printed
    ("20/CV/XDHL", ("20/CV/XDHL", 20, None, None, "CV", "XDHL")),
    # … and number-issuer/type/unit, the issuer glued to the number
    ("1141-TC/QĐ/CĐKT", ("1141-TC/QĐ/CĐKT", 1141, None, "QĐ", "TC", "CĐKT")),
    ("123/QĐ-UB", ("123/QĐ-UB", 123, None, "QĐ", "UB", None)),
    ("45/2003/QĐ-UB", ("45/2003/QĐ-UB", 45, 2003, "QĐ", "UB", None)),
    # a blank number with Word's dashes: en dash, non-breaking hyphen, soft hyphen dropped
    ("     /QĐ–UB", ("/QĐ-UB", None, None, "QĐ", "UB", None)),
    ("/QĐ\u2011UB", ("/QĐ-UB", None, None, "QĐ", "UB", None)),
    ("12/QĐ-\u00adUB", ("12/QĐ-UB", 12, None, "QĐ", "UB", None)),
])
def test_parse_number_symbol(raw, expected):
    n = parse_number_symbol(raw)
    assert (n.raw, n.number, n.year, n.type_code, n.issuer_code, n.unit_code) == expected


@pytest.mark.parametrize("raw", [
    "hello", "24/42", "Quý I/2024", "",
    # number-issuer/type/unit with no type in the type's place: no reading is sure
    "1141-TC/XX/CĐKT",
    # a whole symbol and more after it (OCR read the printed part twice)
    "2239/QĐ-TTg/QĐĐ-TTg", "711/2024/CNC-TB/VBPĐ",
])
def test_not_a_symbol(raw):
    assert parse_number_symbol(raw) is None


@pytest.mark.parametrize("text, symbols", [
    # a citation of a pre-2004 symbol is read whole, not cut at its second slash
    ("theo Quyết định số 1141-TC/QĐ/CĐKT ngày 1/11/1995", ["1141-TC/QĐ/CĐKT"]),
    ("Thông tư số 12/TT/BTC và Thông tư liên tịch số 15/TTLT/BTC-BNV.",
     ["12/TT/BTC", "15/TTLT/BTC-BNV"]),
    ("Nghị quyết số 18-NQ/TW; Nghị định số 61/2018/NĐ-CP;", ["18-NQ/TW", "61/2018/NĐ-CP"]),
    # a third part only after a single code: a whole modern symbol is not extended
    ("Văn bản số 711/2024/CNC-TB/VBPĐ ngày", ["711/2024/CNC-TB"]),
])
def test_symbols_in_running_text(text, symbols):
    assert [m.group("sym") for m in SYMBOL_IN_TEXT.finditer(text)] == symbols


def test_symbol_groups_are_read_in_the_order_the_parser_unpacks_them():
    """``parse_number_symbol`` reads ``m.groups()`` as a tuple: every group of the pattern is
    named, in this order."""
    names = sorted(SYMBOL.groupindex, key=SYMBOL.groupindex.get)
    assert names == ["num", "old_issuer", "old_type", "old_unit", "party_type", "party_issuer",
                     "year", "codes", "codes2"]
    assert SYMBOL.groups == len(names)


def _clean_by_substitution(raw: str) -> str:
    """``clean_symbol`` as three substitutions every time (what its shortcuts must give)."""
    import regex
    s = regex.sub(r"[\u2010\u2011\u2012\u2013\u2014\u2212]", "-", regex.sub(r"[\s\u00ad]+", "", raw))
    s = regex.sub(r"^[\s.…_]*(?:/[\s.…_]*)*(?=/)", "", s)
    return s.rstrip(".,;:")


@pytest.mark.parametrize("seed", range(20))
def test_clean_symbol_is_the_substitutions(seed):
    import random

    from extractors.number_symbol import clean_symbol
    rng = random.Random(seed)
    pieces = ["7338", "/", "UBND", "-", "–", "\u2212", " ", "\u00ad", "\t", "\u00a0", ".", "…",
              "_", "QĐ", "\x1c", ";", "2024"]
    for _ in range(200):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert clean_symbol.__wrapped__(raw) == _clean_by_substitution(raw), raw
