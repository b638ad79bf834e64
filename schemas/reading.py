"""What a run read of one document: its normalised text, page by page, with the page images.

A record's provenance spans index ``Reading.text``; a reviewer (the static report, the web
review app) shows that text with the fields marked and, for a scan, the page image with the
words' boxes, without reading the source file again (it may be gone, and OCR is slow).

On disk, per run: ``RUN_DIR/readings/<doc_id>/reading.json`` and ``page-<n>.jpg`` beside it
(``pipeline.extract.reading`` writes and finds them).
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class WordBox(BaseModel):
    """One OCR word: its span in ``Reading.text`` and its box on the saved page image."""

    model_config = ConfigDict(extra="forbid")

    start: int
    end: int
    box: tuple[int, int, int, int]  # left, top, right, bottom in pixels of the SAVED page image
    confidence: float | None = None  # 0-1


class PageReading(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: int  # 1-based
    start: int  # offset in Reading.text where this page begins (Document.page_starts)
    ocr: bool = False
    image: str | None = None  # file name of the page image in the reading folder ("page-1.jpg")
    width: int | None = None  # of the saved image
    height: int | None = None
    words: list[WordBox] = []


class Reading(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_id: str
    source_path: str
    source_format: str | None = None
    pipeline_version: str | None = None
    text: str  # the normalised text every provenance span of the record indexes
    pages: list[PageReading] = []
