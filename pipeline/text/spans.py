"""A value an extractor found, with where it found it in the normalised text."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    """``value`` read from ``text[start:end]`` with a confidence in [0, 1]."""

    value: T
    start: int
    end: int
    confidence: float = 1.0
