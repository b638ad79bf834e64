"""A correction a person made to an extracted value (hiệu chỉnh của văn thư).

Kept beside the record in the dataset (table ``corrections``), never inside it: the
record stays what the pipeline read, the correction wins over it in every view and export
(RECORD.md). ``field`` names what was corrected with the record's own paths
(``number``, ``issued_date``, ``signer.name``, ``deadlines.2.due_date``…), plus two fields
of the register's workflow that no extraction fills: ``assigned_to`` (đơn vị hoặc người
nhận, the internal unit or person handling the document), ``received_by`` (ký nhận: who
signed for it) and ``deadlines.N.done``.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# applied: the correction overrides the extraction; extraction_agrees: the latest extraction
# reads the same value (a confirmation, or a newer pipeline that now gets it right);
# not_applicable: the latest extraction has no such field (e.g. fewer deadlines) — kept, and
# the document carries a warning, so a correction is never dropped silently.
CorrectionStatus = Literal["applied", "extraction_agrees", "not_applicable"]

JsonValue = str | bool | list[str] | None


class Correction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_id: str
    field: str
    corrected_value: JsonValue
    extracted_value: JsonValue = None
    corrected_by: str
    corrected_at: dt.datetime
    note: str | None = None
    status: CorrectionStatus = "applied"
    checked_version: str | None = Field(
        None, description="pipeline version of the extraction the status was checked against")
