"""The signature block (phần ký): authority mark, position, name.

``TM. ỦY BAN NHÂN DÂN`` / ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH`` / (signature, seal) /
``Đặng Minh Thông``. Marks: TM. (on behalf of a collective body), KT. (signing for
the head), TL. (by order), TUQ. (by authorisation), Q. (acting). The name may come
after blank lines, bold markup or a stray footnote mark such as ``(2)``.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from extractors.lines import Line, ascii_key, is_upper_line, split_lines
from extractors.parties import CC_LABEL
from pipeline.lexicon import load_lexicon
from pipeline.settings import DEFAULT_SETTINGS, Confidence, Settings
from pipeline.text.keys import fold_diacritics
from pipeline.text.spans import Found
from schemas import Signer

_LEXICON = load_lexicon("signer")


def _alternatives(phrases, space: str = r"\ ") -> str:
    return "|".join(space.join(regex.escape(w) for w in p.split()) for p in phrases)


def _folded_words(name: str) -> regex.Pattern:
    """Whole words of the lexicon's list ``name``, written without diacritics in capitals
    (matched against ``ascii_key`` of a line)."""
    words = (fold_diacritics(w).upper() for w in _LEXICON[name])
    return regex.compile(rf"\b(?:{_alternatives(words)})\b")


_MARK = regex.compile(
    rf"^(?P<mark>{_alternatives(a['code'] for a in _LEXICON['authority'])})\s*\.\s*(?P<rest>.+)$")
_POSITION_WORDS = _folded_words("position_words")
# an upper-case line holding a body's word is no person's name
_BODY_WORDS = _folded_words("body_words")
# ranks and degrees printed before a signer's name; a degree may carry initials ("TS. BS.")
_RANKS = _alternatives(_LEXICON["military_ranks"], space=r"\s+")
_NAME_PREFIX = regex.compile(
    rf"^(?:{_RANKS}|"
    rf"(?:{_alternatives(_LEXICON['degrees'])})\.?(?:\s*[A-ZĐ][A-Za-zĐ]*\.)*)\s+")
# what sits between the position and the name: signature notes, footnote marks, seal remarks
_BETWEEN = regex.compile(
    rf"^(?:\(\d+\)|\[?\(?(?:{_alternatives(_LEXICON['signature_notes'])})[^)\]]*\)?\]?|"
    r"\[daky\]|\.+|_+|\*+)$", regex.I)
_NAME = regex.compile(r"^(?:\p{Lu}[\p{Ll}\p{M}]*\.?)(?:\s+\p{Lu}[\p{Ll}\p{M}]*){1,5}$")
_UPPER_NAME = regex.compile(r"^\p{Lu}+(?:\s+\p{Lu}+){1,4}$")
_STORE_LINE = regex.compile(r"^[-–+•]?\s*Lưu\s*[:.]")  # "- Lưu: VT, …" closes the list
_POSITION_MAX_CHARS = 70  # a longer upper-case line is a title or a heading, not a position


@dataclass
class _Candidate:
    signer: Signer
    start: int
    end: int
    confidence: float


def position_case(text: str) -> str:
    """``PHÓ CHỦ TỊCH`` → ``Phó Chủ tịch``, ``CHÁNH VĂN PHÒNG`` → ``Chánh Văn phòng``."""
    words = regex.sub(r"\s+", " ", text.strip(" *.:")).lower().split(" ")
    out = []
    for i, w in enumerate(words):
        if i == 0 or (i == 1 and words[0] in {"phó", "chánh", "quyền"}) or w in {"quốc", "chính"}:
            out.append(w[:1].upper() + w[1:])
        else:
            out.append(w)
    return " ".join(out)


def _is_position(text: str) -> bool:
    t = text.strip(" *")
    return (len(t) <= _POSITION_MAX_CHARS and is_upper_line(t)
            and bool(_MARK.match(t) or _POSITION_WORDS.search(ascii_key(t))))


def _name_after(lines: list[Line], i: int, window: int) -> tuple[Line, float] | None:
    """The name within ``window`` lines from ``i``, with how sure its shape makes it."""
    for line in lines[i:i + window]:
        t = line.text.strip(" *_")
        if not t or _BETWEEN.match(t):
            continue
        t = _NAME_PREFIX.sub("", t)
        if _NAME.match(t):
            return line, Confidence.STRUCTURED  # "Đặng Minh Thông": a name's shape
        key = ascii_key(t)
        if _UPPER_NAME.match(t) and not _POSITION_WORDS.search(key) and not _BODY_WORDS.search(key):
            return line, Confidence.WEAK  # in capitals: a name, or a line of the seal
        return None
    return None


def _parse_block(block: list[Line]) -> Signer:
    authority = on_behalf_of = title = None
    for line in block:
        t = line.text.strip(" *")
        m = _MARK.match(t)
        if m:
            authority = m.group("mark")
            on_behalf_of = position_case(m.group("rest"))
            if authority == "Q":
                title, on_behalf_of = position_case(m.group("rest")), None
        else:
            title = position_case(t)
    if authority == "TM" and title is None:
        title = on_behalf_of
    return Signer(authority=authority, on_behalf_of=on_behalf_of, title=title)


def _candidates(lines: list[Line], settings: Settings) -> list[_Candidate]:
    found: list[_Candidate] = []
    i = 0
    while i < len(lines):
        if not _is_position(lines[i].text):
            i += 1
            continue
        block = [lines[i]]
        j = i + 1
        while (j < len(lines) and (lines[j].blank or _is_position(lines[j].text))
               and j - i < settings.signer_block_lines):
            if not lines[j].blank:
                block.append(lines[j])
            j += 1
        # the block ends at the last position line; blank lines after it belong to the signature
        j = lines.index(block[-1]) + 1
        named = _name_after(lines, j, settings.signer_name_lines)
        if named:
            signer = _parse_block(block)
            name_line, confidence = named
            name = _NAME_PREFIX.sub("", name_line.text.strip(" *_"))
            if name.isupper():
                name = " ".join(w[:1] + w[1:].lower() for w in name.split())
            signer.name = name
            found.append(_Candidate(signer, block[0].start, name_line.end, confidence))
            i = lines.index(name_line) + 1
        else:
            i = j
    return found


def _name_only(lines: list[Line], after: int, settings: Settings) -> _Candidate | None:
    """A name standing alone after the distribution list (the position was lost)."""
    for k, line in enumerate(lines):
        if line.start < after or line.blank:
            continue
        named = _name_after(lines, k, settings.signer_name_lines)
        if named and named[0] is line:
            name = _NAME_PREFIX.sub("", line.text.strip(" *_"))
            return _Candidate(Signer(name=name), line.start, line.end, Confidence.GUESSED)
    return None


def signer_block(text: str, settings: Settings = DEFAULT_SETTINGS) -> Found[Signer] | None:
    """The signer of the document: the block next to ``Nơi nhận``, else the first one found."""
    lines = split_lines(text)
    candidates = _candidates(lines, settings)
    cc_at = next((ln.start for ln in lines if CC_LABEL.match(ln.text)), None)
    chosen: _Candidate | None = None
    if candidates and cc_at is not None:
        chosen = min(candidates, key=lambda c: abs(c.start - cc_at))
        if abs(chosen.start - cc_at) > settings.signer_cc_distance:
            chosen = candidates[0]  # the list belongs to an annexed template, not to the signer
    elif candidates:
        chosen = candidates[0]
    if chosen is None and cc_at is not None:
        cc_end = _end_of_list(lines, cc_at)
        chosen = _name_only(lines, cc_end, settings)
    if chosen is None:
        return None
    return Found(chosen.signer, chosen.start, chosen.end, chosen.confidence)


def _end_of_list(lines: list[Line], cc_at: int) -> int:
    """Offset just after the ``Lưu: …`` line that closes the distribution list."""
    for line in lines:
        if line.start > cc_at and _STORE_LINE.match(line.text):
            return line.end
    return cc_at
