"""Plain text and Markdown (``.txt``, ``.md``): UTF-8 with or without BOM, NFC or NFD,
or TCVN3/VNI (as single-byte files or as their characters saved in UTF-8)."""
from __future__ import annotations

from pathlib import Path

from pipeline.text.document import RawDocument, RawPage
from pipeline.text.errors import UnreadableFile
from pipeline.readers.legacy import convert_legacy_text, decode_legacy_bytes
from pipeline.readers.limits import check_text_size
from pipeline.settings import DEFAULT_SETTINGS, Settings


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not); returns (text, encoding label)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # legacy 8-bit files: TCVN3/VNI typed in a single-byte code page
        return decode_legacy_bytes(data, path)


def read_text(path: Path, data: bytes, *, settings: Settings = DEFAULT_SETTINGS) -> RawDocument:
    check_text_size(path, data, settings)
    text, encoding = decode_text(data, path)
    if "\x00" in text:
        raise UnreadableFile(path, "binary content (NUL bytes) in a text file")
    # a UTF-8 file may still hold TCVN3/VNI text ("Céng hßa…") typed with a legacy font
    text, legacy = convert_legacy_text(text)
    encoding = legacy or encoding
    fmt = "md" if path.suffix.lower() in {".md", ".markdown"} else "txt"
    return RawDocument(path=str(path), format=fmt, pages=[RawPage(1, text)], encoding=encoding)
