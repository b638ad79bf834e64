"""What ``dispatches run`` keeps out of its own process: pandas, and idle malloc arenas.

pandas (with numpy, about 85 MB resident) is needed by nothing a run does, yet libraries
import it to look for pandas values among theirs: DuckDB's Python client at the first query
that binds a parameter, pyarrow when it builds an array from Python values. Both treat
pandas as optional, so ``without_pandas`` makes it look absent (``ModuleNotFoundError``,
as if not installed) in this process only; the extraction workers and the Prefect API are
other processes, started clean.

glibc gives each thread that allocates its own arena (up to 8 per core) and keeps what was
freed in them: ``few_arenas`` caps them as the API's ``MALLOC_ARENA_MAX`` does, before the
threads start; ``give_back`` returns the free pages at the end of a phase (``malloc_trim``).
"""
from __future__ import annotations

import ctypes
import importlib.abc
import sys

_M_ARENA_MAX = -8  # mallopt parameter (malloc.h)
UNWANTED = ("pandas",)


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


def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, musl, Windows): nothing to tune
        return None


def few_arenas(count: int = 2) -> bool:
    """At most ``count`` malloc arenas in this process (glibc); call before threads start."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(_M_ARENA_MAX, count))


def give_back() -> bool:
    """Return the free memory of the malloc arenas to the system (glibc)."""
    libc = _libc()
    return bool(libc is not None and hasattr(libc, "malloc_trim") and libc.malloc_trim(0))
