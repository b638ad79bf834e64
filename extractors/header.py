"""The header of a document (phần đầu văn bản, Decree 30/2020 Appendix I).

Top left the issuing body (``ỦY BAN NHÂN DÂN`` / ``TỈNH BÀ RỊA-VŨNG TÀU``) and
``Số: 7338/UBND-SNV``; top right the national motto and ``Bà Rịa-Vũng Tàu, ngày 31
tháng 5 năm 2024``; then the type name (``QUYẾT ĐỊNH``) and the subject, or for a
công văn the ``V/v …`` line; urgency and secrecy stamps anywhere near it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache

import regex

from extractors.agencies import is_gazetteer_name
from extractors.dates import LONG_DATE, date_from_match, parse_vn_date
from extractors.doc_types import doc_type_from_code, doc_type_from_title, title_heads, title_words
from extractors.lines import Line, ascii_key, is_separator, is_upper_line, split_lines
from extractors.names import (ABBREVIATIONS, ADMIN_UNITS, WHOLE_NAMES, expand_abbreviations,
                              sentence_case_name)
from extractors.number_symbol import (SYMBOL_IN_TEXT, clean_symbol, number_symbol_fields,
                                      parse_number_symbol)
from pipeline.lexicon import load_lexicon
from pipeline.readers.ocr.stamp_marks import mark_codes
from pipeline.settings import DEFAULT_SETTINGS, Confidence, Settings
from pipeline.text.keys import fold_diacritics
from pipeline.text.spans import Found
from schemas import Issuer, NumberSymbol, RecordWarning

_CUES = load_lexicon("cues")
# the motto is compared on its first letters: OCR garbles the tail of a long line
_MOTTO_PREFIX = 18
_MOTTO = tuple(ascii_key(m)[:_MOTTO_PREFIX] for m in _CUES["motto"])
# A tab-laid letterhead whose columns ran together ("BỘ TÀI CHÍNH CỘNG HOÀ XÃ HỘI CHỦ NGHĨA
# VIỆT NAM"): the motto inside a line, on its first words, compared without diacritics
_MOTTO_WORDS = 4
_MOTTO_INSIDE = regex.compile(
    r"(?<=\s)(?:" + "|".join(r"\s*".join(regex.escape(w) for w in ascii_key(m).split()[:_MOTTO_WORDS])
                            for m in _CUES["motto"]) + ")")
# the printed recipients' label and the legal bases open the body: the header ends above
_OPENS_BODY = (_CUES["recipients"][0], *_CUES["legal_basis"])
_LABEL_MAX_CHARS = 16  # a longer "… số:" is a sentence citing a number, not the number label
_MARK_MAX_CHARS = 20  # a mark (HỎA TỐC, TUYỆT MẬT) stands on a short line of its own
# "Số: 12/UBND-VP", "Số 12/UBND-VP", "Luật số: 92/2015/QH13" — but a prefixed "số" without its
# colon is a citation in the body ("Thông báo số 378/TB-VPCP ngày …"), not this document's number
_NUMBER_LINE = regex.compile(
    r"^(?P<label>S[ốỐôÔoO][\s.]*(?:hiệu\s*)?[:：;.]?|(?:[\p{L}]+\s){1,3}?s[ốôo]\s*(?:hiệu\s*)?[:：])"
    r"\s*(?P<rest>.*)$",
    regex.I)
# a symbol takes stray spaces around its slashes and hyphens ("7338 /UBND-SNV"), never
# between two letters or digits: there the symbol has ended
_WORDS_APART = regex.compile(r"[\p{L}\d]\s+[\p{L}\d]")
# "V/v", "Về việc", and how OCR renders them ("VWw", "V/ v", "—_ Về vA")
_SUBJECT_PREFIX = regex.compile(
    r"^[\W_]{0,3}\s*(?:V\s?[/Wl|I]\s?[vw]{1,2}|Vv|Về\s+việc|Về\s+v\p{L}{0,2}(?=\s))\s*[:.]?\s*",
    regex.I)


def _alternatives(phrases) -> str:
    return "|".join(regex.escape(p) for p in phrases)


# a body sentence opens: the lexicon's cue words, numbered articles, chapters and items
_BODY_START = regex.compile(
    rf"^(?:{_alternatives((*_OPENS_BODY, *_CUES['sentence_openings']))}"
    r"|Ngày \d|Điều \d|Chương [IVX\d]|I\.|1\.)", regex.I)
# a kế hoạch's title may open like a sentence ("Triển khai …", "Thực hiện Nghị quyết số …"):
# right under the type line such a line is the title, unless the block ends as a sentence does
_OPENS_SENTENCE = regex.compile(rf"^(?:{_alternatives(_CUES['sentence_openings'])})", regex.I)
_ENDS_SENTENCE = regex.compile(r"[.:;]\s*$")
# "(Kèm theo Quyết định số …)" under a title ties it to its parent: no part of the subject
_ATTACHMENT_NOTE = regex.compile(rf"^\(\s*(?:{_alternatives(_CUES['attachment_notes'])})", regex.I)
# The authority line under a decision's title: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", "BỘ TRƯỞNG BỘ Y TẾ".
_AUTHORITY_LINE = regex.compile(rf"^(?:{_alternatives(_CUES['authority_lines'])})")
# letterhead words that continue a body's name on the next line: the administrative units
_CONTINUES = regex.compile(rf"^(?:{_alternatives(u.upper() for u in ADMIN_UNITS)}|TP\.?)\b")
_HAS_ADMIN_UNIT = regex.compile(rf"(?:^|\s)(?:{_alternatives(u.upper() for u in ADMIN_UNITS)}|TP\.?)(?:\s|$)")
# a people's committee or council, written out or abbreviated, waits for its place
_INCOMPLETE_BODY = (*(n.upper() for n in WHOLE_NAMES),
                    *(short for short, full in ABBREVIATIONS.items()
                      if full.lower() in WHOLE_NAMES))
# a long name wrapped after its conjunction: "BỘ NÔNG NGHIỆP VÀ" / "MÔI TRƯỜNG"
_WRAPPED = regex.compile(r"(?:\s(?:VÀ|và)|&)$")


# Web text splits a syllable after its onset ("CHÍNH PH Ủ", "b ộ"). A run of consonants alone
# is never a syllable, so an onset standing alone before a vowel can only be the same syllable.
_STRAY_ONSET = regex.compile(
    r"(?<![\p{L}\d.])(ngh|ng|nh|ch|gh|kh|ph|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)"
    r"\s+(?=[aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ])",
    regex.I)


def _join_stray_onsets(text: str) -> str:
    return _STRAY_ONSET.sub(r"\1", text)


def _continues(previous: str, line: str) -> bool:
    """Does ``line`` go on with the name on ``previous`` rather than name a body under it?"""
    if _CONTINUES.match(line) and previous.upper().endswith(_INCOMPLETE_BODY):
        return True  # "ỦY BAN NHÂN DÂN" + "TỈNH BÀ RỊA-VŨNG TÀU"
    if _CONTINUES.match(line) and not _HAS_ADMIN_UNIT.search(previous.upper().replace("XÃ HỘI", "")) \
            and not previous.upper().startswith(_INCOMPLETE_BODY):
        return True  # "SỞ TÀI CHÍNH" + "TỈNH NAM ĐỊNH": the body of that province
    # "NGÂN HÀNG NHÀ NƯỚC" + "VIỆT NAM": one listed name, where a parent and its unit are not
    return bool(_WRAPPED.search(previous)) or is_gazetteer_name(f"{previous} {line}")


@dataclass
class Header:
    issuer: Found[Issuer] | None = None
    number: Found[NumberSymbol] | None = None
    place: Found[str] | None = None
    issued_date: Found[str] | None = None
    doc_type: Found[str] | None = None
    subject: Found[str] | None = None
    urgency: Found[str] | None = None
    confidentiality: Found[str] | None = None
    # where the document the header describes begins (a regulation placed before the
    # decision that issues it: the decision), and what its reading left for a person to check
    start: int = 0
    warnings: list[RecordWarning] = field(default_factory=list)


def left_column(line: Line) -> Line:
    """The part of a letterhead line before its right column: before a tab, or before the
    motto run into it (a tab-laid letterhead converted with its tabs turned to spaces)."""
    text = line.text.split("\t", 1)[0]
    folded = fold_diacritics(text).upper()
    if len(folded) == len(text):  # the folded text keeps the offsets of the line's
        m = _MOTTO_INSIDE.search(folded)
        if m:
            text = text[:m.start()]
    text = text.rstrip()
    return line if text == line.text else Line(text, line.start, line.start + len(text))


def _is_motto(line: str) -> bool:
    key = ascii_key(line).replace("–", "-")
    return key.startswith(_MOTTO)


def is_mark(text: str) -> bool:
    """The text is an urgency or secrecy mark (``HỎA TỐC``, ``MẬT``) and nothing else."""
    key = ascii_key(text)
    return key in mark_codes("urgency") or key in mark_codes("secrecy")


# what may follow the symbol on its line: a wide gap, the place-date
_AFTER_SYMBOL = regex.compile(r"\s{2,}|\s+(?=[\p{Lu}][\p{Ll}]+[\s\p{L}\-]*,\s*ngày)|(?=ngày\s*\d)")
_SPACES = regex.compile(r"\s+")
_DASH_SPACED = regex.compile(r"\s*[-–]\s*")
_OF = regex.compile(r"của\s", regex.I)
_SYMBOL_START = regex.compile(r"\s*\S*\d\S*/")


def number_symbol(lines: list[Line]) -> Found[NumberSymbol] | None:
    """``Số: 7338/UBND-SNV`` (also ``Luật số:``, ``Số: /BC-UBND``, ``Số: 7338 /UBND-SNV``)."""
    for line in lines:
        read = _line_number(line.text)
        if read is not None:
            fields, start, end = read
            return Found(NumberSymbol(**fields), line.start + start, line.start + end)
    return None


@lru_cache(maxsize=8192)  # the number line is read for the issuing document and the header
def _line_number(text: str) -> tuple[dict, int, int] | None:
    """(the symbol's ``NumberSymbol`` fields, its start and end in the line) of a number
    line; ``None`` for any other line. (Fields, not a model: each record gets its own.)"""
    m = _NUMBER_LINE.match(text)
    if not m or len(m.group("label")) > _LABEL_MAX_CHARS:
        return None
    rest = left_column(Line(m.group("rest"), 0, 0)).text
    # a PDF line may carry the place-date after the symbol: cut at ", ngày" or a wide gap
    rest = _AFTER_SYMBOL.split(rest)[0]
    tokens = rest.split(" ")
    for n in range(len(tokens), 0, -1):
        candidate = " ".join(tokens[:n])
        if _WORDS_APART.search(candidate):
            continue  # "/QĐ-UB Hà" is a symbol and the place after it, not "/QĐ-UBHà"
        fields = number_symbol_fields(candidate)
        if fields and "/" in fields["raw"] + candidate:
            return fields, m.start("rest"), m.start("rest") + len(candidate)
    return None


_PLACE = regex.compile(r"([\p{Lu}][\p{L}\s.\-–]{1,40}?)\s*,\s*$")


def place_and_date(lines: list[Line]) -> tuple[Found[str] | None, Found[str] | None]:
    """``Bà Rịa-Vũng Tàu, ngày 31 tháng 5 năm 2024`` → place, ISO date (partial kept)."""
    for line in lines:
        m = LONG_DATE.search(line.text)
        if not m:
            continue
        value = date_from_match(m)
        if value is None:
            continue
        date = Found(value, line.start + m.start(), line.start + m.end())
        before = line.text[:m.start()]
        cut = before.rfind("\t") + 1  # a tab-laid line: the right column's place
        pm = _PLACE.search(before, cut)
        if pm and pm.start(1) > 0 and not before[pm.start(1) - 1].isspace():
            # glued to what stands before ("45/2003/QĐ-UB Hải Dương,"): a code's tail, not
            # the place; the place starts at the next word
            pm = _PLACE.search(before, before.find(" ", pm.start(1)) + 1) \
                if " " in before[pm.start(1):] else None
        place = None
        if pm:
            name = _DASH_SPACED.sub("-", pm.group(1).strip())
            place = Found(name, line.start + pm.start(1), line.start + pm.end(1))
        return place, date
    return None, None


def issuing_body(lines: list[Line]) -> Found[Issuer] | None:
    """The letterhead lines above the number: parent body over issuer, or one body on two lines."""
    block: list[Line] = []
    for line in lines:
        if not line.blank and not _is_motto(line.text):
            line = left_column(line)
        if line.blank:
            if block:
                break
            continue
        if _is_motto(line.text) or is_separator(line.text) or _NUMBER_LINE.match(line.text):
            if block:
                break
            if is_separator(line.text):
                continue
            return None  # the document opens with its number or motto: no letterhead in the text
        if doc_type_from_title(line.text) or _is_gazette_title(line.text):
            break  # the type line: no letterhead above it in the text
        if not is_upper_line(line.text) or is_mark(line.text):
            if block:
                break
            continue
        block.append(line)
    if not block:
        return None
    # join lines that continue one name: "ỦY BAN NHÂN DÂN" + "TỈNH BÀ RỊA-VŨNG TÀU"
    names: list[tuple[str, int, int]] = []
    for line in block:
        text = _join_stray_onsets(line.text.strip(" *"))
        if names and _continues(names[-1][0], text):
            prev = names.pop()
            names.append((prev[0] + " " + text, prev[1], line.end))
        else:
            names.append((text, line.start, line.end))
    issuer_text, start, end = names[-1]
    parent = sentence_case_name(" ".join(n[0] for n in names[:-1])) if len(names) > 1 else None
    return Found(Issuer(name=sentence_case_name(issuer_text), parent=parent), start, end)


def marks(keyed: list[tuple[Line, str]], table: dict[str, str]) -> Found[str] | None:
    """A stamp such as ``HỎA TỐC`` or ``MẬT`` on a line of its own; ``keyed``: the lines
    that may be one, each with its key (``mark_lines``)."""
    for line, key in keyed:
        value = table.get(key)
        if value:
            return Found(value, line.start, line.end)
    return None


def mark_lines(lines: list[Line]) -> list[tuple[Line, str]]:
    """The lines that may be a mark (short, in capitals), each with its key."""
    return [(line, key) for line, key in zip(lines, map(_mark_key, [ln.text for ln in lines]))
            if key]


@lru_cache(maxsize=16384)  # every line of the top is asked
def _mark_key(line: str) -> str | None:
    """The key a mark's table is looked up by, for a short line in capitals; else None."""
    text = line.strip(" *_.:")
    if not text or len(text) > _MARK_MAX_CHARS or not is_upper_line(text):
        return None
    return ascii_key(text)


def _left_of_place_date(text: str) -> str:
    """A ``V/v`` line without the right column beside it: before a tab, the motto or the
    place-date run into it ("V/v báo cáo quý I Hà Nội, ngày 15 tháng 4 năm 2005")."""
    text = left_column(Line(text, 0, len(text))).text
    m = LONG_DATE.search(text)
    if m:
        pm = _PLACE.search(text[:m.start()])
        text = text[:pm.start(1) if pm else m.start()]
    return text.rstrip()


def _subject_block(lines: list[Line], i: int, first: str, first_start: int,
                   first_end: int | None = None) -> Found[str]:
    parts = [first]
    end = lines[i].end if first_end is None else first_end
    for line in lines[i + 1:]:
        t = line.text
        if (line.blank or _is_motto(t) or _NUMBER_LINE.match(t) or LONG_DATE.search(t)
                or _BODY_START.match(t) or _AUTHORITY_LINE.match(t) or is_separator(t)
                or is_mark(t) or _ATTACHMENT_NOTE.match(t)):
            break
        if is_upper_line(parts[-1]) != is_upper_line(t) and t[:1].isupper():
            break  # an upper-case subject followed by a sentence: the body has begun
        parts.append(t)
        end = line.end
    subject = _SPACES.sub(" ", " ".join(parts)).strip(" .;:*")
    return Found(subject, first_start, end)


_CABLE_LEAD_IN = regex.compile(r"[\W_]{0,3}\s*V[ềỀeE]\s+(?=\p{L})", regex.I)


def subject_and_type(lines: list[Line], number: NumberSymbol | None,
                     settings: Settings = DEFAULT_SETTINGS) -> tuple[Found | None, Found | None]:
    """The type line and the subject under it, or a công văn's ``V/v`` line."""
    for i, line in enumerate(lines):
        t = line.text.strip(" *")
        vv = _SUBJECT_PREFIX.match(t)
        # "V/v …" is a công văn's subject; "Về việc …" is one too when no type line came first
        if vv:
            first = _left_of_place_date(t[vv.end():])
            subject = _subject_block(lines, i, first, line.start + vv.end(),
                                     None if first == t[vv.end():] else line.start + vv.end() + len(first))
            doc_type = Found("cong_van", line.start, line.start + vv.end())
            if number and number.type_code and doc_type_from_code(number.type_code):
                doc_type = Found(doc_type_from_code(number.type_code), line.start, line.end)
            return doc_type, subject
        if not is_upper_line(t) or _is_motto(t):
            continue
        doc_type = doc_type_from_title(t)
        rest = ""
        if doc_type is None:
            # "BỘ LUẬT DÂN SỰ", "LUẬT ĐẤT ĐAI": the type name opens a longer title line
            for title in title_heads():
                if t.lower().startswith(title + " "):
                    doc_type, rest = doc_type_from_title(title), t[len(title) + 1:]
                    break
        if doc_type is None:
            # "QUYẾT ĐỊNH CỦA BỘ TRƯỞNG BỘ TÀI CHÍNH": the 2000s title names who issues it
            doc_type = gazette_type(t)
        if doc_type is None:
            continue
        found_type = Found(doc_type, line.start, line.end)
        if rest:
            return found_type, Found(rest.strip(), line.start + len(t) - len(rest), line.end)
        for j in range(i + 1, min(i + 1 + settings.subject_lines_after_title, len(lines))):
            nxt = lines[j].text.strip(" *")
            if not nxt:
                continue
            opens_sentence = bool(_OPENS_SENTENCE.match(nxt))
            if (_BODY_START.match(nxt) and not opens_sentence) or _AUTHORITY_LINE.match(nxt) \
                    or _is_motto(nxt) or _ATTACHMENT_NOTE.match(nxt):
                break
            pm = _SUBJECT_PREFIX.match(nxt)
            if pm is None and doc_type == "cong_dien":
                # a công điện's trích yếu opens with "Về": the lead-in, not the subject
                pm = _CABLE_LEAD_IN.match(nxt)
            offset = pm.end() if pm else 0
            subject = _subject_block(lines, j, nxt[offset:], lines[j].start + offset)
            last = next(ln for ln in lines[j:] if ln.end == subject.end)
            if opens_sentence and _ENDS_SENTENCE.search(last.text):
                break  # "Thực hiện Công văn số …, Sở xây dựng kế hoạch như sau:": the body
            return found_type, subject
        return found_type, None
    return None, None


@cache
def _catalogue_title() -> regex.Pattern:
    """``[Dự thảo] <type> [của <authority>] [số] <symbol> [ngày <date>] [của <issuer>] <subject>
    [do <issuer> ban hành]``."""
    words = "|".join(regex.escape(w) for w in title_words())
    openings = _alternatives(sorted(_CUES["catalogue_subject_openings"], key=len, reverse=True))
    return regex.compile(
        rf"(?:Dự thảo\s+)?(?P<type>{words})\b"
        rf"(?:\s+của\s+(?P<by>[^,;]+?)(?=\s+số\s))?"
        rf"\s*(?:số\s*)?(?P<sym>[\d][^\s]*[/-][^\s]+)?\s*"
        rf"(?:ngày\s+(?P<date>\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}}))?"
        rf"(?:\s*của\s+(?P<after>[^,;]+?)(?=\s+(?:{openings})\s))?"
        rf"(?:\s*(?P<subject>.+?))?"
        rf"(?:\s+do\s+(?P<issuer>[^,;]+?)\s+ban hành)?\s*$",
        regex.I)


# "Bộ trưởng Bộ Tài chính" → "Bộ Tài chính": the head's title before the body it heads
_HEAD_OF_BODY = regex.compile(
    rf"^(?:{_alternatives(sorted(_CUES['heads_of_bodies'], key=len, reverse=True))})\s+(?=\p{{Lu}})",
    regex.I)


def catalogue_title(lines: list[Line], first: Line | None = None) -> Header | None:
    """A document known only by its catalogue title (legal portals' pages with no body yet,
    and 2000s files whose header is one line):

    ``Kế hoạch 224/KH-UBND ngày 02/04/2025 xử lý …``, ``Dự thảo Nghị quyết về … do Quốc hội
    ban hành``, ``Nghị định của Chính phủ số 114/2003/NĐ-CP ngày 10/10/2003 về …``,
    ``Thông tư số 89/2002/TT-BTC ngày 9/10/2002 của Bộ Tài chính hướng dẫn …``.
    """
    first = first or next((ln for ln in lines if not ln.blank), None)
    if first is None:
        return None
    m = _catalogue_title().match(first.text)
    if not m:
        return None
    header = Header()
    start = first.start

    def found(group: str, value) -> Found:
        return Found(value, start + m.start(group), start + m.end(group), Confidence.INFERRED)

    header.doc_type = found("type", doc_type_from_title(m.group("type")))
    if m.group("sym"):
        parsed = parse_number_symbol(m.group("sym"))
        if parsed:
            header.number = found("sym", parsed)
    if m.group("date"):
        header.issued_date = found("date", parse_vn_date(f"ngày {m.group('date')}"))
    subject = _SUBJECT_PREFIX.sub("", m.group("subject") or "").strip()
    if not subject:
        pass  # the title ends with its number or date: the subject is on the next line
    elif _OF.match(subject) and is_upper_line(subject):
        # "QUYẾT ĐỊNH CỦA BỘ TRƯỞNG BỘ TÀI CHÍNH": the title names who issues it, nothing more
        at = m.start("subject") + len(m.group("subject")) - len(subject) + 4
        header.issuer = Found(Issuer(name=sentence_case_name(_HEAD_OF_BODY.sub("", subject[4:]))),
                              start + at, start + m.end("subject"), Confidence.INFERRED)
    elif _OF.match(subject):
        # "… của Bộ Tài chính <subject>" with no word that opens the subject: where the
        # issuer ends is unknown, so neither is filled
        header.warnings.append(RecordWarning(
            code="needs_review", field="issuer", page=None,
            message=f"catalogue line names its issuer and subject run together: "
                    f"{m.group('subject')[:80]!r}; issuer and subject left empty"))
    else:
        header.subject = found("subject", subject)
    for group in ("issuer", "after", "by"):
        if m.group(group) and header.issuer is None:
            name = _HEAD_OF_BODY.sub("", m.group(group).strip())
            header.issuer = found(group, Issuer(name=sentence_case_name(name)))
            break
    return header


@cache
def _gazette_heads() -> tuple[tuple[str, str], ...]:
    """(``QUYET DINH CUA ``, type name) for every type name, followed by "của" or "số"."""
    return tuple((f"{ascii_key(title)} {word} ", title) for title in title_words()
                 for word in ("CUA", "SO"))


def gazette_type(text: str) -> str | None:
    """The type of ``QUYẾT ĐỊNH CỦA BỘ TRƯỞNG BỘ TÀI CHÍNH …``, ``THÔNG TƯ SỐ 12/TT/BTC …``:
    a type line in capitals that goes on to name who issues it or its number (the titles
    of the 2000s gazette)."""
    if not is_upper_line(text):
        return None
    key = ascii_key(text)
    if not key.startswith(_gazette_prefixes()):
        return None  # no head begins it (one test rather than one per head)
    return next((doc_type_from_title(title) for head, title in _gazette_heads()
                 if key.startswith(head)), None)


@cache
def _gazette_prefixes() -> tuple[str, ...]:
    return tuple(head for head, _ in _gazette_heads())


def _is_gazette_title(text: str) -> bool:
    return gazette_type(text) is not None


def _gazette_title(text: str, head: list[Line]) -> Header | None:
    """The catalogue a gazette-style title states, over the lines it wraps onto:
    ``THÔNG TƯ CỦA BỘ TÀI CHÍNH SỐ 89/2002/TT-BTC NGÀY 9 THÁNG 10 NĂM 2002`` /
    ``HƯỚNG DẪN …`` (all in capitals)."""
    for i, line in enumerate(head):
        if not _is_gazette_title(line.text):
            continue
        last = line
        for nxt in head[i + 1:]:
            if nxt.blank or not is_upper_line(nxt.text) or _AUTHORITY_LINE.match(nxt.text) \
                    or _BODY_START.match(nxt.text):
                break
            last = nxt
        # the wrapped lines as one, line breaks read as spaces: the same offsets
        joined = Line(text[line.start:last.end].replace("\n", " "), line.start, last.end)
        return catalogue_title(head, joined)
    return None


def _catalogue_first(lines: list[Line]) -> Header | None:
    """The header as one catalogue line opening the text, with its number: it states the
    type, number, date, issuer and subject the letterhead would (a letterhead in capitals,
    if any, opens the text instead)."""
    first = next((ln for ln in lines if not ln.blank), None)
    if first is None or is_upper_line(first.text):
        return None
    header = catalogue_title(lines)
    return header if header and header.number else None


def read_header(text: str, settings: Settings = DEFAULT_SETTINGS) -> Header:
    """Everything the header states, each value with its span."""
    lines = split_lines(text)
    start = _issuing_document(lines, settings)
    if start is not None:
        # a regulation placed before the decision that issues it: the decision's header
        header = _read_lines(text, lines[start:], settings)
        header.start = lines[start].start
        return header
    return _read_lines(text, lines, settings)


def _read_lines(text: str, lines: list[Line], settings: Settings) -> Header:
    lines = lines[:settings.header_scan_lines]
    head = lines[:_header_end(lines, settings.header_lines)]
    header = Header()
    header.number = number_symbol(head)
    header.place, header.issued_date = place_and_date(head)
    header.issuer = issuing_body(head)
    number = header.number.value if header.number else None
    header.doc_type, header.subject = subject_and_type(head, number, settings)
    if header.doc_type is None and number is not None:
        code_type = doc_type_from_code(number.type_code)
        if code_type:
            # the symbol's type code (QĐ in 15/QĐ-UBND) stands in for a missing type line
            header.doc_type = Found(code_type, header.number.start, header.number.end,
                                    Confidence.INFERRED)
    if header.number is None:
        header.warnings += _unread_number(head)
    catalogue = _catalogue_first(head)
    if catalogue is not None:
        # one catalogue line states what a letterhead would: without a number line of the
        # letterhead's below it, it wins; with one (a portal's title over the document), the
        # letterhead does and the catalogue line fills in
        wins = header.number is None
        for name in ("doc_type", "number", "issued_date", "issuer", "subject"):
            if getattr(catalogue, name) is not None and (wins or getattr(header, name) is None):
                setattr(header, name, getattr(catalogue, name))
        header.warnings += catalogue.warnings
    elif header.number is None and header.issued_date is None and header.doc_type is None:
        header = catalogue_title(head) or header
    else:
        gazette = _gazette_title(text, head)
        if gazette is not None:
            # what the title states and the letterhead did not (a text without letterhead)
            for name in ("number", "issued_date", "issuer"):
                if getattr(header, name) is None:
                    setattr(header, name, getattr(gazette, name))
            header.subject = gazette.subject or header.subject
            header.warnings += gazette.warnings
    # a warning about a field another line filled after all has nothing left to review
    header.warnings = [w for w in header.warnings if getattr(header, w.field, None) is None]
    # only a short line in capitals may be a mark: those lines, keyed once for both kinds
    top = mark_lines(lines[:settings.mark_scan_lines])
    header.urgency = marks(top, mark_codes("urgency"))
    header.confidentiality = marks(top, mark_codes("secrecy"))
    if header.place and header.place.value:
        header.place = Found(expand_abbreviations(header.place.value), header.place.start,
                             header.place.end)
    return header


def _unread_number(head: list[Line]) -> list[RecordWarning]:
    """A number line whose symbol did not parse ("Số: 1141-TC/XX/CĐKT": three codes, none in the
    type's place): named for a person to read, the number left empty rather than guessed."""
    for line in head:
        m = _NUMBER_LINE.match(line.text)
        if m and len(m.group("label")) <= _LABEL_MAX_CHARS and _SYMBOL_START.match(m.group("rest")):
            return [RecordWarning(code="needs_review", field="number", page=None,
                                  message=f"number line found but not read: {line.text[:60]!r}; "
                                          "number left empty")]
    return []


_NOTE_WITHIN = 12  # non-blank lines from the top where a regulation's "(Ban hành kèm theo …)" stands
_LETTERHEAD_LINES = 8  # lines above a number line that its letterhead spans at most
# a signing mark ("TM.", "K/T") closes the block above a letterhead
_SIGNING_MARK = regex.compile(
    r"^(?:" + "|".join(rf"{regex.escape(c)}\s*\." + (rf"|{c[0]}\s*/\s*{c[1]}" if len(c) == 2 else "")
                       for c in (a["code"] for a in load_lexicon("signer")["authority"]))
    + r")", regex.I)


def _issuing_document(lines: list[Line], settings: Settings) -> int | None:
    """Where the decision begins when the text opens with the regulation it issues.

    A 2000s file may put the attached ``QUY ĐỊNH`` / ``QUY CHẾ`` / ``ĐIỀU LỆ`` first, its
    title followed by ``(Ban hành kèm theo Quyết định số 712/2006/QĐ-UBND …)``, and the
    decision after it: the record describes the decision, found by its number line
    carrying the same symbol. ``None`` when the text does not open that way.
    """
    symbol = None
    seen = 0
    for i, line in enumerate(lines[:settings.header_scan_lines]):
        if line.blank:
            continue
        seen += 1
        if seen > _NOTE_WITHIN or _is_number_line(line.text):
            return None  # the text opens with a number of its own
        if _ATTACHMENT_NOTE.match(line.text):
            m = SYMBOL_IN_TEXT.search(line.text)
            if m:
                symbol, note = clean_symbol(m.group("sym")).upper(), i
            break
    if symbol is None:
        return None
    for k in range(note + 1, len(lines)):
        if not _NUMBER_LINE.match(lines[k].text):
            continue
        found = number_symbol([lines[k]])
        if found is not None and found.value.raw.upper() == symbol:
            return _letterhead_start(lines, k)
    return None


def _is_number_line(text: str) -> bool:
    """Does the line state a document's number (``number_symbol`` reads one from it)?"""
    return _line_number(text) is not None


def _letterhead_start(lines: list[Line], k: int) -> int:
    """The first line of the letterhead above the number line ``k``: the upper-case lines,
    the motto and the separators right above it (the number stands in the letterhead's left
    column, its lines unbroken), up to a blank line, the text before it (a signer's name, a
    sentence) or a signing mark (``TM.``) of the block above."""
    start = k
    for j in range(k - 1, max(-1, k - 1 - _LETTERHEAD_LINES), -1):
        t = lines[j].text
        if not t or _SIGNING_MARK.match(t):
            break
        if not (_is_motto(t) or is_separator(t) or is_upper_line(left_column(lines[j]).text)):
            break
        start = j
    return start


def _header_end(lines: list[Line], max_lines: int) -> int:
    """Index of the first line of the body (``Căn cứ``, ``Kính gửi``, a long sentence…)."""
    seen = 0
    for i, line in enumerate(lines):
        if line.blank:
            continue
        seen += 1
        if seen > max_lines:
            return i
        if line.text.startswith(_OPENS_BODY):
            return i
    return len(lines)
