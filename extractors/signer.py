"""The signature block (phần ký): authority mark, position, name.

``TM. ỦY BAN NHÂN DÂN`` / ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH`` / (signature, seal) /
``Đặng Minh Thông``. Marks: TM. (on behalf of a collective body), KT. (signing for
the head), TL. (by order), TUQ. (by authorisation), Q. (acting). The name may come
after blank lines, bold markup or a stray footnote mark such as ``(2)``.

On a scan the seal and the signature leave debris: short lines of symbols or a few letters
("¬", "ae.", "^") between the block's lines, and stray marks at a line's ends
(": PHÓ CHỦ NHIÊM s."); both are passed over. In a two-column layout the block stands
before the ``Nơi nhận`` list and the name (sometimes the position too) after it. When the
position line under ``KT. <HEAD>`` is lost under the seal, the signer is the head's deputy
(``Phó <head>``, ``Thứ trưởng`` for a minister), given at a lower confidence.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count

import regex

from extractors.lines import CC_LABEL, Line, ascii_key, is_upper_line, split_lines
from extractors.names import ABBREVIATIONS, ADMIN_UNITS, BODY_HEADS, sentence_case_name
from pipeline.lexicon import load_lexicon
from pipeline.settings import DEFAULT_SETTINGS, Confidence, Settings
from pipeline.text.keys import fold_diacritics, tone_key
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


def _slashed(code: str) -> str:
    """``KT`` as the 2000s printed it: ``K/T`` (no dot needed after the slash form)."""
    return rf"{regex.escape(code[0])}\s*/\s*{regex.escape(code[1:])}" if len(code) == 2 else "(?!)"


_CODES = [a["code"] for a in _LEXICON["authority"]]
_MARK = regex.compile(
    rf"^(?:(?P<mark>{_alternatives(_CODES)})\s*\.|(?P<slashed>{'|'.join(_slashed(c) for c in _CODES)})\s*\.?)"
    rf"\s*(?P<rest>.+)$")
_SHORT_POSITION_CHARS = 40  # a position typed in mixed case under a mark ("Phó Chủ tịch")
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
_STORE_LINE = regex.compile(r"^[-–+•~]?\s*Lưu\s*[:.;]", regex.I)  # "- Lưu: VT, …" closes the list
_POSITION_MAX_CHARS = 70  # a longer upper-case line is a title or a heading, not a position
# "Nơi nhận" as OCR reads it on a scan: debris before it, its first letter misread ("Wơi nhận:")
_CC_LOOSE = regex.compile(r"^[\W_]*\p{L}?[ơo]i\s*nh[ậâa]n\s*[:;.]", regex.I)
_BULLET = regex.compile(r"^[-–—+•~]")
_LETTER = regex.compile(r"\p{L}")
# debris at a line's ends: non-letters before it, short tokens not in capitals after it
_LEAD_DEBRIS = regex.compile(r"^[^\p{L}(]+")
_TRAIL_TOKEN = regex.compile(r"^(?:\S*\p{Ll}\S*|[^\p{L}]+)$")  # "s.", "r=", "‡o"
_TRAIL_TOKEN_MAX_CHARS = 3
# a position line read whole: words of capitals ("GD&ĐT", "(PHỤ TRÁCH)", "Y TẾ"), no digit,
# no symbol inside a word, no lone consonant ("P LỘ 7 THỦ TƯỚNG" is a line the seal broke)
_CLEAN_WORD = regex.compile(r"^\(?(?P<w>\p{Lu}+(?:[&/\-]\p{Lu}+)*|&|-)\)?[,.:;]?$")
_VOWELS = frozenset("AEIOUY")
_DEPUTY_PREFIX = _LEXICON["deputy_prefix"]
_DEPUTY_TITLES = {ascii_key(e["head"]): e["deputy"] for e in _LEXICON["deputy_titles"]}


# compiled once: a module-level ``regex.sub(pattern, …)`` looks its pattern up at each call
_SPACES = regex.compile(r"\s+")
_NOT_WORD = regex.compile(r"\W")
_NOT_IN_POSITION = regex.compile(r"[\d,;:()]")


@dataclass
class _Candidate:
    signer: Signer
    start: int
    end: int
    confidence: float


def position_case(text: str) -> str:
    """``PHÓ CHỦ TỊCH`` → ``Phó Chủ tịch``, ``CHÁNH VĂN PHÒNG`` → ``Chánh Văn phòng``;
    each of a list of positions alike: ``BỘ TRƯỞNG, CHỦ NHIỆM`` → ``Bộ trưởng, Chủ nhiệm``."""
    parts = _SPACES.sub(" ", text.strip(" *.:")).split(",")
    return ", ".join(_one_position_case(p) for p in parts if p.strip())


def _one_position_case(text: str) -> str:
    words = text.strip().lower().split(" ")
    out = []
    for i, w in enumerate(words):
        if i == 0 or (i == 1 and words[0] in {"phó", "chánh", "quyền"}) or w in {"quốc", "chính"}:
            out.append(w[:1].upper() + w[1:])
        else:
            out.append(w)
    return " ".join(out)


def _cleaned(text: str) -> tuple[str, bool]:
    """A line without markup and without the debris at its ends; whether debris was cut."""
    t = text.strip(" *_")
    lead = _LEAD_DEBRIS.match(t)
    marred = bool(lead)
    if lead:
        t = t[lead.end():]
    elif not _trail_token(t.rsplit(None, 1)):
        return t, False  # nothing to cut at either end (a line of prose, mostly): not split
    tokens = t.split()
    while _trail_token(tokens):
        tokens.pop()
        marred = True
    return (" ".join(tokens) if marred else t), marred


def _trail_token(parts: list[str]) -> bool:
    """Is the last of ``parts`` (a line's words, or its ``rsplit(None, 1)``) debris that
    ``_cleaned`` cuts, another word before it?"""
    return (len(parts) > 1 and len(parts[-1]) <= _TRAIL_TOKEN_MAX_CHARS
            and bool(_TRAIL_TOKEN.match(parts[-1])))


def _is_junk(text: str, settings: Settings) -> bool:
    """Debris of a seal or a signature: a short line of symbols or a few letters."""
    t = text.strip()
    return bool(t) and len(_LETTER.findall(t)) <= settings.signer_junk_letters


def _mark_code(m: regex.Match) -> str:
    return m.group("mark") or _NOT_WORD.sub("", m.group("slashed")).upper()


@lru_cache(maxsize=16384)  # every line is asked; the same lines recur across documents
def _is_position(text: str) -> bool:
    """A signer's position line (``PHÓ CHỦ TỊCH``, ``KT. CHỦ TỊCH``, ``K/T Chủ tịch``)."""
    if not text or _NO_POSITION.match(text):
        return False  # a blank line, or a line of prose (most lines of a page)
    return _is_position_read(text)


def _is_position_read(text: str) -> bool:
    t, _ = _cleaned(text)
    if len(t) > _POSITION_MAX_CHARS:
        return False
    if is_upper_line(t):
        return bool(_MARK.match(t) or _POSITION_WORDS.search(ascii_key(t)))
    # a mark before a position typed in mixed case ("K/T Chủ tịch", "Q. Giám đốc"): TCVN3
    # fonts had no capital toned vowels, so old blocks were often typed so
    m = _MARK.match(t)
    return bool(m) and _is_mixed_position(m.group("rest"))


def _is_mixed_position(text: str) -> bool:
    """``Phó Chủ tịch``, ``Thứ trưởng``, ``UBND huyện``: a short position or body in mixed
    case. Its words are compared with their tone marks: without them the surname Trương
    reads as the position TRƯỞNG."""
    t = text.strip(" *.:")
    return (len(t) <= _SHORT_POSITION_CHARS and not _NOT_IN_POSITION.search(t)
            and bool(_MIXED_POSITION.search(tone_key(t))
                     or ascii_key(t).split(" ")[0] in _ABBREVIATED_BODIES))


_MIXED_POSITION = regex.compile(
    r"(?<!\p{L})(?:" + _alternatives(sorted(
        {tone_key(w) for w in _LEXICON["position_words"]}
        # a body's words of two syllables and more ("Ủy ban"): "Sở", "Bộ" may end a name
        | {tone_key(w) for w in _LEXICON["body_words"] if " " in w},
        key=len, reverse=True)) + r")(?!\p{L})")


# A position is in capitals or opens with a mark. Debris cut (non-letters before the first
# letter or "(", short tokens at the end: ``_cleaned``), the first word stays: a line whose
# first word holds a small letter, and that does not open as a mark may (a code, or a code's
# first letter before "." or "/"), is none. (White space as ``str.split`` sees it: with
# \x1c–\x1f, which ``regex``'s \s leaves out.)
_NO_POSITION = regex.compile(
    r"[^\p{L}(]*+"  # possessive: the first word begins at the first letter or "("
    rf"(?!{'|'.join(regex.escape(c) for c in _CODES if len(c) > 1)}"
    rf"|[{''.join(sorted({regex.escape(c[0]) for c in _CODES}))}][\s\x1c-\x1f]*[./])"
    r"[^\s\x1c-\x1f]*?\p{Ll}")
_ABBREVIATED_BODIES = {ascii_key(a) for a in ABBREVIATIONS if len(a) > 3}  # UBND, HĐND
# the head signed for and the body it heads: "BỘ TRƯỞNG" + "BỘ TÀI CHÍNH"
_HEADS = sorted({ascii_key(p) for p in load_lexicon("cues")["heads_of_bodies"]}
                | {"THU TUONG"}, key=len, reverse=True)
_BODY_START = regex.compile(
    rf"^(?:{_alternatives(sorted({ascii_key(b) for b in (*BODY_HEADS, *ABBREVIATIONS)}, key=len, reverse=True))}"
    rf"|CHINH PHU)\b")


def _head_and_body(rest: str) -> tuple[str, str | None]:
    """``BỘ TRƯỞNG BỘ TÀI CHÍNH`` → (``BỘ TRƯỞNG``, ``BỘ TÀI CHÍNH``); a head alone is kept."""
    words = rest.split()
    key = ascii_key(rest).split()
    for head in _HEADS:
        n = len(head.split())
        if key[:n] == head.split() and len(words) > n + 1 and _BODY_START.match(" ".join(key[n:])):
            return " ".join(words[:n]), " ".join(words[n:])
    return rest, None


_ADMIN_UNIT_WORD = regex.compile(rf"\b(?:{_alternatives(ascii_key(u) for u in ADMIN_UNITS)})\b")


def _on_behalf_of(authority: str, head: str, body: str | None) -> str:
    """The head (or collective body) signed for, in sentence case: ``Bộ trưởng Bộ Tài chính``,
    ``Ủy ban nhân dân huyện Gia Lộc`` (a body's name keeps its proper nouns)."""
    if body:
        return f"{position_case(head)} {sentence_case_name(body.upper())}"
    key = ascii_key(head)
    if authority == "TM" and (key.split(" ")[0] in _ABBREVIATED_BODIES
                              or _ADMIN_UNIT_WORD.search(key.replace("XA HOI", ""))):
        return sentence_case_name(head.upper())  # "UBND HUYỆN GIA LỘC": a body and its place
    return position_case(head)


def _read_whole(text: str) -> bool:
    """A position line without a digit, a lone letter or a symbol inside a word."""
    for word in text.split():
        m = _CLEAN_WORD.match(word)
        if not m or (len(m["w"]) == 1 and fold_diacritics(m["w"]).upper() not in _VOWELS
                     and m["w"] not in "&-"):
            return False
    return True


@lru_cache(maxsize=16384)  # every line is asked; the same lines recur across documents
def _is_cc(text: str) -> bool:
    first = text[:1]
    if not first or first.isalpha() and first not in _CC_FIRST and text[1:2] not in _CC_VOWEL:
        # both labels open with "N", or with one letter at most before "ơ"/"o": not this
        # line (most lines of a page, and every one is asked); nor a blank one
        return False
    return bool(_CC_EITHER.match(text))


# either label, in one pass (a line that is neither is tried once, not twice)
_CC_EITHER = regex.compile(f"(?:{CC_LABEL.pattern})|(?:{_CC_LOOSE.pattern})", regex.I)
_CC_FIRST = frozenset("nNoOơƠ")
_CC_VOWEL = frozenset("oOơƠ")


def _next_significant(lines: list[Line], k: int, settings: Settings) -> int | None:
    """The first line from ``k`` that is neither blank nor debris."""
    while k < len(lines):
        if not lines[k].blank and not _is_junk(lines[k].text, settings):
            return k
        k += 1
    return None


def _prev_significant(lines: list[Line], k: int, settings: Settings) -> int | None:
    """The last line before ``k`` that is neither blank nor debris."""
    k -= 1
    while k >= 0:
        if not lines[k].blank and not _is_junk(lines[k].text, settings):
            return k
        k -= 1
    return None


def _name_of(line: Line) -> tuple[str, float] | None:
    """The name a line holds, with how sure its shape makes it."""
    t = _NAME_PREFIX.sub("", line.text.strip(" *_"))
    if _NAME.match(t):
        return t, Confidence.STRUCTURED  # "Đặng Minh Thông": a name's shape
    key = ascii_key(t)
    if _UPPER_NAME.match(t) and not _POSITION_WORDS.search(key) and not _BODY_WORDS.search(key):
        return t, Confidence.WEAK  # in capitals: a name, or a line of the seal
    return None


def _name_after(lines: list[Line], i: int, window: int,
                settings: Settings) -> tuple[Line, float] | None:
    """The name within ``window`` lines from ``i``, with how sure its shape makes it."""
    for line in lines[i:i + window]:
        t = line.text.strip(" *_")
        if not t or _BETWEEN.match(t) or _is_junk(t, settings):
            continue
        named = _name_of(line)
        return (line, named[1]) if named else None
    return None


def _name_in_list(lines: list[Line], cc: int, end: int,
                  settings: Settings) -> Line | None:
    """A name printed among the lines of the distribution list (the signer's column run
    into it): a line of its own, not an item ("- …") nor the rest of an unfinished one."""
    for k in range(cc + 1, end):
        line = lines[k]
        if line.blank or _BULLET.match(line.text) or _is_junk(line.text, settings):
            continue
        prev = _prev_significant(lines, k, settings)
        if prev is None or not (prev == cc or lines[prev].text.rstrip().endswith((";", ".", ":"))):
            continue
        if _NAME.match(_NAME_PREFIX.sub("", line.text.strip(" *_"))):
            return line
    return None


def _deputy(head: str) -> str:
    """The title of a head's deputy: the last of a list of heads ("BỘ TRƯỞNG, CHỦ NHIỆM")."""
    last = head.split(",")[-1].strip()
    return _DEPUTY_TITLES.get(ascii_key(last), f"{_DEPUTY_PREFIX} {last}")


# a list line ("Nơi nhận:", "- Như trên;") and where a column run into it may begin
_LIST_LINE = regex.compile(r"^(?:[-–—+•]|N[ơo]i?\s*nh[ậâa]n)", regex.I)
_LIST_FIRST = "-–—+•Nn"
_ITEM_END = regex.compile(r"[;:.,]\s+")
_ITEM_ENDS = (";", ",", ".")  # how an item ends: ``_split_row`` never cuts such a line


def _is_list_line(t: str) -> bool:
    # a list line opens with a bullet or "N" (case-insensitive): the others are not tried
    return bool(t) and t[0] in _LIST_FIRST and bool(_LIST_LINE.match(t))


def _split_row(text: str, line: Line) -> tuple[Line | None, Line | None]:
    """A line of the bottom's two columns as (left, right): a tab parts them (a line that
    opens with one is the right column's alone); with the tabs lost, a signer's position
    run onto a list line after its item ("- Như Điều 3; KT. CHỦ TỊCH")."""
    raw_start = text.rfind("\n", 0, line.start) + 1
    if text.find("\t", raw_start, line.start) >= 0:
        return None, line
    t = line.text
    if t.endswith((";", ",", ".")):
        return line, None  # every right part would end so: an item, never a position
    cuts = [t.rindex("\t")] if "\t" in t else \
        [m.end() for m in _ITEM_END.finditer(t)] if _is_list_line(t) else []
    for cut in cuts:
        right = t[cut:].strip()
        # an item ends with ";" or "." ("- Chủ tịch, CÁC PHÓ CHỦ TỊCH UBND TỈNH;"): a position not
        if right and not right.endswith((";", ",", ".")) and _is_position(right):
            left = t[:cut].rstrip()
            at = line.start + t.index(right, cut)
            return (Line(left, line.start, line.start + len(left)) if left else None,
                    Line(right, at, at + len(right)))
    return line, None


def column_lines(text: str, start: int = 0) -> tuple[Line, ...]:
    """The lines of ``text`` from ``start``, in ``signature_columns`` order."""
    return _column_lines(text, start)  # one cache key however ``start`` is passed


@lru_cache(maxsize=2)  # the signer and the Nơi nhận list read the same page bottom
def _column_lines(text: str, start: int) -> tuple[Line, ...]:
    return tuple(signature_columns(text, split_lines(text, start)))


def signature_columns(text: str, lines: list[Line]) -> list[Line]:
    """The bottom of a tab-laid page in reading order: where a signer's position shares
    lines with the ``Nơi nhận`` list, the list's lines come first, then the block's (as the
    PDF reader orders two columns by their place on the page). Other lines are unchanged."""
    tabbed = "\t" in text  # without a tab, only a list line can hold a run-on position
    # (and without a tab, a line ending as an item does, with ";", "," or ".", holds none:
    # ``_split_row`` keeps it whole; most list lines end so, and are passed over in one step)
    if not tabbed and not any(None not in _split_row(text, ln) for ln in lines
                              if ln.text[-1:] not in _ITEM_ENDS and _is_list_line(ln.text)):
        return list(lines)  # no list line holds a position: the lines as they are
    out: list[Line] = []
    i = 0
    while i < len(lines):
        t = lines[i].text
        if not t or not (tabbed or _is_list_line(t)):
            out.append(lines[i])
            i += 1
            continue
        left, right = _split_row(text, lines[i])
        if right is None or left is None:
            out.append(lines[i])
            i += 1
            continue
        lefts: list[Line] = []
        rights: list[Line] = []
        while i < len(lines) and not lines[i].blank:
            left, right = _split_row(text, lines[i])
            lefts += [left] if left else []
            rights += [right] if right else []
            i += 1
        out += lefts + [Line("", rights[0].start, rights[0].start)] + rights
    return out


def _parse_block(block: list[Line], torn: int | None = None) -> tuple[Signer, float]:
    """The signer a block's lines state, and how sure the title is. Lines from ``torn`` on
    were read apart from the block's first lines (after the distribution list), as OCR
    tears a two-column layout: their tone marks are no surer than a line under the seal."""
    authority = on_behalf_of = title = head = None
    contradicted = False
    confidence = Confidence.STRUCTURED
    for n, line in enumerate(block):
        t, marred = _cleaned(line.text)
        marred = marred or (torn is not None and n >= torn)
        m = _MARK.match(t)
        if m:
            authority = _mark_code(m)
            head, body = _head_and_body(m.group("rest"))
            on_behalf_of = _on_behalf_of(authority, head, body)
            if authority == "Q":
                title, on_behalf_of = on_behalf_of, None
        elif not is_upper_line(t) and _is_mixed_position(t):
            title = position_case(t)  # typed in mixed case: "Phó Chủ tịch"
        elif not _read_whole(t):
            title = None  # "P LỘ 7 THỦ TƯỚNG": a line the seal broke tells no title
        elif marred and authority == "KT" and head and _read_whole(head):
            # read under the seal: its letters are sure, its tone marks are not
            deputies = [_deputy(part) for part in head.split(",")]
            same = [d for d in deputies if ascii_key(d) == ascii_key(t)]
            title = position_case(same[0]) if same else None
            contradicted = contradicted or not same  # legible, yet not the deputy: left empty
        else:
            title = position_case(t)
    if authority == "KT" and title is None and not contradicted and head and _read_whole(head):
        title = position_case(_deputy(head))  # the position line lost: the head's deputy
        confidence = Confidence.INFERRED
    return Signer(authority=authority, on_behalf_of=on_behalf_of, title=title), confidence


def _end_of_list(lines: list[Line], cc: int) -> int | None:
    """Index of the ``Lưu: …`` line that closes the distribution list labelled at ``cc``."""
    for k in range(cc + 1, len(lines)):
        if _STORE_LINE.match(lines[k].text):
            return k
        if k > cc + 1 and _is_cc(lines[k].text):
            return None
    return None


def _position_lines(lines: list[Line], i: int, settings: Settings) -> list[int]:
    """Indexes of the position lines from ``i`` on, debris and blank lines passed over."""
    block: list[int] = []
    j = i
    while j < len(lines) and j - i < settings.signer_block_lines:
        line = lines[j]
        if line.blank or _is_junk(line.text, settings):
            j += 1
        elif _is_position(line.text) or (block and _MARK.match(_cleaned(lines[block[-1]].text)[0])
                                         and _is_mixed_position(line.text)):
            block.append(j)  # a mixed-case position under a mark: "K/T Chủ tịch" / "Phó Chủ tịch"
            j += 1
        else:
            break
    return block


def _candidates(lines: list[Line], settings: Settings) -> list[_Candidate]:
    found: list[_Candidate] = []
    # the position lines, asked of the line cache in one ``map`` (no loop step per line)
    positions = [k for k, yes in enumerate(map(_is_position, [ln.text for ln in lines])) if yes]
    i = 0
    for k in positions:
        if k < i:
            continue  # inside a block read already
        i = k
        block = _position_lines(lines, i, settings)
        after = block[-1] + 1
        nxt = _next_significant(lines, after, settings)
        list_end = _end_of_list(lines, nxt) if nxt is not None and _is_cc(lines[nxt].text) else None
        two_columns = list_end is not None
        torn = None
        if two_columns:
            # two columns: the block before "Nơi nhận", its rest and the name after the list
            torn = len(block)
            block += _position_lines(lines, list_end + 1, settings)
            after = max(block[-1], list_end) + 1
        signer, confidence = _parse_block([lines[k] for k in block], torn)
        named = _name_after(lines, after, settings.signer_name_lines, settings)
        if named is None and two_columns:
            in_list = _name_in_list(lines, nxt, list_end, settings)
            named = (in_list, Confidence.WEAK) if in_list else None
        if named:
            name_line, name_confidence = named
            name = _NAME_PREFIX.sub("", name_line.text.strip(" *_"))
            if name.isupper():
                name = " ".join(w[:1] + w[1:].lower() for w in name.split())
            signer.name = name
            if two_columns:
                name_confidence = min(name_confidence, Confidence.INFERRED)
            found.append(_Candidate(signer, lines[block[0]].start,
                                    max(name_line.end, lines[block[-1]].end),
                                    min(confidence, name_confidence)))
            i = max(lines.index(name_line), block[-1]) + 1
            continue
        if signer.authority and (two_columns or _after_list(lines, block[0], settings)):
            # the name lost under the seal: a marked block at the list is still the signer's
            found.append(_Candidate(signer, lines[block[0]].start, lines[block[-1]].end,
                                    confidence))
        i = block[-1] + 1
    return found


def _after_list(lines: list[Line], k: int, settings: Settings) -> bool:
    prev = _prev_significant(lines, k, settings)
    return prev is not None and bool(_STORE_LINE.match(lines[prev].text))


def _name_only(lines: list[Line], after: int, settings: Settings) -> _Candidate | None:
    """A name standing alone after the distribution list (the position was lost), within
    the reach of a signature block: not a name in an annex further on."""
    reach = settings.signer_block_lines + settings.signer_name_lines
    for line in lines[after:after + reach]:
        if line.blank or _is_junk(line.text, settings):
            continue
        named = _name_of(line)
        if named:
            return _Candidate(Signer(name=named[0]), line.start, line.end, Confidence.GUESSED)
    return None


def signer_block(text: str, settings: Settings = DEFAULT_SETTINGS,
                 start: int = 0) -> Found[Signer] | None:
    """The signer of the document: the block next to ``Nơi nhận``, else the first one found;
    looked for from ``start`` (where the document the header describes begins)."""
    lines = column_lines(text, start)
    candidates = _candidates(lines, settings)
    cc = next(compress(count(), map(_is_cc, [ln.text for ln in lines])), None)
    chosen: _Candidate | None = None
    if candidates and cc is not None:
        cc_at = lines[cc].start
        chosen = min(candidates, key=lambda c: abs(c.start - cc_at))
        if abs(chosen.start - cc_at) > settings.signer_cc_distance:
            chosen = candidates[0]  # the list belongs to an annexed template, not to the signer
    elif candidates:
        chosen = candidates[0]
    if chosen is None and cc is not None:
        end = _end_of_list(lines, cc)
        chosen = _name_only(lines, (end if end is not None else cc) + 1, settings)
    if chosen is None:
        return None
    return Found(chosen.signer, chosen.start, chosen.end, chosen.confidence)
