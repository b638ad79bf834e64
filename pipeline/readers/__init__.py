"""Readers: one per input format, each ``(path, bytes) -> RawDocument``.

``READERS`` maps a lower-case suffix to the dotted path of its reader so that
heavy libraries (pdfplumber, python-docx, Tesseract) load only when needed.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Callable

from pipeline.readers.walk import Skipped, list_folder
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.document import RawDocument
from pipeline.text.errors import UnreadableFile, UnsupportedFormat

# ``(path, bytes, *, settings=…)``: the limits a reader keeps are in ``Settings``
Reader = Callable[..., RawDocument]

READERS: dict[str, str] = {
    ".txt": "pipeline.readers.text:read_text",
    ".md": "pipeline.readers.text:read_text",
    ".markdown": "pipeline.readers.text:read_text",
    ".pdf": "pipeline.readers.pdf:read_pdf",
    ".docx": "pipeline.readers.docx:read_docx",
    ".doc": "pipeline.readers.office:read_office",
    ".rtf": "pipeline.readers.office:read_office",
    ".png": "pipeline.readers.image:read_image",
    ".jpg": "pipeline.readers.image:read_image",
    ".jpeg": "pipeline.readers.image:read_image",
    ".tif": "pipeline.readers.image:read_image",
    ".tiff": "pipeline.readers.image:read_image",
}


def supported_suffixes() -> set[str]:
    return set(READERS)


#: the name of standard input (``dispatches extract -``): read as text
STDIN_NAME = "-"


def reader_for(path: Path) -> Reader:
    target = READERS.get(path.suffix.lower())
    if target is None and path.name == STDIN_NAME:
        target = READERS[".txt"]
    if target is None:
        raise UnsupportedFormat(path, f"unsupported file type {path.suffix or '(no suffix)'!r}; "
                                      f"supported: {', '.join(sorted(READERS))}")
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)


def read_document(path: Path, data: bytes, settings: Settings = DEFAULT_SETTINGS) -> RawDocument:
    if not data:
        raise UnreadableFile(path, "empty file (0 bytes)")
    return reader_for(path)(path, data, settings=settings)


def iter_input_files(paths: Iterable[str | Path],
                     skipped: list[Skipped] | None = None) -> Iterator[Path]:
    """Files named, and supported files under named folders (sorted; hidden ones skipped).

    A folder is not left: links out of it, dangling links and unreadable folders are not
    read (``walk.list_folder``); they are appended to ``skipped`` with their reason.
    """
    suffixes = supported_suffixes()
    for p in map(Path, paths):
        if p.is_dir():
            listing = list_folder(p, suffixes)
            if skipped is not None:
                skipped.extend(listing.skipped)
            yield from listing.files
        else:
            yield p  # a missing or unsupported file gets a failed record, not silence
