"""Fixtures for the format tests: samples rendered to PDF, DOCX, scans and legacy files."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_fixtures import find_font  # noqa: E402

ROOT = HERE.parents[1]
SAMPLES = sorted(p for p in (ROOT / "samples").glob("*") if p.suffix in {".md", ".txt"})


@pytest.fixture(scope="session")
def font() -> Path:
    found = find_font()
    if found is None:
        pytest.skip("DejaVuSerif.ttf not found: install fonts-dejavu-core "
                    "(scripts/install-system-deps.sh) to build the PDF fixtures")
    return found


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("formats")
