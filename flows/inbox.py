"""Where a run may read: the inbox without the run's own output folders (no Prefect here,
so the command line can check a run's folders before it starts an API)."""
from __future__ import annotations

import os
from pathlib import Path


def _real(path: str | Path) -> Path:
    return Path(os.path.realpath(path))


def overlap_error(inbox: str | Path, **folders: str | Path | None) -> str | None:
    """Why a run could read nothing, or None: the inbox is one of the run's output folders
    (``out``, ``quarantine``…) or lies inside one, and those are never read as inputs."""
    for name, folder in folders.items():
        if folder is not None and _real(inbox).is_relative_to(_real(folder)):
            return (f"the inbox {inbox} is inside the {name} folder {folder}, which is never "
                    f"read as input: choose a {name} folder outside the inbox")
    return None


def folders_inside(inbox: str | Path, **folders: str | Path | None) -> list[str]:
    """The run's output folders that lie inside the inbox (left out of its listing)."""
    return [f"{name} folder {folder}" for name, folder in folders.items()
            if folder is not None and _real(folder).is_relative_to(_real(inbox))]
