"""The normalised dataset: the tables the loader writes (see RECORD.md, "The normalised dataset").

One definition serves DuckDB and PostgreSQL: ``pipeline.load.ddl`` renders these specs for
each dialect. Column types are portable names (``text``, ``integer``, ``double``,
``boolean``, ``date``, ``timestamp``, ``json``). Dates the record keeps with their precision
(``"2024-03"``) stay ``text``; a ``*_on`` ``date`` column beside them holds the full dates
only, for sorting and arithmetic.

Bump ``SCHEMA_VERSION`` when a table changes and add the migration to
``pipeline.load.ddl.MIGRATIONS``.
"""
from __future__ import annotations

from dataclasses import dataclass

# 2: corrections, documents.assigned_to/correction_count, deadlines.done
# 3: register_entries, commitments, documents_history, documents.received_by/issuer_successor/
#    withdrawn_at, recipients.kind
SCHEMA_VERSION = 3

ColumnType = str  # text | integer | double | boolean | date | timestamp | json


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    doc: str = ""
    nullable: bool = True


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    doc: str = ""
    per_document: bool = True  # rows replaced together with their document (keyed by doc_id)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, type_: ColumnType = "text", doc: str = "", nullable: bool = True) -> Column:
    return Column(name, type_, doc, nullable)


DOCUMENTS = TableSpec("documents", (
    _c("doc_id", nullable=False, doc="sha256 of the source bytes"),
    _c("status", nullable=False, doc="ok | partial | failed"),
    _c("error"),
    _c("pipeline_version"),
    _c("run_id", doc="the run that loaded this version of the row"),
    _c("source_path"), _c("source_format"), _c("source_pages", "integer"),
    _c("source_ocr", "boolean"), _c("source_encoding"),
    _c("e_signature_organisation"), _c("e_signature_signed_at"),
    _c("arrival_number", doc="số đến"), _c("arrival_date", doc="ngày đến"), _c("arrival_time"),
    _c("arrival_on", "date"),
    _c("doc_type"),
    _c("number_raw", doc="số và ký hiệu as written"), _c("number", "integer"),
    _c("number_year", "integer"), _c("type_code"), _c("issuer_code"), _c("unit_code"),
    _c("issuer_name", doc="cơ quan ban hành"), _c("issuer_parent"), _c("issuer_agency_id"),
    _c("place"), _c("issued_date"), _c("issued_on", "date"),
    _c("subject", doc="trích yếu"), _c("urgency"), _c("confidentiality"),
    _c("signer_name"), _c("signer_title"), _c("signer_authority"), _c("signer_on_behalf_of"),
    _c("recipient_count", "integer"), _c("reference_count", "integer"),
    _c("deadline_count", "integer"), _c("table_count", "integer"),
    _c("warning_count", "integer"),
    _c("duplicate_of", doc="doc_id of an earlier document with the same số, ký hiệu and issuer"),
    _c("record", "json", doc="the full record as extracted (corrections not applied: the "
                             "columns above and the child rows have them)"),
    _c("assigned_to", doc="đơn vị hoặc người nhận: the internal unit or person handling it"),
    _c("correction_count", "integer", doc="fields a person corrected or confirmed"),
    _c("received_by", doc="ký nhận: who signed for it (entered in the review app)"),
    _c("issuer_successor", doc="today's body when the issuer was merged or renamed in 2025"),
    _c("withdrawn_at", "timestamp", doc="when a run found the file gone from its inbox (rút)"),
), ("doc_id",), "one row per document, corrections applied")

RECIPIENTS = TableSpec("recipients", (
    _c("doc_id", nullable=False), _c("role", nullable=False, doc="to (Kính gửi) | cc (Nơi nhận)"),
    _c("ordinal", "integer", nullable=False), _c("text"), _c("agency_id"),
    _c("kind", doc="recipient | as_above (Nơi nhận \"Như trên\": the Kính gửi list) | "
                   "file_copy (\"Lưu: VT, …\": the issuer's own file, not a recipient)"),
), ("doc_id", "role", "ordinal"))

REFERENCES = TableSpec("references", (
    _c("doc_id", nullable=False), _c("ordinal", "integer", nullable=False), _c("raw"),
    _c("doc_type"), _c("number"), _c("date"), _c("issuer"),
    _c("referenced_doc_id", doc="the cited document when it is in the dataset"),
), ("doc_id", "ordinal"), "documents cited (văn bản được viện dẫn)")

DEADLINES = TableSpec("deadlines", (
    _c("doc_id", nullable=False), _c("ordinal", "integer", nullable=False), _c("kind"),
    _c("due_date"), _c("due_on", "date"), _c("start_date"), _c("recurrence"), _c("period"),
    _c("time"), _c("assignee"), _c("agency_id"), _c("action"), _c("text"),
    _c("done", "boolean", doc="marked done by a person"),
), ("doc_id", "ordinal"), "thời hạn: due dates of tasks the document sets")

TABLE_ROWS = TableSpec("table_rows", (
    _c("doc_id", nullable=False), _c("table_index", "integer", nullable=False),
    _c("row_index", "integer", nullable=False), _c("table_title"), _c("section"),
    _c("row", "json", doc="the row as a JSON object, column name → cell"),
), ("doc_id", "table_index", "row_index"))

TABLE_CELLS = TableSpec("table_cells", (
    _c("doc_id", nullable=False), _c("table_index", "integer", nullable=False),
    _c("row_index", "integer", nullable=False), _c("column_index", "integer", nullable=False),
    _c("column_name"), _c("value"),
), ("doc_id", "table_index", "row_index", "column_index"),
    "one row per cell of table_rows (a long form of 'one column per cell')")

COMMITMENTS = TableSpec("commitments", (
    _c("doc_id", nullable=False), _c("ordinal", "integer", nullable=False),
    _c("table_index", "integer", doc="the table_rows row it was read from"),
    _c("row_index", "integer"),
    _c("unit", doc="đơn vị: who commits or is assigned"), _c("agency_id"),
    _c("commitment", doc="nội dung cam kết / nhiệm vụ"), _c("indicator", doc="chỉ tiêu"),
    _c("target", "double", doc="the committed value (95 for 95%)"), _c("target_unit"),
    _c("due_date", doc="ISO at its precision; a period's last month"), _c("due_on", "date"),
    _c("period", doc="2024-Q1, 2024-H2, 2024-09, 2024"), _c("status"),
), ("doc_id", "ordinal"), "cam kết: one row per row of a commitment or task table")

WARNINGS = TableSpec("warnings", (
    _c("doc_id", nullable=False), _c("origin", nullable=False, doc="record | loader"),
    _c("ordinal", "integer", nullable=False), _c("code", nullable=False), _c("message"),
    _c("field"), _c("page", "integer"),
), ("doc_id", "origin", "ordinal"))

AGENCIES = TableSpec("agencies", (
    _c("agency_id", nullable=False), _c("canonical_name"),
    _c("aliases", "json", doc="other spellings seen, as a JSON list"),
), ("agency_id",), "issuing bodies seen in the dataset (rebuilt after each load)",
    per_document=False)

CORRECTIONS = TableSpec("corrections", (
    _c("doc_id", nullable=False), _c("field", nullable=False, doc="number, issued_date, "
                                     "signer.name, deadlines.2.due_date, assigned_to…"),
    _c("corrected_at", "timestamp", nullable=False),
    _c("extracted_value", "json", doc="what the extraction read when the correction was made"),
    _c("corrected_value", "json", doc="what the person entered (null clears the field)"),
    _c("corrected_by", nullable=False), _c("note"),
    _c("status", doc="applied | extraction_agrees | not_applicable, as of the latest load"),
    _c("checked_version", doc="pipeline version of the extraction the status was checked against"),
), ("doc_id", "field", "corrected_at"), "hiệu chỉnh: every correction a person made (the latest "
    "per field wins); kept across re-extraction, never deleted with its document",
    per_document=False)

REGISTER_ENTRIES = TableSpec("register_entries", (
    _c("register", nullable=False, doc="the register's name (one by default)"),
    _c("year", "integer", nullable=False, doc="calendar year of ngày đến: số đến restart at 1"),
    _c("number", "integer", nullable=False, doc="số đến: in sequence, never reused"),
    _c("doc_id", nullable=False),
    _c("arrival_on", "date", nullable=False, doc="ngày đến"),
    _c("arrival_source", nullable=False,
       doc="stamp (the ĐẾN stamp on the document) | received (the day the file reached the inbox)"),
    _c("registered_at", "timestamp"),
), ("register", "year", "number"), "sổ đăng ký văn bản đến: số đến given when a document is "
    "first loaded; kept when the document is reloaded, changed or withdrawn",
    per_document=False)

DOCUMENTS_HISTORY = TableSpec("documents_history", (
    _c("doc_id", nullable=False), _c("replaced_at", "timestamp", nullable=False),
    _c("reason", nullable=False, doc="edited (the file at its path changed) | withdrawn"),
    _c("source_path"), _c("replaced_by", doc="doc_id of the new version of an edited file"),
    _c("pipeline_version"), _c("run_id", doc="the run that replaced or withdrew it"),
    _c("record", "json", doc="the record as extracted"),
), ("doc_id", "replaced_at"), "earlier versions of edited files, and withdrawn documents",
    per_document=False)

RUNS = TableSpec("runs", (
    _c("run_id", nullable=False), _c("started_at", "timestamp"), _c("finished_at", "timestamp"),
    _c("status", doc="running | completed | failed | interrupted (found still running by a "
                     "later run)"), _c("inbox"), _c("pipeline_version"),
    _c("files_seen", "integer"), _c("skipped", "integer"), _c("extracted", "integer"),
    _c("loaded", "integer"), _c("failed", "integer"), _c("quarantined", "integer"),
), ("run_id",), per_document=False)

SCHEMA_VERSION_TABLE = TableSpec("schema_version", (
    _c("version", "integer", nullable=False), _c("applied_at", "timestamp"),
), ("version",), per_document=False)

TABLES: dict[str, TableSpec] = {t.name: t for t in (
    DOCUMENTS, RECIPIENTS, REFERENCES, DEADLINES, TABLE_ROWS, TABLE_CELLS, COMMITMENTS,
    WARNINGS, AGENCIES,
    CORRECTIONS, REGISTER_ENTRIES, DOCUMENTS_HISTORY, RUNS, SCHEMA_VERSION_TABLE)}

# Child tables whose rows are replaced with their document, in this order.
CHILD_TABLES = ("recipients", "references", "deadlines", "table_rows", "table_cells",
                "commitments", "warnings")
EXPORTED_TABLES = ("documents", *CHILD_TABLES, "agencies", "corrections", "register_entries",
                   "documents_history", "runs")
# Views exported beside the tables as OUT/<view>.parquet (what dashboards read: never a lock).
EXPORTED_VIEWS = ("v_incoming_register", "v_open_deadlines", "v_commitments_due")
