"""Run every extractor over a ``Document`` and assemble the record's fields.

The only place that knows which extractor fills which field; each extractor
stays a pure function of the normalised text.
"""
from __future__ import annotations

from typing import Any

from extractors.agencies import resolve_agency
from extractors.deadlines import extract_deadlines, table_deadlines
from extractors.header import read_header
from extractors.parties import cc_list, recipient_list
from extractors.references import find_references
from extractors.review import scan_checks
from extractors.signer import signer_block
from extractors.spans import Found
from extractors.tables import extract_tables
from pipeline.document import Document
from pipeline.furniture import mask_furniture
from schemas import Provenance


def _provenance(doc: Document, found: Found, confidence: float | None = None) -> Provenance:
    return Provenance(page=doc.page_of(found.start), start=found.start, end=found.end,
                      confidence=found.confidence if confidence is None else confidence)


def extract_fields(doc: Document) -> dict[str, Any]:
    """Fields of the record (everything but ``doc_id``/``source``) with their provenance."""
    text = mask_furniture(doc)  # page numbers, footnotes: not body text (same offsets)
    provenance: dict[str, Provenance] = {}

    def keep(name: str, found: Found | None):
        if found is None or found.value is None:
            return None
        provenance[name] = _provenance(doc, found)
        return found.value

    header = read_header(text)
    fields: dict[str, Any] = {
        "doc_type": keep("doc_type", header.doc_type),
        "number": keep("number", header.number),
        "issuer": keep("issuer", header.issuer),
        "place": keep("place", header.place),
        "issued_date": keep("issued_date", header.issued_date),
        "subject": keep("subject", header.subject),
        "urgency": keep("urgency", header.urgency),
        "confidentiality": keep("confidentiality", header.confidentiality),
    }
    recipients = recipient_list(text)
    fields["recipients"] = [r.value for r in recipients]
    for i, r in enumerate(recipients):
        provenance[f"recipients.{i}"] = _provenance(doc, r)
    cc = cc_list(text)
    fields["cc"] = [c.value for c in cc]
    for i, c in enumerate(cc):
        provenance[f"cc.{i}"] = _provenance(doc, c)
    fields["signer"] = keep("signer", signer_block(text))
    own = fields["number"].raw if fields["number"] else None
    references = find_references(text, own_number=own)
    fields["references"] = [r.value for r in references]
    for i, r in enumerate(references):
        provenance[f"references.{i}"] = _provenance(doc, r)
    issuer = fields["issuer"]
    agency = resolve_agency(issuer.name) if issuer and issuer.name else None
    if agency:
        fields["issuer"] = issuer.model_copy(update={"agency_id": agency.id})
    tables = extract_tables(doc)
    fields["tables"] = [t.value for t in tables]
    for i, t in enumerate(tables):
        provenance[f"tables.{i}"] = _provenance(doc, t)
    issued = fields["issued_date"]
    deadlines = extract_deadlines(text, issued) + table_deadlines(tables, issued)
    fields["deadlines"] = [d.value for d in deadlines]
    for i, d in enumerate(deadlines):
        provenance[f"deadlines.{i}"] = _provenance(doc, d)
    fields["provenance"] = provenance
    fields["warnings"] = scan_checks(doc, fields)
    return fields
