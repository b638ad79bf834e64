"""Readings on disk: ``RUN_DIR/readings/<doc_id>/`` written whole, read back, and page images
found only for a real document id and page (the review app passes them from a URL)."""
from __future__ import annotations

import os

import pytest

from pipeline.extract import (READINGS_DIR, ReadingBundle, load_reading, page_image_path,
                              save_reading)
from schemas import PageReading, Reading, WordBox

DOC_ID = "ab" * 32
JPEG = b"\xff\xd8\xff\xe0 not really a jpeg \xff\xd9"


def bundle(doc_id: str = DOC_ID) -> ReadingBundle:
    reading = Reading(
        doc_id=doc_id, source_path="inbox/a.pdf", source_format="pdf", text="Số: 5/UBND\n\nx",
        pages=[PageReading(page=1, start=0, ocr=True, image="page-1.jpg", width=10, height=20,
                           words=[WordBox(start=4, end=10, box=(1, 2, 8, 6), confidence=0.9)]),
               PageReading(page=2, start=12)])
    return ReadingBundle(reading, {"page-1.jpg": JPEG})


def test_a_saved_reading_reads_back_with_its_page_image(tmp_path):
    path = save_reading(tmp_path, bundle())
    assert path == tmp_path / READINGS_DIR / DOC_ID / "reading.json"
    assert load_reading(tmp_path, DOC_ID) == bundle().reading
    assert page_image_path(tmp_path, DOC_ID, 1).read_bytes() == JPEG
    assert page_image_path(tmp_path, DOC_ID, 2) is None  # a page without an image
    # written whole: no temporary file left beside them
    assert sorted(os.listdir(path.parent)) == ["page-1.jpg", "reading.json"]


def test_missing_or_broken_readings_are_none(tmp_path):
    assert load_reading(tmp_path, DOC_ID) is None
    folder = tmp_path / READINGS_DIR / DOC_ID
    folder.mkdir(parents=True)
    (folder / "reading.json").write_text("{not json", encoding="utf-8")
    assert load_reading(tmp_path, DOC_ID) is None
    # a reading filed under another document's id is not that document's
    other = bundle("cd" * 32).reading.model_dump_json()
    (folder / "reading.json").write_text(other, encoding="utf-8")
    assert load_reading(tmp_path, DOC_ID) is None


def test_only_the_reading_s_own_page_images_are_written(tmp_path):
    evil = ReadingBundle(bundle().reading, {"../../escape.jpg": JPEG})
    with pytest.raises(ValueError):
        save_reading(tmp_path, evil)
    with pytest.raises(ValueError):
        save_reading(tmp_path, bundle("../" + "a" * 61))
    assert not (tmp_path.parent / "escape.jpg").exists()


@pytest.mark.parametrize("doc_id, page", [
    ("../" + DOC_ID, 1), (DOC_ID + "/..", 1), ("/etc/passwd", 1), ("..", 1),
    (DOC_ID.upper(), 1), (DOC_ID[:-1], 1), (DOC_ID + "0", 1), ("zz" * 32, 1),
    (DOC_ID, 0), (DOC_ID, -1), (DOC_ID, True), (DOC_ID, "1"), (DOC_ID, 1.0),
    (None, 1), (DOC_ID, None),
])
def test_page_image_path_refuses_anything_but_an_id_and_a_page(tmp_path, doc_id, page):
    save_reading(tmp_path, bundle())
    assert page_image_path(tmp_path, doc_id, page) is None
    if doc_id != DOC_ID:
        assert load_reading(tmp_path, doc_id) is None


def test_page_image_path_never_leaves_the_readings_folder(tmp_path, monkeypatch):
    run = tmp_path / "run"
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"secret")
    folder = run / READINGS_DIR / DOC_ID
    folder.mkdir(parents=True)
    (folder / "page-1.jpg").symlink_to(secret)
    assert page_image_path(run, DOC_ID, 1) is None
    # a document folder that is itself a link out of the run
    other = "cd" * 32
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "page-1.jpg").write_bytes(b"x")
    (run / READINGS_DIR / other).symlink_to(tmp_path / "elsewhere")
    assert page_image_path(run, other, 1) is None
    # a run folder given relative to the working directory finds its own images
    save_reading(run, bundle("ef" * 32))
    monkeypatch.chdir(tmp_path)
    found = page_image_path("run", "ef" * 32, 1)
    assert found == (run / READINGS_DIR / ("ef" * 32) / "page-1.jpg").resolve()
