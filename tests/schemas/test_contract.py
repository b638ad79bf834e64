"""The pydantic models, the checked-in JSON Schema and RECORD.md stay in step."""
import json
import re

import pytest

from schemas.export import SCHEMA_PATH, render
from schemas.record import Record


def test_checked_in_json_schema_matches_the_models():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render(), \
        "schemas/dispatch.schema.json is stale: run `python -m schemas.export`"


# Fields the contract already names that an open issue is building; each entry must go
# when its field lands (the test fails on a stale entry as on a new gap).
PENDING_CONTRACT_FIELDS: dict[str, str] = {}


def test_record_has_every_field_the_contract_names(shared_dir):
    contract = (shared_dir / "docs" / "RECORD.md").read_text(encoding="utf-8")
    block = contract.split("```jsonc", 1)[1].split("```", 1)[0]
    top_level = set(re.findall(r'^\s{2}"(\w+)":', block, re.M))
    assert top_level, "could not read the contract's example record"
    missing = top_level - set(Record.model_fields)
    assert missing == set(PENDING_CONTRACT_FIELDS), missing ^ set(PENDING_CONTRACT_FIELDS)


def test_doc_type_vocabulary_matches_the_contract(shared_dir):
    contract = (shared_dir / "docs" / "RECORD.md").read_text(encoding="utf-8")
    vocab = contract.split("`doc_type` vocabulary", 1)[1].split("## ", 1)[0]
    named = set(re.findall(r"\b([a-z]+(?:_[a-z]+)+|luat|\b[a-z]{4,}_?[a-z]*)\s*(?:\(|,|\.|$)", vocab))
    schema = json.loads(render())
    allowed = set(schema["properties"]["doc_type"]["anyOf"][0]["enum"])
    assert {"cong_van", "quyet_dinh", "nghi_dinh", "thong_tu", "luat", "phap_lenh"} <= allowed
    missing = {n for n in named if "_" in n} - allowed
    assert not missing, missing


def test_a_record_round_trips_through_json():
    rec = Record(doc_id="x", source={"path": "a.txt", "format": "txt"}, issued_date="2024-03")
    again = Record.model_validate_json(rec.to_json_line())
    assert again == rec


@pytest.mark.parametrize("bad", ["24/3/2024", "2024-3", "yesterday"])
def test_dates_keep_iso_precision_only(bad):
    with pytest.raises(ValueError):
        Record(doc_id="x", source={"path": "a.txt"}, issued_date=bad)
