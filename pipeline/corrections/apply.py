"""The latest correction of each field wins over the extraction (RECORD.md).

``apply_corrections(record, corrections)`` gives the record every view and export shows:
corrected values in place (a corrected number parsed into its parts), their provenance kept
(where the value stands on the page) at confidence 1.0 since a person checked it, the
warnings about those fields resolved, the status recomputed — and, for each correction,
whether the extraction now agrees or no longer has the field, so nothing is dropped silently.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from extractors.agencies import resolve_agency
from extractors.number_symbol import parse_number_symbol
from pipeline.corrections.fields import MISSING, field_spec, value_of
from pipeline.extract import record_status
from schemas import Arrival, Correction, Issuer, NumberSymbol, Record, RecordWarning, Signer
from schemas.correction import CorrectionStatus, JsonValue


@dataclass(frozen=True)
class Corrected:
    """The record with corrections applied, the workflow fields, and each correction's status."""

    record: Record
    assigned_to: str | None = None
    received_by: str | None = None
    done_deadlines: frozenset[int] = frozenset()
    status: dict[str, CorrectionStatus] = field(default_factory=dict)


def latest_corrections(corrections: Iterable[Correction]) -> dict[str, Correction]:
    """The correction in force per field: the latest one."""
    latest: dict[str, Correction] = {}
    for c in sorted(corrections, key=lambda c: c.corrected_at):
        latest[c.field] = c
    return latest


def related_fields(warning_field: str | None, corrected: str) -> bool:
    """A warning about ``signer`` is resolved by correcting ``signer.name``, and vice versa."""
    if not warning_field:
        return False
    return (warning_field == corrected or corrected.startswith(warning_field + ".")
            or warning_field.startswith(corrected + "."))


def _number(value: JsonValue) -> NumberSymbol | None:
    if not value:
        return None
    return parse_number_symbol(str(value)) or NumberSymbol(raw=str(value))


def _issuer(issuer: Issuer | None, attr: str, value: JsonValue) -> Issuer | None:
    issuer = (issuer or Issuer()).model_copy(update={attr: value})
    if attr == "name":  # the agency, and today's body, follow the corrected name
        agency = resolve_agency(issuer.name, within=issuer.parent) if issuer.name else None
        issuer = issuer.model_copy(update={"agency_id": agency.id if agency else None,
                                           "successor": agency.successor if agency else None})
    return None if issuer == Issuer() else issuer


def _set(record: Record, name: str, value: JsonValue) -> Record:
    if name == "number":
        return record.model_copy(update={"number": _number(value)})
    if name.startswith("deadlines."):
        _, i, attr = name.split(".")
        deadlines = list(record.deadlines)
        deadlines[int(i)] = deadlines[int(i)].model_copy(update={attr: value})
        return record.model_copy(update={"deadlines": deadlines})
    head, _, attr = name.partition(".")
    if not attr:
        return record.model_copy(update={head: value})
    if head == "issuer":
        return record.model_copy(update={"issuer": _issuer(record.issuer, attr, value)})
    empty = {"signer": Signer, "arrival": Arrival}[head]
    part = (getattr(record, head) or empty()).model_copy(update={attr: value})
    return record.model_copy(update={head: None if part == empty() else part})


def _checked(record: Record, corrected: set[str]) -> Record:
    """Provenance of corrected fields at confidence 1.0; their warnings resolved."""
    provenance = {}
    for key, prov in record.provenance.items():
        if any(related_fields(key, f) for f in corrected):
            prov = prov.model_copy(update={"confidence": 1.0})
        provenance[key] = prov
    # a replaced list keeps provenance only for the items it still has
    for name in corrected & {"recipients", "cc"}:
        n = len(getattr(record, name))
        provenance = {k: v for k, v in provenance.items()
                      if not (k.startswith(name + ".") and int(k.split(".")[1]) >= n)}
    warnings = [w for w in record.warnings
                if not any(related_fields(w.field, f) for f in corrected)]
    return record.model_copy(update={"provenance": provenance, "warnings": warnings})


def apply_corrections(record: Record, corrections: Iterable[Correction]) -> Corrected:
    """``record`` as the archivist corrected it (the latest correction of each field wins)."""
    latest = latest_corrections(c for c in corrections if c.doc_id == record.doc_id)
    if not latest or record.status == "failed":
        return Corrected(record)
    status: dict[str, CorrectionStatus] = {}
    applied: set[str] = set()
    workflow: dict[str, str | None] = {"assigned_to": None, "received_by": None}
    done: set[int] = set()
    unapplied: list[RecordWarning] = []
    for name, c in sorted(latest.items()):
        now = value_of(record, name)
        if now is MISSING:
            status[name] = "not_applicable"
            unapplied.append(RecordWarning(
                code="correction_not_applied", field=name,
                message=f"{c.corrected_by} corrected {name} to {c.corrected_value!r} on "
                        f"{c.corrected_at:%d/%m/%Y}, but the latest extraction has no such field"))
            continue
        status[name] = "extraction_agrees" if now == c.corrected_value else "applied"
        applied.add(name)
        if name in workflow:
            workflow[name] = c.corrected_value if isinstance(c.corrected_value, str) else None
        elif field_spec(name).kind == "flag":
            if c.corrected_value:
                done.add(int(name.split(".")[1]))
        elif status[name] == "applied":
            record = _set(record, name, c.corrected_value)
    record = _checked(record, applied)
    record = record.model_copy(update={"warnings": record.warnings + unapplied})
    record = record.model_copy(update={"status": record_status(record)})
    return Corrected(record, workflow["assigned_to"], workflow["received_by"], frozenset(done),
                     status)
