"""Shared test helpers: where ``../shared`` is, and documents built from text."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "samples"


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests that need it skip on a fresh clone."""
    if not (SHARED / "gold").is_dir():
        pytest.skip("../shared (seeds and gold labels) is not beside this checkout")
    return SHARED
