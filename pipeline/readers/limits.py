"""Resource limits per file: a small hostile file must not take the machine.

A 3.6 MB .docx can inflate to 1 GB of XML, a 1 KB PDF can ask for a page of 8000 points
square, a PNG header can promise a billion pixels. Each check here looks at what the file
says it holds (zip members' sizes, page dimensions, image headers) before the memory is
spent, and refuses with ``TooLarge`` naming the limit (``pipeline.settings.Settings``).
"""
from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

from pipeline.settings import Settings
from pipeline.text.errors import UnreadableFile

# a part smaller than this is never a bomb whatever its ratio (a run of blank XML)
_RATIO_FLOOR_BYTES = 1_000_000


class TooLarge(UnreadableFile):
    """The file would need more memory or pixels than a limit allows."""


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.4g} MB"


def check_text_size(path: Path, data: bytes, settings: Settings) -> None:
    if len(data) > settings.max_text_bytes:
        raise TooLarge(path, f"text file too large to read: {_mb(len(data))}, over the limit "
                             f"of {_mb(settings.max_text_bytes)} (Settings.max_text_bytes)")


def check_docx_archive(path: Path, data: bytes, settings: Settings) -> None:
    """Refuse a .docx whose parts inflate past the limits, before python-docx inflates them.

    The central directory's sizes bound what ``zipfile`` will inflate (it stops at the
    declared size and fails the CRC), so checking them is enough.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip at all: python-docx says so in its own words
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > settings.max_docx_part_bytes:
            raise TooLarge(path, f"Word file too large to read: its part {info.filename} "
                                 f"inflates to {_mb(info.file_size)}, over the limit of "
                                 f"{_mb(settings.max_docx_part_bytes)} "
                                 "(Settings.max_docx_part_bytes)")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR_BYTES and ratio > settings.max_docx_ratio:
            raise TooLarge(path, f"Word file refused as a zip bomb: its part {info.filename} "
                                 f"inflates {ratio:.0f} times, over the limit of "
                                 f"{settings.max_docx_ratio} (Settings.max_docx_ratio)")
    if total > settings.max_docx_total_bytes:
        raise TooLarge(path, f"Word file too large to read: its parts inflate to {_mb(total)}, "
                             f"over the limit of {_mb(settings.max_docx_total_bytes)} "
                             "(Settings.max_docx_total_bytes)")


def check_image_pixels(path: Path, size: tuple[int, int], settings: Settings,
                       frame: int | None = None) -> None:
    """Refuse an image (or a TIFF frame) with more pixels than the limit, from its header."""
    width, height = size
    if width * height > settings.max_image_pixels:
        which = f"page {frame} is" if frame else "image is"
        raise TooLarge(path, f"image too large to read: {which} {width}×{height} pixels "
                             f"({width * height / 1e6:.0f} million), over the limit of "
                             f"{settings.max_image_pixels / 1e6:g} million "
                             "(Settings.max_image_pixels)")


def render_scale(width_pt: float, height_pt: float, dpi: float, max_pixels: int) -> float:
    """Pixels per point to render a page at ``dpi``, lowered so the page stays under
    ``max_pixels`` (a poster-sized page is read at the resolution that fits)."""
    scale = dpi / 72
    area = max(width_pt * height_pt, 1.0)
    if area * scale * scale > max_pixels:
        scale = math.sqrt(max_pixels / area)
    return scale
