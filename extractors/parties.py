"""Who a document is sent to: ``Kính gửi`` (recipients) and ``Nơi nhận`` (distribution).

``Kính gửi: Sở Nội vụ.`` on one line, or a list of ``- …;`` lines (the last ends
with ``.``) — an urgency stamp may sit between the label and the list. A công điện
names its recipients after ``… điện:``. ``Nơi nhận:`` lists one item per bullet or
per ``;`` and ends with ``- Lưu: VT, …``.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from extractors.header import is_mark
from extractors.lines import CC_LABEL, Line, is_upper_line, split_lines
from extractors.signer import column_lines
from pipeline.lexicon import load_lexicon
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.keys import fold_diacritics, one_spaced
from pipeline.text.spans import Found


def _label(spellings: list[str]) -> regex.Pattern:
    """A label at the start of a line, any of its spellings, words glued or spaced."""
    words = "|".join(r"\s*".join(regex.escape(w) for w in s.split()) for s in spellings)
    return regex.compile(rf"^(?:{words})\s*[:;.]?\s*", regex.I)


_TO_LABEL = _label(load_lexicon("cues")["recipients"])
_CABLE_LABEL = regex.compile(r"\bđiện\s*:\s*$", regex.I)
_SUB_LABEL_MAX_CHARS = 40  # a line ending in ":" this short labels a part of the list
_BULLET = regex.compile(r"^[-–—+•*·]\s*")
_STORE = regex.compile(r"^Lưu\s*[:.]", regex.I)
_GLUED_FOOTNOTE = regex.compile(r"(?<=\p{Ll})\d{1,2}$")




def _items(line: Line, body: str, offset: int) -> list[Found[str]]:
    """Split one list entry into items at ``;`` and trim bullets and end punctuation."""
    at = line.start + offset
    return [Found(item, at + start, at + end) for item, start, end in _item_spans(body)]


@lru_cache(maxsize=8192)  # "- Như trên;", "- Lưu: VT, …": list entries recur from file to file
def _item_spans(body: str) -> tuple[tuple[str, int, int], ...]:
    """(item, start, end) of each item of an entry, offsets in ``body``."""
    found = []
    pos = 0
    for raw in body.split(";"):
        lead = len(raw) - len(raw.lstrip(" -–—+•*·\t\n"))
        trimmed = raw.strip(" -–—+•*·\t\n").rstrip(" .,;")
        # a footnote mark glued to the last word ("khu vực Bắc Bộ1") is no part of the name
        item = one_spaced(trimmed)
        if item[-1:].isdecimal() or not item[-1:].isascii():  # else no digit ends it
            item = _GLUED_FOOTNOTE.sub("", item)
        if item and item not in {"…", "...", "./."}:
            found.append((item, pos + lead, pos + lead + len(trimmed)))
        pos += len(raw) + 1
    return tuple(found)


def _entry(text: str, lines: list[Line], i: int) -> tuple[Line, int]:
    """The list entry at line ``i``: the line plus the lines it wraps onto.

    A line that follows an entry ending in ``,`` or a word (not ``;``/``.``) continues
    it ("… thành phố: Cao Bằng," / "Lào Cai, Lạng Sơn …"). Returns (entry, next index).
    """
    first = lines[i]
    last = first
    j = i + 1
    while (j < len(lines) and not lines[j].blank and not last.text.endswith((";", ".", ":"))
           and not _BULLET.match(lines[j].text) and not _STORE.match(lines[j].text)
           and not is_upper_line(lines[j].text)):
        last = lines[j]
        j += 1
    return Line(text[first.start:last.end], first.start, last.end), j


def _is_stamp(text: str) -> bool:
    return is_mark(text.strip(" *_.:"))


def recipient_list(text: str, settings: Settings = DEFAULT_SETTINGS) -> list[Found[str]]:
    """Recipients named after ``Kính gửi:`` (or a công điện's ``… điện:``)."""
    lines = split_lines(text)
    for i, line in enumerate(lines[:settings.recipients_label_lines]):
        m = _TO_LABEL.match(line.text)
        # the cable's label ends its (stripped) line: a line not ending in ":" is not searched
        cable = not m and line.text.endswith(":") and _CABLE_LABEL.search(line.text) \
            and is_upper_line(line.text.split(" điện")[0])
        if not m and not cable:
            continue
        if m and line.text[m.end():].strip():
            inline = line.text[m.end():]
            items = _items(line, inline, m.end())
            if not _BULLET.match(inline.strip()):
                return items
            # "Kính gửi: - Sở A;" followed by more bullets
            return items + _bullet_items(text, lines, i + 1, settings=settings)
        return _bullet_items(text, lines, i + 1, settings=settings)
    return []


def _bullet_items(text: str, lines: list[Line], i: int, *, until_store: bool = False,
                  settings: Settings = DEFAULT_SETTINGS) -> list[Found[str]]:
    found: list[Found[str]] = []
    started = False
    while i < len(lines):
        line = lines[i]
        t = line.text
        if not t or _is_stamp(t):
            i += 1
            continue
        if _BULLET.match(t):
            started = True
            entry, i = _entry(text, lines, i)
            found.extend(_items(entry, entry.text, 0))
            if until_store and _STORE.match(_BULLET.sub("", t)):
                break
            if not until_store and entry.text.rstrip().endswith("."):
                break
            continue
        if until_store and _STORE.match(t):
            found.extend(_items(line, t, 0))
            break
        if not started:
            if t.endswith(":") and len(t) < _SUB_LABEL_MAX_CHARS:  # "Gửi bản điện tử:"
                i += 1
                continue
            # a single recipient on the line after the label
            entry, i = _entry(text, lines, i)
            found.extend(_items(entry, entry.text, 0))
            break
        # an item without its bullet: short, mixed case, ending the way items end
        if (until_store and not is_upper_line(t) and len(t) < settings.cc_item_max_chars
                and t.endswith((";", "."))
                and not t.startswith("(")):
            found.extend(_items(line, t, 0))
            i += 1
            continue
        break
    return found


def cc_list(text: str, settings: Settings = DEFAULT_SETTINGS) -> list[Found[str]]:
    """Items of the ``Nơi nhận`` list, ``Lưu: …`` included (a signer's lines run into it
    on a tab-laid page are the signature's, not items)."""
    lines = column_lines(text)
    for i, line in enumerate(lines):
        # the label opens with "N" (matched case-insensitively): the other lines are not tried
        m = CC_LABEL.match(line.text) if line.text[:1] in "Nn" else None
        if not m:
            continue
        inline = line.text[m.end():].strip()
        first = _items(line, line.text[m.end():], m.end()) if inline else []
        return first + _bullet_items(text, lines, i + 1, until_store=True, settings=settings)
    return []


# "Như trên" in Nơi nhận stands for the Kính gửi list; "Lưu: VT, …" is the issuer's own file
_AS_ABOVE = regex.compile(r"^nhu\s+tren\b")
_FILE_COPY = regex.compile(r"^luu\b")


def distribution_kind(item: str) -> str:
    """What a Nơi nhận item is: ``as_above`` ("Như trên (để thực hiện)": the Kính gửi list),
    ``file_copy`` ("Lưu: VT, SNV": the issuer keeps it, nobody receives it) or ``recipient``."""
    key = fold_diacritics(_BULLET.sub("", item.strip())).lower()
    if _AS_ABOVE.match(key):
        return "as_above"
    if _FILE_COPY.match(key):
        return "file_copy"
    return "recipient"
