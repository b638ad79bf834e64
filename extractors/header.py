"""The header of a document (phần đầu văn bản, Decree 30/2020 Appendix I).

Top left the issuing body (``ỦY BAN NHÂN DÂN`` / ``TỈNH BÀ RỊA-VŨNG TÀU``) and
``Số: 7338/UBND-SNV``; top right the national motto and ``Bà Rịa-Vũng Tàu, ngày 31
tháng 5 năm 2024``; then the type name (``QUYẾT ĐỊNH``) and the subject, or for a
công văn the ``V/v …`` line; urgency and secrecy stamps anywhere near it.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from extractors.dates import LONG_DATE, date_from_match, parse_vn_date
from extractors.doc_types import doc_type_from_code, doc_type_from_title, title_words
from extractors.lines import Line, ascii_key, is_separator, is_upper_line, split_lines
from extractors.names import expand_abbreviations, sentence_case_name
from extractors.number_symbol import parse_number_symbol
from pipeline.text.spans import Found
from schemas import Issuer, NumberSymbol

HEADER_LINES = 60  # the header never runs past this many lines
MOTTO = ("CONG HOA XA HOI CHU NGHIA VIET NAM", "DOC LAP - TU DO - HANH PHUC",
         "DANG CONG SAN VIET NAM")
# "Số: 12/UBND-VP", "Số 12/UBND-VP", "Luật số: 92/2015/QH13" — but a prefixed "số" without its
# colon is a citation in the body ("Thông báo số 378/TB-VPCP ngày …"), not this document's number
_NUMBER_LINE = regex.compile(
    r"^(?P<label>S[ốỐôÔoO][\s.]*(?:hiệu\s*)?[:：;.]?|(?:[\p{L}]+\s){1,3}?s[ốôo]\s*(?:hiệu\s*)?[:：])"
    r"\s*(?P<rest>.*)$",
    regex.I)
# "V/v", "Về việc", and how OCR renders them ("VWw", "V/ v", "—_ Về vA")
_SUBJECT_PREFIX = regex.compile(
    r"^[\W_]{0,3}\s*(?:V\s?[/Wl|I]\s?[vw]{1,2}|Vv|Về\s+việc|Về\s+v\p{L}{0,2}(?=\s))\s*[:.]?\s*",
    regex.I)
_BODY_START = regex.compile(
    r"^(?:Căn cứ|Kính gửi|Thực hiện|Xét|Theo|Triển khai|Trong|Ngày \d|Sau khi|Để|Nhằm|Qua|"
    r"Điều \d|Chương [IVX\d]|Phần|I\.|1\.)", regex.I)
# The authority line under a decision's title: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", "BỘ TRƯỞNG BỘ Y TẾ".
_AUTHORITY_LINE = regex.compile(
    r"^(?:CHỦ TỊCH|PHÓ CHỦ TỊCH|BỘ TRƯỞNG|THỦ TƯỚNG|GIÁM ĐỐC|CỤC TRƯỞNG|TỔNG CỤC TRƯỞNG|"
    r"VỤ TRƯỞNG|CHÁNH|TRƯỞNG BAN|ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|ỦY BAN THƯỜNG VỤ|QUỐC HỘI|"
    r"CHÍNH PHỦ|BAN CHẤP HÀNH|BAN THƯỜNG VỤ|TỔNG GIÁM ĐỐC|VIỆN TRƯỞNG|THỐNG ĐỐC|TỔNG KIỂM TOÁN)")
URGENCY = {"HOA TOC": "hoa_toc", "THUONG KHAN": "thuong_khan", "KHAN": "khan"}
SECRECY = {"TUYET MAT": "tuyet_mat", "TOI MAT": "toi_mat", "MAT": "mat"}
# letterhead words that continue a body's name on the next line
_CONTINUES = regex.compile(
    r"^(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU|TP\.?)\b")
_INCOMPLETE_BODY = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "UBND", "HĐND")


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


def _is_motto(line: str) -> bool:
    key = ascii_key(line).replace("–", "-")
    return any(key.startswith(m[:18]) for m in MOTTO)


def number_symbol(lines: list[Line]) -> Found[NumberSymbol] | None:
    """``Số: 7338/UBND-SNV`` (also ``Luật số:``, ``Số: /BC-UBND``, ``Số: 7338 /UBND-SNV``)."""
    for line in lines:
        m = _NUMBER_LINE.match(line.text)
        if not m or len(m.group("label")) > 16:
            continue
        rest = m.group("rest")
        # a PDF line may carry the place-date after the symbol: cut at ", ngày" or a wide gap
        rest = regex.split(r"\s{2,}|\s+(?=[\p{Lu}][\p{Ll}]+[\s\p{L}\-]*,\s*ngày)|(?=ngày\s*\d)",
                           rest)[0]
        tokens = rest.split(" ")
        for n in range(len(tokens), 0, -1):
            candidate = " ".join(tokens[:n])
            parsed = parse_number_symbol(candidate)
            if parsed and "/" in parsed.raw + candidate:
                start = line.start + m.start("rest")
                return Found(parsed, start, start + len(candidate))
    return None


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
        pm = regex.search(r"([\p{Lu}][\p{L}\s.\-–]{1,40}?)\s*,\s*$", before)
        place = None
        if pm:
            name = regex.sub(r"\s*[-–]\s*", "-", pm.group(1).strip())
            place = Found(name, line.start + pm.start(1), line.start + pm.end(1))
        return place, date
    return None, None


def issuing_body(lines: list[Line]) -> Found[Issuer] | None:
    """The letterhead lines above the number: parent body over issuer, or one body on two lines."""
    block: list[Line] = []
    for line in lines:
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
        if not is_upper_line(line.text) or ascii_key(line.text) in URGENCY | SECRECY:
            if block:
                break
            continue
        block.append(line)
    if not block:
        return None
    # join lines that continue one name: "ỦY BAN NHÂN DÂN" + "TỈNH BÀ RỊA-VŨNG TÀU"
    names: list[tuple[str, int, int]] = []
    for line in block:
        text = line.text.strip(" *")
        if names and (_CONTINUES.match(text) and names[-1][0].upper().endswith(_INCOMPLETE_BODY)):
            prev = names.pop()
            names.append((prev[0] + " " + text, prev[1], line.end))
        else:
            names.append((text, line.start, line.end))
    issuer_text, start, end = names[-1]
    parent = sentence_case_name(" ".join(n[0] for n in names[:-1])) if len(names) > 1 else None
    return Found(Issuer(name=sentence_case_name(issuer_text), parent=parent), start, end)


def marks(lines: list[Line], table: dict[str, str]) -> Found[str] | None:
    """A stamp such as ``HỎA TỐC`` or ``MẬT`` on a line of its own."""
    for line in lines:
        text = line.text.strip(" *_.:")
        if not text or len(text) > 20 or not is_upper_line(text):
            continue
        value = table.get(ascii_key(text))
        if value:
            return Found(value, line.start, line.end)
    return None


def _subject_block(lines: list[Line], i: int, first: str, first_start: int) -> Found[str]:
    parts = [first]
    end = lines[i].end
    for line in lines[i + 1:]:
        t = line.text
        if (line.blank or _is_motto(t) or _NUMBER_LINE.match(t) or LONG_DATE.search(t)
                or _BODY_START.match(t) or _AUTHORITY_LINE.match(t) or is_separator(t)
                or ascii_key(t) in URGENCY | SECRECY):
            break
        if is_upper_line(parts[-1]) != is_upper_line(t) and t[:1].isupper():
            break  # an upper-case subject followed by a sentence: the body has begun
        parts.append(t)
        end = line.end
    subject = regex.sub(r"\s+", " ", " ".join(parts)).strip(" .;:*")
    return Found(subject, first_start, end)


def subject_and_type(lines: list[Line], number: NumberSymbol | None) -> tuple[Found | None, Found | None]:
    """The type line and the subject under it, or a công văn's ``V/v`` line."""
    titles = title_words()
    for i, line in enumerate(lines):
        t = line.text.strip(" *")
        vv = _SUBJECT_PREFIX.match(t)
        # "V/v …" is a công văn's subject; "Về việc …" is one too when no type line came first
        if vv:
            subject = _subject_block(lines, i, t[vv.end():], line.start + vv.end())
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
            for title in ("bộ luật", "luật"):
                if t.lower().startswith(title + " ") and title in titles:
                    doc_type, rest = doc_type_from_title(title), t[len(title) + 1:]
                    break
        if doc_type is None:
            continue
        found_type = Found(doc_type, line.start, line.end)
        if rest:
            return found_type, Found(rest.strip(), line.start + len(t) - len(rest), line.end)
        for j in range(i + 1, min(i + 4, len(lines))):
            nxt = lines[j].text.strip(" *")
            if not nxt:
                continue
            if _BODY_START.match(nxt) or _AUTHORITY_LINE.match(nxt) or _is_motto(nxt):
                break
            pm = _SUBJECT_PREFIX.match(nxt)
            offset = pm.end() if pm else 0
            return found_type, _subject_block(lines, j, nxt[offset:], lines[j].start + offset)
        return found_type, None
    return None, None


def catalogue_title(lines: list[Line]) -> Header | None:
    """A document known only by its catalogue title (legal portals' pages with no body yet):

    ``Kế hoạch 224/KH-UBND ngày 02/04/2025 xử lý …`` or ``Dự thảo Nghị quyết về … do Quốc hội ban hành``.
    """
    first = next((ln for ln in lines if not ln.blank), None)
    if first is None:
        return None
    words = "|".join(regex.escape(w) for w in title_words())
    m = regex.match(
        rf"(?:Dự thảo\s+)?(?P<type>{words})\b\s*(?:số\s*)?(?P<sym>[\d][^\s]*/[^\s]+)?\s*"
        rf"(?:ngày\s+(?P<date>\d{{1,2}}/\d{{1,2}}/\d{{4}}))?\s*(?P<subject>.+?)"
        rf"(?:\s+do\s+(?P<issuer>[^,;]+?)\s+ban hành)?\s*$",
        first.text, regex.I)
    if not m:
        return None
    header = Header()
    start = first.start
    header.doc_type = Found(doc_type_from_title(m.group("type")), start + m.start("type"),
                            start + m.end("type"), 0.8)
    if m.group("sym"):
        parsed = parse_number_symbol(m.group("sym"))
        if parsed:
            header.number = Found(parsed, start + m.start("sym"), start + m.end("sym"), 0.8)
    if m.group("date"):
        header.issued_date = Found(parse_vn_date(m.group("date")), start + m.start("date"),
                                   start + m.end("date"), 0.8)
    subject = _SUBJECT_PREFIX.sub("", m.group("subject")).strip()
    header.subject = Found(subject, start + m.start("subject"), start + m.end("subject"), 0.8)
    if m.group("issuer"):
        header.issuer = Found(Issuer(name=sentence_case_name(m.group("issuer"))),
                              start + m.start("issuer"), start + m.end("issuer"), 0.8)
    return header


def read_header(text: str) -> Header:
    """Everything the header states, each value with its span."""
    lines = split_lines(text)[:HEADER_LINES * 3]
    head = lines[:_header_end(lines)]
    header = Header()
    header.number = number_symbol(head)
    header.place, header.issued_date = place_and_date(head)
    header.issuer = issuing_body(head)
    number = header.number.value if header.number else None
    header.doc_type, header.subject = subject_and_type(head, number)
    if header.doc_type is None and number is not None:
        code_type = doc_type_from_code(number.type_code)
        if code_type:
            header.doc_type = Found(code_type, header.number.start, header.number.end, 0.8)
    if header.number is None and header.issued_date is None and header.doc_type is None:
        header = catalogue_title(head) or header
    header.urgency = marks(lines[:HEADER_LINES * 2], URGENCY)
    header.confidentiality = marks(lines[:HEADER_LINES * 2], SECRECY)
    if header.place and header.place.value:
        header.place = Found(expand_abbreviations(header.place.value), header.place.start,
                             header.place.end)
    return header


def _header_end(lines: list[Line]) -> int:
    """Index of the first line of the body (``Căn cứ``, ``Kính gửi``, a long sentence…)."""
    seen = 0
    for i, line in enumerate(lines):
        if line.blank:
            continue
        seen += 1
        if seen > HEADER_LINES:
            return i
        if line.text.startswith(("Kính gửi", "Căn cứ")):
            return i
    return len(lines)
