"""What ``dispatches run`` keeps out of its own process: pandas, and spare malloc arenas.

pandas (with numpy, about 85 MB resident, measured) is needed by nothing a run does, yet
libraries import it to look for pandas values among theirs: DuckDB's Python client at the
first query that binds a parameter, pyarrow when it builds an array from Python values.
Both treat pandas as optional, so ``without_pandas`` makes it look absent
(``ModuleNotFoundError``, as if it were not installed) in this process only; the extraction
workers and the Prefect API are other processes, started clean.

glibc gives each thread that allocates its own arena (up to 8 per core) and keeps what is
freed in it: ``few_arenas`` caps them at two, as ``MALLOC_ARENA_MAX`` does for the local
Prefect API (``prefect_api.LEAN_SERVER_ENV``), before the run's threads start; and
``system_arrow_pool`` has pyarrow (the Parquet export) allocate with malloc, not its own
mimalloc pool, which kept what the export freed (30 MB resident over 4,000 documents).
"""
from __future__ import annotations

import ctypes
import importlib.abc
import os
import sys

UNWANTED = ("pandas",)
_M_ARENA_MAX = -8  # mallopt parameter (malloc.h)


class _Absent(importlib.abc.MetaPathFinder):
    """A meta path finder that answers ``ModuleNotFoundError`` for ``UNWANTED`` packages."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".", 1)[0] in UNWANTED:
            raise ModuleNotFoundError(f"No module named {name!r} (left out of dispatches run)",
                                      name=name)
        return None


def without_pandas() -> bool:
    """Make pandas unimportable in this process; False when it is imported already (then
    it stays: something here wanted it)."""
    if any(m in sys.modules for m in UNWANTED):
        return False
    if not any(isinstance(f, _Absent) for f in sys.meta_path):
        sys.meta_path.insert(0, _Absent())
    return True


def few_arenas(count: int = 2) -> bool:
    """At most ``count`` malloc arenas in this process (glibc; False elsewhere)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, musl, Windows): nothing to tune
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, count))


def system_arrow_pool() -> None:
    """pyarrow's default memory pool: the system allocator, unless the user chose one
    (``ARROW_DEFAULT_MEMORY_POOL``, read when pyarrow is first imported)."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
