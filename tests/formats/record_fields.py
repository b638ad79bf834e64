"""The record fields every input format must agree on, in a comparable form."""
from __future__ import annotations

from pipeline.normalize import tone_key

FIELDS = ("number", "issued_date", "doc_type", "issuer", "subject", "signer", "recipients")


def field_values(record) -> dict[str, object]:
    """Number, date, type, issuer, subject, signer and recipients of a record.

    Strings are folded with ``tone_key`` (case, old/new tone placement): a TCVN3 file
    cannot carry a capital toned letter and writes "Uỷ" where Unicode has "Ủy".
    """
    d = record.model_dump(mode="json")

    def key(v):
        return tone_key(v) if isinstance(v, str) else v

    return {
        "number": key((d.get("number") or {}).get("raw")),
        "issued_date": d.get("issued_date"),
        "doc_type": d.get("doc_type"),
        "issuer": key((d.get("issuer") or {}).get("name")),
        "subject": key(d.get("subject")),
        "signer": key((d.get("signer") or {}).get("name")),
        "recipients": [key(r) for r in d.get("recipients") or []],
    }
