"""Legacy Vietnamese encodings: TCVN3 (ABC, ``.VnTime`` fonts) and VNI (``VNI-Times``).

Archives still hold files typed before Unicode: "Céng hßa x· héi chñ nghÜa ViÖt
Nam" is TCVN3, "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam" is VNI. The mapping
tables come from ``viparse`` (MIT, no dependencies; tables checked against real
government documents); this module decides *whether* and *which* table applies —
per document, or per run when a font name says so — because the library's own
content detector declines on short text such as a header line.

TCVN3 has no upper-case toned letters: capitals were set in the ``.VnTimeH``
font over lower-case bytes, so "UBND TØNH" decodes to "UBND TỉNH". Words that
are otherwise in capitals get their converted letters upper-cased back.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import regex

from pipeline.text.errors import UnreadableFile

TCVN3 = "tcvn3"
VNI = "vni"

# Vietnamese letters outside Latin-1 (ă ơ ư đ ĩ ũ and the whole U+1EA0 block): Unicode text
# is full of them, legacy text has none.
_UNICODE_VIET = regex.compile(r"[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1"
                              r"\u01af\u01b0\u1ea0-\u1ef9]")
_WORD = regex.compile(r"[\p{L}\u00a1-\u00bf\u00d7\u00f7\u2212\u2219]+")
# letters of Vietnamese (NFC) plus ASCII: a word made only of these "looks Vietnamese"
_VIET_LETTERS = set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ")


def encoding_for_font(font: str | None) -> str | None:
    """``.VnTime``/``.VnArialH`` → tcvn3, ``VNI-Times`` → vni, anything else → None."""
    if not font:
        return None
    name = regex.sub(r"^[A-Z]{6}\+", "", font).strip().upper()
    if name.startswith(".VN") or name.startswith("VN") and not name.startswith("VNI"):
        return TCVN3 if name.startswith(".VN") else None
    if name.startswith("VNI"):
        return VNI
    return None


def is_capitals_font(font: str | None) -> bool:
    """``.VnTimeH``, ``.VnArialH``: a TCVN3 font that draws every letter as a capital."""
    if not font:
        return False
    name = regex.sub(r"^[A-Z]{6}\+", "", font).strip()
    return encoding_for_font(name) == TCVN3 and regex.search(r"H(?:[ ,-]|$)", name) is not None


def convert(text: str, encoding: str, *, capitals: bool = False) -> str:
    """Convert legacy text to Unicode NFC with the named table (``tcvn3`` or ``vni``)."""
    import viparse  # a light import: the conversion layer has no dependencies

    out = viparse.fix(text, encoding=encoding)
    if encoding == TCVN3:
        out = out.upper() if capitals else _restore_capitals(out)
    return unicodedata.normalize("NFC", out)


def _restore_capitals(text: str) -> str:
    """Upper-case converted letters inside words typed in capitals ("TỉNH" → "TỈNH").

    A word is in capitals when its other letters are, or — for a word like "Sở" in
    "Sở TƯ PHÁP" — when every other word of a line without digits is.
    """
    def in_capitals(word: str) -> bool | None:
        """True: capitals; False: a mixed-case word; None: cannot tell ("Sở")."""
        upper = sum(1 for c in word if c.isupper())
        if any("a" <= c <= "z" for c in word):
            return False
        if not any(c.islower() for c in word):
            return True
        if upper >= 2 or (upper >= 1 and word[0].islower()):
            return True
        return None if upper == 1 else False

    def fix_line(line: str) -> str:
        words = regex.findall(r"\p{L}+", line)
        verdicts = [in_capitals(w) for w in words]
        line_in_capitals = (not regex.search(r"\d", line) and len(words) >= 2
                            and all(v is not False for v in verdicts)
                            and any(v is True for v in verdicts))

        def fix(m: regex.Match) -> str:
            word = m.group(0)
            verdict = in_capitals(word)
            return word.upper() if verdict or (verdict is None and line_in_capitals) else word
        return regex.sub(r"\p{L}+", fix, line)

    return "\n".join(fix_line(line) for line in text.split("\n"))


_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
_CODA = r"(?:ng|nh|ch|[cmnpt])?"
_VOWEL = "aăâeêioôơuưy"
_SYLLABLE = regex.compile(rf"{_ONSET}[{_VOWEL}]{{1,3}}{_CODA}")


def _is_syllable(word: str) -> bool:
    """A Vietnamese syllable: onset, one to three vowels with at most one tone, coda."""
    if not all(c in _VIET_LETTERS for c in word):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323")
    base = unicodedata.normalize("NFC", regex.sub("[\u0300\u0301\u0303\u0309\u0323]", "",
                                                   decomposed))
    return tones <= 1 and _SYLLABLE.fullmatch(base) is not None


def _fix_score(text: str, encoding: str) -> int:
    """Words the table turns into Vietnamese syllables, minus syllables it spoils.

    Zero unless most non-ASCII words come out as syllables: Spanish or German
    text must never be "converted".
    """
    words = [w for w in set(_WORD.findall(text)) if not w.isascii()]
    if not words:
        return 0
    score = good = 0
    for word in words:
        before = _is_syllable(word)
        after = _is_syllable(convert(word, encoding))
        good += after
        score += (not before and after) - (before and not after)
    return score if good >= 0.8 * len(words) else 0


# what a TCVN3 or VNI byte looks like read as Latin-1 / cp1252
_LEGACY_CHAR = regex.compile("[\u00a0-\u00ff\u2212\u2219]")
_BELOW_A0 = bytes(range(0xa0))


def _legacy_char_count(text: str) -> int:
    """How many characters of ``text`` ``_LEGACY_CHAR`` matches, counted by the Latin-1
    encoder and ``bytes.translate`` (in C) rather than a regex pass in Python."""
    latin1 = text.encode("latin-1", "ignore").translate(None, _BELOW_A0)
    return len(latin1) + text.count("\u2212") + text.count("\u2219")


# ``re`` rather than ``regex`` for this plain class: it scans it about twice as fast
_UNICODE_VIET_FAST = re.compile(_UNICODE_VIET.pattern)


def _more_than(chars: re.Pattern, text: str, limit: float, first: int = 1024) -> bool:
    """Does the one-character pattern ``chars`` occur more than ``limit`` times in ``text``?
    (Counted a chunk at a time, each twice the last, stopping once it does: Unicode text
    shows it in its first lines.)"""
    count = 0
    at = 0
    size = first
    while at < len(text):
        count += len(chars.findall(text, at, at + size))
        if count > limit:
            return True
        at += size
        size *= 2
    return count > limit


def detect_legacy(text: str) -> str | None:
    """``tcvn3``, ``vni`` or None (Unicode, or not enough evidence to say)."""
    legacy_chars = _legacy_char_count(text)
    if legacy_chars == 0:
        return None
    if _more_than(_UNICODE_VIET_FAST, text, 0.2 * legacy_chars):
        return None  # real Unicode Vietnamese: never touch it
    import viparse

    found = viparse.detect_text_encoding(text)
    if found in (TCVN3, VNI):
        return found
    # short text (a header line, a run): count the words each table mends
    scores = {enc: _fix_score(text, enc) for enc in (TCVN3, VNI)}
    best = max(scores, key=scores.get)
    other = VNI if best == TCVN3 else TCVN3
    if scores[best] >= 1 and scores[best] > scores[other]:
        return best
    return None


def convert_legacy_text(text: str) -> tuple[str, str | None]:
    """Convert ``text`` when it is TCVN3 or VNI; returns (text, encoding label or None)."""
    encoding = detect_legacy(text)
    if encoding is None:
        return text, None
    return convert(text, encoding), encoding


def _single_byte(data: bytes) -> str:
    """cp1252 where it defines a character, Latin-1 elsewhere: how legacy fonts saw bytes."""
    out = []
    for b in data:
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def decode_legacy_bytes(data: bytes, path: str | Path) -> tuple[str, str]:
    """Decode a non-UTF-8 text file typed in TCVN3 or VNI; returns (text, ``tcvn3``|``vni``).

    Raises ``UnreadableFile`` when the bytes are neither.
    """
    text = _single_byte(data)
    encoding = detect_legacy(text)
    if encoding is None:
        raise UnreadableFile(path, "not valid UTF-8, and not recognisable as TCVN3 or VNI text")
    return convert(text, encoding), encoding
