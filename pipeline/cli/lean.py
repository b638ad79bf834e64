"""What ``dispatches run`` keeps out of its own process: pandas, unused optional packages,
and spare malloc arenas.

pandas (with numpy, about 85 MB resident, measured) is needed by nothing a run does, yet
libraries import it to look for pandas values among theirs: DuckDB's Python client at the
first query that binds a parameter, pyarrow when it builds an array from Python values.
Both treat pandas as optional, so ``without_unused_packages`` makes it look absent
(``ModuleNotFoundError``, as if it were not installed) in this process only, together with
``UNUSED``: optional packages that Prefect and httpx import in ``try`` blocks only to use
them elsewhere (the local Prefect API runs in this process too). The extraction workers are
other processes, started clean; a kept Prefect API (``prefect_server``) keeps ``UNUSED`` out
of its own with ``keep_out``.

glibc gives each thread that allocates its own arena (up to 8 per core) and keeps what is
freed in it: ``few_arenas`` caps them at two, as ``MALLOC_ARENA_MAX`` does for the local
Prefect API (``prefect_api.LEAN_SERVER_ENV``), before the run's threads start; and
``system_arrow_pool`` has pyarrow (the Parquet export) allocate with malloc, not its own
mimalloc pool, which kept what the export freed (30 MB resident over 4,000 documents).

The objects alive once the run is ready to start (the modules, classes and functions of the
pipeline, Prefect and its local API: ~400,000) live as long as the process, yet each of
Python's full garbage collections scans them all: 0.3–0.4 s of CPU, every ~1,500 documents
(the batches in flight reach the oldest generation and count towards the next one), in the
one process every document passes through, and a thousand documents that took one ran
slower than the next. ``freeze_startup_objects`` takes them out of the collector's sight
(``gc.freeze``): a full collection then scans what the run made, in ~0.02 s (measured).

What the run makes still brought a full collection every ~2 s: the batches in flight (their
records and readings) outlive the young collections, so they reach the oldest generation
and count towards the next full one, though reference counting frees them once loaded;
each full collection then scanned the ~100,000 objects the run held, 0.08–0.15 s of CPU,
in the process the GIL keeps to one core. ``rare_full_collections`` lets one run only after
``FULL_COLLECTION_EVERY`` collections of the middle generation, not Python's 10: over
10,000 documents, 18 full collections (1.2–1.5 s of CPU) became 1–3 (0.13–0.16 s), three
runs each (measured). What waits longer for them is the little garbage in cycles a run
makes (Prefect's futures and states: ~600 objects every 2 s, the batches' payloads emptied
by ``BatchResult.release``).
"""
from __future__ import annotations

import ctypes
import gc
import importlib.abc
import os
import sys

UNWANTED = ("pandas",)
# trio (httpcore and anyio use it under a trio event loop only: the run and the local API
# run asyncio), httpx's command line client and amplitude (Prefect's usage analytics, off in
# a run): 112 modules, 5–6 MB resident in each process that imports Prefect (measured)
UNUSED = ("trio", "httpx._main", "amplitude")
_M_ARENA_MAX = -8  # mallopt parameter (malloc.h)


class Absent(importlib.abc.MetaPathFinder):
    """A meta path finder that answers ``ModuleNotFoundError`` for ``names`` and their
    submodules, as if they were not installed (nothing is put in ``sys.modules``: a check of
    ``"trio" in sys.modules`` stays false)."""

    def __init__(self, names: tuple[str, ...], where: str):
        self.names, self.where = names, where
        self._within = tuple(f"{name}." for name in names)

    def find_spec(self, name, path=None, target=None):
        if name in self.names or name.startswith(self._within):
            raise ModuleNotFoundError(f"No module named {name!r} (left out of {self.where})",
                                      name=name)
        return None


def keep_out(names: tuple[str, ...], where: str) -> bool:
    """Make ``names`` unimportable in this process (one finder, however often called);
    False when one of them is imported already (that one stays: something here wanted
    it)."""
    absent = tuple(name for name in names if name not in sys.modules)
    if absent and not any(isinstance(f, Absent) and set(absent) <= set(f.names)
                          for f in sys.meta_path):
        sys.meta_path.insert(0, Absent(absent, where))
    return absent == names


def without_unused_packages() -> bool:
    """pandas and ``UNUSED`` left out of the run's process (see above)."""
    return keep_out(UNWANTED + UNUSED, "dispatches run")


def few_arenas(count: int = 2) -> bool:
    """At most ``count`` malloc arenas in this process (glibc; False elsewhere)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, musl, Windows): nothing to tune
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, count))


def freeze_startup_objects() -> int:
    """Leave every object the garbage collector tracks now out of its later collections
    (``gc.freeze``, see above); returns how many. No collection first: at the start of a
    run it found 10 objects to free and cost 0.2 s (measured); those few stay."""
    gc.freeze()
    return gc.get_freeze_count()


FULL_COLLECTION_EVERY = 100


def rare_full_collections(every: int = FULL_COLLECTION_EVERY) -> tuple[int, int, int]:
    """A full collection of the garbage collector only after ``every`` collections of its
    middle generation (see above); the young generations' thresholds are kept. Returns the
    thresholds as they were."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], max(before[2], every))
    return before


def system_arrow_pool() -> None:
    """pyarrow's default memory pool: the system allocator, unless the user chose one
    (``ARROW_DEFAULT_MEMORY_POOL``, read when pyarrow is first imported)."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
