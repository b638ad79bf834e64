"""The pipeline version: part of every cache key and stored with every row.

``PIPELINE_VERSION`` is ``"<package version>+<digest>"``: the digest (12 hex digits of a
sha256) covers every source file that decides a record — the schemas, the settings, text
normalisation, the lexicon (its YAML too), the readers, the extractors, validation and this
``extract`` layer — so a record, a cached extraction or a stored row made by other code
carries another version and is made again. Files that only load, report, evaluate or
orchestrate records (``pipeline.load``, ``pipeline.report``, ``pipeline.evaluate``, ``flows``,
``pipeline.cli``) are left out: changing them does not re-extract anything.

The files are found through the import system (``importlib.util.find_spec``), so the digest
is the same for a checkout, an editable install and a regular install of the same sources.
"""
from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterator, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# (top-level package, path inside it, glob): what decides a record
RECORD_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("schemas", "", "*.py"),
    ("pipeline", "settings.py", ""),
    ("pipeline", "text", "**/*"),
    ("pipeline", "lexicon", "**/*"),
    ("pipeline", "readers", "**/*"),
    ("extractors", "", "**/*"),
    ("pipeline", "validate", "**/*"),
    ("pipeline", "extract", "**/*"),
)
# what an install carries (pyproject's package-data): anything else in a checkout is not code
SOURCE_SUFFIXES = frozenset({".py", ".yaml", ".yml"})
DIGEST_LENGTH = 12


def package_dirs() -> dict[str, Path]:
    """Folder of each top-level package named in ``RECORD_SOURCES``, without importing it."""
    dirs = {}
    for name in dict.fromkeys(pkg for pkg, _, _ in RECORD_SOURCES):
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError(f"package {name!r} not found: cannot compute the pipeline version")
        dirs[name] = Path(next(iter(spec.submodule_search_locations)))
    return dirs


def record_source_files(dirs: Mapping[str, Path]) -> Iterator[tuple[str, Path]]:
    """``(relative path, file)`` of every source that decides a record, sorted by path."""
    found: dict[str, Path] = {}
    for pkg, sub, pattern in RECORD_SOURCES:
        base = dirs[pkg] / sub if sub else dirs[pkg]
        paths = base.glob(pattern) if pattern else [base]
        for path in paths:
            if (not path.is_file() or path.suffix not in SOURCE_SUFFIXES
                    or "__pycache__" in path.parts):
                continue
            rel = Path(pkg) / path.relative_to(dirs[pkg])
            found[rel.as_posix()] = path
    yield from sorted(found.items())


def source_digest(dirs: Mapping[str, Path] | None = None) -> str:
    """First 12 hex digits of a sha256 over the sorted relative paths and bytes of the
    record sources under ``dirs`` (package name → folder; default: the imported packages)."""
    h = hashlib.sha256()
    for rel, path in record_source_files(dirs if dirs is not None else package_dirs()):
        data = path.read_bytes()
        # lengths keep (path, bytes) pairs from running into each other
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()[:DIGEST_LENGTH]


def package_version() -> str:
    try:
        return version("dispatches")
    except PackageNotFoundError:  # running from a checkout without install
        return "0.0.0"


PIPELINE_VERSION = f"{package_version()}+{source_digest()}"
