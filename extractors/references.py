"""Cited documents (văn bản được viện dẫn): ``Công văn số 7338/UBND-SNV ngày 31/5/2024 của UBND tỉnh``.

Also without ``số`` (``Quyết định 15/QĐ-UBND``), with ``-`` instead of ``ngày``,
with the date before the type (``ngày 05/3/2024, UBND tỉnh ban hành Kế hoạch số …``),
with stray spaces (``7338 /UBND-SNV``, ``31 / 5 /2024``). One reference per cited
number; the document's own number is never one of them.

Citations in table cells count too (``table_references``): a "Căn cứ" list or a table of
"Văn bản liên quan" that a reader kept apart from the text (``Document.tables``), read row by
row; there a bare symbol must still name its type (word or type code) to be a citation.
"""
from __future__ import annotations

from functools import cache, lru_cache

import regex

from extractors.dates import LONG_DATE, NUMERIC_DATE, date_from_match
from extractors.doc_types import citation_words, doc_type_from_citation, doc_type_from_code
from extractors.number_symbol import SYMBOL_IN_TEXT, clean_symbol, number_symbol_fields
from pipeline.settings import DEFAULT_SETTINGS, Confidence, Settings
from pipeline.text.document import PAGE_SEPARATOR, Document, RawTable
from pipeline.text.keys import one_spaced
from pipeline.text.spans import Found
from schemas import Reference

_DATE_AFTER = regex.compile(
    rf"\s*[,(]?\s*(?:(?:được\s+)?ban hành\s+)?(?:ngày|ngay|[-–])?\s*"
    rf"(?:{LONG_DATE.pattern}|{NUMERIC_DATE.pattern})",  # regex allows the shared group names
    regex.I)
_ISSUER_AFTER = regex.compile(
    r"\s*,?\s*của\s+(?P<issuer>[^,;:()\n“”\"|]{3,80}?)"
    r"(?=\s+(?:về|v/v|quy định|hướng dẫn|ban hành|phê duyệt|tại|trong|để|nhằm|thì|đã|khóa|khoá|"
    r"sửa đổi|triển khai|thực hiện|kết luận|giao|gửi|đối với|tổng hợp|báo cáo|đề nghị|"
    r"xin|chỉ đạo|yêu cầu|đồng ý|cho phép|trình|đăng ký|có|là|được|bổ sung|thông báo)\b"
    r"|[,;:.()\n“”\"|]|$)",  # "|": the end of a table cell (table_references)
    regex.I)
# groups by number: ``regex`` looks one up by name several times slower
_SYM = SYMBOL_IN_TEXT.groupindex["sym"]
_ISSUER = _ISSUER_AFTER.groupindex["issuer"]
_DOC_NUMBER_LINE = regex.compile(r"\s*(?:[\p{L}]+\s){0,2}?Số\s*:", regex.I)
_NUMBER_LABEL_CHARS = 25  # a symbol this close after "Số:" is the number of the line
_DATE_CITES_BEFORE = 30  # a symbol this close before a date owns that date
_CLAUSE_END = regex.compile(r"[.;\n]")


@cache
def _cite_pattern(max_gap: int) -> regex.Pattern:
    """A citation word ("Công văn") ending the text before a symbol, ``max_gap`` characters
    ("số", "liên tịch", …) at most between them."""
    words = "|".join(regex.escape(w) for w in citation_words())
    return regex.compile(rf"(?<!\p{{L}})(?P<word>{words})(?!\p{{L}})(?P<gap>[^.;\n]{{0,{max_gap}}}?)$",
                         regex.I)


@cache
def _cite_reach(max_gap: int) -> int:
    """How far before its end ``_cite_pattern(max_gap)`` can begin: the longest citation
    word, the gap, and a final newline ``$`` may stand before."""
    return max(len(w) for w in citation_words()) + max_gap + 1


@lru_cache(maxsize=8192)  # a document cites the same documents in the same words again
def _date_in(window: str) -> tuple[str | None, int]:
    """(ISO date, its end) of a date opening ``window``; (None, 0) when none does."""
    m = _DATE_AFTER.match(window)
    if m:
        value = date_from_match(m)
        if value:
            return value, m.end()
    return None, 0


def _issuer_named(window: str) -> tuple[str, int] | None:
    """``_issuer_in(window)``, the pattern tried only where it may match."""
    # most citations name no issuer: "của" must open the window (after spaces and a comma;
    # ``lstrip`` strips all the pattern's ``\s`` and more), else the pattern is not tried
    rest = window.lstrip()
    if rest[:1] == ",":
        rest = rest[1:].lstrip()
    return _issuer_in(window) if rest[:3].lower() == "của" else None


@lru_cache(maxsize=8192)
def _issuer_in(window: str) -> tuple[str, int] | None:
    """(issuer, its end) named by a "của …" opening ``window`` (the pattern reads no further
    than the window: its end is the text's end or ``reference_issuer_chars`` on)."""
    m = _ISSUER_AFTER.match(window)
    return (m.group(_ISSUER).strip(), m.end(_ISSUER)) if m else None


@lru_cache(maxsize=8192)
def _word_before(tail: str, from_start: bool, max_gap: int) -> tuple[int, str] | None:
    """(how far before the end it begins, the word) of the citation word that ends ``tail``
    with at most ``max_gap`` characters after it. ``tail``: the text searched, and before it
    the character the pattern's look-behind reads unless ``from_start`` (the line's start)."""
    m = _cite_pattern(max_gap).search(tail, 0 if from_start else 1)
    return (len(tail) - m.start(), m.group("word")) if m else None


def _date_before(text: str, type_start: int, settings: Settings) -> str | None:
    """``Ngày 19/01/2024, UBND tỉnh ban hành Công văn số …``: a date earlier in the same clause."""
    window_start = max(0, type_start - settings.reference_date_before_chars)
    window = text[window_start:type_start]
    clause = _CLAUSE_END.split(window)[-1]
    offset = type_start - len(clause)
    best = None
    for pattern in (LONG_DATE, NUMERIC_DATE):
        for m in pattern.finditer(text, offset, type_start):
            # a date that follows another citation's number is that citation's date
            if SYMBOL_IN_TEXT.search(text, max(offset, m.start() - _DATE_CITES_BEFORE), type_start):
                continue
            best = date_from_match(m) or best
    return best


def _cited_symbol(symbol: str) -> tuple[str | None, str] | None:
    """(type code, upper-case key) of a cleaned symbol that parses with a number; else None."""
    # ``SYMBOL_IN_TEXT`` opens every symbol with its number's digits, then "/" or "-" (a
    # cleaned symbol keeps no space between): the parse reads the digits as the number
    # whatever they are, so it is the same for every number before the same codes
    slash, dash = symbol.find("/"), symbol.find("-")
    cut = slash if dash < 0 or 0 <= slash < dash else dash
    type_code = _codes_type(symbol[cut:])
    return None if type_code is False else (type_code, symbol.upper())


@lru_cache(maxsize=4096)  # "/QĐ-TTg", "/2020/NĐ-CP": the same codes, document after document
def _codes_type(codes: str) -> str | None | bool:
    """The type code of a symbol ``<number><codes>``; False when such a symbol does not parse."""
    parsed = number_symbol_fields("0" + codes)
    return False if parsed is None or parsed["number"] is None else parsed["type_code"]


def find_references(text: str, own_number: str | None = None,
                    settings: Settings = DEFAULT_SETTINGS) -> list[Found[Reference]]:
    """Every cited document, one per number, in order of first mention."""
    own = clean_symbol(own_number).upper() if own_number else None
    by_number: dict[str, Found[Reference]] = {}
    order: list[str] = []
    gap = settings.reference_type_gap
    reach = _cite_reach(gap)
    lookbehind = settings.reference_lookbehind_chars
    date_chars, issuer_chars = settings.reference_date_chars, settings.reference_issuer_chars
    for m in SYMBOL_IN_TEXT.finditer(text):
        reading = _symbol_reading(m.group(_SYM))
        if reading is None:
            continue
        symbol, type_code, key = reading
        if own and key == own:
            continue
        at = m.start()
        line_start = text.rfind("\n", 0, at) + 1
        if at - line_start < _NUMBER_LABEL_CHARS \
                and _DOC_NUMBER_LINE.match(text[line_start:at]):
            continue  # the number line of this document (or of an appendix)
        known = by_number.get(key)
        if known is not None and known.value.doc_type is not None \
                and known.value.date is not None and known.value.issuer is not None:
            continue  # a mention again of a citation complete already: it adds nothing
        # the word and its gap end the text before the symbol: no match starts earlier
        # (searched in the last ``reach`` characters, and the one before them it looks back at)
        before_start = max(line_start, at - lookbehind)
        search_from = max(before_start, at - reach)
        word = _cited_word(text[max(before_start, search_from - 1):at],
                           search_from == before_start, gap)
        if word:
            type_start = at - word[0]
            doc_type = word[1] or doc_type_from_code(type_code)
        else:
            type_start = at
            doc_type = doc_type_from_code(type_code)
        # a date right after the symbol: the pattern reads no further than its window, and
        # looks no further back than the window's first character (a symbol ends before a
        # non-word character): the window's reading is the same wherever it stands
        date, length = _date_in(text[m.end():m.end() + date_chars])
        end = m.end() + length
        if date is None and word:
            date = _date_before(text, type_start, settings)
        issuer_found = _issuer_named(text[end:end + issuer_chars])
        issuer = issuer_found[0] if issuer_found else None
        if known is not None:
            # a mention again: what it adds, without a model of its own
            _complete_with(known.value, doc_type, date, issuer)
            continue
        raw_end = end + issuer_found[1] if issuer_found else end
        raw = one_spaced(text[type_start:raw_end]).strip(" ,;")
        ref = Reference(raw=raw, doc_type=doc_type, number=symbol, date=date, issuer=issuer)
        # behind its type word ("Công văn số …") a citation is cued; a bare symbol is weak
        by_number[key] = Found(ref, type_start, raw_end,
                               Confidence.CUED if word else Confidence.WEAK)
        order.append(key)
    return [by_number[k] for k in order]


def _symbol_reading(raw: str) -> tuple[str, str | None, str] | None:
    """(cleaned symbol, type code, upper-case key) of a symbol found in the text that parses
    with a number; else None."""
    symbol = clean_symbol(raw)
    cited = _cited_symbol(symbol)
    return None if cited is None else (symbol, cited[0], cited[1])


@lru_cache(maxsize=8192)  # a document cites the same documents in the same words again
def _cited_word(tail: str, from_start: bool, max_gap: int) -> tuple[int, str | None] | None:
    """``_word_before``, its word read as a document type: (how far before the end it
    begins, the type it names)."""
    word = _word_before(tail, from_start, max_gap)
    return (word[0], doc_type_from_citation(word[1])) if word else None


def _complete(known: Reference, mention: Reference) -> None:
    """A later mention may state what the first did not."""
    _complete_with(known, mention.doc_type, mention.date, mention.issuer)


def _complete_with(known: Reference, doc_type: str | None, date: str | None,
                   issuer: str | None) -> None:
    if known.date is None and date:
        known.date = date
    if known.issuer is None and issuer:
        known.issuer = issuer
    if known.doc_type is None and doc_type:
        known.doc_type = doc_type


# cells of a row are read as one line, kept apart so that one cell's date is not another's
_CELL_JOIN = " | "


def _table_place(doc: Document, table: RawTable) -> int:
    """Where a table sits in the text: its anchor, else the end of its page."""
    if table.anchor is not None:
        return min(table.anchor, len(doc.text))
    if 0 < table.page < len(doc.page_starts):
        return doc.page_starts[table.page] - len(PAGE_SEPARATOR)
    return len(doc.text)


def table_references(doc: Document, own_number: str | None = None,
                     settings: Settings = DEFAULT_SETTINGS) -> list[Found[Reference]]:
    """Citations in the cells of ``doc.tables``, one per number, each placed at its table."""
    by_number: dict[str, Found[Reference]] = {}
    for table in doc.tables:
        at = _table_place(doc, table)
        for row in table.rows:
            line = _CELL_JOIN.join(" ".join(c.split()) for c in row if c and c.strip())
            for found in find_references(line, own_number, settings):
                ref = found.value
                if ref.doc_type is None:
                    continue  # a bare symbol in a table is a code, not a citation
                key = ref.number.upper()
                ref.raw = ref.raw.replace(_CELL_JOIN, " ")
                if key in by_number:
                    _complete(by_number[key].value, ref)
                else:
                    by_number[key] = Found(ref, at, at, found.confidence)
    return list(by_number.values())


def document_references(doc: Document, text: str, own_number: str | None = None,
                        settings: Settings = DEFAULT_SETTINGS) -> list[Found[Reference]]:
    """The citations of the text (``text``: ``doc.text`` as the extractors read it) and of its
    tables: a number cited in both is one reference, placed where the text cites it."""
    found = find_references(text, own_number, settings)
    known = {f.value.number.upper(): f.value for f in found}
    for extra in table_references(doc, own_number, settings):
        key = extra.value.number.upper()
        if key in known:
            _complete(known[key], extra.value)
            continue
        # in document order: before the first text citation that comes after the table
        i = next((k for k, f in enumerate(found) if f.start > extra.start), len(found))
        found.insert(i, extra)
        known[key] = extra.value
    return found
