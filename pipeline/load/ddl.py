"""SQL for the dataset's tables and views, rendered per dialect (``duckdb`` | ``postgresql``)."""
from __future__ import annotations

from schemas.dataset import SCHEMA_VERSION, TABLES, TableSpec

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
}


def quote(name: str) -> str:
    """Quote an identifier: ``references`` is a reserved word in SQL."""
    return '"' + name.replace('"', '""') + '"'


def create_table(spec: TableSpec, dialect: str) -> str:
    types = _TYPES[dialect]
    cols = [f"{quote(c.name)} {types[c.type]}{'' if c.nullable else ' NOT NULL'}"
            for c in spec.columns]
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


def view_statements(dialect: str) -> list[str]:
    """``v_incoming_register`` (sổ đăng ký văn bản đến) and ``v_open_deadlines``."""
    register = """
CREATE VIEW v_incoming_register AS
SELECT
  d.arrival_date   AS ngay_den,            -- ngày đến
  d.arrival_number AS so_den,              -- số đến
  d.issuer_name    AS tac_gia,             -- tác giả (cơ quan ban hành)
  d.number_raw     AS so_ky_hieu,          -- số, ký hiệu
  d.issued_date    AS ngay_van_ban,        -- ngày tháng văn bản
  NULLIF(concat_ws(' - ', d.doc_type, d.subject), '') AS ten_loai_trich_yeu,  -- tên loại và trích yếu
  -- đơn vị hoặc người nhận: the unit it was assigned to, else its Kính gửi
  COALESCE(d.assigned_to, r.recipients) AS don_vi_nhan,
  NULLIF(concat_ws('; ',
    CASE WHEN d.status <> 'ok' THEN 'status: ' || d.status END,
    CASE WHEN d.duplicate_of IS NOT NULL THEN 'duplicate of ' || d.duplicate_of END,
    d.error), '')  AS ghi_chu,             -- ghi chú
  d.doc_id,
  d.source_path
FROM documents d
LEFT JOIN (
  SELECT doc_id, string_agg(text, '; ' ORDER BY ordinal) AS recipients
  FROM recipients WHERE role = 'to' GROUP BY doc_id
) r ON r.doc_id = d.doc_id
"""
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
"""
    return ["DROP VIEW IF EXISTS v_incoming_register", "DROP VIEW IF EXISTS v_open_deadlines",
            register.strip(), deadlines.strip()]


def schema_statements(dialect: str) -> list[str]:
    """Everything ``ensure_schema`` runs on an empty database (idempotent)."""
    return ([create_table(spec, dialect) for spec in TABLES.values()]
            + create_indexes(dialect) + view_statements(dialect))


__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "create_table", "quote", "schema_statements",
           "view_statements"]
