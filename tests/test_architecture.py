"""The import contract: data flows one way, layer by layer (``[tool.importlinter]`` in
pyproject.toml). A later change that imports upwards — even inside a function — fails here."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("schemas", "pipeline", "extractors", "flows")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` over the packages under ``root``, with no cache left behind."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()",
         "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_layers_contract_is_kept():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_inside_a_function_breaks_the_contract(tmp_path):
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    # an extractor that reaches up into validation, the way back-edges used to hide
    with open(tmp_path / "extractors" / "header.py", "a", encoding="utf-8") as fh:
        fh.write("\n\ndef _sneaky():\n    from pipeline.validate.review import review_extraction\n"
                 "    return review_extraction\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "extractors.header -> pipeline.validate.review" in result.stdout
