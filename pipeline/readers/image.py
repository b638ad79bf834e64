"""Page images (PNG, JPEG, TIFF — multi-page TIFF is one page per frame), OCR'd with Tesseract.

Frames are decoded one at a time as OCR asks for them (a 300-page TIFF never sits in memory
whole), and each frame's size is checked from its header before it is decoded
(``Settings.max_image_pixels``).
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.readers.limits import TooLarge, check_image_pixels
from pipeline.readers.ocr.engine import check_tesseract, ocr_images
from pipeline.readers.ocr.page import scan_facts
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.document import RawDocument, RawPage
from pipeline.text.errors import UnreadableFile

NOT_AN_IMAGE = "not an image file (or a damaged one)"


def open_image(path: Path, data: bytes, settings: Settings = DEFAULT_SETTINGS):
    """The image with its header read (no pixels decoded yet), or ``UnreadableFile``."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:  # PIL's own cap, twice its warning size
        raise TooLarge(path, too_many_pixels(exc, settings)) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise UnreadableFile(path, NOT_AN_IMAGE) from exc
    check_image_pixels(path, image.size, settings)
    return image


def too_many_pixels(exc: Exception, settings: Settings) -> str:
    """PIL's refusal in our words (it says "decompression bomb DOS attack")."""
    found = re.search(r"\((\d+) pixels\)", str(exc))
    size = f"{int(found[1]) / 1e6:.0f} million pixels" if found else "more pixels than PIL allows"
    return (f"image too large to read: {size}, over the limit of "
            f"{settings.max_image_pixels / 1e6:g} million (Settings.max_image_pixels)")


def image_pages(path: Path, data: bytes, settings: Settings = DEFAULT_SETTINGS
                ) -> Iterator[tuple[int, object]]:
    """Yield ``(page number, PIL image)`` for every frame, decoding one frame at a time."""
    from PIL import Image, ImageSequence

    image = open_image(path, data, settings)
    try:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            check_image_pixels(path, frame.size, settings, frame=number)
            # colour kept: red seals and stamps are separated from the text (pipeline.readers.ocr.ink)
            yield number, frame.convert("RGB" if frame.mode in ("RGB", "RGBA", "P", "CMYK")
                                        else "L")
    except Image.DecompressionBombError as exc:
        raise TooLarge(path, too_many_pixels(exc, settings)) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise UnreadableFile(path, NOT_AN_IMAGE) from exc


def read_image(path: Path, data: bytes, *, max_workers: int | None = None,
               settings: Settings = DEFAULT_SETTINGS) -> RawDocument:
    pages = image_pages(path, data, settings)
    first = next(pages, None)  # decoded before OCR: a damaged file fails before Tesseract
    if first is None:
        raise UnreadableFile(path, NOT_AN_IMAGE)
    check_tesseract(path)
    results = ocr_images(_chain(first, pages), max_workers=max_workers)
    return RawDocument(
        path=str(path), format="image",
        pages=[RawPage(n, results[n].text, ocr=True, ocr_confidence=results[n].confidence)
               for n in sorted(results)],
        scan=scan_facts({n: r.facts for n, r in results.items() if r.facts is not None}))


def _chain(first, rest: Iterator):
    yield first
    yield from rest
