"""What the review page of one document shows: each correctable field with its value, what
the extraction read, its confidence, warnings and latest correction; each page image with
the boxes of the words every field was read from.

Built from the dataset (the record as extracted, its corrections) and the run's saved
reading (``pipeline.extract.reading``): the source file is never read again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.corrections import (CORRECTABLE, apply_corrections, display_date, field_spec,
                                  value_of)
from pipeline.corrections.apply import latest_corrections, related_fields
from pipeline.corrections.fields import MISSING
from pipeline.extract.reading import load_reading
from schemas import Correction, Reading, Record, RecordWarning


@dataclass(frozen=True)
class Box:
    """A rectangle on a page image, in percent of its size (so it scales with the image)."""

    field: str
    family: str
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class PageView:
    page: int
    image_url: str | None
    width: int | None
    height: int | None
    boxes: list[Box]


@dataclass(frozen=True)
class FieldView:
    name: str             # the correction's field name
    kind: str             # text | date | choice | lines | flag
    value: object         # the value every view shows (corrections applied)
    extracted: object     # what the extraction read
    typed: str            # the value as the input shows it (dates dd/mm/yyyy, lines)
    confidence: float | None
    family: str           # the highlight label of its marks (number, signer, deadlines…)
    warnings: list[RecordWarning]
    correction: Correction | None
    choices: tuple[str, ...] = ()
    note: str = ""        # e.g. the deadline's clause

    @property
    def needs_review(self) -> bool:
        """A warning says to check it and no one has yet."""
        return self.correction is None and any(w.code == "needs_review" for w in self.warnings)


@dataclass
class DocumentView:
    record: Record            # corrections applied
    extracted: Record
    fields: list[FieldView]
    reading: Reading | None
    pages: list[PageView] = field(default_factory=list)
    other_warnings: list[RecordWarning] = field(default_factory=list)


def _typed(kind: str, value: object) -> str:
    if value is None or value is MISSING:
        return ""
    if kind == "date":
        return display_date(str(value))
    if kind == "lines":
        return "\n".join(value)  # type: ignore[arg-type]
    if kind == "flag":
        return "on" if value else ""
    return str(value)


def _provenance_keys(name: str, record: Record) -> list[str]:
    """Provenance keys a field was read at: ``signer.name`` → ``signer``; a list, its items."""
    head = name.split(".")[0]
    if head in ("recipients", "cc"):
        return [k for k in record.provenance if k.startswith(head + ".")]
    if head == "deadlines":
        return [".".join(name.split(".")[:2])]
    for key in (name, head):
        if key in record.provenance:
            return [key]
    return []


def field_names(record: Record) -> list[str]:
    names = list(CORRECTABLE)
    for i in range(len(record.deadlines)):
        names += [f"deadlines.{i}.due_date", f"deadlines.{i}.done"]
    return names


def field_views(extracted: Record, corrections: list[Correction]) -> tuple[Record, list[FieldView]]:
    corrected = apply_corrections(extracted, corrections)
    record, latest = corrected.record, latest_corrections(corrections)
    views = []
    for name in field_names(extracted):
        spec = field_spec(name)
        if name in ("assigned_to", "received_by"):
            value = getattr(corrected, name)
        elif spec.kind == "flag":
            value = int(name.split(".")[1]) in corrected.done_deadlines
        else:
            value = value_of(record, name)
        keys = _provenance_keys(name, extracted)
        confidences = [record.provenance[k].confidence for k in keys if k in record.provenance]
        note = ""
        if name.startswith("deadlines.") and name.endswith(".due_date"):
            note = extracted.deadlines[int(name.split(".")[1])].text
        views.append(FieldView(
            name=name, kind=spec.kind, value=value, extracted=value_of(extracted, name),
            typed=_typed(spec.kind, value), confidence=min(confidences) if confidences else None,
            family=name.split(".")[0],
            warnings=[w for w in extracted.warnings if related_fields(w.field, name)],
            correction=latest.get(name), choices=spec.choices, note=note))
    return record, views


def page_views(reading: Reading | None, record: Record, image_url) -> list[PageView]:
    """Each page of the reading with the boxes of the words each field was read from."""
    if reading is None:
        return []
    pages = []
    for page in reading.pages:
        boxes: list[Box] = []
        if page.image and page.width and page.height and page.words:
            for key, prov in record.provenance.items():
                if prov.page not in (None, page.page):
                    continue
                words = [w for w in page.words if w.start < prov.end and w.end > prov.start]
                boxes += [Box(key, key.split(".")[0], 100 * x0 / page.width,
                              100 * y0 / page.height, 100 * (x1 - x0) / page.width,
                              100 * (y1 - y0) / page.height)
                          for x0, y0, x1, y1 in _lines([w.box for w in words])]
        pages.append(PageView(page.page, image_url(page.page) if page.image else None,
                              page.width, page.height, boxes))
    return pages


def _lines(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Word boxes joined into one rectangle per text line (a word whose middle lies within
    the line's height belongs to it)."""
    lines: list[list[int]] = []
    for x0, y0, x1, y1 in sorted(boxes, key=lambda box: (box[1], box[0])):
        middle = (y0 + y1) / 2
        for line in lines:
            if line[1] <= middle <= line[3]:
                line[0], line[1] = min(line[0], x0), min(line[1], y0)
                line[2], line[3] = max(line[2], x1), max(line[3], y1)
                break
        else:
            lines.append([x0, y0, x1, y1])
    return [tuple(x) for x in lines]


def document_view(extracted: Record, corrections: list[Correction], run_dir: Path,
                  image_url) -> DocumentView:
    """The review page's content; ``image_url(page)`` is where the app serves a page image."""
    record, fields = field_views(extracted, corrections)
    reading = load_reading(run_dir, extracted.doc_id)
    named = {f.name for f in fields}
    others = [w for w in record.warnings if not any(related_fields(w.field, n) for n in named)]
    return DocumentView(record, extracted, fields, reading,
                        page_views(reading, record, image_url), others)
