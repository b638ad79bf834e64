"""Dotted paths into a record's JSON form: ``get_dotted(record, "signer.name")``.

The one getter for the layers that read records back as plain dicts (``pipeline.report``,
``pipeline.evaluate``, the benchmarks): they may not import each other, and both sit above
``pipeline.extract``, which makes the records these paths name.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def get_dotted(record: Any, dotted: str) -> Any:
    """The value at ``dotted`` (``"a.b"``, list items by index: ``"recipients.0"``), or
    ``None`` when any step is missing or not a mapping / list."""
    cur: Any = record
    for part in dotted.split("."):
        if isinstance(cur, Mapping):
            cur = cur.get(part)
        elif isinstance(cur, (list, tuple)) and part.isdigit():
            cur = cur[int(part)] if int(part) < len(cur) else None
        else:
            return None
    return cur
