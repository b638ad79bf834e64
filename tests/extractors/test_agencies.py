"""Agency gazetteer: variants resolve to one id; the lexicon is well formed."""
import pytest

from extractors.agencies import agency_key, looks_like_agency, resolve_agency
from pipeline.lexicon import load_lexicon


@pytest.mark.parametrize("name, agency_id", [
    # abbreviation of the level after UBND
    ("UBND H.Long Điền", "ubnd-huyen-long-dien"),
    ("UBND huyện Long Điền", "ubnd-huyen-long-dien"),
    ("Ủy ban nhân dân huyện Long Điền", "ubnd-huyen-long-dien"),
    ("UBND TP Vũng Tàu", "ubnd-thanh-pho-vung-tau"),
    ("UBND thành phố Vũng Tàu", "ubnd-thanh-pho-vung-tau"),
    ("UBND phường 1", "ubnd-phuong-1"),
    # case of a word
    ("Sở Công Thương", "so-cong-thuong"),
    ("Sở Công thương", "so-cong-thuong"),
    # dash or "và"
    ("Sở Lao động – Thương binh và Xã hội", "so-lao-dong-tbxh"),
    ("Sở Văn hóa – Thể thao", "so-van-hoa-the-thao"),
    # old tone placement
    ("Sở Văn hoá và Thể thao", "so-van-hoa-the-thao"),
    # abbreviated part of a name
    ("Sở Nông nghiệp và PTNT", "so-nong-nghiep"),
    # unit codes from số/ký hiệu
    ("SNV", "so-noi-vu"), ("STTTT", "so-thong-tin-truyen-thong"), ("SKHĐT", "so-ke-hoach-dau-tu"),
    ("TTr", "thanh-tra-tinh"), ("UBND", "ubnd-tinh"), ("HĐND", "hdnd-tinh"),
    # the place served after the name
    ("Ban Dân tộc tỉnh", "ban-dan-toc"),
    ("Công an tỉnh Bà Rịa - Vũng Tàu", "cong-an-tinh"),
    ("Công an tỉnh (PC06)", "cong-an-tinh"),
    # groups that documents assign tasks to
    ("UBND các huyện, thị xã, thành phố", "nhom-ubnd-cap-huyen"),
    ("Các cơ quan hành chính thuộc UBND tỉnh", "nhom-co-quan-hanh-chinh-tinh"),
    # OCR slip: a tone mark lost
    ("Sở Nội vu", "so-noi-vu"),
    # close names stay apart
    ("Sở Ngoại vụ", "so-ngoai-vu"),
    ("Sở Nội vụ", "so-noi-vu"),
])
def test_variants_resolve(name, agency_id):
    agency = resolve_agency(name)
    assert agency is not None and agency.id == agency_id


@pytest.mark.parametrize("name", ["Nguyễn Văn A", "Gửi Văn phòng UBND tỉnh", "", "Sở Công an"])
def test_not_an_agency(name):
    assert resolve_agency(name) is None


def test_canonical_names_are_written_out():
    assert resolve_agency("UBND H.Châu Đức").canonical == "Ủy ban nhân dân huyện Châu Đức"
    assert resolve_agency("Sở Công thương").canonical == "Sở Công Thương"


def test_looks_like_agency():
    assert looks_like_agency("các cơ quan thường trực Ban Chỉ đạo CCHC")
    assert not looks_like_agency("Tổ chức thành lập các Đoàn kiểm tra")


def test_lexicon_is_well_formed():
    data = load_lexicon("agencies")
    entries = data["agencies"]
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), "duplicate agency ids"
    seen_keys: dict[str, str] = {}
    seen_codes: dict[str, str] = {}
    for e in entries:
        assert set(e) <= {"id", "canonical", "aliases", "codes"}, e
        assert e["id"] == e["id"].lower() and " " not in e["id"], e["id"]
        assert isinstance(e["aliases"], list) and isinstance(e["codes"], list), e["id"]
        for name in [e["canonical"], *e["aliases"]]:
            key = agency_key(name)
            assert seen_keys.setdefault(key, e["id"]) == e["id"], f"{name} names two bodies"
        for code in e["codes"]:
            assert seen_codes.setdefault(code, e["id"]) == e["id"], f"code {code} used twice"
        # every listed spelling resolves back to its own entry
        for name in [e["canonical"], *e["aliases"]]:
            assert resolve_agency(name).id == e["id"], name
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in data["abbreviations"].items())
    assert all(isinstance(v, str) for v in data["place_levels"].values())
