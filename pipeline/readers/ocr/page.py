"""What a scanned page gives beyond its text: word confidences, furniture, stamps.

The OCR readers call these around the page pass (``pipeline.readers.ocr.engine``):

- ``prepare_page``: the image the body pass reads — overlay areas (the portal's
  signing stamp and logo) blanked, red seal/stamp ink dropped so a seal over the
  signer's name does not destroy the name;
- ``page_facts``: after the pass, the words aligned to the page text, digit re-reads
  of the filled-in number and date, page furniture spans, the stamp readings and the page
  as read (``PageImage``: the scan in colour, downscaled; the word boxes scale onto it).

``scan_facts`` gathers the pages' facts into the document's typed ``ScanFacts``,
which extraction reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.readers.page_image import page_image
from pipeline.readers.ocr.furniture import furniture_spans
from pipeline.readers.ocr.handwriting import reread_digits
from pipeline.readers.ocr.ink import without_red
from pipeline.readers.ocr.second_reader import line_reader, second_read
from pipeline.readers.ocr.stamps import read_stamps_on_page
from pipeline.text.scan import OcrWord, PageImage, ScanFacts, StampReading, align_words


@dataclass
class PageFacts:
    words: list[OcrWord] = field(default_factory=list)
    furniture: list[tuple[int, int]] = field(default_factory=list)
    stamps: list[StampReading] = field(default_factory=list)
    # the page text when the second reader replaced a line of it (None: unchanged)
    text: str | None = None
    image: PageImage | None = None


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
    image = blank_boxes(image, overlay_boxes or [], scale)
    return without_red(image)


def page_facts(original, body_image, data: dict, words: list[OcrWord], text: str, page: int, *,
               lang: str = "vie", read_stamps: bool = True, reread: bool = True,
               read_again: bool = False) -> PageFacts:
    """Words, furniture and stamps of one OCR'd page.

    ``original`` is the page as scanned (colour kept, for the red stamp layer),
    ``body_image`` what the body pass read, ``data`` its ``image_to_data`` result,
    ``words`` the words in it (``words_from_data``) and ``text`` the page text made from them.
    ``read_again``: the number and date lines are read again by the second reader
    (``pipeline.readers.ocr.second_reader``); a line it replaced changes the page text,
    returned in ``PageFacts.text``.
    """
    words = align_words(text, words)
    if reread:
        words = reread_digits(body_image, words)
    new_text = None
    if read_again:
        new_text, words = second_read(body_image, words, text, line_reader())
        new_text = None if new_text == text else new_text
    furniture = furniture_spans(words, body_image.height)
    stamps = read_stamps_on_page(original, data, page, lang=lang) if read_stamps else []
    # the body pass read ``body_image``, which has the original's geometry: the colour
    # original is what a reviewer should see, and the word boxes fit it
    return PageFacts(words, furniture, stamps, new_text, page_image(original, page))


def scan_facts(facts: dict[int, PageFacts]) -> ScanFacts:
    """The document's scan facts from its OCR'd pages' facts, in page order."""
    pages = sorted(facts)
    return ScanFacts(
        words={n: facts[n].words for n in pages},
        furniture={n: sorted(set(facts[n].furniture)) for n in pages},
        stamps=tuple(s for n in pages for s in facts[n].stamps),
        images={n: facts[n].image for n in pages if facts[n].image is not None},
    )
