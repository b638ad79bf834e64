"""Ink colours on a colour scan, separated before OCR.

Seals (con dấu) and stamps (HỎA TỐC, the "ĐẾN" arrival stamp) are red; signatures
and handwritten numbers are often blue; the printed text is black. A red seal over
the signer's name makes Tesseract read neither, so the body/signer pass reads the
page with strongly red pixels turned to paper, and the stamp pass reads a red-only
image. Bilevel or grey scans have no colour to separate: the functions return the
page unchanged and an empty red layer.

Colour is judged in HSV-like terms from RGB with numpy: a pixel is "red" when its red
channel clearly dominates green and blue and it is saturated enough not to be grey
paper or black ink. Thresholds are on 0-255 values.
"""
from __future__ import annotations

import numpy as np

# red dominates both other channels by this much: seal ink, even faded, does; black
# text and grey paper (all channels close) do not
RED_MARGIN = 50
# blue ink: blue dominates red by this much and green by a smaller margin
BLUE_MARGIN = 40
# a page with fewer coloured pixels than this share has no coloured ink to speak of
MIN_INK_SHARE = 0.0005


def _rgb(image) -> np.ndarray | None:
    """The image as an int16 H×W×3 array, or ``None`` when it has no colour."""
    if image.mode not in ("RGB", "RGBA", "P", "CMYK", "YCbCr", "LAB", "HSV"):
        return None
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def red_mask(image) -> np.ndarray | None:
    """Boolean mask of strongly red pixels (seal/stamp ink), or ``None`` for a grey image."""
    rgb = _rgb(image)
    if rgb is None:
        return None
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (r - g >= RED_MARGIN) & (r - b >= RED_MARGIN)


def blue_mask(image) -> np.ndarray | None:
    """Boolean mask of blue pen pixels, or ``None`` for a grey image."""
    rgb = _rgb(image)
    if rgb is None:
        return None
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (b - r >= BLUE_MARGIN) & (b - g >= BLUE_MARGIN // 2)


def has_colour_ink(image, mask: np.ndarray | None = None) -> bool:
    """The page carries coloured (red) ink worth separating."""
    mask = red_mask(image) if mask is None else mask
    return mask is not None and mask.mean() >= MIN_INK_SHARE


def _grey(image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.uint8)


def without_red(image, *, drop_blue: bool = False):
    """Grey page for the body/signer pass: red (and optionally blue) ink becomes paper.

    Black strokes under a seal stay black: a red pixel is one where red dominates,
    and the overlap of red and black ink is dark in every channel.
    """
    from PIL import Image

    grey = _grey(image).copy()
    mask = red_mask(image)
    if mask is None:
        return image.convert("L") if image.mode != "L" else image
    if drop_blue:
        mask = mask | blue_mask(image)
    grey[mask] = 255
    return Image.fromarray(grey, mode="L")


def red_only(image):
    """Grey image of the red ink alone (dark strokes on white), for the stamp pass.

    ``None`` for a grey scan or a page without red ink.
    """
    from PIL import Image

    mask = red_mask(image)
    if mask is None or not has_colour_ink(image, mask):
        return None
    out = np.full(mask.shape, 255, dtype=np.uint8)
    # keep the stroke's darkness so anti-aliased edges stay smooth for OCR
    rgb = _rgb(image)
    darkness = 255 - np.clip((rgb[..., 1] + rgb[..., 2]) // 2, 0, 255)
    out[mask] = 255 - darkness[mask].astype(np.uint8)
    return Image.fromarray(out, mode="L")


def red_box(image) -> tuple[int, int, int, int] | None:
    """Bounding box ``(left, top, right, bottom)`` of the red ink, or ``None``."""
    mask = red_mask(image)
    if mask is None or not has_colour_ink(image, mask):
        return None
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
