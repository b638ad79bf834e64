"""Page images: PDF pages rendered with pdfium, and pages kept for a reviewer as small JPEGs.

An OCR'd page keeps the image Tesseract read (``pipeline.readers.ocr.page``), so its word
boxes can be drawn on it; a text-PDF page is rendered at low resolution only when a reading
is saved (``pdf_page_images``). Colour is kept: seals and stamps are red. About 1400 px wide
at quality 70 is legible on screen and costs ~100–200 kB a page.

Light on purpose (PIL and pdfium are imported when called): ``pipeline.extract`` imports it
without pulling in the OCR stack.
"""
from __future__ import annotations

import io

from pipeline.readers.limits import render_scale
from pipeline.settings import DEFAULT_SETTINGS
from pipeline.text.scan import PageImage

MAX_WIDTH = 1400
JPEG_QUALITY = 70
# text pages shown to a reviewer: legible on screen, cheap to render (~830 px wide for A4)
PREVIEW_DPI = 100


def render_pages(data: bytes, numbers: list[int], dpi: int = 300, *,
                 max_pixels: int = DEFAULT_SETTINGS.max_render_pixels):
    """Yield ``(page number, PIL image, pixels per point)`` rendered with pdfium, one page at
    a time; a page too large for ``max_pixels`` at ``dpi`` is rendered at a lower one."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        for number in numbers:
            page = doc[number - 1]
            try:
                scale = render_scale(*page.get_size(), dpi, max_pixels)
                # in colour: red seals and stamps are separated from the text (pipeline.readers.ocr.ink)
                yield number, page.render(scale=scale).to_pil(), scale
            finally:
                page.close()
    finally:
        doc.close()


def page_image(image, page: int, *, max_width: int = MAX_WIDTH,
               quality: int = JPEG_QUALITY) -> PageImage:
    """``image`` (PIL) as a JPEG at most ``max_width`` wide; ``scale`` maps its pixels onto it."""
    from PIL import Image

    if image.mode not in ("L", "RGB"):
        image = image.convert("L" if image.mode in ("1", "LA", "I", "I;16", "F") else "RGB")
    scale = 1.0
    if image.width > max_width:
        scale = max_width / image.width
        size = (max_width, max(1, round(image.height * scale)))
        # reducing_gap: a cheap integer reduction first, then a bilinear pass (about half
        # the time of Lanczos on a 300-dpi page, as legible at this size)
        image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    return PageImage(page, image.width, image.height, buf.getvalue(), scale)


def pdf_page_images(data: bytes, numbers: list[int], dpi: int = PREVIEW_DPI, *,
                    max_pixels: int = DEFAULT_SETTINGS.max_render_pixels) -> dict[int, PageImage]:
    """The listed PDF pages rendered for a reviewer (text pages; OCR'd ones keep their scan)."""
    return {number: page_image(image, number)
            for number, image, _ in render_pages(data, numbers, dpi, max_pixels=max_pixels)}
