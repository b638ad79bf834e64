import pytest

from extractors.number_symbol import parse_number_symbol


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
])
def test_parse_number_symbol(raw, expected):
    n = parse_number_symbol(raw)
    assert (n.raw, n.number, n.year, n.type_code, n.issuer_code, n.unit_code) == expected


@pytest.mark.parametrize("raw", ["hello", "24/42", "Quý I/2024", ""])
def test_not_a_symbol(raw):
    assert parse_number_symbol(raw) is None
