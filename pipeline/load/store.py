"""What every dataset store does, whatever the engine: idempotent upserts keyed by doc_id.

A backend (``duckdb_store``, ``postgres``) supplies five primitives — run a statement, insert
rows, query, fetch a table as Arrow, open a transaction; everything the dataset means is here:

- ``load_records``: in ONE transaction per batch, delete the batch's documents and their child
  rows, insert the new ones, then refresh what depends on other documents (duplicates,
  reference links, agencies) — for what the batch touched only: the duplicate groups of its
  số/ký hiệu (old and new), the references citing them, its issuers, and (after a run's
  first load) the số đến of those documents. Those rows are looked up by keys stored beside
  the documents (``ddl.LINK_TABLES``; indexed), one table at a time, and the
  rules applied to them; an issuer's spellings are counted there too, the counts updated by
  each batch. A batch's look-ups go through indexes, so it costs about the same in an empty
  dataset and in a full one: on DuckDB each statement's one condition is ``column IN (…)``
  on the indexed column, the values written out (DuckDB uses an index for nothing else; no
  joins: a join read the whole of both tables), the other conditions tested in Python
  (~1,200 rows read per batch at 10,000 documents, ~100,000 before). What still scans on
  DuckDB: deleting the child rows of a document reloaded or edited away, and the loader's
  warning of a document no longer a duplicate (keys of several columns). Re-loading the
  same records changes no row; a kill mid-run loses at most the batch in flight, never half
  a document.
- duplicates (Decree 30: số + ký hiệu + issuer identify a document): a second document with
  the same key gets ``duplicate_of`` = the earlier one (by issued date, path, doc_id) and a
  ``duplicate_number`` warning; both rows stay.
- ``references.referenced_doc_id``: the document in the dataset with that số/ký hiệu (an
  issuer or date stated in the citation must agree); left empty when none or ambiguous.
- corrections (``corrections``, never deleted with a document): every load applies the latest
  correction of each field of the documents it loads (``pipeline.corrections``), so a
  correction survives re-runs and re-extraction by a newer pipeline; its ``status`` says
  whether the new extraction agrees or no longer has the field. ``documents.record`` keeps
  the record as extracted; every other column, child row, view and export is corrected.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.corrections import apply_corrections, latest_corrections, value_of
from pipeline.corrections.fields import MISSING
from pipeline.load.ddl import (LINK_TABLES, MIGRATIONS, link_table_statements, quote,
                               schema_statements)
from pipeline.load.flatten import DocumentRows, link_key_rows, record_to_rows
from schemas import Correction, Record
from schemas.dataset import CHILD_TABLES, EXPORTED_TABLES, SCHEMA_VERSION, TABLES


DEFAULT_REGISTER = "chung"  # one register unless a run names another (sổ đăng ký chung)


class SchemaVersionError(RuntimeError):
    """The database was written by a newer version of the dataset schema."""


class CorrectionError(ValueError):
    """A correction that cannot be stored (unknown document, failed document, no such field)."""


@dataclass
class InboxChanges:
    """What ``follow_inbox`` found: files moved (old, new path), gone, and back again."""

    moved: list[tuple[str, str]] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)


@dataclass
class Touched:
    """What a write touched, so that only what depends on it is recomputed: số/ký hiệu keys
    (their duplicate groups, the references citing them), issuers (``agencies``), the
    documents whose own references are all to be linked again, and by how many documents
    each (issuer id, spelling of its name) changed (documents loaded +1, removed -1)."""

    number_keys: set[str] = field(default_factory=set)
    agencies: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    names: Counter = field(default_factory=Counter)


# the loader's keys per document, replaced with it (``dataset_state`` is not per document)
_KEY_TABLES = tuple(name for name, spec in LINK_TABLES.items() if spec.per_document)


@dataclass(frozen=True)
class StoredDocument:
    pipeline_version: str | None
    status: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class DatasetStore(ABC):
    """The normalised dataset in one database. Use as a context manager."""

    dialect: str
    url: str
    # the registers this store has given every document its số đến in: from then on, only
    # the documents a load touches can be new to them (see ``load_records``)
    _registered: frozenset[str] = frozenset()

    # --- backend primitives -------------------------------------------------------------
    @abstractmethod
    def execute(self, sql: str, params: dict | None = None) -> None: ...

    @abstractmethod
    def query(self, sql: str, params: dict | None = None) -> list[tuple]: ...

    @abstractmethod
    def insert_rows(self, table: str, rows: list[dict[str, object]]) -> None: ...

    @abstractmethod
    def fetch_arrow(self, sql: str):  # -> pyarrow.Table
        ...

    def update_rows(self, table: str, keys: tuple[str, ...], rows: list[dict[str, object]]
                    ) -> None:
        """Set columns of the rows found by ``keys``: each of ``rows`` holds its key columns
        and the values to set (the same columns in every one). One statement a row here; a
        backend may do them all in one (DuckDB: a row's UPDATE scans the table when its key
        is not one column)."""
        for row in rows:
            sets = ", ".join(f"{quote(c)} = :{c}" for c in row if c not in keys)
            where = " AND ".join(f"{quote(c)} = :{c}" for c in keys)
            self.execute(f"UPDATE {quote(table)} SET {sets} WHERE {where}", row)

    def stream(self, sql: str, params: dict | None = None) -> Iterator[tuple]:
        """The rows of a query a few at a time, not all at once (the backends fetch in
        chunks); run nothing else on the store until it is exhausted."""
        yield from self.query(sql, params)

    def value_lists(self, values: list[str], name: str = "id"
                    ) -> Iterator[tuple[dict[str, object], str]]:
        """What goes inside ``IN (…)`` to list ``values``, with its parameters, a chunk at a
        time (``_CHUNK`` named parameters each; none for no values). A backend may pass them
        some other way (DuckDB: one parameter for them all)."""
        for start in range(0, len(values), _CHUNK):
            names = {f"{name}{k}": v for k, v in enumerate(values[start:start + _CHUNK])}
            yield names, ", ".join(f":{k}" for k in names)

    def last_numbers(self, register: str, years: set[int]) -> dict[int, int | None]:
        """The last số đến given in ``register`` in each of ``years`` (None: none yet); on
        PostgreSQL the last key of the primary key's index. A backend may remember what it
        gave (``numbers_given``)."""
        return {year: self.query("SELECT max(number) FROM register_entries "
                                 "WHERE register = :register AND year = :year",
                                 {"register": register, "year": year})[0][0]
                for year in sorted(years)}

    def numbers_given(self, entries: list[dict[str, object]]) -> None:
        """``register_entries`` rows just inserted, numbered in order within each year (not
        yet committed)."""

    def arrow_reader(self, sql: str):  # -> pyarrow.RecordBatchReader
        """A query's rows as Arrow record batches, read as they are written out."""
        import pyarrow as pa

        table = self.fetch_arrow(sql)
        return pa.RecordBatchReader.from_batches(table.schema, table.to_batches())

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[None]: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- schema -------------------------------------------------------------------------
    def ensure_schema(self) -> int:
        """Create or migrate the tables and views; returns the schema version in use."""
        with self.transaction():
            for sql in schema_statements(self.dialect)[:len(TABLES)]:
                self.execute(sql)
            rows = self.query("SELECT max(version) FROM schema_version")
            stored = rows[0][0] if rows and rows[0][0] is not None else None
            if stored is not None and stored > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.url}: dataset schema version {stored} is newer than this "
                    f"pipeline's ({SCHEMA_VERSION}); upgrade the pipeline")
            for version in range((stored or SCHEMA_VERSION) + 1, SCHEMA_VERSION + 1):
                for sql in MIGRATIONS.get(version, []):
                    self.execute(sql)
            if stored != SCHEMA_VERSION:
                self.insert_rows("schema_version", [{"version": SCHEMA_VERSION, "applied_at": _now()}])
            for sql in schema_statements(self.dialect)[len(TABLES):]:
                self.execute(sql)
            for sql in link_table_statements(self.dialect):
                self.execute(sql)
            self._backfill_link_keys()
            self._check_agency_names()
        return SCHEMA_VERSION

    def _backfill_link_keys(self) -> None:
        """Documents loaded before the loader kept its keys get them (once): their derived
        rows were computed over the whole dataset then, so nothing else changes."""
        missing = [r[0] for r in self.query(
            "SELECT doc_id FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM document_keys k WHERE k.doc_id = d.doc_id) ORDER BY doc_id")]
        for names, placeholders in self.value_lists(missing):
            documents = {doc_id: DocumentRows(doc_id, {"number_raw": raw},
                                              {"references": []})
                         for doc_id, raw in self.query(
                             "SELECT doc_id, number_raw FROM documents "
                             f"WHERE doc_id IN ({placeholders})", names)}
            for doc_id, ordinal, number, issuer in self.query(
                    'SELECT doc_id, ordinal, number, issuer FROM "references" '
                    f"WHERE doc_id IN ({placeholders})", names):
                documents[doc_id].children["references"].append(
                    {"ordinal": ordinal, "number": number, "issuer": issuer})
            keys = [link_key_rows(rows) for rows in documents.values()]
            for table in _KEY_TABLES:
                self.insert_rows(table, [row for k in keys for row in k[table]])

    def _check_agency_names(self) -> None:
        """``agency_names`` counted again from the documents, and it and ``agencies``
        rewritten if they differ: a dataset loaded before the loader kept the counts (or
        written by such a loader since) gets them right once, here, not at every batch."""
        counted = self._count_agency_names()
        kept = Counter({(agency_id, name): n for agency_id, name, n in self.query(
            "SELECT agency_id, name, documents FROM agency_names")})
        agencies = {agency_id: (name, self._json_value(aliases)) for agency_id, name, aliases
                    in self.query("SELECT agency_id, canonical_name, aliases FROM agencies")}
        want = {agency_id: (row["canonical_name"], json.loads(row["aliases"]))
                for agency_id, row in _agency_rows(counted).items()}
        if counted != kept or agencies != want:
            self._rebuild_agencies(None)

    def _count_agency_names(self) -> Counter:
        """Documents per (issuer id, spelling of its name), counted from the documents."""
        return Counter({(agency_id, name): n for agency_id, name, n in self.query(
            "SELECT issuer_agency_id, issuer_name, count(*) FROM documents "
            "WHERE issuer_agency_id IS NOT NULL AND issuer_name IS NOT NULL "
            "GROUP BY issuer_agency_id, issuer_name")})

    # --- what is there ------------------------------------------------------------------
    def schema_version(self) -> int | None:
        """The dataset schema version the database holds (None: no dataset there)."""
        try:
            return self.query("SELECT max(version) FROM schema_version")[0][0]
        except Exception:  # noqa: BLE001 - no such table: not a dataset (yet)
            return None

    def stored_documents(self) -> dict[str, StoredDocument]:
        return {doc_id: StoredDocument(version, status) for doc_id, version, status
                in self.query("SELECT doc_id, pipeline_version, status FROM documents")}

    def count_rows(self) -> dict[str, int]:
        return {name: self.query(f"SELECT count(*) FROM {quote(name)}")[0][0]
                for name in EXPORTED_TABLES}

    # --- runs ---------------------------------------------------------------------------
    # A shared database's runs may overlap: there, a run still 'running' is taken for killed
    # only once it started this long ago (the caller may say otherwise).
    STALE_RUN_AFTER = dt.timedelta(hours=24)

    def start_run(self, run_id: str, inbox: str, pipeline_version: str, *,
                  stale_after: dt.timedelta | None = None) -> list[str]:
        """Record ``run_id`` as running; returns the earlier runs it marked interrupted."""
        with self.transaction():
            interrupted = self._interrupt_dead_runs(
                run_id, self.STALE_RUN_AFTER if stale_after is None else stale_after)
            self.execute("DELETE FROM runs WHERE run_id = :run_id", {"run_id": run_id})
            self.insert_rows("runs", [{
                "run_id": run_id, "started_at": _now(), "finished_at": None,
                "status": "running", "inbox": inbox, "pipeline_version": pipeline_version,
                "files_seen": None, "skipped": None, "extracted": None, "loaded": None,
                "failed": None, "quarantined": None}])
        return interrupted

    def _interrupt_dead_runs(self, run_id: str, stale_after: dt.timedelta) -> list[str]:
        """Mark 'interrupted' the earlier runs still 'running': killed (SIGKILL, power, out
        of memory) before their ``finish_run``. On DuckDB that is every one, since a single
        process writes a file at a time and this run holds it; elsewhere another run may be
        going on, so only those started more than ``stale_after`` ago."""
        where, params = "status = 'running' AND run_id <> :run_id", {"run_id": run_id}
        if self.dialect != "duckdb":
            where += " AND started_at < :cutoff"
            params["cutoff"] = _now() - stale_after
        dead = [r[0] for r in self.query(
            f"SELECT run_id FROM runs WHERE {where} ORDER BY started_at", params)]
        if dead:
            self.execute(f"UPDATE runs SET status = 'interrupted' WHERE {where}", params)
        return dead

    def finish_run(self, run_id: str, status: str, counts: dict[str, int]) -> None:
        cols = ("files_seen", "skipped", "extracted", "loaded", "failed", "quarantined")
        sets = ", ".join(f"{c} = :{c}" for c in cols)
        params = {c: counts.get(c) for c in cols} | {
            "run_id": run_id, "status": status, "finished_at": _now()}
        with self.transaction():
            self.execute(f"UPDATE runs SET status = :status, finished_at = :finished_at, {sets} "
                         "WHERE run_id = :run_id", params)

    # --- loading ------------------------------------------------------------------------
    def load_records(self, records: Iterable[Record], run_id: str | None = None, *,
                     register: str | None = DEFAULT_REGISTER,
                     received: Mapping[str, dt.date] | None = None) -> int:
        """Upsert a batch of records (one transaction); returns the number of documents.

        The documents' corrections are applied (and their status brought up to date), and
        every document not yet in ``register`` gets its số đến (``received``: the day each
        file reached the inbox, by doc_id, for documents without an arrival stamp);
        ``register=None`` registers nothing.
        """
        incoming = {record.doc_id: record for record in records}  # last one wins in a batch
        if not incoming:
            return 0
        ids = sorted(incoming)
        touched = Touched(documents=set(ids))
        with self.transaction():
            self.lock_writers()
            self._replace_edited(incoming, run_id, touched)
            corrections = self._corrections_by_doc(ids)
            batch: dict[str, DocumentRows] = {}
            for doc_id in ids:
                record, mine = incoming[doc_id], corrections.get(doc_id, [])
                corrected = apply_corrections(record, mine) if mine else None
                batch[doc_id] = record_to_rows(record, run_id, corrected)
                if corrected is not None:
                    self._update_correction_status(record, mine, corrected.status)
            stored = self._keep_run_of_unchanged(batch, ids)
            # the versions replaced: their groups, issuers, rows (a document not stored has
            # none: its rows come and go with it)
            if stored:
                self._touch_stored(touched, stored, leaving=True)
                for table in (*CHILD_TABLES, *_KEY_TABLES, "documents"):
                    self.delete_documents(table, stored)
            self.insert_rows("documents", [batch[i].document for i in ids])
            named = (_name_of(batch[i].document) for i in ids)
            touched.names.update(name for name in named if name is not None)
            for table in CHILD_TABLES:
                self.insert_rows(table, [row for i in ids for row in batch[i].children[table]])
            keys = {i: link_key_rows(batch[i]) for i in ids}
            for table in _KEY_TABLES:
                self.insert_rows(table, [row for i in ids for row in keys[i][table]])
            touched.number_keys.update(k["document_keys"][0]["number_key"] for k in keys.values())
            touched.agencies.update(batch[i].document["issuer_agency_id"] for i in ids)
            self.refresh_derived(touched)
            if register is not None:
                # the first load looks at the whole dataset (documents loaded before without
                # a register, or into another one); the next ones at what they touched, the
                # only documents that can have become new to the register since
                self.register_new_documents(register, received or {}, among=(
                    touched if register in self._registered else None))
            self.mark_changed()
        if register is not None:  # committed
            self._registered |= {register}
        return len(ids)

    def _touch_stored(self, touched: Touched, doc_ids: list[str], leaving: bool = False
                      ) -> None:
        """Add the stored documents' số/ký hiệu keys and issuers to ``touched`` (and, when
        they are ``leaving`` the dataset, take them off the counts of their issuers' names)."""
        # each table by its key alone (joined, DuckDB read the whole of document_keys)
        for names, placeholders in self.value_lists(doc_ids):
            keys = dict(self.query("SELECT doc_id, number_key FROM document_keys "
                                   f"WHERE doc_id IN ({placeholders})", names))
            for doc_id, agency, name in self.query(
                    "SELECT doc_id, issuer_agency_id, issuer_name FROM documents "
                    f"WHERE doc_id IN ({placeholders})", names):
                touched.number_keys.add(keys.get(doc_id))
                touched.agencies.add(agency)
                if leaving and agency is not None and name is not None:
                    touched.names[(agency, name)] -= 1

    def mark_changed(self) -> None:
        """A new ``dataset_token``: what was exported before no longer shows the data."""
        self.execute("DELETE FROM dataset_state WHERE name = 'dataset'")
        self.insert_rows("dataset_state", [{"name": "dataset", "token": uuid.uuid4().hex,
                                            "changed_at": _now()}])

    def dataset_token(self) -> str | None:
        """Changes with every write of the dataset's documents (loads, corrections, the
        inbox followed); the same token, the same data: exports made at it are current."""
        rows = self.query("SELECT token FROM dataset_state WHERE name = 'dataset'")
        return rows[0][0] if rows else None

    def lock_writers(self) -> None:
        """Serialise writers within a transaction (PostgreSQL: an advisory lock); DuckDB
        already lets one process write a file at a time."""

    def _replace_edited(self, incoming: Mapping[str, Record], run_id: str | None,
                        touched: Touched) -> None:
        """An edited file: a document now loaded under a path another document held.

        The older version goes to ``documents_history`` and leaves the live tables; its số
        đến and its corrections pass to the new version (the same registered document: the
        corrections are checked against the new extraction like any other).
        """
        by_path = {r.source.path: r.doc_id for r in incoming.values() if r.source.path}
        if not by_path:
            return
        held = {}  # the paths only: reading every record to find the few would cost the dataset
        for names, placeholders in self.value_lists(sorted(by_path)):
            held.update(self.query("SELECT doc_id, source_path FROM documents "
                                   f"WHERE source_path IN ({placeholders})", names))
        held = {doc_id: path for doc_id, path in held.items() if doc_id not in incoming}
        if not held:
            return
        older = []
        for names, placeholders in self.value_lists(sorted(held)):
            older += self.query("SELECT doc_id, source_path, pipeline_version, record "
                                f"FROM documents WHERE doc_id IN ({placeholders})", names)
        now = _now()
        self.insert_rows("documents_history", [
            _history_row(old, now, "edited", path, by_path[path], version, run_id, record)
            for old, path, version, record in older])
        for old, path, _, _ in older:
            new = {"old": old, "new": by_path[path]}
            self.execute("UPDATE register_entries SET doc_id = :new WHERE doc_id = :old AND "
                         "register NOT IN (SELECT register FROM register_entries "
                         "WHERE doc_id = :new)", new)
            self.execute("UPDATE corrections SET doc_id = :new WHERE doc_id = :old", new)
        gone = [old for old, *_ in older]
        self._touch_stored(touched, gone, leaving=True)
        touched.documents.update(gone)
        for table in (*CHILD_TABLES, *_KEY_TABLES, "documents"):
            self.delete_documents(table, gone)

    def follow_inbox(self, inbox: str, present: Mapping[str, str],
                     run_id: str | None = None) -> InboxChanges:
        """Bring the dataset in line with what a run found in ``inbox``.

        ``present``: doc_id → path of every file read there. A document whose file moved
        takes its new path; one withdrawn earlier whose file is back is live again; a
        document under ``inbox`` whose file is gone is marked withdrawn (kept, with a
        ``documents_history`` row) — failed files excepted: they were moved to quarantine.
        """
        root = Path(inbox)
        changes = InboxChanges()
        with self.transaction():
            self.lock_writers()
            now = _now()
            # the record itself only for the few withdrawn: a dataset holds thousands
            for doc_id, path, status, withdrawn, version in self.query(
                    "SELECT doc_id, source_path, status, withdrawn_at, pipeline_version "
                    "FROM documents"):
                if doc_id in present:
                    if path != present[doc_id] or withdrawn is not None:
                        self.execute("UPDATE documents SET source_path = :path, "
                                     "withdrawn_at = NULL WHERE doc_id = :doc_id",
                                     {"path": present[doc_id], "doc_id": doc_id})
                        if withdrawn is not None:
                            changes.restored.append(present[doc_id])
                        else:
                            changes.moved.append((path, present[doc_id]))
                    continue
                if (withdrawn is not None or status == "failed" or not path
                        or not Path(path).is_relative_to(root)):
                    continue
                self.execute("UPDATE documents SET withdrawn_at = :now WHERE doc_id = :doc_id",
                             {"now": now, "doc_id": doc_id})
                (record,), = self.query("SELECT record FROM documents WHERE doc_id = :doc_id",
                                        {"doc_id": doc_id})
                self.insert_rows("documents_history", [
                    _history_row(doc_id, now, "withdrawn", path, None, version, run_id, record)])
                changes.withdrawn.append(path)
            if changes.moved:  # a duplicate group's order goes by path
                touched = Touched()
                self._touch_stored(touched, sorted(d for d, p in present.items()
                                                   if p in {new for _, new in changes.moved}))
                self._flag_duplicates(touched)
                self._link_references(touched)
            if changes.moved or changes.withdrawn or changes.restored:
                self.mark_changed()
        return changes

    def _keep_run_of_unchanged(self, batch: dict[str, DocumentRows],
                               ids: list[str]) -> list[str]:
        """A document loaded again with the same record keeps the run that first loaded it.
        Returns the documents of ``ids`` stored already."""
        found = []
        for names, placeholders in self.value_lists(ids):
            for doc_id, run_id, record in self.query(
                    f"SELECT doc_id, run_id, record FROM documents WHERE doc_id IN ({placeholders})",
                    names):
                found.append(doc_id)
                stored = json.loads(record) if isinstance(record, str) else record
                row = batch[doc_id].document
                if stored == json.loads(row["record"]):
                    row["run_id"] = run_id
        return sorted(found)

    # --- the register -------------------------------------------------------------------
    def register_new_documents(self, register: str = DEFAULT_REGISTER,
                               received: Mapping[str, dt.date] | None = None,
                               among: Touched | None = None) -> int:
        """Give every document not yet in ``register`` its số đến; returns how many.
        ``among``: look only at its documents and those of its số/ký hiệu keys (whose
        duplicates may have changed), not at the whole dataset.

        Số đến run from 1 in each calendar year of ngày đến and are never reused: entries
        stay when a document is reloaded, changed or withdrawn. Ngày đến is the arrival
        stamp's date, else the day the file reached the inbox (``received``, else the day of
        the run that first loaded it). Failed files and duplicates (same số, ký hiệu and
        issuer as an earlier document) get none. New entries are numbered in order of ngày
        đến, then file path.
        """
        received = received or {}
        # the documents, those in the register, and the runs that loaded them: each lookup
        # on one table (DuckDB read every document through the joins, to keep the few), by
        # its key alone (DuckDB's index serves a statement with no other condition: the
        # others are tested here)
        wanted = "status <> 'failed' AND duplicate_of IS NULL AND withdrawn_at IS NULL"
        if among is None:
            rows = self.query("SELECT doc_id, arrival_on, source_path, run_id FROM documents "
                              f"WHERE {wanted}")
            registered = {r[0] for r in self.query(
                "SELECT doc_id FROM register_entries WHERE register = :register",
                {"register": register})}
        else:
            ids = set(among.documents)
            for where, params in self._where_in("number_key", among.number_keys):
                ids.update(r[0] for r in self.query(
                    f"SELECT doc_id FROM document_keys WHERE {where}", params))
            rows, registered = [], set()
            for names, placeholders in self.value_lists(sorted(ids)):
                rows += [row[1:] for row in self.query(
                    f"SELECT {wanted}, doc_id, arrival_on, source_path, run_id FROM documents "
                    f"WHERE doc_id IN ({placeholders})", names) if row[0]]
                registered.update(doc_id for doc_id, kept in self.query(
                    "SELECT doc_id, register FROM register_entries "
                    f"WHERE doc_id IN ({placeholders})", names) if kept == register)
        rows = [row for row in rows if row[0] not in registered]
        started = {}
        for names, placeholders in self.value_lists(sorted(
                {run for doc_id, stamped, _, run in rows
                 if run is not None and stamped is None and doc_id not in received})):
            started.update(self.query(
                f"SELECT run_id, started_at FROM runs WHERE run_id IN ({placeholders})", names))
        rows = [(doc_id, stamped, path, started.get(run)) for doc_id, stamped, path, run in rows]
        if not rows:
            return 0
        arrivals = []
        for doc_id, stamped, path, run_started in rows:
            if stamped is not None:
                arrivals.append((stamped, "stamp", path or "", doc_id))
                continue
            day = received.get(doc_id) or (run_started.date() if run_started else None)
            arrivals.append((day or dt.date.today(), "received", path or "", doc_id))
        # the last số đến of each year the new entries fall in
        last = self.last_numbers(register, {day.year for day, *_ in arrivals})
        entries, now = [], _now()
        for day, source, _, doc_id in sorted(arrivals):
            last[day.year] = (last.get(day.year) or 0) + 1
            entries.append({"register": register, "year": day.year, "number": last[day.year],
                            "doc_id": doc_id, "arrival_on": day, "arrival_source": source,
                            "registered_at": now})
        self.insert_rows("register_entries", entries)
        self.numbers_given(entries)
        return len(entries)

    # --- corrections --------------------------------------------------------------------
    def corrections(self, doc_ids: list[str] | None = None) -> list[Correction]:
        """Every correction (of ``doc_ids`` when given), oldest first."""
        cols = ("doc_id, field, corrected_at, extracted_value, corrected_value, corrected_by, "
                "note, status, checked_version")
        if doc_ids is None:
            rows = self.query(f"SELECT {cols} FROM corrections")
        else:
            rows = []
            for names, placeholders in self.value_lists(doc_ids):
                rows += self.query(f"SELECT {cols} FROM corrections "
                                   f"WHERE doc_id IN ({placeholders})", names)
        out = [Correction(doc_id=d, field=f, corrected_at=at,
                          extracted_value=self._json_value(ev),
                          corrected_value=self._json_value(cv), corrected_by=by, note=note,
                          status=status or "applied", checked_version=version)
               for d, f, at, ev, cv, by, note, status, version in rows]
        return sorted(out, key=lambda c: (c.corrected_at, c.doc_id, c.field))

    def _json_value(self, stored: object) -> object:
        """A JSON column's value: DuckDB returns its text, PostgreSQL JSONB the parsed value."""
        if self.dialect == "duckdb" and isinstance(stored, str):
            return json.loads(stored)
        return stored

    def _corrections_by_doc(self, doc_ids: list[str]) -> dict[str, list[Correction]]:
        found: dict[str, list[Correction]] = defaultdict(list)
        for c in self.corrections(doc_ids):
            found[c.doc_id].append(c)
        return found

    def _update_correction_status(self, record: Record, corrections: list[Correction],
                                  status: dict[str, str]) -> None:
        for name, c in latest_corrections(corrections).items():
            if (c.status, c.checked_version) != (status[name], record.pipeline_version):
                self.execute(
                    "UPDATE corrections SET status = :status, checked_version = :version "
                    "WHERE doc_id = :doc_id AND field = :field AND corrected_at = :at",
                    {"status": status[name], "version": record.pipeline_version,
                     "doc_id": c.doc_id, "field": c.field, "at": c.corrected_at})

    def extracted_record(self, doc_id: str) -> Record | None:
        """The record of ``doc_id`` as the pipeline extracted it (no corrections)."""
        rows = self.query("SELECT record FROM documents WHERE doc_id = :doc_id", {"doc_id": doc_id})
        return _record(rows[0][0]) if rows else None

    def add_correction(self, doc_id: str, field: str, value, corrected_by: str,
                       note: str | None = None) -> Correction:
        """Store a correction and apply it to the document's rows at once (one transaction).

        ``value`` is already a value of the field (``pipeline.corrections.parse_value``);
        the extracted value is recorded beside it. Raises ``CorrectionError``.
        """
        if not corrected_by.strip():
            raise CorrectionError("a correction needs the name of who made it")
        with self.transaction():
            self.lock_writers()
            record = self.extracted_record(doc_id)
            if record is None:
                raise CorrectionError(f"no document {doc_id} in {self.url}")
            if record.status == "failed":
                raise CorrectionError(f"{record.source.path}: failed documents cannot be "
                                      "corrected; fix the file and run again")
            extracted = value_of(record, field)
            if extracted is MISSING:
                raise CorrectionError(f"{record.source.path} has no {field}")
            latest = latest_corrections(self.corrections([doc_id]))
            at = _now()
            if field in latest and latest[field].corrected_at >= at:  # same clock tick
                at = latest[field].corrected_at + dt.timedelta(microseconds=1)
            correction = Correction(doc_id=doc_id, field=field, corrected_value=value,
                                    extracted_value=extracted, corrected_by=corrected_by.strip(),
                                    corrected_at=at, note=note or None,
                                    checked_version=record.pipeline_version,
                                    status="extraction_agrees" if extracted == value else "applied")
            self.insert_rows("corrections", [{
                **correction.model_dump(exclude={"extracted_value", "corrected_value"}),
                "extracted_value": json.dumps(extracted, ensure_ascii=False),
                "corrected_value": json.dumps(value, ensure_ascii=False)}])
            run = self.query("SELECT run_id FROM documents WHERE doc_id = :doc_id",
                             {"doc_id": doc_id})[0][0]
            self.load_records([record], run, register=None)  # rows only: runs register
        return correction

    def corrected_records(self) -> Iterator[Record]:
        """Every live stored record (withdrawn ones left out), its corrections applied, by
        source path."""
        corrections: dict[str, list[Correction]] = defaultdict(list)
        for c in self.corrections():
            corrections[c.doc_id].append(c)
        for (stored,) in self.stream("SELECT record FROM documents WHERE withdrawn_at IS NULL "
                                     "ORDER BY source_path, doc_id"):
            record = _record(stored)
            if corrections.get(record.doc_id):
                record = apply_corrections(record, corrections[record.doc_id]).record
            yield record

    def corrected_record(self, doc_id: str) -> Record | None:
        """The record of ``doc_id`` as every view shows it: its corrections applied."""
        record = self.extracted_record(doc_id)
        if record is None:
            return None
        return apply_corrections(record, self.corrections([doc_id])).record

    def delete_documents(self, table: str, doc_ids: list[str]) -> None:
        for names, placeholders in self.value_lists(doc_ids):
            self.execute(f"DELETE FROM {quote(table)} WHERE doc_id IN ({placeholders})", names)

    def refresh_derived(self, touched: Touched | None = None) -> None:
        """Recompute what depends on other documents: for what ``touched`` names, or for the
        whole dataset (``None``); same data in → same rows out."""
        self._flag_duplicates(touched)
        self._link_references(touched)
        self._rebuild_agencies(touched)

    def _where_in(self, columns: str | tuple[str, ...], values: set | None
                  ) -> Iterator[tuple[str | tuple[str, ...], dict[str, object]]]:
        """``(condition, parameters)``: ``column IN (…)`` for each of ``columns`` over
        ``values`` a chunk at a time, or once ``TRUE`` (the whole dataset: ``values`` None)."""
        one = isinstance(columns, str)
        cols = (columns,) if one else columns
        if values is None:
            yield ("TRUE" if one else ("TRUE",) * len(cols)), {}
            return
        for names, listed in self.value_lists(sorted(v for v in values if v is not None)):
            conditions = tuple(f"{c} IN ({listed})" for c in cols)
            yield (conditions[0] if one else conditions), names

    def _flag_duplicates(self, touched: Touched | None) -> None:
        """Decree 30: the same số/ký hiệu and issuer identify a document; in each group the
        first (by issued date, path, doc_id) is the document, the others its duplicates.
        Groups are keyed by số/ký hiệu: only those of ``touched`` are looked at. A
        duplicate's ``duplicate_number`` warning is rewritten where its ``duplicate_of``
        changes (a reloaded document lost its warnings with its other rows)."""
        # (a draft's blank number identifies nothing)
        rows = [(doc_id, raw, dup, key, *rest) for key, doc_id, raw, dup, *rest
                in self._documents_by_number(
                    touched and touched.number_keys,
                    "d.doc_id, d.number_raw, d.duplicate_of, d.issuer_agency_id, "
                    "d.issued_on, d.source_path, d.status <> 'failed' AND d.number IS NOT NULL")]
        # the first of each group: ordered in Python (by code point, as PostgreSQL's
        # COLLATE "C" and DuckDB do), not by a window function: DuckDB's costs ~20 ms
        # whatever the size of the group
        groups: dict[tuple, list[tuple]] = defaultdict(list)
        for doc_id, _, _, key, issuer, issued_on, path, identifies in rows:
            if identifies and key is not None:
                groups[(key, issuer)].append(
                    (issued_on is None, issued_on or dt.date.min, path or "", doc_id))
        first = {member[-1]: min(members)[-1]
                 for members in groups.values() for member in members}
        changed: dict[str, str | None] = {}
        number_of = {}
        for doc_id, raw, current, *_ in rows:
            want = first.get(doc_id)
            want = want if want != doc_id else None
            if want != current:
                changed[doc_id], number_of[doc_id] = want, raw
        self.update_rows("documents", ("doc_id",), [{"doc_id": doc_id, "duplicate_of": dup}
                                                    for doc_id, dup in sorted(changed.items())])
        # a document has the loader's warning while it has a duplicate_of (the loader writes
        # both, and a reloaded document loses both): only those that had one lose it (DuckDB
        # reads all of ``warnings`` for that, its key being of three columns), not the new
        # duplicates a batch brings; for the whole dataset, every changed one
        stale = [doc_id for doc_id, _, current, *_ in rows
                 if doc_id in changed and (current is not None or touched is None)]
        for names, placeholders in self.value_lists(sorted(stale)):
            self.execute("DELETE FROM warnings WHERE origin = 'loader' AND "
                         f"code = 'duplicate_number' AND doc_id IN ({placeholders})", names)
        self.insert_rows("warnings", [
            {"doc_id": doc_id, "origin": "loader", "ordinal": 0, "code": "duplicate_number",
             "message": f"same số/ký hiệu {number_of[doc_id]!r} and issuer as document "
                        f"{first}; kept as a separate document",
             "field": "number", "page": None}
            for doc_id, first in sorted(changed.items()) if first is not None])

    def _documents_by_number(self, keys: set[str] | None, columns: str, where: str = "TRUE"
                             ) -> list[tuple]:
        """``(number_key, *columns)`` of the documents ``d`` (``where`` holding) whose
        số/ký hiệu key is one of ``keys`` (None: every document). Their doc_ids by key
        first, then their rows by doc_id, each lookup on one table (joined, DuckDB read
        every row of ``documents`` to find the few) and by its key alone: ``where`` is
        tested here (DuckDB's index serves a statement with no other condition)."""
        if keys is None:
            return self.query(f"SELECT k.number_key, {columns} FROM documents d "
                              f"JOIN document_keys k ON k.doc_id = d.doc_id WHERE {where}")
        key_of = {}
        for condition, params in self._where_in("number_key", keys):
            key_of.update(self.query("SELECT doc_id, number_key FROM document_keys "
                                     f"WHERE {condition}", params))
        rows = []
        for condition, params in self._where_in("d.doc_id", set(key_of)):
            rows += [(key_of[row[0]], *row[2:]) for row in self.query(
                f"SELECT d.doc_id, {where}, {columns} FROM documents d WHERE {condition}",
                params) if row[1]]
        return rows

    def _link_references(self, touched: Touched | None) -> None:
        """``references.referenced_doc_id``: the one live, non-duplicate document with the
        cited số/ký hiệu whose date and issuer do not disagree with the citation (a cited
        issuer agrees when its key and the issuer id contain one another); else empty.
        Looked at: the references citing a key of ``touched``, and those of its documents.

        Plain lookups by key (the references' keys, their rows, then the documents with the
        numbers they cite), matched here: one query joining them with these rules cost
        DuckDB more to plan than to run, and every join there reads the whole of one side."""
        # a reference's keys by the number it cites, and by its document: one table, by
        # each column alone (through its index)
        if touched is None:
            scopes = [("TRUE", {})]
        else:
            scopes = [*self._where_in("number_key", touched.number_keys),
                      *self._where_in("doc_id", touched.documents)]
        keys = {}
        for where, params in scopes:
            keys.update({(doc_id, ordinal): (key, issuer_key)
                         for doc_id, ordinal, key, issuer_key in self.query(
                             "SELECT doc_id, ordinal, number_key, issuer_key "
                             f"FROM reference_keys WHERE {where}", params)})
        cites = []
        for where, names in self._where_in(
                "doc_id", None if touched is None else {d for d, _ in keys}):
            for doc_id, ordinal, current, date in self.query(
                    'SELECT doc_id, ordinal, referenced_doc_id, date FROM "references" '
                    f"WHERE {where}", names):
                if (doc_id, ordinal) in keys:
                    cites.append((doc_id, ordinal, current, date, *keys[(doc_id, ordinal)]))
        candidates = defaultdict(list)
        for key, doc_id, issuer, issued in self._documents_by_number(
                {c[4] for c in cites}, "d.doc_id, d.issuer_agency_id, d.issued_date",
                "d.status <> 'failed' AND d.duplicate_of IS NULL"):
            candidates[key].append((doc_id, issuer or "", issued or ""))
        changed = []
        for doc_id, ordinal, current, date, key, issuer_key in sorted(cites):
            found = [c for c, issuer, issued in candidates.get(key, ())
                     if c != doc_id and (not date or not issued or issued == date)
                     and (not issuer_key or not issuer or issuer_key in issuer
                          or issuer in issuer_key)]
            link = found[0] if len(found) == 1 else None
            if link != current:
                changed.append({"doc_id": doc_id, "ordinal": ordinal,
                                "referenced_doc_id": link})
        self.update_rows("references", ("doc_id", "ordinal"), changed)

    def _rebuild_agencies(self, touched: Touched | None) -> None:
        """One ``agencies`` row per issuer id: its most used spelling, the others aliases.

        The spellings are counted in ``agency_names``: a batch adds what it changed
        (``touched.names``) to the counts of its issuers, never counting their documents
        again (a dataset has few issuers, each with thousands of documents), and rewrites
        the ``agencies`` rows those counts change; for the whole dataset (``touched`` None)
        everything is counted from the documents."""
        if touched is None:
            counts = self._count_agency_names()
            self.execute("DELETE FROM agency_names")
            self.execute("DELETE FROM agencies")
            self.insert_rows("agency_names", _agency_name_rows(counts))
            self.insert_rows("agencies", list(_agency_rows(counts).values()))
            return
        chunks = list(self._where_in(
            "agency_id", touched.agencies | {agency for agency, _ in touched.names}))
        before = Counter()
        for where, params in chunks:
            before.update({(agency_id, name): n for agency_id, name, n in self.query(
                f"SELECT agency_id, name, documents FROM agency_names WHERE {where}", params)})
        after = before.copy()
        after.update(touched.names)
        if _agency_name_rows(after) != _agency_name_rows(before):
            for where, params in chunks:
                self.execute(f"DELETE FROM agency_names WHERE {where}", params)
            self.insert_rows("agency_names", _agency_name_rows(after))
        old, new = _agency_rows(before), _agency_rows(after)
        changed = sorted(a for a in old.keys() | new.keys() if old.get(a) != new.get(a))
        for names, placeholders in self.value_lists(changed):
            self.execute(f"DELETE FROM agencies WHERE agency_id IN ({placeholders})", names)
        self.insert_rows("agencies", [new[a] for a in changed if a in new])

    # --- exports ------------------------------------------------------------------------
    def export_parquet(self, out_dir: Path, names: Iterable[str] | None = None) -> list[Path]:
        """Write ``<table>.parquet`` for every dataset table and ``<view>.parquet`` for every
        exported view (``EXPORTED_VIEWS``), or for those of ``names``. Each file is written
        beside its target and renamed over it, so a reader sees the old file or the new one,
        never half of one; rows come in a stable order (tables by key; views, which have
        none, by their natural columns, then every column), a batch at a time (memory stays
        that of a batch, whatever the table). Dashboards should read these: a Parquet file
        never blocks the loader."""
        import pyarrow.parquet as pq

        from schemas.dataset import EXPORTED_VIEWS

        view_order = {"v_incoming_register": ("so_dang_ky", "nam", "so_den", "doc_id"),
                      "v_open_deadlines": ("due_date", "source_doc_id")}
        wanted = set(EXPORTED_TABLES + EXPORTED_VIEWS if names is None else names)
        orders = {name: list(TABLES[name].primary_key) for name in EXPORTED_TABLES
                  if name in wanted}
        for name in (v for v in EXPORTED_VIEWS if v in wanted):
            columns = self.fetch_arrow(f"SELECT * FROM {quote(name)} WHERE 1 = 0").column_names
            first = [c for c in view_order.get(name, ()) if c in columns]
            orders[name] = first + [c for c in columns if c not in first]
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, order in orders.items():
            by = ", ".join(f"{quote(c)} NULLS LAST" for c in order)
            reader = self.arrow_reader(f"SELECT * FROM {quote(name)} ORDER BY {by}")
            target = out_dir / f"{name}.parquet"
            tmp = target.with_suffix(".parquet.tmp")
            with pq.ParquetWriter(tmp, reader.schema) as writer:
                for batch in reader:
                    writer.write_batch(batch)
            tmp.replace(target)
            written.append(target)
        return written

    def export_records(self, target: Path) -> int:
        """Write every stored record, corrections applied, as JSON Lines (sorted by path),
        atomically."""
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        n = 0
        with open(tmp, "w", encoding="utf-8") as out:
            for record in self.corrected_records():
                out.write(record.to_json_line() + "\n")
                n += 1
        tmp.replace(target)
        return n

    def overdue_count(self) -> int:
        return self.query("SELECT count(*) FROM v_open_deadlines WHERE days_left < 0")[0][0]

    def overdue_deadlines(self, limit: int = 20) -> list[tuple]:
        """The earliest overdue deadlines: (assignee, due date, days left, số ký hiệu, trích yếu)."""
        return self.query(
            "SELECT assignee, due_date, days_left, source_number, source_subject "
            "FROM v_open_deadlines WHERE days_left < 0 ORDER BY due_date, source_doc_id "
            f"LIMIT {int(limit)}")


_CHUNK = 500  # values in one IN (…) list


def _name_of(document: Mapping[str, object]) -> tuple[str, str] | None:
    """A ``documents`` row's (issuer id, spelling of its name), if it has both."""
    agency, name = document["issuer_agency_id"], document["issuer_name"]
    return None if agency is None or name is None else (agency, name)


def _agency_name_rows(counts: Counter) -> list[dict[str, object]]:
    """``agency_names`` rows of ``counts`` (those still counting documents), in key order."""
    return [{"agency_id": agency_id, "name": name, "documents": n}
            for (agency_id, name), n in sorted(counts.items()) if n > 0]


def _agency_rows(counts: Counter) -> dict[str, dict[str, object]]:
    """``agencies`` rows by issuer id from ``counts``: the most used spelling (then the
    first by code point), the others aliases by use."""
    names: dict[str, Counter] = defaultdict(Counter)
    for (agency_id, name), n in counts.items():
        if n > 0:
            names[agency_id][name] = n
    rows = {}
    for agency_id in sorted(names):
        spellings = sorted(names[agency_id].items(), key=lambda kv: (-kv[1], kv[0]))
        rows[agency_id] = {"agency_id": agency_id, "canonical_name": spellings[0][0],
                           "aliases": json.dumps([s for s, _ in spellings[1:]],
                                                 ensure_ascii=False)}
    return rows


def _history_row(doc_id: str, at: dt.datetime, reason: str, path: str | None,
                 replaced_by: str | None, version: str | None, run_id: str | None,
                 record: object) -> dict[str, object]:
    """A ``documents_history`` row; ``record`` as stored (JSON text, or parsed from JSONB)."""
    return {"doc_id": doc_id, "replaced_at": at, "reason": reason, "source_path": path,
            "replaced_by": replaced_by, "pipeline_version": version, "run_id": run_id,
            "record": record if isinstance(record, str)
            else json.dumps(record, ensure_ascii=False)}


def _record(stored: object) -> Record:
    if not isinstance(stored, str):  # PostgreSQL JSONB comes back parsed
        return Record.model_validate(stored)
    return Record.model_validate_json(stored)
