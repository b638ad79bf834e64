"""``PIPELINE_VERSION`` = package version + a digest of the code that decides a record.

The flow's cache key and its "already loaded" check both use it, so the digest must move
with every such file and with nothing else. The repo is never modified: the digest is
computed by the same function over a copy of the packages.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.extract import version
from pipeline.extract.version import PIPELINE_VERSION, package_dirs, source_digest

PACKAGES = ("schemas", "pipeline", "extractors")


@pytest.fixture
def tree(tmp_path) -> dict[str, Path]:
    """A copy of the packages (package name → folder), as ``source_digest`` takes them."""
    dirs = {}
    for name, src in package_dirs().items():
        dirs[name] = tmp_path / name
        shutil.copytree(src, dirs[name], ignore=shutil.ignore_patterns("__pycache__"))
    return dirs


def touch(path: Path, extra: str = "\n# changed\n") -> None:
    path.write_bytes(path.read_bytes() + extra.encode())


def test_version_is_package_version_plus_a_12_hex_digest():
    assert re.fullmatch(r"[0-9A-Za-z.]+\+[0-9a-f]{12}", PIPELINE_VERSION), PIPELINE_VERSION
    assert PIPELINE_VERSION.startswith(version.package_version() + "+")
    # a fresh interpreter: the version computed at import is the function's digest (checked
    # there, not here: record sources may be edited while this session runs)
    code = ("from pipeline.extract.version import PIPELINE_VERSION, package_version, "
            "source_digest; print(PIPELINE_VERSION == package_version() + '+' + source_digest())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert out.strip() == "True"


def test_digest_is_stable_across_calls_and_copies(tree):
    assert source_digest() == source_digest()
    assert source_digest(tree) == source_digest(tree)
    assert source_digest(tree) == source_digest()  # same bytes elsewhere: same digest


def test_digest_covers_what_decides_a_record():
    files = [rel for rel, _ in version.record_source_files(package_dirs())]
    assert files == sorted(files)
    for rel in ("schemas/record.py", "pipeline/settings.py", "pipeline/text/keys.py",
                "pipeline/lexicon/agencies.yaml", "pipeline/readers/pdf.py",
                "extractors/header.py", "pipeline/validate/checks.py",
                "pipeline/extract/record.py", "pipeline/extract/version.py"):
        assert rel in files, rel
    for part in ("pipeline/load/", "pipeline/report/", "pipeline/evaluate.py", "flows/",
                 "pipeline/cli/", "__pycache__", ".pyc"):
        assert not any(part in rel for rel in files), part


@pytest.mark.parametrize("rel", [
    "pipeline/lexicon/agencies.yaml",
    "extractors/header.py",
    "schemas/record.py",
    "pipeline/settings.py",
    "pipeline/text/keys.py",
    "pipeline/readers/pdf.py",
    "pipeline/validate/review.py",
    "pipeline/extract/record.py",
])
def test_digest_changes_when_a_record_source_changes(tree, rel):
    before = source_digest(tree)
    touch(tree[rel.split("/")[0]].parent / rel)
    assert source_digest(tree) != before


def test_digest_changes_when_a_record_source_is_added_or_renamed(tree):
    before = source_digest(tree)
    new = tree["extractors"] / "extra.py"
    new.write_text("X = 1\n", encoding="utf-8")
    added = source_digest(tree)
    assert added != before
    new.rename(tree["extractors"] / "other.py")  # same bytes, another path
    assert source_digest(tree) not in (before, added)


@pytest.mark.parametrize("rel", [
    "pipeline/report/render.py", "pipeline/evaluate.py", "pipeline/load/store.py",
    "pipeline/cli/__init__.py",
])
def test_digest_ignores_what_only_loads_reports_or_scores(tree, rel):
    before = source_digest(tree)
    touch(tree["pipeline"].parent / rel)
    (tree["extractors"] / "__pycache__").mkdir(exist_ok=True)
    (tree["extractors"] / "__pycache__" / "header.cpython-311.pyc").write_bytes(b"\0junk")
    assert source_digest(tree) == before
