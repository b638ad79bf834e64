"""Integrity of the lexicons (pipeline/lexicon/*.yaml), the way dateparser checks its
language data: every file loads, every entry has its keys with their types, nothing is
listed twice, text is NFC (what the normaliser produces, so a decomposed "ệ" would never
match), and every code a lexicon hands out is one the record schema accepts.

``dates_*`` and ``deadline_*`` lexicons are checked with the date extractors' tests.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from typing import get_args

import pytest
import regex

from extractors.agencies import agency_key
from extractors.lines import ascii_key
import pipeline.lexicon as lexicon
from fixtures.lexicons import strings_in
from pipeline.lexicon import LEXICON_DIR, load_lexicon
from pipeline.text.keys import fold_diacritics, tone_key
from schemas.record import Authority, Confidentiality, DocType, Urgency

ALL_LEXICONS = sorted(p.stem for p in LEXICON_DIR.glob("*.yaml"))
# the deadline and date vocabularies have their entry checks in test_deadline_lexicons.py
CHECKED_ELSEWHERE = ("dates_", "deadline_")
LEXICONS = [name for name in ALL_LEXICONS if not name.startswith(CHECKED_ELSEWHERE)]


def _duplicates(values) -> list:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def _is_str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


# --- every lexicon ---------------------------------------------------------------------

def test_every_lexicon_has_a_schema_test():
    # a new lexicon needs its entry checks below, not only the generic ones
    assert set(LEXICONS) == {"agencies", "commitment_columns", "cues", "doc_types", "marks",
                             "names", "signer"}


@pytest.mark.parametrize("name", ALL_LEXICONS)
def test_lexicon_loads(name):
    # load_lexicon refuses a key written twice: every file must load through it
    data = load_lexicon(name)
    assert isinstance(data, dict) and data


@pytest.mark.parametrize("name", ALL_LEXICONS)
def test_lexicon_file_is_nfc(name):
    raw = (LEXICON_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    bad = [line for line in raw.splitlines() if unicodedata.normalize("NFC", line) != line]
    assert not bad, f"{name}.yaml has text not in NFC: {bad[:3]}"


@pytest.mark.parametrize("name", ALL_LEXICONS)
def test_lexicon_text_has_no_stray_spaces_or_empty_strings(name):
    bad = [s for s in strings_in(load_lexicon(name)) if s != s.strip() or "  " in s or not s]
    assert not bad, f"{name}.yaml: {bad[:5]}"


# --- doc_types.yaml --------------------------------------------------------------------

DOC_TYPE_KEYS = {"code", "titles", "cite", "heads_title"}


def test_doc_type_entries_have_their_keys():
    for key, entry in load_lexicon("doc_types").items():
        assert set(entry) <= DOC_TYPE_KEYS and {"code", "titles", "cite"} <= set(entry), key
        assert entry["code"] is None or isinstance(entry["code"], str), key
        assert _is_str_list(entry["titles"]) and entry["titles"], key
        assert _is_str_list(entry["cite"]) and entry["cite"], key
        assert isinstance(entry.get("heads_title", False), bool), key


def test_doc_types_are_the_record_vocabulary():
    assert set(load_lexicon("doc_types")) == set(get_args(DocType))


def test_doc_type_codes_titles_and_citations_are_unique():
    entries = load_lexicon("doc_types").values()
    assert not _duplicates(e["code"].upper() for e in entries if e["code"])
    assert not _duplicates(tone_key(t) for e in entries for t in e["titles"])
    assert not _duplicates(tone_key(c) for e in entries for c in e["cite"])


def test_doc_type_titles_are_printed_in_capitals():
    for key, entry in load_lexicon("doc_types").items():
        assert all(t == t.upper() for t in entry["titles"]), key


# --- agencies.yaml ---------------------------------------------------------------------

def test_agency_entries_have_their_keys():
    data = load_lexicon("agencies")
    assert set(data) == {"agencies", "abbreviations", "place_levels"}
    for entry in data["agencies"]:
        assert {"id", "canonical", "aliases", "codes"} <= set(entry) <= {
            "id", "canonical", "aliases", "codes", "valid_from", "valid_to", "successor"}, entry
        assert isinstance(entry["id"], str) and entry["id"].isascii(), entry
        assert isinstance(entry["canonical"], str) and entry["canonical"].strip(), entry
        assert entry["aliases"] == [] or _is_str_list(entry["aliases"]), entry
        assert entry["codes"] == [] or _is_str_list(entry["codes"]), entry
    for table in ("abbreviations", "place_levels"):
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in data[table].items())


def test_agency_ids_codes_and_names_are_unique():
    agencies = load_lexicon("agencies")["agencies"]
    assert not _duplicates(e["id"] for e in agencies)
    # codes are matched exactly and upper-cased: unique either way
    assert not _duplicates(c.upper() for e in agencies for c in e["codes"])
    # a name (canonical or alias) leads to one agency, and is listed once
    keys = [agency_key(n) for e in agencies for n in (e["canonical"], *e["aliases"])]
    assert not _duplicates(keys)


def test_agency_ids_are_slugs():
    for entry in load_lexicon("agencies")["agencies"]:
        assert entry["id"] == entry["id"].lower() and " " not in entry["id"], entry["id"]


# --- marks.yaml ------------------------------------------------------------------------

MARK_VOCABULARY = {"urgency": Urgency, "secrecy": Confidentiality}


@pytest.mark.parametrize("kind", sorted(MARK_VOCABULARY))
def test_mark_entries_have_their_keys(kind):
    for entry in load_lexicon("marks")[kind]:
        assert set(entry) == {"code", "words"}, entry
        assert isinstance(entry["code"], str) and isinstance(entry["words"], str), entry
        assert entry["words"] == entry["words"].upper(), entry  # marks are printed in capitals


@pytest.mark.parametrize("kind", sorted(MARK_VOCABULARY))
def test_mark_codes_are_the_record_vocabulary(kind):
    codes = [e["code"] for e in load_lexicon("marks")[kind]]
    assert not _duplicates(codes)
    assert set(codes) == set(get_args(MARK_VOCABULARY[kind]))


def test_mark_words_are_unique_without_diacritics():
    # marks are compared folded ("HOA TOC"): two marks may not fold to the same words
    data = load_lexicon("marks")
    assert set(data) == set(MARK_VOCABULARY)
    assert not _duplicates(fold_diacritics(e["words"]).upper()
                           for kind in MARK_VOCABULARY for e in data[kind])


# --- signer.yaml -----------------------------------------------------------------------

SIGNER_LISTS = ("position_words", "body_words", "military_ranks", "degrees", "signature_notes")


def test_signer_lexicon_has_its_keys():
    data = load_lexicon("signer")
    assert set(data) == {"authority", "deputy_prefix", "deputy_titles", *SIGNER_LISTS}
    for entry in data["authority"]:
        assert set(entry) == {"code", "meaning"}, entry
        assert isinstance(entry["code"], str) and isinstance(entry["meaning"], str), entry
    assert isinstance(data["deputy_prefix"], str) and data["deputy_prefix"].isupper()
    for entry in data["deputy_titles"]:
        assert set(entry) == {"head", "deputy"}, entry
        assert all(isinstance(v, str) and v.isupper() for v in entry.values()), entry
    for name in SIGNER_LISTS:
        assert _is_str_list(data[name]), name


def test_authority_marks_are_the_record_vocabulary():
    codes = [e["code"] for e in load_lexicon("signer")["authority"]]
    assert not _duplicates(codes)
    assert set(codes) == set(get_args(Authority))


@pytest.mark.parametrize("name", SIGNER_LISTS)
def test_signer_words_are_unique(name):
    words = load_lexicon("signer")[name]
    # position and body words are compared without diacritics
    key = (lambda w: fold_diacritics(w).upper()) if name.endswith("_words") else tone_key
    assert not _duplicates(key(w) for w in words)


def test_position_and_body_words_are_capitals():
    data = load_lexicon("signer")
    assert all(w == w.upper() for name in ("position_words", "body_words") for w in data[name])


# --- cues.yaml -------------------------------------------------------------------------

CUE_LISTS = ("motto", "recipients", "legal_basis", "sentence_openings", "attachment_notes",
             "authority_lines", "heads_of_bodies", "catalogue_subject_openings")


def test_cue_lexicon_has_its_keys():
    data = load_lexicon("cues")
    assert set(data) == set(CUE_LISTS)
    for name in CUE_LISTS:
        assert _is_str_list(data[name]) and data[name], name


def test_cues_are_unique():
    data = load_lexicon("cues")
    for name in CUE_LISTS:
        assert not _duplicates(tone_key(c) for c in data[name]), name
    # a body opening listed twice would be read two ways
    openings = [*data["recipients"][:1], *data["legal_basis"], *data["sentence_openings"]]
    assert not _duplicates(tone_key(c) for c in openings)


def test_motto_lines_stay_apart_on_their_compared_prefix():
    # the header compares a motto line on its first 18 letters (OCR garbles the tail)
    prefixes = [ascii_key(m)[:18] for m in load_lexicon("cues")["motto"]]
    assert not _duplicates(prefixes)


# --- names.yaml -----------------------------------------------------------------------

def test_surnames_are_single_capitalised_syllables_listed_once():
    names = load_lexicon("names")
    surnames = names["surnames"]
    assert _duplicates(surnames) == []
    assert all(regex.fullmatch(r"\p{Lu}\p{Ll}*", s) for s in surnames), surnames
    # the most common family names are there (they are half the population)
    assert {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Đỗ", "Võ", "Vũ"} <= set(surnames)
    assert names["syllables"] == {"min": 2, "max": 4}


# --- commitment_columns.yaml --------------------------------------------------------------

COMMITMENT_ROLES = {"unit", "commitment", "indicator", "target", "due", "status", "note"}


def test_commitment_lexicon_has_its_keys():
    lex = load_lexicon("commitment_columns")
    assert set(lex) == {"roles", "not_unit", "generic_commitment", "generic_target",
                        "indicator_after", "target_lead", "target_unit_max_words"}
    assert set(lex["roles"]) == COMMITMENT_ROLES
    assert all(_is_str_list(words) and words for words in lex["roles"].values())
    assert isinstance(lex["target_unit_max_words"], int) and lex["target_unit_max_words"] > 0


def test_commitment_header_words_are_lower_case_and_in_one_role_each():
    lex = load_lexicon("commitment_columns")
    words = [w for role in lex["roles"].values() for w in role]
    assert all(w == w.lower() for w in words)
    assert not _duplicates(tone_key(w) for w in words)
    # the general words are words of their role
    assert set(lex["generic_commitment"]) <= set(lex["roles"]["commitment"])
    assert set(lex["generic_target"]) <= set(lex["roles"]["target"])
    assert set(lex["indicator_after"]) <= set(lex["roles"]["commitment"])


def test_a_key_written_twice_is_refused(tmp_path, monkeypatch):
    (tmp_path / "twice.yaml").write_text("hoa_toc: HỎA TỐC\nkhan: KHẨN\nhoa_toc: HOẢ TỐC\n",
                                          encoding="utf-8")
    monkeypatch.setattr(lexicon, "LEXICON_DIR", tmp_path)
    lexicon.load_lexicon.cache_clear()
    try:
        with pytest.raises(Exception, match="keys listed twice: \\['hoa_toc'\\]"):
            lexicon.load_lexicon("twice")
    finally:
        lexicon.load_lexicon.cache_clear()
