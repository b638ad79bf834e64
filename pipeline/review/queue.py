"""The review queue: every live document of the dataset (withdrawn ones left out), those an
archivist must look at first.

Order: failed files, then partial records (a register field missing), then records with a
``needs_review`` warning, then the rest — each group by arrival then file. Values are the
corrected ones (the ``documents`` columns carry corrections).
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.load import DatasetStore
from pipeline.text.keys import fold_diacritics


@dataclass(frozen=True)
class QueueRow:
    doc_id: str
    status: str
    source_path: str
    arrival_number: str | None
    arrival_date: str | None
    doc_type: str | None
    number: str | None
    issued_date: str | None
    issuer: str | None
    subject: str | None
    urgency: str | None
    warnings: int
    needs_review: int
    assigned_to: str | None
    corrections: int
    error: str | None

    @property
    def group(self) -> int:
        """0 failed, 1 partial, 2 needs review, 3 the rest."""
        if self.status == "failed":
            return 0
        if self.status == "partial":
            return 1
        return 2 if self.needs_review else 3

    @property
    def to_review(self) -> bool:
        return self.group < 3

    @property
    def search_key(self) -> str:
        """Folded, lower-case text of the row: "quang ngai" finds "Quảng Ngãi"."""
        values = (self.source_path, self.arrival_number, self.number, self.issuer, self.subject,
                  self.doc_type, self.assigned_to, self.issued_date)
        return search_key(" ".join(v for v in values if v))


def search_key(text: str) -> str:
    return " ".join(fold_diacritics(text).lower().split())


_COLUMNS = ("d.doc_id, status, source_path, CAST(e.number AS VARCHAR), "
            "CAST(e.arrival_on AS VARCHAR), doc_type, number_raw, issued_date, issuer_name, "
            "subject, urgency, warning_count, assigned_to, correction_count, error")
# số đến and ngày đến from the register (the first one a document is in)
_REGISTER = ("LEFT JOIN (SELECT doc_id, min(number) AS number, min(arrival_on) AS arrival_on "
             "FROM register_entries GROUP BY doc_id) e ON e.doc_id = d.doc_id")


def review_queue(store: DatasetStore, query: str | None = None) -> list[QueueRow]:
    """Every document, review first; with ``query``, those whose text holds every folded word."""
    needs = dict(store.query("SELECT doc_id, count(*) FROM warnings WHERE code = 'needs_review' "
                             "GROUP BY doc_id"))
    rows = []
    for (doc_id, status, path, arr_no, arr_date, doc_type, number, issued, issuer, subject,
         urgency, n_warn, assigned, n_corr, error) in store.query(
            f"SELECT {_COLUMNS} FROM documents d {_REGISTER} WHERE d.withdrawn_at IS NULL"):
        rows.append(QueueRow(doc_id, status, path or "", arr_no, arr_date, doc_type, number,
                             issued, issuer, subject, urgency,
                             (n_warn or 0) + (1 if error else 0), needs.get(doc_id, 0), assigned,
                             n_corr or 0, error))
    if query and query.strip():
        words = search_key(query).split()
        rows = [r for r in rows if all(w in r.search_key for w in words)]
    return sorted(rows, key=lambda r: (r.group, r.arrival_date or "9999",
                                       int(r.arrival_number or 0), r.source_path, r.doc_id))
