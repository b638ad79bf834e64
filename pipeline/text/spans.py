"""A value an extractor found, with where it found it in the normalised text."""
from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


class Found(NamedTuple, Generic[T]):
    """``value`` read from ``text[start:end]`` with a confidence in [0, 1].

    A named tuple (immutable, like the frozen dataclass it was, and made several times
    faster): every extractor makes hundreds per document."""

    value: T
    start: int
    end: int
    confidence: float = 1.0
