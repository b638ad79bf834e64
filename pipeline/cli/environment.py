"""Errors of the machine, not of a document: an output folder that cannot be written (read
only, no permission), a full disk. One line naming the path and the cause, exit code 3 —
apart from 1 (some file failed) and 2 (usage, a locked dataset), so a scheduler can tell
"fix the machine" from "look at the files"."""
from __future__ import annotations

import errno
import tempfile
from pathlib import Path

EXIT_ENVIRONMENT = 3
_CAUSES = {errno.EACCES: "permission denied", errno.EPERM: "not permitted",
           errno.EROFS: "read-only file system", errno.ENOSPC: "no space left on device",
           errno.EDQUOT: "disk quota exceeded", errno.ENOENT: "no such folder",
           errno.ENOTDIR: "a file where a folder is needed"}


def is_environment_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _CAUSES


def environment_message(exc: OSError) -> str:
    where = exc.filename or "output"
    return f"cannot write {where}: {_CAUSES.get(exc.errno, exc.strerror or str(exc))}"


def unwritable(folder: Path) -> str | None:
    """Why nothing can be written in ``folder`` (created if missing); None when it can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(folder)
        return environment_message(exc)
    return None
