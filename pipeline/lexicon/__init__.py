"""Lexicons as data: YAML files beside this module, loaded once and cached."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LEXICON_DIR = Path(__file__).parent


@cache
def load_lexicon(name: str):
    """Parsed ``<name>.yaml`` from this folder."""
    with open(LEXICON_DIR / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)
