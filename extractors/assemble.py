"""Run every extractor over a ``Document`` and assemble the record's fields.

The only place that knows which extractor fills which field; each extractor stays a
pure function of the normalised text. The result is a typed ``Extraction``: what the
record will hold (everything but ``doc_id``/``source``), with the provenance of every
value; the validation layer reviews it and returns a new one.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from pydantic import TypeAdapter

from extractors.agencies import resolve_agency
from extractors.commitments import extract_commitments
from extractors.deadlines import extract_deadlines, table_deadlines
from extractors.header import read_header
from extractors.parties import cc_list, recipient_list
from extractors.references import document_references
from extractors.signer import signer_block
from extractors.stamps import stamp_fields
from extractors.tables import extract_tables
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.document import Document, mask_furniture
from pipeline.text.spans import Found
from schemas import (Arrival, Commitment, Deadline, Issuer, NumberSymbol, Provenance,
                     RecordWarning, Reference, Signer, Table)


@dataclass(frozen=True)
class Extraction:
    """The fields extracted from one document, each with its provenance (``name`` or
    ``name.i`` for list items), and the warnings extraction itself raised."""

    doc_type: str | None = None
    number: NumberSymbol | None = None
    issuer: Issuer | None = None
    place: str | None = None
    issued_date: str | None = None
    subject: str | None = None
    urgency: str | None = None
    confidentiality: str | None = None
    recipients: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    signer: Signer | None = None
    references: list[Reference] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    arrival: Arrival | None = None
    provenance: dict[str, Provenance] = field(default_factory=dict)
    warnings: list[RecordWarning] = field(default_factory=list)

    def record_fields(self) -> dict:
        """Keyword arguments for ``schemas.Record`` (shallow copies: the record owns them)."""
        return {f.name: _copy(getattr(self, f.name)) for f in fields(self)}


def _copy(value):
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


# the provenance of a document's fields, validated in one call once all are read: one
# ``Provenance(...)`` per value (dozens a document) costs a Python call into pydantic each
_PROVENANCE = TypeAdapter(dict[str, Provenance])


def _provenance_data(doc: Document, found: Found) -> dict:
    """Where ``found`` was read, as a ``Provenance``'s fields (validated with the rest)."""
    return {"page": doc.page_of(found.start), "start": found.start, "end": found.end,
            "confidence": found.confidence}


def extract_fields(doc: Document, settings: Settings = DEFAULT_SETTINGS) -> Extraction:
    """Every field of the record with its provenance."""
    text = mask_furniture(doc)  # page numbers, footnotes: not body text (same offsets)
    # field → its provenance, as plain data (or a ``Provenance`` a reader made) until the end
    provenance: dict[str, dict | Provenance] = {}

    def keep(name: str, found: Found | None):
        if found is None or found.value is None:
            return None
        provenance[name] = _provenance_data(doc, found)
        return found.value

    def keep_all(name: str, found: list[Found]) -> list:
        provenance.update({f"{name}.{i}": _provenance_data(doc, item)
                           for i, item in enumerate(found)})
        return [item.value for item in found]

    header = read_header(text, settings)
    doc_type = keep("doc_type", header.doc_type)
    number = keep("number", header.number)
    issuer = keep("issuer", header.issuer)
    place = keep("place", header.place)
    issued = keep("issued_date", header.issued_date)
    subject = keep("subject", header.subject)
    urgency = keep("urgency", header.urgency)
    confidentiality = keep("confidentiality", header.confidentiality)
    recipients = keep_all("recipients", recipient_list(text, settings))
    cc = keep_all("cc", cc_list(text, settings))
    # a regulation placed before the decision that issues it: the decision's signer
    signer = keep("signer", signer_block(text, settings, start=header.start))
    references = keep_all("references", document_references(
        doc, text, own_number=number.raw if number else None, settings=settings))
    # the body valid on the document's date; the parent or the place tells a district's province
    agency = resolve_agency(issuer.name, on=issued, within=issuer.parent or place) \
        if issuer and issuer.name else None
    if agency:
        # a letterhead in capitals cannot tell a proper noun ("CHÍNH PHỦ") from a common
        # word: the gazetteer's spelling can, when the names differ in case alone
        name = agency.canonical if agency.canonical.casefold() == issuer.name.casefold() \
            else issuer.name
        issuer = issuer.model_copy(update={"agency_id": agency.id, "name": name,
                                           "successor": agency.successor})
    tables = extract_tables(doc, settings)
    table_values = keep_all("tables", tables)
    deadlines = keep_all("deadlines", extract_deadlines(text, issued, settings=settings)
                         + table_deadlines(tables, issued, settings=settings))
    commitments = extract_commitments(doc, tables, issued, settings)
    for i, (item, page) in enumerate(zip(commitments.found, commitments.pages)):
        # a row read from a reader's table piece: its own page, not the table's first
        provenance[f"commitments.{i}"] = {"page": page, "start": item.start, "end": item.end,
                                          "confidence": item.confidence}
    # stamps (urgency when the header had none, the arrival stamp): read last, as the
    # review of OCR'd fields expects their provenance after the text's
    stamps = stamp_fields(doc, issued, settings)
    if urgency is None and stamps.urgency is not None:
        urgency = stamps.urgency.value
        provenance["urgency"] = _provenance_data(doc, stamps.urgency)
    provenance.update(stamps.provenance)
    # a scanned first page's unread number line is named by the OCR review
    header_warnings = [w for w in header.warnings
                       if not (w.field == "number" and 1 in doc.ocr_pages)]
    return Extraction(
        doc_type=doc_type, number=number, issuer=issuer, place=place, issued_date=issued,
        subject=subject, urgency=urgency, confidentiality=confidentiality,
        recipients=recipients, cc=cc, signer=signer, references=references,
        tables=table_values, deadlines=deadlines,
        commitments=[c.value for c in commitments.found], arrival=stamps.arrival,
        provenance=_PROVENANCE.validate_python(provenance),
        warnings=header_warnings + list(stamps.warnings) + commitments.warnings)
