"""The one source of truth: record models and the dataset's tables. Imports nothing else of ours."""
from schemas.record import (
    Arrival, Deadline, ESignature, Issuer, NumberSymbol, Provenance, Record, RecordWarning,
    Reference, Signer, Source, Table,
)

__all__ = [
    "Arrival", "Deadline", "ESignature", "Issuer", "NumberSymbol", "Provenance", "Record",
    "RecordWarning", "Reference", "Signer", "Source", "Table",
]
