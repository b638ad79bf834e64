"""Whether a run stopped because its user pressed Ctrl-C (no Prefect in it: the command line
asks this too, and stays fast)."""
from __future__ import annotations


def interrupted(exc: BaseException | None) -> bool:
    """Whether ``exc`` is a ``KeyboardInterrupt`` or was raised because of one: DuckDB ends
    the statement it was running with ``RuntimeError('Query interrupted')`` caused by it,
    and Prefect raises again what a task raised."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
