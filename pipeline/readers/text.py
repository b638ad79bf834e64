"""Plain text and Markdown (``.txt``, ``.md``): UTF-8 with or without BOM, NFC or NFD."""
from __future__ import annotations

from pathlib import Path

from pipeline.document import RawDocument, RawPage
from pipeline.errors import UnreadableFile


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not); returns (text, encoding label)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # legacy 8-bit files (TCVN3/VNI typed in a single-byte code page) are handled by the
        # legacy-encoding reader when it is available; plain text must be UTF-8 otherwise.
        try:
            from pipeline.legacy import decode_legacy_bytes
        except ImportError:
            raise UnreadableFile(path, f"not valid UTF-8 at byte {exc.start}") from exc
        return decode_legacy_bytes(data, path)


def read_text(path: Path, data: bytes) -> RawDocument:
    text, encoding = decode_text(data, path)
    if "\x00" in text:
        raise UnreadableFile(path, "binary content (NUL bytes) in a text file")
    fmt = "md" if path.suffix.lower() in {".md", ".markdown"} else "txt"
    return RawDocument(path=str(path), format=fmt, pages=[RawPage(1, text)], encoding=encoding)
