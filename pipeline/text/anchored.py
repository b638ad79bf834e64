"""``finditer`` for a pattern whose every match begins with one of a few words.

A case-insensitive alternation of cue phrases ("chậm nhất là|…|trước") is slow to scan
for: the ``regex`` engine tries it at every position. Where each match must begin with
one of a few known words, finding those words with ``str.find`` in the lower-cased text
and trying the pattern only there gives the same matches, much faster.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import regex


def anchored_finditer(pattern: regex.Pattern, text: str, first_words: Iterable[str],
                      lowered: str | None = None) -> Iterator[regex.Match]:
    """The matches ``pattern.finditer(text)`` gives, for a pattern none of whose matches
    is empty and each of which begins with one of ``first_words`` (lower case; matched
    case-insensitively). ``lowered``: ``text.lower()`` when the caller has it already.
    """
    low = text.lower() if lowered is None else lowered
    if len(low) != len(text):  # a letter whose lower case is longer ("İ"): offsets differ
        yield from pattern.finditer(text)
        return
    starts: set[int] = set()
    find = low.find
    for word in first_words:
        at = find(word)
        while at >= 0:
            starts.add(at)
            at = find(word, at + 1)
    # ``finditer_at``'s loop, written out: called for every sentence, a generator less
    pos = 0
    match = pattern.match
    for at in sorted(starts):
        if at < pos:
            continue  # inside the last match: finditer goes on from its end
        m = match(text, at)
        if m:
            yield m
            pos = m.end()


def finditer_at(pattern: regex.Pattern, text: str, starts: Iterable[int]) -> Iterator[regex.Match]:
    """The matches ``pattern.finditer(text)`` gives, for a pattern none of whose matches is
    empty and each of which begins at one of ``starts``: tried there only."""
    pos = 0
    for at in sorted(starts):
        if at < pos:
            continue  # inside the last match: finditer goes on from its end
        m = pattern.match(text, at)
        if m:
            yield m
            pos = m.end()
