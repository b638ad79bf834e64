"""Ink separation: a red seal over the signer's name must not destroy the name."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.readers.ocr.ink import has_colour_ink, red_box, red_mask, red_only, without_red
from fixtures.scans import RED, font_path, seal, signed_page, text

pytestmark = pytest.mark.skipif(font_path() is None, reason="fonts-dejavu-core not installed")


def _name_with_seal() -> Image.Image:
    img = Image.new("RGB", (1400, 700), "white")
    d = ImageDraw.Draw(img)
    text(d, (200, 300), "Nguyễn Văn Thành", 80, True)
    seal(img, (450, 340), 260)
    return img


def test_red_pixels_dropped_black_kept():
    img = _name_with_seal()
    grey = np.asarray(without_red(img))
    mask = red_mask(img)
    assert mask.mean() > 0.01
    assert (grey[mask] == 255).all()  # no seal ink left
    black = (np.asarray(img) < 60).all(axis=2)
    assert black.sum() > 1000 and (grey[black] < 60).all()  # every black stroke kept


def test_red_only_keeps_the_seal_alone():
    img = _name_with_seal()
    red = np.asarray(red_only(img)) < 128
    black = (np.asarray(img) < 60).all(axis=2)
    assert red.sum() > 1000
    assert not (red & black & ~red_mask(img)).any()
    left, top, right, bottom = red_box(img)
    assert 450 - 270 <= left < 450 - 240 and 340 - 270 <= top < 340 - 240


def test_grey_scans_pass_through():
    grey = Image.new("L", (100, 100), 255)
    assert red_mask(grey) is None and red_only(grey) is None
    assert without_red(grey) is grey
    assert not has_colour_ink(Image.new("RGB", (100, 100), "white"))


def test_red_stamp_on_black_text_is_not_grey_ink():
    img = Image.new("RGB", (50, 50), (0, 0, 0))
    ImageDraw.Draw(img).rectangle((10, 10, 40, 40), fill=RED)
    assert red_mask(img)[25, 25] and not red_mask(img)[2, 2]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_signer_name_read_only_after_dropping_the_seal():
    import pytesseract

    page = signed_page()
    block = (1300, 1450, 2400, 2050)
    raw = pytesseract.image_to_string(page.convert("L").crop(block), lang="vie")
    cleaned = pytesseract.image_to_string(without_red(page).crop(block), lang="vie")
    assert "Nguyễn Thành Long" in cleaned and "CHỦ TỊCH" in cleaned
    assert "Nguyễn Thành Long" not in raw  # the seal over the name spoils the plain reading
