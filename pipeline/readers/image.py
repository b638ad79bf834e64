"""Page images (PNG, JPEG, TIFF — multi-page TIFF is one page per frame), OCR'd with Tesseract."""
from __future__ import annotations

import io
from pathlib import Path

from pipeline.text.document import RawDocument, RawPage
from pipeline.text.errors import UnreadableFile
from pipeline.readers.ocr.engine import check_tesseract, ocr_images
from pipeline.readers.ocr.page import scan_facts


def image_pages(path: Path, data: bytes):
    """Yield ``(page number, PIL image)`` for every frame of the file."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise UnreadableFile(path, f"not a readable image ({exc})") from exc
    for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
        # colour kept: red seals and stamps are separated from the text (pipeline.readers.ocr.ink)
        yield number, frame.convert("RGB" if frame.mode in ("RGB", "RGBA", "P", "CMYK") else "L")


def read_image(path: Path, data: bytes, *, max_workers: int | None = None) -> RawDocument:
    pages = list(image_pages(path, data))  # decode first: a corrupt file fails before OCR
    check_tesseract(path)
    results = ocr_images(pages, max_workers=max_workers)
    return RawDocument(
        path=str(path), format="image",
        pages=[RawPage(n, results[n].text, ocr=True, ocr_confidence=results[n].confidence)
               for n in sorted(results)],
        scan=scan_facts({n: r.facts for n, r in results.items() if r.facts is not None}))
