"""What a scanned page gives beyond its text: word confidences, furniture, stamps.

The OCR readers call these around the page pass (``pipeline.ocr``):

- ``prepare_page``: the image the body pass reads — overlay areas (the portal's
  signing stamp and logo) blanked, red seal/stamp ink dropped so a seal over the
  signer's name does not destroy the name;
- ``page_facts``: after the pass, the words aligned to the page text, digit re-reads
  of the filled-in number and date, page furniture spans and the stamp readings.

``attach_facts`` stores them where extraction looks: ``RawPage.furniture`` and
``RawDocument.meta`` (``ocr_words``, ``furniture``, ``stamps``), keyed by page number.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.document import RawDocument
from pipeline.ocr_words import OcrWord, align_words


@dataclass
class PageFacts:
    words: list[OcrWord] = field(default_factory=list)
    furniture: list[tuple[int, int]] = field(default_factory=list)
    stamps: list[dict] = field(default_factory=list)


def blank_boxes(image, boxes: list[tuple[float, float, float, float]], scale: float = 1.0):
    """A copy of ``image`` with the given boxes (in points × ``scale`` = pixels) painted white."""
    from PIL import ImageDraw

    if not boxes:
        return image
    out = image.copy()
    draw = ImageDraw.Draw(out)
    white = 255 if out.mode in ("L", "1") else (255,) * len(out.getbands())
    for x0, top, x1, bottom in boxes:
        draw.rectangle((int(x0 * scale) - 2, int(top * scale) - 2,
                        int(x1 * scale) + 2, int(bottom * scale) + 2), fill=white)
    return out


def prepare_page(image, overlay_boxes: list[tuple[float, float, float, float]] | None = None,
                 scale: float = 1.0):
    """The image for the body pass: overlays blanked, red ink dropped, grey."""
    from pipeline.ink import without_red

    image = blank_boxes(image, overlay_boxes or [], scale)
    return without_red(image)


def page_facts(original, body_image, data: dict, words: list[OcrWord], text: str, page: int, *,
               lang: str = "vie", read_stamps: bool = True, reread: bool = True) -> PageFacts:
    """Words, furniture and stamps of one OCR'd page.

    ``original`` is the page as scanned (colour kept, for the red stamp layer),
    ``body_image`` what the body pass read, ``data`` its ``image_to_data`` result,
    ``words`` the words in it (``words_from_data``) and ``text`` the page text made from them.
    """
    from pipeline.furniture import furniture_spans
    from pipeline.handwriting import reread_digits
    from pipeline.stamp_ocr import read_stamps_on_page

    words = align_words(text, words)
    if reread:
        words = reread_digits(body_image, words)
    furniture = furniture_spans(words, body_image.height)
    stamps = read_stamps_on_page(original, data, page, lang=lang) if read_stamps else []
    return PageFacts(words, furniture, stamps)


def attach_facts(raw: RawDocument, facts: dict[int, PageFacts]) -> None:
    """Store page facts on the document (in place)."""
    if not facts:
        return
    meta = raw.meta
    meta.setdefault("ocr_words", {})
    meta.setdefault("furniture", {})
    meta.setdefault("stamps", [])
    for page in raw.pages:
        f = facts.get(page.number)
        if f is None:
            continue
        meta["ocr_words"][page.number] = f.words
        page.furniture = sorted(set(page.furniture) | set(f.furniture))
        meta["furniture"][page.number] = page.furniture
        meta["stamps"].extend(f.stamps)


# a text layer longer than this is a real text page, whatever overlay it also carries
MAX_OVERLAY_CHARS = 600
LOGO_MAX_COVER = 0.10  # a small picture beside the stamp text is the portal's logo
LOGO_BAND = 20.0  # points above/below the stamp text where its logo may sit


def pdf_overlay(page, words: list[dict]) -> tuple[dict | None, list[tuple]] | None:
    """A pdfplumber page whose text layer is only an overlay (the portal's signing stamp).

    Returns ``(e_signature or None, boxes to blank before OCR)`` — the overlay's words
    and the small logo picture beside them, in points — or ``None`` for a page whose
    text is the document.
    """
    from pipeline.esignature import is_overlay_only, parse_e_signature

    visible = sum(len(w["text"]) for w in words)
    if not words or visible > MAX_OVERLAY_CHARS:
        return None
    text = page.extract_text() or ""
    if not is_overlay_only(text):
        return None
    boxes = [(w["x0"], w["top"], w["x1"], w["bottom"]) for w in words]
    top = min(b[1] for b in boxes) - LOGO_BAND
    bottom = max(b[3] for b in boxes) + LOGO_BAND
    area = float(page.width * page.height) or 1.0
    for im in page.images:
        cover = (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) / area
        if cover <= LOGO_MAX_COVER and im["bottom"] >= top and im["top"] <= bottom:
            boxes.append((im["x0"], im["top"], im["x1"], im["bottom"]))
    return parse_e_signature(text), boxes


def annotation_overlay(data: bytes, number: int) -> tuple[dict | None, list[tuple]] | None:
    """The signing stamp drawn in an annotation (a signature widget) rather than the page.

    pdfplumber does not read annotation appearances; pdfium does once the page is
    flattened (on a private copy of the document). Returns like ``pdf_overlay``.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    from pipeline.esignature import is_overlay_only, parse_e_signature

    doc = pdfium.PdfDocument(data)
    try:
        page = doc[number - 1]
        if pdfium_c.FPDFPage_Flatten(page, pdfium_c.FLAT_NORMALDISPLAY) != pdfium_c.FLATTEN_SUCCESS:
            return None
        page.close()
        page = doc[number - 1]
        height = page.get_height()
        textpage = page.get_textpage()
        text = textpage.get_text_range().replace("\r\n", "\n")
        if not is_overlay_only(text):
            return None
        # pdfium gives (left, bottom, right, top) from the bottom: turn to (x0, top, x1, bottom)
        boxes = [(l, height - t, r, height - b)
                 for l, b, r, t in (textpage.get_rect(i) for i in range(textpage.count_rects()))]
        if not boxes:
            return None
        band_top = min(b[1] for b in boxes) - LOGO_BAND
        band_bottom = max(b[3] for b in boxes) + LOGO_BAND
        area = page.get_width() * height or 1.0
        # the flattened appearance is a form object holding the logo and the text; nested
        # objects have bounds in their form's own coordinates, so only the top two levels
        for obj in page.get_objects(max_depth=1):
            if obj.type not in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            l, b, r, t = obj.get_bounds()
            top, bottom = height - t, height - b
            if (r - l) * (t - b) / area <= LOGO_MAX_COVER and bottom >= band_top \
                    and top <= band_bottom:
                boxes.append((l, top, r, bottom))
        return parse_e_signature(text), boxes
    finally:
        doc.close()
