"""``extract_fields``: every value's provenance, kept as plain data while the fields are read
and validated as ``Provenance`` once at the end (still validated: a bad span is refused)."""
import pytest
from fixtures.long_dispatches import long_dispatch_text
from pydantic import ValidationError

import extractors.assemble as assemble
from pipeline.text.document import RawDocument, RawPage
from pipeline.text.normalize import normalize_document
from schemas import Provenance


def _doc(i: int, md: bool = False):
    raw = RawDocument(path=f"d{i}.md" if md else f"d{i}.txt", format="md" if md else "txt",
                      pages=[RawPage(1, long_dispatch_text(i, md=md))])
    return normalize_document(raw)


@pytest.mark.parametrize("i, md", [(1, False), (2, True), (7, False)])
def test_every_value_has_a_provenance_in_the_text(i, md):
    doc = _doc(i, md)
    extraction = assemble.extract_fields(doc)
    prov = extraction.provenance
    assert extraction.recipients and extraction.references and extraction.deadlines
    for name in ("recipients", "cc", "references", "tables", "deadlines", "commitments"):
        assert [k for k in prov if k.startswith(name + ".")] == \
            [f"{name}.{j}" for j in range(len(getattr(extraction, name)))], name
    for key in ("doc_type", "number", "issuer", "issued_date", "subject", "signer"):
        assert getattr(extraction, key) is not None and key in prov, key
    for key, p in prov.items():
        assert type(p) is Provenance, key
        assert 0 <= p.start <= p.end <= len(doc.text), key
        assert p.page == doc.page_of(p.start) and 0 <= p.confidence <= 1, key


def test_a_span_out_of_its_bounds_is_still_refused(monkeypatch):
    doc = _doc(3)
    real = assemble.recipient_list

    def with_a_bad_confidence(text, settings):
        found = real(text, settings)
        return [found[0]._replace(confidence=1.5), *found[1:]]

    monkeypatch.setattr(assemble, "recipient_list", with_a_bad_confidence)
    with pytest.raises(ValidationError, match="recipients.0"):
        assemble.extract_fields(doc)

