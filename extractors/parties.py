"""Who a document is sent to: ``Kính gửi`` (recipients) and ``Nơi nhận`` (distribution).

``Kính gửi: Sở Nội vụ.`` on one line, or a list of ``- …;`` lines (the last ends
with ``.``) — an urgency stamp may sit between the label and the list. A công điện
names its recipients after ``… điện:``. ``Nơi nhận:`` lists one item per bullet or
per ``;`` and ends with ``- Lưu: VT, …``.
"""
from __future__ import annotations

import regex

from extractors.header import SECRECY, URGENCY
from extractors.lines import Line, ascii_key, is_upper_line, split_lines
from extractors.spans import Found

_TO_LABEL = regex.compile(r"^(?:Kính\s*gửi|Kinh\s*gui)\s*[:;.]?\s*", regex.I)
_CABLE_LABEL = regex.compile(r"\bđiện\s*:\s*$", regex.I)
_CC_LABEL = regex.compile(r"^N[ơo]i?\s*nh[ậâa]n\s*[:;.]?\s*", regex.I)
_BULLET = regex.compile(r"^[-–—+•*·]\s*")
_STORE = regex.compile(r"^Lưu\s*[:.]", regex.I)


def _items(line: Line, body: str, offset: int) -> list[Found[str]]:
    """Split one list line into items at ``;`` and trim bullets and end punctuation."""
    found = []
    pos = 0
    for part in regex.split(r";", body):
        raw = part
        lead = len(raw) - len(raw.lstrip(" -–—+•*·\t"))
        item = raw.strip(" -–—+•*·\t").rstrip(" .,;")
        item = regex.sub(r"\s+", " ", item)
        if item and item not in {"…", "...", "./."}:
            start = line.start + offset + pos + lead
            found.append(Found(item, start, start + len(item)))
        pos += len(raw) + 1
    return found


def _is_stamp(text: str) -> bool:
    return ascii_key(text.strip(" *_.:")) in URGENCY | SECRECY


def recipient_list(text: str) -> list[Found[str]]:
    """Recipients named after ``Kính gửi:`` (or a công điện's ``… điện:``)."""
    lines = split_lines(text)
    for i, line in enumerate(lines[:200]):
        m = _TO_LABEL.match(line.text)
        cable = not m and _CABLE_LABEL.search(line.text) and is_upper_line(line.text.split(" điện")[0])
        if not m and not cable:
            continue
        if m and line.text[m.end():].strip():
            inline = line.text[m.end():]
            items = _items(line, inline, m.end())
            if not _BULLET.match(inline.strip()):
                return items
            # "Kính gửi: - Sở A;" followed by more bullets
            return items + _bullet_items(lines, i + 1)
        return _bullet_items(lines, i + 1)
    return []


def _bullet_items(lines: list[Line], i: int, *, until_store: bool = False) -> list[Found[str]]:
    found: list[Found[str]] = []
    started = False
    for line in lines[i:]:
        t = line.text
        if not t or _is_stamp(t):
            continue
        if _BULLET.match(t):
            started = True
            found.extend(_items(line, t, 0))
            if until_store and _STORE.match(_BULLET.sub("", t)):
                break
            if not until_store and t.rstrip().endswith("."):
                break
            continue
        if until_store and _STORE.match(t):
            found.extend(_items(line, t, 0))
            break
        if not started:
            if t.endswith(":") and len(t) < 40:  # a sub-label such as "Gửi bản điện tử:"
                continue
            # a single recipient on the line after the label
            found.extend(_items(line, t, 0))
            break
        # a continuation item without its bullet: short, mixed case, ending the way items end
        if (until_store and not is_upper_line(t) and len(t) < 120 and t.endswith((";", "."))
                and not t.startswith("(")):
            found.extend(_items(line, t, 0))
            continue
        break
    return found


def cc_list(text: str) -> list[Found[str]]:
    """Items of the ``Nơi nhận`` list, ``Lưu: …`` included."""
    lines = split_lines(text)
    for i, line in enumerate(lines):
        m = _CC_LABEL.match(line.text)
        if not m:
            continue
        inline = line.text[m.end():].strip()
        first = _items(line, line.text[m.end():], m.end()) if inline else []
        return first + _bullet_items(lines, i + 1, until_store=True)
    return []
