"""OCR passes over the stamps of a scanned page (urgency and arrival stamps).

A tilted "HỎA TỐC" stamp reads as nothing in the page's OCR: Tesseract's layout
analysis sees a figure and gives it no words. Two sources of stamp regions:

- on a colour scan, the red ink (``pipeline.readers.ocr.ink.red_only``): seals and stamps alone;
- on any scan, Tesseract's own figure blocks: a block of the page pass with no word
  read in it (or only unreadable ones), of stamp size, in the upper part of the page.

Each region is cropped, its tilt estimated (stamps are set by hand, 20–45° off) by
the sharpness of its row profile, and read upright and at the best angles with
``--psm 6``; the readings that hold an urgency word or an arrival stamp
(``stamp_marks``) are kept as ``StampReading``s for ``extractors.stamps``.
"""
from __future__ import annotations

from pipeline.readers.ocr.ink import red_box, red_only
from pipeline.readers.ocr.stamp_marks import is_arrival_stamp, urgency_from_stamp
from pipeline.readers.ocr.words import join_lines, words_from_data
from pipeline.text.scan import StampReading

SKEW_RANGE = range(-45, 46, 3)  # degrees tried when estimating a stamp's tilt
TRIES = 2  # OCR the region at the best few estimated angles (and upright)
MIN_FIGURE = 0.05  # a stamp block is at least this share of the page width on each side
MAX_FIGURE = 0.45
TOP_SHARE = 0.5  # stamps on the first page sit in its upper half
MAX_REGIONS = 4
UNREADABLE = 0.5  # words under this confidence count as no words
MARGIN = 30


def figure_boxes(data: dict, width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Blocks of a page's ``image_to_data`` result that hold no readable word."""
    blocks: dict[int, tuple[int, int, int, int]] = {}
    readable: set[int] = set()
    for i, level in enumerate(data["level"]):
        block = data["block_num"][i]
        if level == 2:
            left, top = data["left"][i], data["top"][i]
            blocks[block] = (left, top, left + data["width"][i], top + data["height"][i])
        elif level == 5 and (data["text"][i] or "").strip() and \
                float(data["conf"][i]) >= UNREADABLE * 100 and len(data["text"][i].strip()) > 2:
            readable.add(block)
    out = []
    for block, (left, top, right, bottom) in blocks.items():
        w, h = right - left, bottom - top
        if block in readable or top > height * TOP_SHARE:
            continue
        if not (MIN_FIGURE * width <= w <= MAX_FIGURE * width and
                MIN_FIGURE * width <= h <= MAX_FIGURE * width):
            continue
        out.append((left, top, right, bottom))
    return out[:MAX_REGIONS]


def tilt_angles(crop, tries: int = TRIES) -> list[int]:
    """Rotations (degrees, PIL's sense) that best level the text of a crop, best first.

    A line of text turned level makes the row profile of ink peaky: the score is the
    sum of squared differences between neighbouring rows.
    """
    import numpy as np

    small = crop.convert("L")
    scale = 300 / max(small.width, 1)
    if scale < 1:
        small = small.resize((300, max(1, int(small.height * scale))))
    ink = small.point(lambda v: 255 if v < 160 else 0)
    scores = []
    for angle in SKEW_RANGE:
        rows = np.asarray(ink.rotate(angle, expand=True, fillcolor=0), dtype=np.float32).sum(axis=1)
        scores.append((float(np.square(np.diff(rows)).sum()), angle))
    scores.sort(reverse=True)
    return [a for _, a in scores[:tries]]


def _read_region(image, box, page: int, lang: str) -> list[StampReading]:
    import pytesseract

    left, top, right, bottom = box
    crop = image.crop((max(0, left - MARGIN), max(0, top - MARGIN),
                       min(image.width, right + MARGIN), min(image.height, bottom + MARGIN)))
    if crop.mode != "L":
        crop = crop.convert("L")
    angles = [0] + [a for a in tilt_angles(crop) if a != 0]
    out: list[StampReading] = []
    kinds: set[str] = set()
    for angle in angles:
        turned = crop.rotate(angle, expand=True, fillcolor=255) if angle else crop
        data = pytesseract.image_to_data(turned, lang=lang, config="--psm 6",
                                         output_type=pytesseract.Output.DICT)
        text, words = join_lines(words_from_data(data))
        found = {k for k, hit in (("urgency", urgency_from_stamp(text)),
                                  ("arrival", is_arrival_stamp(text))) if hit} - kinds
        if found:
            kinds |= found
            out.append(StampReading(page, text, tuple(words), box, angle))
    return out


def read_stamps_on_page(image, data: dict | None, page: int, *,
                        lang: str = "vie") -> list[StampReading]:
    """Stamp readings of one page image (colour or grey).

    ``data`` is the page pass's ``image_to_data`` result (for its figure blocks);
    ``None`` skips that source.
    """
    out: list[StampReading] = []
    red = red_only(image)
    if red is not None:
        box = red_box(image)
        # the red layer holds seals too: read its parts in the upper half separately
        for region in _red_regions(red, box):
            out.extend(_read_region(red, region, page, lang))
    if data is not None:
        for box in figure_boxes(data, image.width, image.height):
            out.extend(_read_region(image, box, page, lang))
    return out


def _red_regions(red, box) -> list[tuple[int, int, int, int]]:
    """Separate blobs of red ink, found on a coarse grid (no image library needed)."""
    import numpy as np

    ink = np.asarray(red) < 160
    cell = 40
    h, w = ink.shape
    grid = ink[:h - h % cell, :w - w % cell].reshape(h // cell, cell, w // cell, cell).any(axis=(1, 3))
    seen = np.zeros_like(grid)
    regions = []
    for y in range(grid.shape[0]):
        for x in range(grid.shape[1]):
            if not grid[y, x] or seen[y, x]:
                continue
            stack, cells = [(y, x)], []
            seen[y, x] = True
            while stack:
                cy, cx = stack.pop()
                cells.append((cy, cx))
                for ny in range(cy - 1, cy + 2):
                    for nx in range(cx - 1, cx + 2):
                        if 0 <= ny < grid.shape[0] and 0 <= nx < grid.shape[1] and \
                                grid[ny, nx] and not seen[ny, nx]:
                            seen[ny, nx] = True
                            stack.append((ny, nx))
            ys, xs = [c[0] for c in cells], [c[1] for c in cells]
            regions.append((min(xs) * cell, min(ys) * cell, (max(xs) + 1) * cell,
                            (max(ys) + 1) * cell))
    regions.sort(key=lambda b: (b[1], b[0]))
    return regions[:MAX_REGIONS + 2]
