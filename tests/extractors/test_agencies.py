"""Agency gazetteer: variants resolve to one id; the lexicon is well formed."""
import sys

import pytest

from extractors.agencies import agency_key, looks_like_agency, resolve_agency
from extractors.assemble import extract_fields
from pipeline.lexicon import load_lexicon
from pipeline.text.document import RawDocument, RawPage
from pipeline.text.normalize import normalize_document


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
        assert set(e) <= {"id", "canonical", "aliases", "codes", "valid_from", "valid_to",
                          "successor"}, e
        assert e["id"] == e["id"].lower() and " " not in e["id"], e["id"]
        assert isinstance(e["aliases"], list) and isinstance(e["codes"], list), e["id"]
        for name in [e["canonical"], *e["aliases"]]:
            key = agency_key(name)
            assert seen_keys.setdefault(key, e["id"]) == e["id"], f"{name} names two bodies"
        for code in e["codes"]:
            assert seen_codes.setdefault(code, e["id"]) == e["id"], f"code {code} used twice"
        # a body taken over names one that is listed, and ends the day before it began
        if "successor" in e:
            assert e["successor"] in ids and "valid_to" in e, e["id"]
        # every listed spelling resolves back to its own entry
        for name in [e["canonical"], *e["aliases"]]:
            assert resolve_agency(name).id == e["id"], name
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in data["abbreviations"].items())
    assert all(isinstance(v, str) for v in data["place_levels"].values())


# --- the 2025 reorganisation: the body of the document's date, and today's successor ---------

@pytest.mark.parametrize("name, on, successor", [
    # a district of a province merged into Thành phố Hồ Chí Minh: the district level is gone
    ("UBND huyện Long Điền", "2024-05-02", "Ủy ban nhân dân thành phố Hồ Chí Minh"),
    ("HĐND TP Vũng Tàu", "2024-05-02", "Hội đồng nhân dân thành phố Hồ Chí Minh"),
    # a merged province
    ("UBND tỉnh Hà Giang", "2024-05-02", "Ủy ban nhân dân tỉnh Tuyên Quang"),
    ("Ủy ban nhân dân tỉnh Bà Rịa-Vũng Tàu", "2024-05-02", "Ủy ban nhân dân thành phố Hồ Chí Minh"),
    # a district of a province that kept its name
    ("UBND huyện Yên Thành", "2024-05-02", "Ủy ban nhân dân tỉnh Nghệ An"),
    # merged ministries and departments
    ("Bộ Thông tin và Truyền thông", "2024-05-02", "Bộ Khoa học và Công nghệ"),
    ("Bộ Nông nghiệp và Phát triển nông thôn", "2024-05-02", "Bộ Nông nghiệp và Môi trường"),
    ("Bộ Kế hoạch và Đầu tư", "2024-05-02", "Bộ Tài chính"),
    ("Ủy ban Dân tộc", "2024-05-02", "Bộ Dân tộc và Tôn giáo"),
    ("Sở Tài nguyên và Môi trường", "2024-05-02", "Sở Nông nghiệp và Môi trường"),
    # today's bodies, and bodies whose name did not change: no successor
    ("Bộ Nông nghiệp và Môi trường", "2026-01-05", None),
    ("Bộ Khoa học và Công nghệ", "2026-01-05", None),
    ("Bộ Khoa học và Công nghệ", "2024-05-02", None),
    ("UBND tỉnh Nghệ An", "2024-05-02", None),
    ("Ủy ban nhân dân tỉnh Thanh Hoá", "2024-05-02", None),
    ("UBND tỉnh Quảng Ngãi", "2026-01-05", None),
    # a commune, and a district name several provinces had, with nothing to tell which: no guess
    ("UBND phường 1", "2024-05-02", None),
    ("UBND huyện Châu Thành", "2024-05-02", None),
])
def test_successor_after_the_2025_reorganisation(name, on, successor):
    assert resolve_agency(name, on=on).successor == successor


def test_validity_follows_the_documents_date():
    assert resolve_agency("Bộ Nông nghiệp và Phát triển nông thôn").valid_to == "2025-02-28"
    assert resolve_agency("Bộ Nông nghiệp và Môi trường").valid_from == "2025-03-01"
    assert resolve_agency("UBND tỉnh Quảng Ngãi", on="2024-05-02").valid_to == "2025-06-30"
    assert resolve_agency("UBND tỉnh Quảng Ngãi", on="2026-01-05").valid_from == "2025-07-01"


def test_the_parent_tells_a_districts_province():
    within = "Ủy ban nhân dân tỉnh Tiền Giang"  # merged into Đồng Tháp
    assert resolve_agency("UBND huyện Châu Thành", on="2024-05-02", within=within).successor \
        == "Ủy ban nhân dân tỉnh Đồng Tháp"


def test_places_are_read_offline():
    # the package's converter may geocode online; the lookup never imports it
    resolve_agency("UBND huyện Long Điền", on="2024-05-02")
    assert not any(m == "geopy" or m.startswith("geopy.") for m in sys.modules)


def _issuer(text):
    doc = normalize_document(RawDocument(path="t.md", format="md", pages=[RawPage(1, text)]))
    return extract_fields(doc).issuer


@pytest.mark.parametrize("year, successor", [
    ("2024", "Bộ Nông nghiệp và Môi trường"),
    ("2026", None),
])
def test_the_record_names_todays_body(year, successor):
    letterhead = ("BỘ NÔNG NGHIỆP VÀ\nPHÁT TRIỂN NÔNG THÔN" if year == "2024"
                  else "BỘ NÔNG NGHIỆP VÀ\nMÔI TRƯỜNG")
    issuer = _issuer(f"{letterhead}\nSố: 12/BNN-KH\n\nHà Nội, ngày 05 tháng 01 năm {year}\n"
                     "V/v báo cáo\n")
    assert issuer.successor == successor
    assert issuer.parent is None


@pytest.mark.parametrize("name, on, within", [
    ("UBND huyện Châu Thành", "2024-05-02", "UBND tỉnh Tiền Giang"),
    ("UBND huyện Châu Thành", "2024-05-02", "UBND tỉnh Bến Tre"),
    ("UBND huyện Châu Thành", "2024-05-02", None),
    ("UBND tỉnh Hà Giang", "2024-05-02", None),
    ("UBND tỉnh Hà Giang", "2025-08-01", None),
    ("Sở Nội vụ", None, None),
])
def test_an_answer_kept_per_name_date_and_place_is_the_one_worked_out(name, on, within):
    """``resolve_agency`` keeps its answer per (name, date, place): asked again, or after the
    same name with another date or place, it gives what a fresh look-up gives."""
    from extractors import agencies
    agencies._resolve_on.cache_clear()
    fresh = resolve_agency(name, on=on, within=within)
    for other_on in ("2024-05-02", "2025-08-01", None):
        resolve_agency(name, on=other_on, within="UBND tỉnh Tiền Giang")
    assert resolve_agency(name, on=on, within=within) == fresh
    agencies._resolve_on.cache_clear()
    agencies._in_its_time.cache_clear()
    assert resolve_agency(name, on=on, within=within) == fresh
