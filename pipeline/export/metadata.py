"""Each document's metadata in the names of the e-document input standard (Decree 30/2020,
Phụ lục VI): CodeNumber, CodeNotation, IssuedDate, OrganName, TypeName, Subject,
SignerInfo (Position, FullName), To, Priority, DueDate, PageAmount — as JSON (a list of
objects) or CSV (one row per document, SignerInfo as two columns, lists joined by "; ").

Values are the corrected record's. "To" is the Kính gửi list followed by the Nơi nhận
recipients, a "Như trên" standing for the Kính gửi list (not repeated) and the "Lưu: VT"
file copy left out: it is kept, not sent.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from extractors.parties import distribution_kind
from pipeline.lexicon.display import doc_type_names, mark_names
from schemas import Record

CSV_COLUMNS = ("DocId", "CodeNumber", "CodeNotation", "IssuedDate", "OrganName", "TypeName",
               "Subject", "SignerPosition", "SignerFullName", "To", "Priority", "DueDate",
               "PageAmount")


def _notation(raw: str | None) -> str | None:
    """Ký hiệu: the part after the last "/" (``7338/UBND-SNV`` → ``UBND-SNV``;
    ``61/2018/NĐ-CP`` → ``NĐ-CP``)."""
    if not raw or "/" not in raw:
        return raw
    return raw.rsplit("/", 1)[-1] or None


def addressees(record: Record) -> list[str]:
    to = list(record.recipients)
    for item in record.cc:
        if distribution_kind(item) == "recipient" and item not in to:
            to.append(item)
    return to


def document_metadata(record: Record) -> dict:
    number, signer = record.number, record.signer
    dues = sorted(d.due_date for d in record.deadlines if d.due_date)
    marks = [mark_names()[m] for m in (record.urgency, record.confidentiality) if m]
    return {
        "DocId": record.doc_id,
        "CodeNumber": number.number if number else None,
        "CodeNotation": _notation(number.raw) if number else None,
        "IssuedDate": record.issued_date,
        "OrganName": record.issuer.name if record.issuer else None,
        "TypeName": doc_type_names().get(record.doc_type) if record.doc_type else None,
        "Subject": record.subject,
        "SignerInfo": {"Position": signer.title if signer else None,
                       "FullName": signer.name if signer else None},
        "To": addressees(record),
        "Priority": ", ".join(marks) or None,
        "DueDate": dues[0] if dues else None,
        "PageAmount": record.source.pages,
    }


def _csv_row(meta: dict) -> list:
    flat = {**meta, "SignerPosition": meta["SignerInfo"]["Position"],
            "SignerFullName": meta["SignerInfo"]["FullName"], "To": "; ".join(meta["To"])}
    return ["" if flat[c] is None else flat[c] for c in CSV_COLUMNS]


def write_metadata(records: Iterable[Record], path: Path, fmt: str) -> int:
    """Write the metadata of ``records`` as ``fmt`` (json | csv), atomically; returns how many."""
    items = [document_metadata(r) for r in records if r.status != "failed"]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if fmt == "json":
        tmp.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif fmt == "csv":
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(CSV_COLUMNS)
            out.writerows(_csv_row(m) for m in items)
    else:
        raise ValueError(f"unknown metadata format {fmt!r}: use json or csv")
    tmp.replace(path)
    return len(items)
