"""Names of bodies and places as printed in capitals, written out in sentence case.

``UBND TỈNH BÀ RỊA-VŨNG TÀU`` → ``Ủy ban nhân dân tỉnh Bà Rịa-Vũng Tàu``;
``BỘ Y TẾ`` → ``Bộ Y tế``; ``CỤC QUẢN LÝ DƯỢC`` → ``Cục Quản lý dược``.
"""
from __future__ import annotations

from functools import lru_cache

import regex

# Abbreviations written out in an issuer's name (Decree 30 asks for the full name).
ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "TP.": "thành phố", "TP": "thành phố",
    "TX.": "thị xã", "TX": "thị xã",
    "H.": "huyện", "Q.": "quận", "P.": "phường", "TT.": "thị trấn",
}
# Words that open an administrative unit: the proper name after them is capitalised word by word.
ADMIN_UNITS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường",
               "đặc khu")
# Complete names of collective bodies: nothing after them is capitalised for their sake.
WHOLE_NAMES = ("ủy ban nhân dân", "hội đồng nhân dân")
# Head words of a body: the word after them starts the body's own name (Bộ Y tế, Sở Tư pháp).
BODY_HEADS = ("văn phòng", "ban quản lý", "ủy ban", "bộ", "sở", "cục", "vụ", "ban", "tổng cục",
              "chi cục", "viện", "trung tâm", "phòng", "thanh tra", "kho bạc", "ngân hàng",
              "tòa án", "viện kiểm sát", "công an", "bộ chỉ huy", "đài", "báo", "trường", "hội")


# compiled once: a module-level ``regex.sub(pattern, …)`` looks its pattern up at each call
_ABBREVIATED_BODY = regex.compile(r"(?<![\p{L}])(?:UBND|HĐND|UBMTTQ)(?![\p{L}])")
_ABBREVIATED_UNIT = regex.compile(r"(?<![\p{L}])(?:TP|TX|H|Q|P|TT)\.\s*(?=\p{Lu})")
_SPACES = regex.compile(r"\s+")
_AFTER_HYPHEN = regex.compile(r"-(\p{Ll})")


def expand_abbreviations(name: str) -> str:
    """``UBND tỉnh`` → ``Ủy ban nhân dân tỉnh``, ``UBND H.Long Điền`` → ``… huyện Long Điền``."""
    def repl(m: regex.Match) -> str:
        return ABBREVIATIONS.get(m.group(0).upper().strip(), m.group(0))

    name = _ABBREVIATED_BODY.sub(repl, name)
    name = _ABBREVIATED_UNIT.sub(lambda m: ABBREVIATIONS[m.group(0).strip().upper()] + " ", name)
    return _SPACES.sub(" ", name).strip()


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


@lru_cache(maxsize=4096)  # letterheads and signers' bodies recur from document to document
def sentence_case_name(name: str) -> str:
    """Sentence case for a body's name printed in capitals; mixed-case input is kept."""
    if not name.isupper():
        # already written in mixed case: only the abbreviations are expanded
        name = expand_abbreviations(name)
        return name[:1].upper() + name[1:]
    name = expand_abbreviations(name).upper()
    original = name.split(" ")
    words = name.lower().split(" ")
    out: list[str] = []
    i = 0
    proper_name = False  # inside a place name: every word capitalised
    while i < len(words):
        span = next((n for n in (3, 2, 1) if " ".join(words[i:i + n]) in ADMIN_UNITS + BODY_HEADS
                     and i + n < len(words)), 0)
        if " ".join(words[i:i + 4]) in WHOLE_NAMES:
            out.extend(words[i:i + 4])
            i += 4
        elif span and " ".join(words[i:i + span]) in ADMIN_UNITS:
            out.extend(words[i:i + span])
            i += span
            proper_name = True
        elif span and not out:
            out.extend(words[i:i + span])
            out.append(_cap(words[i + span]))
            i += span + 1
        else:
            word = original[i] if any(c.isdigit() for c in original[i]) else words[i]
            out.append(_cap(word) if proper_name else word)
            i += 1
    result = _AFTER_HYPHEN.sub(lambda m: "-" + m.group(1).upper(), " ".join(out)) \
        if proper_name else " ".join(out)
    return result[:1].upper() + result[1:]
