"""Record → rows of the normalised dataset (``schemas.dataset``). Pure functions, no I/O."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from extractors.parties import distribution_kind
from pipeline.corrections import Corrected
from pipeline.text.keys import fold_diacritics
from schemas import Record
from schemas.dataset import CHILD_TABLES, TABLES

_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@dataclass
class DocumentRows:
    """Everything one record contributes: its ``documents`` row and its child rows per table."""

    doc_id: str
    document: dict[str, object]
    children: dict[str, list[dict[str, object]]] = field(default_factory=dict)


def full_date(value: str | None) -> dt.date | None:
    """The date of an ISO value that states a day (``2024-05-31``, ``2024-05-31T08:00``); else None."""
    m = _FULL_DATE.match(value or "")
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def agency_key(name: str | None) -> str | None:
    """A stable id for an agency name: diacritics folded, lower case, words joined by ``_``.

    ``Ủy ban nhân dân tỉnh Bà Rịa-Vũng Tàu`` and ``UỶ BAN NHÂN DÂN TỈNH BÀ RỊA - VŨNG TÀU``
    get the same key.
    """
    if not name:
        return None
    words = re.findall(r"[a-z0-9]+", fold_diacritics(name).lower())
    return "_".join(words) or None


def number_key(raw: str | None) -> str | None:
    """Số + ký hiệu compared without case, spaces or diacritics (``7338/UBND-SNV``)."""
    if not raw:
        return None
    return re.sub(r"\s+", "", fold_diacritics(raw)).upper() or None


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def document_row(record: Record, run_id: str | None,
                 corrected: Corrected | None = None) -> dict[str, object]:
    """The ``documents`` row: ``record`` as extracted in the ``record`` column, every other
    column from ``corrected.record`` (the corrections applied) when given."""
    extracted = record
    if corrected is not None:
        record = corrected.record
    src, num, iss, sig, arr = record.source, record.number, record.issuer, record.signer, record.arrival
    esig = src.e_signature
    return {
        "doc_id": record.doc_id, "status": record.status, "error": record.error,
        "pipeline_version": record.pipeline_version, "run_id": run_id,
        "source_path": src.path, "source_format": src.format, "source_pages": src.pages,
        "source_ocr": src.ocr, "source_encoding": src.encoding,
        "e_signature_organisation": esig.organisation if esig else None,
        "e_signature_signed_at": esig.signed_at if esig else None,
        "arrival_number": arr.number if arr else None, "arrival_date": arr.date if arr else None,
        "arrival_time": arr.time if arr else None,
        "arrival_on": full_date(arr.date) if arr else None,
        "doc_type": record.doc_type,
        "number_raw": num.raw if num else None, "number": num.number if num else None,
        "number_year": num.year if num else None, "type_code": num.type_code if num else None,
        "issuer_code": num.issuer_code if num else None, "unit_code": num.unit_code if num else None,
        "issuer_name": iss.name if iss else None, "issuer_parent": iss.parent if iss else None,
        "issuer_agency_id": (iss.agency_id or agency_key(iss.name)) if iss else None,
        "place": record.place, "issued_date": record.issued_date,
        "issued_on": full_date(record.issued_date),
        "subject": record.subject, "urgency": record.urgency,
        "confidentiality": record.confidentiality,
        "signer_name": sig.name if sig else None, "signer_title": sig.title if sig else None,
        "signer_authority": sig.authority if sig else None,
        "signer_on_behalf_of": sig.on_behalf_of if sig else None,
        "recipient_count": len(record.recipients) + len(record.cc),
        "reference_count": len(record.references), "deadline_count": len(record.deadlines),
        "table_count": len(record.tables), "warning_count": len(record.warnings),
        "duplicate_of": None,  # set by the loader, which sees the whole dataset
        "record": extracted.model_dump_json(),
        "assigned_to": corrected.assigned_to if corrected else None,
        "correction_count": len(corrected.status) if corrected else 0,
        "received_by": corrected.received_by if corrected else None,
        "issuer_successor": iss.successor if iss else None,
        "withdrawn_at": None,  # the file is in the inbox: it is being loaded
    }


def recipient_rows(record: Record) -> list[dict[str, object]]:
    """Kính gửi (``to``) and Nơi nhận (``cc``) items; ``kind`` tells a Nơi nhận "Như trên"
    (the Kính gửi list again) and "Lưu: VT" (the issuer's file copy) from a recipient."""
    rows = []
    for role, items in (("to", record.recipients), ("cc", record.cc)):
        for i, text in enumerate(items):
            kind = distribution_kind(text) if role == "cc" else "recipient"
            rows.append({"doc_id": record.doc_id, "role": role, "ordinal": i, "text": text,
                         "agency_id": agency_key(text) if kind == "recipient" else None,
                         "kind": kind})
    return rows


def reference_rows(record: Record) -> list[dict[str, object]]:
    return [{"doc_id": record.doc_id, "ordinal": i, "raw": r.raw, "doc_type": r.doc_type,
             "number": r.number, "date": r.date, "issuer": r.issuer,
             "referenced_doc_id": r.referenced_doc_id}
            for i, r in enumerate(record.references)]


def deadline_rows(record: Record, done: frozenset[int] = frozenset()) -> list[dict[str, object]]:
    return [{"doc_id": record.doc_id, "ordinal": i, "kind": d.kind, "due_date": d.due_date,
             "due_on": full_date(d.due_date), "start_date": d.start_date,
             "recurrence": d.recurrence, "period": d.period, "time": d.time,
             "assignee": d.assignee, "agency_id": d.agency_id or agency_key(d.assignee),
             "action": d.action, "text": d.text, "done": i in done}
            for i, d in enumerate(record.deadlines)]


def table_rows(record: Record) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """``table_rows`` (one per row, the row as JSON) and ``table_cells`` (one per cell)."""
    rows, cells = [], []
    for t, table in enumerate(record.tables):
        for r, row in enumerate(table.rows):
            section = row.get("section")
            rows.append({"doc_id": record.doc_id, "table_index": t, "row_index": r,
                         "table_title": table.title,
                         "section": None if section is None else str(section),
                         "row": _json(row)})
            names = list(table.columns) + [k for k in row if k not in table.columns]
            for c, name in enumerate(names):
                if name in row:
                    value = row[name]
                    cells.append({"doc_id": record.doc_id, "table_index": t, "row_index": r,
                                  "column_index": c, "column_name": name,
                                  "value": None if value is None else str(value)})
    return rows, cells


def commitment_rows(record: Record) -> list[dict[str, object]]:
    """One row per commitment; ``agency_id`` as the deadlines have it (known body, else key)."""
    return [{"doc_id": record.doc_id, "ordinal": i, "table_index": c.table, "row_index": c.row,
             "unit": c.unit, "agency_id": c.agency_id or agency_key(c.unit),
             "commitment": c.commitment, "indicator": c.indicator,
             "target": None if c.target is None else float(c.target),
             "target_unit": c.target_unit, "due_date": c.due_date,
             "due_on": full_date(c.due_date), "period": c.period, "status": c.status}
            for i, c in enumerate(record.commitments)]


def warning_rows(record: Record) -> list[dict[str, object]]:
    rows = [{"doc_id": record.doc_id, "origin": "record", "ordinal": i, "code": w.code,
             "message": w.message, "field": w.field, "page": w.page}
            for i, w in enumerate(record.warnings)]
    if record.status == "failed":
        # a failed file is visible among the warnings too, not only in documents.error
        rows.append({"doc_id": record.doc_id, "origin": "record", "ordinal": len(rows),
                     "code": "extraction_failed", "message": record.error or "failed",
                     "field": None, "page": None})
    return rows


def record_to_rows(record: Record, run_id: str | None = None,
                   corrected: Corrected | None = None) -> DocumentRows:
    """All rows one record contributes to the dataset (with ``corrected``: as corrected)."""
    document = document_row(record, run_id, corrected)
    effective = corrected.record if corrected is not None else record
    done = corrected.done_deadlines if corrected is not None else frozenset()
    t_rows, t_cells = table_rows(effective)
    children = {
        "recipients": recipient_rows(effective), "references": reference_rows(effective),
        "deadlines": deadline_rows(effective, done), "table_rows": t_rows, "table_cells": t_cells,
        "commitments": commitment_rows(effective), "warnings": warning_rows(effective),
    }
    assert set(children) == set(CHILD_TABLES)
    assert list(document) == TABLES["documents"].column_names
    return DocumentRows(record.doc_id, document, children)


def link_key_rows(rows: DocumentRows) -> dict[str, list[dict[str, object]]]:
    """The loader's matching keys of one document's rows (``ddl.LINK_TABLES``): its số/ký
    hiệu, and per reference the cited số/ký hiệu and issuer, as ``number_key``/``agency_key``
    fold them — what the loader compares, computed once here so SQL can join on it."""
    document = {"doc_id": rows.doc_id, "number_key": number_key(rows.document["number_raw"])}
    references = [{"doc_id": rows.doc_id, "ordinal": r["ordinal"],
                   "number_key": number_key(r["number"]),
                   "issuer_key": (agency_key(r["issuer"]) or "") if r["issuer"] else None}
                  for r in rows.children["references"]]
    return {"document_keys": [document], "reference_keys": references}
