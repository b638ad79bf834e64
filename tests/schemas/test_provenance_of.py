"""``Provenance.of``: the model validation would make, made faster when the values need none."""
import pytest
from pydantic import ValidationError

from schemas import Provenance, Record, Source


@pytest.mark.parametrize("page, start, end, confidence", [
    (1, 0, 12, 0.9), (None, 5, 5, 1.0), (3, 10, 40, 0.0),
    (1, 0, 12, 1),            # an int confidence: validated, kept as the float 1.0
    (True, 0, 3, 0.5),        # a bool for an int: what validation does with it
])
def test_of_is_the_validated_model(page, start, end, confidence):
    made = Provenance.of(page, start, end, confidence)
    validated = Provenance(page=page, start=start, end=end, confidence=confidence)
    assert made == validated
    assert made.model_fields_set == validated.model_fields_set
    assert list(made.__dict__.items()) == list(validated.__dict__.items())
    assert [type(v) for v in made.__dict__.values()] == [type(v) for v in validated.__dict__.values()]
    assert made.model_dump_json() == validated.model_dump_json()
    # in a record, as the record writes it; a copy with an update stays a model of its own
    record = Record(doc_id="x", source=Source(path="a.txt"), provenance={"subject": made})
    assert record.to_json_line() == Record(doc_id="x", source=Source(path="a.txt"),
                                           provenance={"subject": validated}).to_json_line()
    moved = made.model_copy(update={"page": 7})
    assert moved.page == 7 and made.page == page and "page" in moved.model_fields_set


@pytest.mark.parametrize("confidence", [1.5, -0.1, float("nan"), "high"])
def test_of_refuses_what_validation_refuses(confidence):
    with pytest.raises(ValidationError):
        Provenance.of(1, 0, 3, confidence)
