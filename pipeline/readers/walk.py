"""Listing a folder of inputs without leaving it: what is read, and what is not and why.

An inbox is a folder other people and programs write into, so it may hold symbolic links to
anywhere (``/etc/passwd``, ``../payroll``), dangling links, folders we may not open and
FIFOs that would block a read. Only files whose real path lies inside the folder are listed;
a link to a file inside it is read once, as that file; a linked folder is never entered (its
files are listed from the folder itself, and a link cannot loop). Everything of a supported
type that is left out is named with its reason, never dropped silently.
"""
from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


@dataclass
class FolderListing:
    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class _Walk:
    root: Path                      # the folder's real path
    suffixes: Collection[str]
    excluded: list[Path]            # real paths
    listing: FolderListing = field(default_factory=FolderListing)
    by_target: dict[Path, Path] = field(default_factory=dict)   # real path → listed path
    links: list[tuple[Path, Path]] = field(default_factory=list)  # (link, real target)

    def wanted(self, path: Path) -> bool:
        return not path.name.startswith(".") and path.suffix.lower() in self.suffixes

    def is_excluded(self, real: Path) -> bool:
        return any(real.is_relative_to(e) for e in self.excluded)

    def skip(self, path: Path, reason: str) -> None:
        self.listing.skipped.append(Skipped(path, reason))


def _entries(walk: _Walk, folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError as exc:
        walk.skip(folder, f"folder not readable: {exc.strerror or exc}")
        return []


def _visit_link(walk: _Walk, path: Path) -> None:
    real = Path(os.path.realpath(path))
    inside = real.is_relative_to(walk.root)
    if not real.exists():
        if walk.wanted(path):
            walk.skip(path, "dangling link: its target does not exist")
    elif real.is_dir():
        if not inside:
            walk.skip(path, f"link to a folder outside the inbox ({real}): not entered")
    elif walk.wanted(path):
        if not inside:
            walk.skip(path, f"link to a file outside the inbox ({real}): not read")
        elif not walk.is_excluded(real):
            walk.links.append((path, real))


def _visit(walk: _Walk, folder: Path) -> None:
    for entry in _entries(walk, folder):
        path = Path(entry.path)
        try:
            if entry.is_symlink():
                _visit_link(walk, path)
            elif entry.is_dir(follow_symlinks=False):
                if not walk.is_excluded(Path(os.path.realpath(path))):
                    _visit(walk, path)
            elif walk.wanted(path):
                if entry.is_file(follow_symlinks=False):
                    if not walk.is_excluded(Path(os.path.realpath(path))):
                        walk.by_target[Path(os.path.realpath(path))] = path
                else:  # a FIFO or device would block or never end
                    walk.skip(path, "not a regular file")
        except OSError as exc:  # vanished or unreadable between listing and looking
            walk.skip(path, f"cannot look at it: {exc.strerror or exc}")


def list_folder(folder: Path, suffixes: Collection[str],
                exclude: Iterable[Path] = ()) -> FolderListing:
    """The supported files under ``folder`` (sorted, hidden names left out), and what was
    skipped with its reason; nothing under an ``exclude`` folder either way."""
    walk = _Walk(Path(os.path.realpath(folder)), suffixes,
                 [Path(os.path.realpath(e)) for e in exclude])
    _visit(walk, Path(folder))
    for link, real in walk.links:  # after every real file, so a file wins over its links
        walk.by_target.setdefault(real, link)
    walk.listing.files = sorted(walk.by_target.values())
    return walk.listing
