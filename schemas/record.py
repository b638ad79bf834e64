"""The dispatch record: the contract the outside world reads (see RECORD.md).

Field names are fixed by the contract; fields may be added, never renamed or
dropped. Dates are ISO strings that keep their precision ("2024-05-31",
"2024-03", "2023"). A value the document does not state is ``None`` (lists:
``[]``), never a guess.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DocType = Literal[
    "nghi_quyet", "quyet_dinh", "chi_thi", "quy_che", "quy_dinh", "thong_cao", "thong_bao",
    "huong_dan", "chuong_trinh", "ke_hoach", "phuong_an", "de_an", "du_an", "bao_cao",
    "bien_ban", "to_trinh", "hop_dong", "cong_dien", "ban_ghi_nho", "ban_thoa_thuan",
    "giay_uy_quyen", "giay_moi", "giay_gioi_thieu", "giay_nghi_phep", "phieu_gui",
    "phieu_chuyen", "phieu_bao", "cong_van", "nghi_dinh", "thong_tu", "luat", "phap_lenh",
    "thong_tu_lien_tich",
]
Status = Literal["ok", "partial", "failed"]
Urgency = Literal["hoa_toc", "thuong_khan", "khan"]
Confidentiality = Literal["mat", "toi_mat", "tuyet_mat"]
Authority = Literal["KT", "TL", "TM", "TUQ", "Q"]
DeadlineKind = Literal["absolute", "range", "recurring", "relative", "period"]
SourceFormat = Literal["pdf", "docx", "doc", "rtf", "txt", "md", "image"]

ISO_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ESignature(_Model):
    """The portal's digital-signature stamp (chữ ký số) found in a text layer."""

    organisation: str | None = None
    email: str | None = None
    signed_at: str | None = Field(None, description="ISO 8601 date-time of signing")
    signer: str | None = None


class Source(_Model):
    path: str
    format: SourceFormat | None = None
    pages: int | None = None
    ocr: bool = False
    encoding: str | None = Field(None, description="utf-8 | utf-8-sig | tcvn3 | vni | ...")
    ocr_confidence: dict[str, float] | None = Field(
        None, description="mean Tesseract word confidence (0-1) per OCR'd page, keyed by page number")
    e_signature: ESignature | None = None


class Arrival(_Model):
    """Read from the "ĐẾN" arrival stamp: the first columns of the incoming register."""

    number: str | None = None
    date: str | None = Field(None, pattern=ISO_DATE_PATTERN)
    time: str | None = None


class NumberSymbol(_Model):
    """Số và ký hiệu: ``7338/UBND-SNV``, ``61/2018/NĐ-CP``, ``18-NQ/TW``, draft ``/BC-UBND``."""

    raw: str
    number: int | None = Field(None, description="null for a draft with a blank number")
    year: int | None = None
    type_code: str | None = Field(None, description="document type code: QĐ, KH, TB, NĐ ...")
    issuer_code: str | None = Field(None, description="issuing body's code: UBND, CP, TW ...")
    unit_code: str | None = Field(None, description="drafting unit's code: SNV, VP ...")


class Issuer(_Model):
    """Cơ quan ban hành: ``name`` is the issuing body written out, ``parent`` the line above."""

    name: str | None = None
    parent: str | None = None
    agency_id: str | None = None
    # the body valid on the document's date may since have merged or been abolished (2025)
    successor: str | None = Field(
        None, description="today's body after the 2025 reorganisation, when it differs")


class Signer(_Model):
    """Người ký: authority mark (KT./TL./TM./TUQ./Q.), on-behalf-of, title, name."""

    name: str | None = None
    title: str | None = None
    authority: Authority | None = None
    on_behalf_of: str | None = None


class Reference(_Model):
    """A cited document (văn bản được viện dẫn)."""

    raw: str
    doc_type: DocType | None = None
    number: str | None = None
    date: str | None = Field(None, pattern=ISO_DATE_PATTERN)
    issuer: str | None = None
    referenced_doc_id: str | None = None


class Deadline(_Model):
    """A due date of a task the document sets (thời hạn)."""

    kind: DeadlineKind
    due_date: str | None = Field(
        None, description="ISO date or date-time; for a period, its last month at month "
        "precision (2024-Q2 → 2024-06), for a year the year")
    start_date: str | None = None
    recurrence: str | None = Field(
        None, description="monthly:18 | quarterly:last_month:18 | yearly:12-18 | daily:15:00")
    period: str | None = Field(None, description="a period kept as one: 2024-Q2, 2024-H1, 2024-06")
    time: str | None = Field(None, description="HH:MM when the clause states a time of day")
    offset: str | None = Field(
        None, description="relative deadline: '7d' days, '10wd' working days, '2w', '1m'")
    anchor: str | None = Field(None, description="what a relative deadline counts from")
    assignee: str | None = None
    agency_id: str | None = None
    action: str | None = None
    text: str


class Table(_Model):
    """One logical table (an appendix or section), even when it spans pages."""

    title: str | None = None
    attached_to: str | None = Field(None, description="the parent document named in '(Kèm theo …)'")
    columns: list[str] = []
    rows: list[dict[str, object]] = []
    page_start: int | None = None
    page_end: int | None = None
    numeric_columns: list[str] = Field(
        [], description="columns whose cells are numbers: each row also has '<column>::num' "
        "with the typed value (1.265 → 1265, 96,6 → 96.6)")
    header_found: bool = Field(True, description="false when no header row was found")


class Commitment(_Model):
    """One row of a commitment or task table (cam kết, chỉ tiêu, nhiệm vụ được giao)."""

    table: int = Field(description="index of the table in ``tables``")
    row: int = Field(description="index of the row in that table's ``rows``")
    unit: str | None = Field(None, description="đơn vị: who commits or is assigned")
    agency_id: str | None = None
    commitment: str | None = Field(None, description="the commitment or task cell's text")
    indicator: str | None = Field(None, description="the measure a target is set for (chỉ tiêu)")
    target: int | float | None = Field(None, description="the committed value: 95, 1265")
    target_unit: str | None = Field(None, description="%, hồ sơ, tỷ đồng ...")
    due_date: str | None = Field(
        None, pattern=ISO_DATE_PATTERN,
        description="ISO at its precision; for a period, its last month (2024-Q1 → 2024-03)")
    period: str | None = Field(None, description="2024-Q1, 2024-H2, 2024-09, 2024")
    status: str | None = Field(None, description="tình trạng, as the table states it")


class RecordWarning(_Model):
    """Something an archivist should look at (cảnh báo)."""

    code: str
    message: str
    field: str | None = None
    page: int | None = None


class Provenance(_Model):
    """Where a value was read: page, character span in the normalised text, confidence."""

    page: int | None = None
    start: int
    end: int
    confidence: float = Field(1.0, ge=0.0, le=1.0)


class Record(_Model):
    doc_id: str = Field(description="sha256 of the source bytes")
    status: Status = "ok"
    error: str | None = None
    pipeline_version: str | None = None
    source: Source
    arrival: Arrival | None = None
    doc_type: DocType | None = None
    number: NumberSymbol | None = None
    issuer: Issuer | None = None
    place: str | None = None
    issued_date: str | None = Field(None, pattern=ISO_DATE_PATTERN)
    subject: str | None = None
    urgency: Urgency | None = None
    confidentiality: Confidentiality | None = None
    recipients: list[str] = []
    cc: list[str] = []
    signer: Signer | None = None
    references: list[Reference] = []
    deadlines: list[Deadline] = []
    tables: list[Table] = []
    commitments: list[Commitment] = []
    warnings: list[RecordWarning] = []
    provenance: dict[str, Provenance] = {}

    def to_json_line(self) -> str:
        return self.model_dump_json(exclude_none=False)
