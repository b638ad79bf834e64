"""Errors that name the file and the problem; a batch turns them into failed records."""
from __future__ import annotations

from pathlib import Path


class DispatchError(Exception):
    """Base class: something about one input file that stops its extraction."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class UnreadableFile(DispatchError):
    """The file cannot be read or decoded (corrupt, wrong format, empty)."""


class UnsupportedFormat(DispatchError):
    """No reader handles this kind of file."""


class MissingProgram(DispatchError):
    """A system program the file needs is not installed (tesseract, libreoffice…)."""
