"""A cache for a function of one string, kept only for short strings.

Lines, cells and marks recur from document to document ("Nơi nhận:", "- Như trên;", units,
dates), so per-string work is worth keeping; a long string seldom comes back and would hold
its result (a line's offset map: kilobytes) for nothing."""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

T = TypeVar("T")


def cached_when_short(max_chars: int, maxsize: int) -> Callable[[Callable[[str], T]],
                                                                 Callable[[str], T]]:
    """``lru_cache(maxsize)`` for strings of at most ``max_chars`` characters; longer ones
    are computed each time. The wrapper keeps ``cache_clear`` and ``cache_info``."""
    def decorate(fn: Callable[[str], T]) -> Callable[[str], T]:
        cached = lru_cache(maxsize=maxsize)(fn)

        @wraps(fn)
        def call(s: str) -> T:
            return cached(s) if len(s) <= max_chars else fn(s)

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return call
    return decorate
