"""The one source of truth: record models, corrections a person made, what a run read of a
document (``reading``) and the dataset's tables. Imports nothing else of ours."""
from schemas.correction import Correction, CorrectionStatus
from schemas.reading import PageReading, Reading, WordBox
from schemas.record import (
    Arrival, Commitment, Deadline, ESignature, Issuer, NumberSymbol, Provenance, Record,
    RecordWarning, Reference, Signer, Source, Table,
)

__all__ = [
    "Arrival", "Commitment", "Correction", "CorrectionStatus", "Deadline", "ESignature", "Issuer",
    "NumberSymbol", "PageReading", "Provenance", "Reading", "Record", "RecordWarning",
    "Reference", "Signer", "Source", "Table", "WordBox",
]
