"""What an archivist types is read strictly: a value of the field or a clear refusal."""
from __future__ import annotations

import pytest

from fixtures.records import dispatch_record
from pipeline.corrections import (
    CorrectionValueError, UnknownFieldError, field_spec, parse_value, value_of,
)
from pipeline.corrections.fields import MISSING


@pytest.mark.parametrize("typed, iso", [
    ("05/03/2024", "2024-03-05"), ("5/3/2024", "2024-03-05"), ("05.03.2024", "2024-03-05"),
    ("3/2024", "2024-03"), ("2024", "2024"), ("2024-03-05", "2024-03-05"), ("", None),
])
def test_dates_are_read_day_first_keeping_their_precision(typed, iso):
    assert parse_value("issued_date", typed) == iso


@pytest.mark.parametrize("typed", ["31/02/2024", "13/13/2024", "hôm qua", "2024-3-5x"])
def test_an_impossible_date_is_refused_not_guessed(typed):
    with pytest.raises(CorrectionValueError) as err:
        parse_value("issued_date", typed)
    assert err.value.code == "bad_date" and err.value.field == "issued_date"


def test_text_is_one_line_with_single_spaces_and_empty_clears():
    assert parse_value("subject", "  Về việc   tăng cường\n phòng chống lụt bão ") == \
        "Về việc tăng cường phòng chống lụt bão"
    assert parse_value("subject", "   ") is None


def test_choices_come_from_the_record_vocabulary():
    assert parse_value("doc_type", "quyet_dinh") == "quyet_dinh"
    with pytest.raises(CorrectionValueError):
        parse_value("doc_type", "Quyết định")  # the UI sends the code, never the label
    assert "hoa_toc" in field_spec("urgency").choices


def test_lists_are_one_item_per_line_and_flags_read_form_values():
    assert parse_value("recipients", "Sở Nội vụ\n\n  Sở Tài chính ") == [
        "Sở Nội vụ", "Sở Tài chính"]
    assert parse_value("deadlines.0.done", "on") is True
    assert parse_value("deadlines.0.done", "") is False


def test_unknown_fields_are_refused():
    for name in ("provenance", "doc_id", "deadlines.x.due_date", "warnings"):
        with pytest.raises(UnknownFieldError):
            field_spec(name)


def test_value_of_reads_the_record_and_knows_a_missing_deadline():
    record = dispatch_record(1)
    assert value_of(record, "number") == "101/UBND-VP"
    assert value_of(record, "signer.name") == "Nguyễn Văn A"
    assert value_of(record, "recipients") == ["Sở Nội vụ", "Sở Tài chính"]
    assert value_of(record, "deadlines.0.due_date") == "2024-06-30"
    assert value_of(record, "deadlines.0.done") is False
    assert value_of(record, "deadlines.1.due_date") is MISSING
    assert value_of(record, "assigned_to") is None
