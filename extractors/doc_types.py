"""Document types (loại văn bản): title lines, type codes and citation words → vocabulary."""
from __future__ import annotations

from functools import cache

from pipeline.lexicon import load_lexicon
from pipeline.text.keys import tone_key


@cache
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    by_title, by_code, by_cite = {}, {}, {}
    for key, entry in load_lexicon("doc_types").items():
        for title in entry["titles"]:
            by_title[tone_key(title)] = key
        if entry.get("code"):
            by_code[entry["code"].upper()] = key
        for word in entry["cite"]:
            by_cite[tone_key(word)] = key
    return by_title, by_code, by_cite


def doc_type_from_title(line: str) -> str | None:
    """``QUYẾT ĐỊNH`` → ``quyet_dinh`` (the whole line must be the type name)."""
    return _tables()[0].get(tone_key(line).strip(" .:"))


def doc_type_from_code(code: str | None) -> str | None:
    """``QĐ`` → ``quyet_dinh``."""
    return _tables()[1].get(code.upper()) if code else None


def doc_type_from_citation(word: str) -> str | None:
    """``Công văn`` → ``cong_van`` (how the body names a cited document)."""
    return _tables()[2].get(tone_key(word))


def type_codes() -> set[str]:
    return set(_tables()[1])


@cache
def known_type_codes() -> frozenset[str]:
    """``type_codes()`` read once (a symbol's parse asks for them)."""
    return frozenset(_tables()[1])


def title_words() -> list[str]:
    """Type names as printed, longest first (for building patterns)."""
    return sorted(_tables()[0], key=len, reverse=True)


def title_heads() -> list[str]:
    """Type names that may open a longer title line (``LUẬT ĐẤT ĐAI``), longest first:
    the types marked ``heads_title`` in the lexicon."""
    return list(_title_heads())


@cache  # the header asks for them at every line in capitals
def _title_heads() -> tuple[str, ...]:
    heads = {tone_key(title) for entry in load_lexicon("doc_types").values()
             if entry.get("heads_title") for title in entry["titles"]}
    return tuple(sorted(heads, key=len, reverse=True))


def citation_words() -> list[str]:
    return sorted(_tables()[2], key=len, reverse=True)
