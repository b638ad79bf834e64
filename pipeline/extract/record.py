"""One file in, one record out: read → normalise → extract → validate.

``extract_file`` never raises for a bad input file: it returns a record with
``status: failed`` and an ``error`` naming the file and the problem, so a batch
goes on. Programming errors are reported the same way, with their type.
``extract_file_with_reading`` gives the same record and what was read
(``pipeline.extract.reading``), for a run to save beside its records.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from extractors.assemble import extract_fields
from pipeline.extract.reading import ReadingBundle, build_reading
from pipeline.extract.version import PIPELINE_VERSION
from pipeline.lexicon.syllables import syllable_model
from pipeline.readers import read_document
from pipeline.readers.ocr.language import repair_ocr_document
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.document import Document
from pipeline.text.errors import DispatchError
from pipeline.text.normalize import normalize_document
from pipeline.validate.checks import validate_record
from pipeline.validate.plausibility import plausibility_review
from pipeline.validate.review import review_extraction
from pipeline.validate.typed_copies import typed_copy_review
from schemas import Record, Source

log = logging.getLogger(__name__)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_document(path: Path, data: bytes | None = None) -> Document:
    """Read and normalise one file into a ``Document`` (raises ``DispatchError``)."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DispatchError(path, f"cannot read file: {exc.strerror or exc}") from exc
    raw = read_document(path, data)
    doc = normalize_document(raw, sha256=sha256_bytes(data))
    if doc.ocr_pages:  # tone-mark misreads of OCR'd pages; the source map keeps what OCR read
        doc = repair_ocr_document(doc, syllable_model())
    return doc


def record_from_document(doc: Document, settings: Settings = DEFAULT_SETTINGS) -> Record:
    """Run every extractor over a normalised document, review OCR'd fields, check the record."""
    extraction = review_extraction(doc, extract_fields(doc, settings), settings)
    extraction = plausibility_review(doc, extraction, settings)
    extraction = typed_copy_review(doc, extraction, settings)
    source = Source(
        path=doc.path, format=doc.format, pages=doc.pages, ocr=doc.ocr, encoding=doc.encoding,
        ocr_confidence={str(p): round(c, 3) for p, c in doc.ocr_pages.items() if c is not None}
        or None,
        e_signature=doc.e_signature,
    )
    record = Record(doc_id=doc.sha256 or sha256_bytes(doc.text.encode()), source=source,
                    pipeline_version=PIPELINE_VERSION, **extraction.record_fields())
    record = record.model_copy(
        update={"warnings": record.warnings + validate_record(record, doc)})
    return record.model_copy(update={"status": record_status(record)})


# Without these an archivist cannot register the document (sổ đăng ký văn bản đến).
REGISTER_FIELDS = ("doc_type", "issued_date", "number")


def record_status(record: Record) -> str:
    """``ok`` when the register's key fields were read, ``partial`` when one is missing."""
    if record.status == "failed":
        return "failed"
    missing = [f for f in REGISTER_FIELDS if getattr(record, f) is None]
    return "partial" if missing else "ok"


def failed_record(path: Path, error: str, data: bytes | None = None) -> Record:
    suffix = path.suffix.lower().lstrip(".")
    fmt = suffix if suffix in {"pdf", "docx", "doc", "txt", "md"} else None
    return Record(
        doc_id=sha256_bytes(data) if data is not None else sha256_bytes(str(path).encode()),
        status="failed", error=error, pipeline_version=PIPELINE_VERSION,
        source=Source(path=str(path), format=fmt),
    )


def extract_file(path: str | Path, data: bytes | None = None, *,
                 settings: Settings = DEFAULT_SETTINGS) -> Record:
    """Extract the record of one file; failures come back as ``status: failed`` records.

    ``data``: the file's bytes when the caller has read them already (they are not read
    twice); ``settings``: tunables (``pipeline.settings``), the defaults unless overridden.
    """
    return _extract(Path(path), data, settings, with_reading=False)[0]


def extract_file_with_reading(path: str | Path, data: bytes | None = None, *,
                              settings: Settings = DEFAULT_SETTINGS
                              ) -> tuple[Record, ReadingBundle | None]:
    """``extract_file``'s record and the reading of the file (``None`` for a failed file)."""
    return _extract(Path(path), data, settings, with_reading=True)


def _extract(path: Path, data: bytes | None, settings: Settings,
             with_reading: bool) -> tuple[Record, ReadingBundle | None]:
    try:
        if data is None:
            data = path.read_bytes()
        doc = load_document(path, data)
        record = record_from_document(doc, settings)
    except DispatchError as exc:
        return failed_record(path, str(exc), data), None
    except OSError as exc:
        return failed_record(path, f"{path}: cannot read file: {exc.strerror or exc}", data), None
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a batch
        return failed_record(path, f"{path}: {type(exc).__name__}: {exc}", data), None
    if not with_reading:
        return record, None
    # after the record, and apart: a reading that cannot be built costs the reviewer the
    # page view, never the record
    try:
        return record, build_reading(doc, record.doc_id, data)
    except Exception as exc:  # noqa: BLE001
        log.warning("%s: reading not kept: %s: %s", path, type(exc).__name__, exc)
        return record, None
