"""The latest correction of each field wins; nothing is dropped silently."""
from __future__ import annotations

import datetime as dt

from fixtures.records import dispatch_record
from pipeline.corrections import apply_corrections
from schemas import Correction, Provenance

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def fix(record, field, value, minutes=0, by="vanthu"):
    return Correction(doc_id=record.doc_id, field=field, corrected_value=value, corrected_by=by,
                      corrected_at=T0 + dt.timedelta(minutes=minutes))


def test_a_corrected_number_is_parsed_into_its_parts():
    record = dispatch_record(1)
    out = apply_corrections(record, [fix(record, "number", "61/2018/NĐ-CP")]).record
    assert (out.number.raw, out.number.number, out.number.year, out.number.type_code,
            out.number.issuer_code) == ("61/2018/NĐ-CP", 61, 2018, "NĐ", "CP")
    assert record.number.raw == "101/UBND-VP"  # the extracted record is not touched


def test_the_latest_correction_of_a_field_wins():
    record = dispatch_record(1)
    out = apply_corrections(record, [fix(record, "subject", "later", 5),
                                     fix(record, "subject", "earlier", 1)])
    assert out.record.subject == "later"


def test_a_correction_resolves_the_warning_and_the_provenance_becomes_certain():
    record = dispatch_record(1).model_copy(update={"provenance": {
        "signer": Provenance(page=1, start=10, end=30, confidence=0.6)}})
    out = apply_corrections(record, [fix(record, "signer.name", "Trần Thị B")]).record
    assert out.signer.name == "Trần Thị B" and out.signer.title == "Phó Chủ tịch"
    assert [w for w in out.warnings if w.field == "signer"] == []
    assert out.provenance["signer"].confidence == 1.0 and out.provenance["signer"].start == 10


def test_filling_a_missing_register_field_makes_a_partial_record_ok():
    record = dispatch_record(1).model_copy(update={"issued_date": None, "status": "partial"})
    out = apply_corrections(record, [fix(record, "issued_date", "2024-05-02")])
    assert out.record.status == "ok" and out.status == {"issued_date": "applied"}


def test_when_the_extraction_agrees_it_is_said():
    record = dispatch_record(1)
    out = apply_corrections(record, [fix(record, "number", "101/UBND-VP")])
    assert out.status == {"number": "extraction_agrees"}
    assert out.record.number == record.number


def test_a_correction_whose_field_is_gone_stays_visible_as_a_warning():
    record = dispatch_record(1)
    out = apply_corrections(record, [fix(record, "deadlines.3.due_date", "2024-07-01")])
    assert out.status == {"deadlines.3.due_date": "not_applicable"}
    assert [w.code for w in out.record.warnings if w.field == "deadlines.3.due_date"] == \
        ["correction_not_applied"]


def test_workflow_fields_do_not_change_the_record():
    record = dispatch_record(1)
    out = apply_corrections(record, [fix(record, "assigned_to", "Phòng Tổng hợp"),
                                     fix(record, "deadlines.0.done", True)])
    assert out.assigned_to == "Phòng Tổng hợp" and out.done_deadlines == {0}
    assert out.record.deadlines == record.deadlines


def test_corrections_of_another_document_are_ignored():
    record, other = dispatch_record(1), dispatch_record(2)
    assert apply_corrections(record, [fix(other, "subject", "x")]).record == record
