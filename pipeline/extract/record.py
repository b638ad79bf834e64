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
import stat
import traceback
from dataclasses import dataclass
from pathlib import Path

try:
    import resource
except ImportError:  # Windows: no address-space limit to report
    resource = None

from extractors.assemble import extract_fields
from pipeline.extract.reading import ReadingBundle, build_reading
from pipeline.extract.version import PIPELINE_VERSION
from pipeline.lexicon.syllables import syllable_model
from pipeline.readers import read_document
from pipeline.readers.limits import TooLarge
from pipeline.readers.ocr.language import repair_ocr_document
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.document import Document
from pipeline.text.errors import DispatchError
from pipeline.text.normalize import normalize_document
from pipeline.validate.checks import validate_record
from pipeline.validate.plausibility import plausibility_review
from pipeline.validate.review import review_extraction
from pipeline.validate.typed_copies import typed_copy_review
from schemas import Record, RecordWarning, Source

log = logging.getLogger(__name__)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_regular_file(path: Path, settings: Settings = DEFAULT_SETTINGS) -> bytes:
    """The bytes of a regular file; a FIFO would block and a device (``/dev/zero``) never
    end, so anything else is refused, and so is a file over ``max_file_bytes`` (raises
    ``DispatchError``)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DispatchError(path, "not a regular file (a folder, FIFO or device): not read")
        if info.st_size > settings.max_file_bytes:
            raise TooLarge(path, f"file too large to read: {info.st_size / 1e6:g} MB, over the "
                                 f"limit of {settings.max_file_bytes / 1e6:g} MB "
                                 "(Settings.max_file_bytes)")
        return path.read_bytes()
    except OSError as exc:
        raise DispatchError(path, f"cannot read file: {exc.strerror or exc}") from exc


def load_document(path: Path, data: bytes | None = None,
                  settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Read and normalise one file into a ``Document`` (raises ``DispatchError``)."""
    if data is None:
        data = read_regular_file(path, settings)
    raw = read_document(path, data, settings)
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
    # the checks read the record; its warnings and status change neither what they read nor
    # the status: one copy
    warnings = record.warnings + validate_record(record, doc) + no_text_warning(doc)
    return record.model_copy(update={"warnings": warnings, "status": record_status(record)})


def no_text_warning(doc: Document) -> list[RecordWarning]:
    """A file read without a single character (a damaged PDF, a blank scan) must not pass
    for an empty dispatch."""
    if doc.text.strip():
        return []
    return [RecordWarning(code="no_text", message=f"no text was read from {doc.path} "
                          "(a damaged or blank file?): every field is empty")]


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
    fmt = suffix if suffix in {"pdf", "docx", "doc", "rtf", "txt", "md"} else None
    return Record(
        doc_id=sha256_bytes(data) if data is not None else sha256_bytes(str(path).encode()),
        status="failed", error=error, pipeline_version=PIPELINE_VERSION,
        source=Source(path=str(path), format=fmt),
    )


@dataclass
class Extracted:
    """A record, what was read (``None`` for a failed file), and for a failed file the last
    frames of its traceback (a quarantine report shows them without running it again)."""

    record: Record
    reading: ReadingBundle | None = None
    traceback: list[str] | None = None


def extract_file(path: str | Path, data: bytes | None = None, *,
                 settings: Settings = DEFAULT_SETTINGS) -> Record:
    """Extract the record of one file; failures come back as ``status: failed`` records.

    ``data``: the file's bytes when the caller has read them already (they are not read
    twice); ``settings``: tunables (``pipeline.settings``), the defaults unless overridden.
    """
    return extract_explained(Path(path), data, settings, with_reading=False).record


def extract_file_with_reading(path: str | Path, data: bytes | None = None, *,
                              settings: Settings = DEFAULT_SETTINGS
                              ) -> tuple[Record, ReadingBundle | None]:
    """``extract_file``'s record and the reading of the file (``None`` for a failed file)."""
    done = extract_explained(Path(path), data, settings)
    return done.record, done.reading


def extract_explained(path: Path, data: bytes | None = None,
                      settings: Settings = DEFAULT_SETTINGS, *,
                      with_reading: bool = True) -> Extracted:
    """The record, the reading and, for a failed file, its traceback; never raises."""
    try:
        if data is None:
            data = read_regular_file(path, settings)
        doc = load_document(path, data, settings=settings)
        record = record_from_document(doc, settings)
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a batch
        return Extracted(failed_record(path, failure_reason(path, exc), data),
                         traceback=traceback_lines(exc))
    if not with_reading:
        return Extracted(record)
    # after the record, and apart: a reading that cannot be built costs the reviewer the
    # page view, never the record
    try:
        return Extracted(record, build_reading(doc, record.doc_id, data))
    except Exception as exc:  # noqa: BLE001
        log.warning("%s: reading not kept: %s: %s", path, type(exc).__name__, exc)
        return Extracted(record)


def failure_reason(path: Path, exc: BaseException) -> str:
    """``<path>: <problem>``, the path named once whatever the exception already says."""
    if isinstance(exc, DispatchError):
        problem = exc.problem
    elif isinstance(exc, MemoryError):
        problem = f"too large to read: it needs more memory than {memory_limit_text()}"
    elif isinstance(exc, OSError):
        problem = f"cannot read file: {exc.strerror or exc}"
    else:
        problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    while problem.startswith(f"{path}: "):  # a message that named the file already
        problem = problem[len(f"{path}: "):]
    return f"{path}: {problem}"


def memory_limit_text() -> str:
    """The memory limit this process runs under, in words (which limit the file hit)."""
    soft = resource.getrlimit(resource.RLIMIT_AS)[0] if resource else -1
    if soft in (-1, getattr(resource, "RLIM_INFINITY", -1)):
        return "the machine could give"
    return f"the per-file limit of {soft // 2**20} MB (Settings.max_memory_mb)"


def traceback_lines(exc: BaseException, limit: int = 6) -> list[str]:
    """The last ``limit`` frames, one line each, and the exception."""
    frames = traceback.extract_tb(exc.__traceback__)[-limit:]
    return ([f"{Path(f.filename).name}:{f.lineno} in {f.name}: {(f.line or '').strip()}"
             for f in frames] + [f"{type(exc).__name__}: {exc}"])
