"""SQL for the dataset's tables and views, rendered per dialect (``duckdb`` | ``postgresql``)."""
from __future__ import annotations

from pipeline.lexicon.display import doc_type_names, mark_names
from schemas.dataset import CHILD_TABLES, SCHEMA_VERSION, TABLES, Column, TableSpec

_TYPES = {
    "duckdb": {"text": "VARCHAR", "integer": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN",
               "date": "DATE", "timestamp": "TIMESTAMPTZ", "json": "JSON"},
    "postgresql": {"text": "TEXT", "integer": "BIGINT", "double": "DOUBLE PRECISION",
                   "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMPTZ",
                   "json": "JSONB"},
}

# Migrations from version N-1 to N: {N: [statements]}; the loader applies them in order
# (new tables need none: every table is created if missing). The SQL is valid in both dialects.
MIGRATIONS: dict[int, list[str]] = {
    2: ["ALTER TABLE documents ADD COLUMN IF NOT EXISTS assigned_to TEXT",
        "ALTER TABLE documents ADD COLUMN IF NOT EXISTS correction_count BIGINT",
        "ALTER TABLE deadlines ADD COLUMN IF NOT EXISTS done BOOLEAN"],
    3: ["ALTER TABLE documents ADD COLUMN IF NOT EXISTS received_by TEXT",
        "ALTER TABLE documents ADD COLUMN IF NOT EXISTS issuer_successor TEXT",
        "ALTER TABLE documents ADD COLUMN IF NOT EXISTS withdrawn_at TIMESTAMPTZ",
        "ALTER TABLE recipients ADD COLUMN IF NOT EXISTS kind TEXT"],
}


# The loader's own tables beside the dataset (never exported): the keys duplicates and
# references are matched on — số/ký hiệu with diacritics folded, a cited issuer's key — are
# computed in Python as each document is loaded, so the matching itself is a join over the
# documents a batch touches; the spellings of each issuer's name, counted; and the token of the dataset's latest change, which tells a run
# whether its exports are still those of the data.
LINK_TABLES: dict[str, TableSpec] = {t.name: t for t in (
    TableSpec("document_keys", (
        Column("doc_id", "text", nullable=False),
        Column("number_key", "text", "number_key(documents.number_raw)"),
    ), ("doc_id",)),
    TableSpec("reference_keys", (
        Column("doc_id", "text", nullable=False), Column("ordinal", "integer", nullable=False),
        Column("number_key", "text", "number_key(references.number)"),
        Column("issuer_key", "text", "agency_key(references.issuer), '' when it has none; "
                                     "null: no issuer stated"),
    ), ("doc_id", "ordinal")),
    # how many documents give each issuer id each spelling of its name: ``agencies`` is
    # refreshed from these counts, kept up to date by every load, not from the documents
    TableSpec("agency_names", (
        Column("agency_id", "text", nullable=False), Column("name", "text", nullable=False),
        Column("documents", "integer", nullable=False),
    ), ("agency_id", "name"), per_document=False),
    TableSpec("dataset_state", (
        Column("name", "text", nullable=False), Column("token", "text"),
        Column("changed_at", "timestamp"),
    ), ("name",), per_document=False),
)}


def table_spec(name: str) -> TableSpec:
    """A dataset table's spec, or one of the loader's own (``LINK_TABLES``)."""
    return TABLES.get(name) or LINK_TABLES[name]


def link_table_statements(dialect: str) -> list[str]:
    """The loader's own tables, and the indexes its look-ups go through."""
    tables = [create_table(spec, dialect) for spec in LINK_TABLES.values()]
    indexes = [
        "CREATE INDEX IF NOT EXISTS document_keys_number_idx ON document_keys (number_key)",
        "CREATE INDEX IF NOT EXISTS reference_keys_number_idx ON reference_keys (number_key)",
        "CREATE INDEX IF NOT EXISTS documents_path_idx ON documents (source_path)",
        "CREATE INDEX IF NOT EXISTS documents_agency_idx ON documents (issuer_agency_id)",
        # số đến: is a document in the register yet (and an edited file's entry passed on)
        "CREATE INDEX IF NOT EXISTS register_entries_doc_idx ON register_entries (doc_id)",
    ]
    if dialect != "duckdb":
        return tables + indexes
    # DuckDB looks up an index only for a statement whose one condition is ``column IN
    # (values written out)`` on its column (the store's look-ups are written so), never the
    # first column of a primary key of several: a reference's rows by document need their
    # own. Not the issuers' (no look-up by issuer is left: agency_names counts them).
    # Every index is written whole at each checkpoint (duckdb/duckdb#24848); measured at
    # 10,000 documents, these added no time a checkpoint shows (~0.4 s with or without
    # them, loader alone) and ~9 MB to the file, ~3 MB to the loader's resident set
    return tables + [sql for sql in indexes if "documents_agency_idx" not in sql] + [
        "CREATE INDEX IF NOT EXISTS reference_keys_doc_idx ON reference_keys (doc_id)",
        'CREATE INDEX IF NOT EXISTS references_doc_idx ON "references" (doc_id)',
    ]


def quote(name: str) -> str:
    """Quote an identifier: ``references`` is a reserved word in SQL."""
    return '"' + name.replace('"', '""') + '"'


def column_type(column: Column, dialect: str) -> str:
    """The SQL type of a column in ``dialect``."""
    return _TYPES[dialect][column.type]


# On DuckDB a document's child rows carry no PRIMARY KEY: they are written whole with their
# document (its old rows deleted, the new ones numbered as they are made), so the loader
# cannot break the key, and DuckDB never looks rows up by a key of several columns; yet it
# keeps the key's index at every insert and writes it whole at every checkpoint
# (duckdb/duckdb#24848). Loader alone over 10,000 documents, measured: CPU per document
# 1.23 → 1.84 ms from the first thousand to the ninth with these keys, 1.32 → 1.58 without,
# and 14 MB less resident. PostgreSQL (and a DuckDB file made before) keeps them.
UNKEYED_ON_DUCKDB = frozenset((*CHILD_TABLES, "reference_keys"))


def create_table(spec: TableSpec, dialect: str) -> str:
    cols = [f"{quote(c.name)} {column_type(c, dialect)}{'' if c.nullable else ' NOT NULL'}"
            for c in spec.columns]
    if not (dialect == "duckdb" and spec.name in UNKEYED_ON_DUCKDB):
        cols.append(f"PRIMARY KEY ({', '.join(map(quote, spec.primary_key))})")
    return f"CREATE TABLE IF NOT EXISTS {quote(spec.name)} (\n  " + ",\n  ".join(cols) + "\n)"


def create_indexes(dialect: str) -> list[str]:
    return [
        'CREATE INDEX IF NOT EXISTS documents_number_idx ON documents (number_raw)',
        'CREATE INDEX IF NOT EXISTS deadlines_due_idx ON deadlines (due_on)',
    ]


def _days_between(dialect: str, later: str, earlier: str) -> str:
    # date - date is a whole number of days in both engines
    return f"CAST({later} - {earlier} AS BIGINT)"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _names(column: str, names: dict[str, str]) -> str:
    """``CASE column WHEN 'cong_van' THEN 'Công văn' … END``: codes read as words."""
    whens = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in sorted(names.items()))
    return f"CASE {column} {whens} ELSE {column} END"


def register_view() -> str:
    """``v_incoming_register``: the sổ đăng ký văn bản đến of Decree 30/2020, Phụ lục IV, in its
    column order (ngày đến, số đến, tác giả, số ký hiệu, ngày tháng, tên loại và trích yếu,
    đơn vị hoặc người nhận, ký nhận, ghi chú), then what a dashboard filters on. Documents
    without a số đến (failed, duplicates) are listed too, with the reason in ghi_chu."""
    type_name = _names("d.doc_type", doc_type_names())
    return f"""
CREATE VIEW v_incoming_register AS
SELECT
  e.arrival_on     AS ngay_den,            -- ngày đến (DATE)
  e.number         AS so_den,              -- số đến: from 1 each year, per register
  d.issuer_name    AS tac_gia,             -- tác giả (cơ quan ban hành)
  d.number_raw     AS so_ky_hieu,          -- số, ký hiệu
  d.issued_on      AS ngay_van_ban,        -- ngày tháng (DATE; null when only partly legible)
  NULLIF(concat_ws(' - ', {type_name}, d.subject), '')
                   AS ten_loai_trich_yeu,  -- tên loại và trích yếu
  d.assigned_to    AS don_vi_nhan,         -- đơn vị hoặc người nhận (internal; review app)
  d.received_by    AS ky_nhan,             -- ký nhận (review app)
  NULLIF(concat_ws('; ',
    CASE d.status WHEN 'partial' THEN 'chưa đọc được đủ số, ngày hoặc loại văn bản'
                  WHEN 'failed' THEN 'không đọc được tệp: ' || d.error END,
    CASE WHEN d.duplicate_of IS NOT NULL
         THEN 'trùng số, ký hiệu và cơ quan ban hành với văn bản ' || d.duplicate_of END,
    CASE WHEN d.withdrawn_at IS NOT NULL THEN 'đã rút: tệp không còn trong hộp thư' END),
    '')            AS ghi_chu,             -- ghi chú
  e.register       AS so_dang_ky,          -- which register
  e.year           AS nam,
  e.arrival_source AS nguon_ngay_den,      -- stamp | received
  d.issued_date    AS ngay_van_ban_ghi,    -- the date as read, with its precision (2025-10)
  {type_name} AS ten_loai,
  d.subject        AS trich_yeu,
  {_names('d.urgency', mark_names())} AS do_khan,
  {_names('d.confidentiality', mark_names())} AS do_mat,
  d.source_pages   AS so_trang,
  d.issuer_successor AS co_quan_hien_nay,  -- the issuer's body today, after the 2025 mergers
  d.signer_name    AS nguoi_ky,
  d.signer_title   AS chuc_vu_nguoi_ky,
  r.recipients     AS kinh_gui,
  d.arrival_number AS so_tren_dau_den,     -- the number written on the ĐẾN stamp, if any
  d.doc_id,
  d.source_path
FROM documents d
LEFT JOIN register_entries e ON e.doc_id = d.doc_id
LEFT JOIN (
  SELECT doc_id, string_agg(text, '; ' ORDER BY ordinal) AS recipients
  FROM recipients WHERE role = 'to' GROUP BY doc_id
) r ON r.doc_id = d.doc_id
"""


def commitments_due_view() -> str:
    """``v_commitments_due``: commitments by unit and due month (the first day of the month,
    DATE) with their count and texts, for a dashboard's "what falls due when". A commitment
    for a year ("Cam kết … năm 2024") falls due by its last month, December; failed documents
    are left out."""
    month = ("CAST(CASE WHEN length(c.due_date) = 4 THEN c.due_date || '-12' "
             "ELSE substr(c.due_date, 1, 7) END || '-01' AS DATE)")
    return f"""
CREATE VIEW v_commitments_due AS
SELECT
  c.unit,
  min(c.agency_id) AS agency_id,
  {month} AS month,
  count(*)         AS count,
  string_agg(COALESCE(c.commitment, ''), '; ' ORDER BY c.doc_id, c.ordinal) AS commitments
FROM commitments c
JOIN documents d ON d.doc_id = c.doc_id
WHERE length(c.due_date) >= 4 AND d.status <> 'failed' AND d.withdrawn_at IS NULL
GROUP BY c.unit, {month}
ORDER BY month, c.unit NULLS LAST
"""


def view_statements(dialect: str) -> list[str]:
    """``v_incoming_register`` (sổ đăng ký văn bản đến) and ``v_open_deadlines``."""
    register = register_view()
    deadlines = f"""
CREATE VIEW v_open_deadlines AS
SELECT
  dl.assignee,
  dl.due_on        AS due_date,
  {_days_between(dialect, 'dl.due_on', 'current_date')} AS days_left,   -- negative: overdue
  dl.action,
  dl.text,
  dl.doc_id        AS source_doc_id,
  d.number_raw     AS source_number,
  d.issuer_name    AS source_issuer,
  d.subject        AS source_subject
FROM deadlines dl
JOIN documents d ON d.doc_id = dl.doc_id
WHERE dl.due_on IS NOT NULL AND d.status <> 'failed' AND NOT COALESCE(dl.done, FALSE)
  AND d.withdrawn_at IS NULL
"""
    return ["DROP VIEW IF EXISTS v_incoming_register", "DROP VIEW IF EXISTS v_open_deadlines",
            register.strip(), deadlines.strip(),
            "DROP VIEW IF EXISTS v_commitments_due", commitments_due_view().strip()]


def schema_statements(dialect: str) -> list[str]:
    """Everything ``ensure_schema`` runs on an empty database (idempotent)."""
    return ([create_table(spec, dialect) for spec in TABLES.values()]
            + create_indexes(dialect) + view_statements(dialect))


__all__ = ["LINK_TABLES", "MIGRATIONS", "SCHEMA_VERSION", "create_table",
           "link_table_statements", "quote", "schema_statements", "table_spec",
           "view_statements"]
