"""The fields a person may correct, and what a typed value means for each.

Field names are the record's own paths (``number``, ``issuer.name``,
``deadlines.2.due_date``) plus the register's workflow fields ``assigned_to`` (đơn vị hoặc
người nhận), ``received_by`` (ký nhận) and ``deadlines.N.done``. What the archivist types is
read strictly: a date must be a real date (``31/02/2024`` is refused, not guessed), a
document type one of the vocabulary.
"""
from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import dataclass

from schemas import Record
from schemas.correction import JsonValue
from schemas.record import Confidentiality, DocType, Urgency


class UnknownFieldError(ValueError):
    """The field cannot be corrected (not in ``CORRECTABLE``)."""


class CorrectionValueError(ValueError):
    """What was typed is not a value of the field; ``code`` names why (for the UI's language)."""

    def __init__(self, field: str, code: str, typed: str):
        super().__init__(f"{field}: {typed!r} is not a valid value ({code})")
        self.field, self.code, self.typed = field, code, typed


@dataclass(frozen=True)
class FieldSpec:
    """``kind``: text | date | choice | lines | flag; ``choices`` for a choice."""

    name: str
    kind: str
    choices: tuple[str, ...] = ()
    workflow: bool = False  # a register field no extraction fills


CORRECTABLE: dict[str, FieldSpec] = {s.name: s for s in (
    FieldSpec("doc_type", "choice", typing.get_args(DocType)),
    FieldSpec("number", "text"),
    FieldSpec("issued_date", "date"),
    FieldSpec("place", "text"),
    FieldSpec("issuer.name", "text"),
    FieldSpec("issuer.parent", "text"),
    FieldSpec("subject", "text"),
    FieldSpec("urgency", "choice", typing.get_args(Urgency)),
    FieldSpec("confidentiality", "choice", typing.get_args(Confidentiality)),
    FieldSpec("arrival.number", "text"),
    FieldSpec("arrival.date", "date"),
    FieldSpec("recipients", "lines"),
    FieldSpec("cc", "lines"),
    FieldSpec("signer.name", "text"),
    FieldSpec("signer.title", "text"),
    FieldSpec("assigned_to", "text", workflow=True),
    FieldSpec("received_by", "text", workflow=True),
)}
_DEADLINE = re.compile(r"deadlines\.(\d+)\.(due_date|done)")


def field_spec(field: str) -> FieldSpec:
    m = _DEADLINE.fullmatch(field)
    if m:
        return (FieldSpec(field, "date") if m[2] == "due_date"
                else FieldSpec(field, "flag", workflow=True))
    try:
        return CORRECTABLE[field]
    except KeyError:
        raise UnknownFieldError(f"{field!r} cannot be corrected") from None


_DMY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_MY = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{4})")
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_date(field: str, typed: str) -> str | None:
    """``dd/mm/yyyy``, ``mm/yyyy``, ``yyyy`` or ISO → an ISO date keeping its precision."""
    s = typed.strip()
    if not s:
        return None
    try:
        if m := _DMY.fullmatch(s):
            return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        if m := _MY.fullmatch(s):
            return dt.date(int(m[2]), int(m[1]), 1).isoformat()[:7]
        if m := _ISO.fullmatch(s):
            day = dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1)).isoformat()
            return day[:4 + 3 * bool(m[2]) + 3 * bool(m[3])]
    except ValueError:
        pass
    raise CorrectionValueError(field, "bad_date", typed)


def display_date(iso: str | None) -> str:
    """``parse_date``'s inverse, as an archivist writes a date: ``2024-03-05`` →
    ``05/03/2024``, ``2024-03`` → ``03/2024``; a time is kept after it."""
    if not iso:
        return ""
    date, _, time = str(iso).partition("T")
    parts = date.split("-")
    out = "/".join(reversed(parts)) if all(p.isdigit() for p in parts) else date
    return f"{out} {time[:5]}" if time else out


def parse_value(field: str, typed: str | bool | list[str] | None) -> JsonValue:
    """The value ``typed`` means for ``field``; empty text clears a field (``None``)."""
    spec = field_spec(field)
    if spec.kind == "flag":
        if isinstance(typed, bool):
            return typed
        return str(typed or "").strip().lower() in {"1", "true", "on", "yes", "có"}
    if spec.kind == "lines":
        lines = typed if isinstance(typed, list) else str(typed or "").splitlines()
        return [" ".join(line.split()) for line in lines if line.strip()]
    text = " ".join(str(typed or "").split())  # one line, single spaces, as the record keeps it
    if spec.kind == "date":
        return parse_date(field, text)
    if not text:
        return None
    if spec.kind == "choice" and text not in spec.choices:
        raise CorrectionValueError(field, "bad_choice", text)
    return text


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()  # the record has no such field (a deadline that is not there)


def value_of(record: Record, field: str) -> JsonValue | _Missing:
    """The record's current value of a correctable field (``MISSING`` when it has none)."""
    spec = field_spec(field)
    if m := _DEADLINE.fullmatch(field):
        i = int(m[1])
        if i >= len(record.deadlines):
            return MISSING
        return record.deadlines[i].due_date if m[2] == "due_date" else False
    if spec.workflow:
        return None
    if field == "number":
        return record.number.raw if record.number else None
    head, _, attr = field.partition(".")
    value = getattr(record, head)
    if attr:
        value = getattr(value, attr) if value is not None else None
    return list(value) if isinstance(value, list) else value
