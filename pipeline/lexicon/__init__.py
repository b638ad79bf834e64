"""Lexicons as data: YAML files beside this module, loaded once and cached.

A key written twice in a lexicon is a data error (YAML would silently keep the last):
``load_lexicon`` refuses it, naming the file and the key.
"""
from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import yaml

LEXICON_DIR = Path(__file__).parent


class _UniqueKeyLoader(yaml.SafeLoader):
    """``safe_load`` that refuses a mapping with the same key twice."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        twice = [k for k, n in Counter(keys).items() if n > 1]
        if twice:
            raise yaml.constructor.ConstructorError(
                None, None, f"keys listed twice: {twice}", node.start_mark)
        return super().construct_mapping(node, deep=deep)


@cache
def load_lexicon(name: str):
    """Parsed ``<name>.yaml`` from this folder."""
    with open(LEXICON_DIR / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
