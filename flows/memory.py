"""Between the phases of a run: end what the next phase does not need, and give back what
the last one freed.

After the extraction, the idle extraction worker processes (``pipeline.extract.worker``)
would stay alive to the end of the run, through the export and the report; and glibc keeps
what a phase freed in its arenas for reuse rather than return it to the system (20 MB after
the export of 3,000 documents, measured), so the next phase, which allocates other sizes,
adds to it. ``malloc_trim`` returns the free pages at the top and inside the arenas.
"""
from __future__ import annotations

import ctypes

from pipeline.extract.worker import close_idle_workers


def release_free_memory() -> bool:
    """Return the free pages of glibc's arenas to the system (``malloc_trim(0)``); False
    where the C library is not glibc (nothing to do)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.malloc_trim(0))


def extraction_over() -> None:
    """After the last batch: no file will be extracted again this run."""
    close_idle_workers()
    release_free_memory()
