"""Agency normalisation (chuẩn hóa tên cơ quan): a name as printed → ``Agency``.

The gazetteer ``lexicon/agencies.yaml`` lists bodies by kind (ministries, provincial
departments, groups such as "UBND các huyện, thị xã, thành phố") with their aliases and
unit codes. People's committees and councils of a named place are built from the place:

>>> resolve_agency("UBND H.Long Điền").id
'ubnd-huyen-long-dien'
>>> resolve_agency("Sở Công thương").canonical
'Sở Công Thương'

Matching runs on a key that ignores case, tone placement, dashes, "&" and the word "và";
names that still differ (OCR slips, "Sở Văn hóa – Thể thao") go through rapidfuzz.

A name resolves to the body valid on the document's date, which carries today's
``successor`` after the 2025 reorganisation (ministries and departments merged on 1 March,
provinces merged and districts abolished on 1 July; places from
``pipeline.lexicon.admin_units``):

>>> resolve_agency("Bộ Thông tin và Truyền thông", on="2024-05-02").successor
'Bộ Khoa học và Công nghệ'
>>> resolve_agency("UBND tỉnh Hà Giang", on="2024-05-02").successor
'Ủy ban nhân dân tỉnh Tuyên Quang'
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, lru_cache

import regex
from rapidfuzz import fuzz, process

from pipeline.lexicon import admin_units, load_lexicon
from pipeline.text.keys import fold_diacritics, tone_key

# rapidfuzz ratio (0-100) a variant must reach; "Sở Nội vụ"/"Sở Ngoại vụ" score 90, and
# both are listed, so an exact key wins before fuzzy matching is tried.
FUZZY_CUTOFF = 91


@dataclass(frozen=True)
class Agency:
    """A public body: stable ``id``, its name written out, and the spellings seen for it."""

    id: str
    canonical: str
    aliases: tuple[str, ...] = ()
    valid_from: str | None = None  # ISO dates; None: open-ended
    valid_to: str | None = None
    successor: str | None = None  # today's body, when another took this one over

    def valid_on(self, on: str | None) -> bool:
        """Existed on ``on`` (ISO, possibly partial: "2025", "2025-03"); unknown date: yes."""
        if not on:
            return True
        return (self.valid_from is None or on >= self.valid_from[:len(on)]) and (
            self.valid_to is None or on <= self.valid_to[:len(on)])


_KEY_PUNCT_TO_SPACE = str.maketrans(dict.fromkeys("-–—&,;/.()", " "))  # each to one space
_KEY_VA = regex.compile(r"(?<!\S)và(?!\S)")
_SPACES = regex.compile(r"\s+")


def agency_key(name: str) -> str:
    """Comparison key: tone_key without dashes, '&', commas and the word 'và'."""
    key = tone_key(name).translate(_KEY_PUNCT_TO_SPACE)
    if "và" in key:  # the only word taken out; most names lack it
        key = _KEY_VA.sub(" ", key)
    return _SPACES.sub(" ", key).strip()


def slug(name: str) -> str:
    """ASCII id from a Vietnamese name: 'Ủy ban nhân dân huyện Long Điền' → 'uy-ban-…'."""
    return regex.sub(r"[^a-z0-9]+", "-", fold_diacritics(name).lower()).strip("-")


@dataclass(frozen=True)
class _Gazetteer:
    by_key: dict[str, Agency]
    by_code: dict[str, Agency]
    by_folded: dict[str, Agency]  # without diacritics, only keys that stay unambiguous
    by_first_word: dict[str, list[str]]  # fuzzy matching only among names of one kind
    abbreviations: tuple[tuple[str, regex.Pattern, str], ...]  # (short, its pattern, full)
    place_levels: dict[str, str]
    place_re: regex.Pattern


@cache
def _gazetteer() -> _Gazetteer:
    data = load_lexicon("agencies")
    abbreviations = tuple(
        (short, regex.compile(rf"(?<![\p{{L}}\d]){regex.escape(short)}(?![\p{{L}}\d])"), full)
        for short, full in sorted(data["abbreviations"].items(), key=lambda kv: -len(kv[0])))

    def expand(name: str) -> str:
        return _expand(name, abbreviations)

    by_key: dict[str, Agency] = {}
    by_code: dict[str, Agency] = {}
    for agency in _agencies(data["agencies"]):
        for name in (agency.canonical, *agency.aliases):
            by_key.setdefault(agency_key(name), agency)
            by_key.setdefault(agency_key(expand(name)), agency)
    for entry in data["agencies"]:
        for code in entry.get("codes") or ():
            by_code.setdefault(code, by_key[agency_key(entry["canonical"])])
            by_code.setdefault(code.upper(), by_key[agency_key(entry["canonical"])])
    folded: dict[str, dict[str, Agency]] = {}
    for key, agency in by_key.items():
        folded.setdefault(fold_diacritics(key), {})[agency.id] = agency
    by_folded = {f: next(iter(found.values())) for f, found in folded.items() if len(found) == 1}
    by_first_word: dict[str, list[str]] = {}
    for key in by_key:
        by_first_word.setdefault(key.split(" ", 1)[0], []).append(key)
    levels = {str(k): v for k, v in data["place_levels"].items()}
    # "Ủy ban nhân dân" + level + a place that starts with a capital or a digit ("phường 1")
    level_alt = "|".join(regex.escape(k) for k in sorted(levels, key=len, reverse=True))
    place_re = regex.compile(
        rf"^(Ủy ban nhân dân|Hội đồng nhân dân)\s*({level_alt})\s*([\p{{Lu}}\d].*)$")
    return _Gazetteer(by_key, by_code, by_folded, by_first_word, abbreviations, levels, place_re)


def _agencies(entries: list[dict]) -> list[Agency]:
    """The gazetteer's entries, each with the name of today's body it passed into."""
    by_id = {e["id"]: e for e in entries}

    def today(entry: dict) -> str | None:
        seen = {entry["id"]}
        while entry.get("successor"):
            entry = by_id[entry["successor"]]
            if entry["id"] in seen:
                raise ValueError(f"agencies.yaml: successors run in a circle at {entry['id']}")
            seen.add(entry["id"])
        return entry["canonical"] if len(seen) > 1 else None

    def iso(day) -> str | None:
        return day.isoformat() if day else None  # YAML reads 2025-02-28 as a date

    return [Agency(e["id"], e["canonical"], tuple(e.get("aliases") or ()),
                   iso(e.get("valid_from")), iso(e.get("valid_to")), today(e))
            for e in entries]


_CLEAN_STEPS = tuple((regex.compile(p), r) for p, r in (
    (r"\*+|_+|`", ""),
    (r"\s*\([^()]*\)\s*", " "),  # "Công an tỉnh (PC06)"
    (r"^[\s\-–+•]+", ""),
    (r"^(?:[Đđ]ối với|[Gg]iao(?: cho)?)\s+", ""),
    (r"[\s;:,.]+$", ""),
))


# what each step needs to find anything: a step that cannot match is not run
_CLEAN_MAY_MATCH = (
    lambda s: "*" in s or "_" in s or "`" in s,
    lambda s: "(" in s,
    lambda s: not s[:1].isalnum(),
    lambda s: s[:1] in "ĐđGg",
    lambda s: not s[-1:].isalnum(),
)


@lru_cache(maxsize=16384)  # looks_like_agency and _resolve clean the same phrase
def _clean(name: str) -> str:
    for (pattern, repl), may_match in zip(_CLEAN_STEPS, _CLEAN_MAY_MATCH):
        if may_match(name):
            name = pattern.sub(repl, name)
    name = name.replace("Uỷ", "Ủy").replace("UỶ", "ỦY")
    return _SPACES.sub(" ", name).strip()


def expand_abbreviations(name: str) -> str:
    """'UBND H.Long Điền' → 'Ủy ban nhân dân H.Long Điền' (levels are handled separately)."""
    return _expand(name, _gazetteer().abbreviations)


def _expand(name: str, abbreviations: tuple[tuple[str, regex.Pattern, str], ...]) -> str:
    for short, pattern, full in abbreviations:
        if short in name:  # each match is the short form itself: no regex pass without it
            name = pattern.sub(full, name)
    return name


def _people_committee(name: str) -> Agency | None:
    """UBND/HĐND of a named place: 'Ủy ban nhân dân H.Châu Đức' → huyện Châu Đức."""
    g = _gazetteer()
    m = g.place_re.match(name)
    if not m:
        return None
    body, level, place = m.group(1), g.place_levels[m.group(2)], m.group(3).strip()
    if tone_key(place).startswith(("các ", "cấp ")):
        return None
    canonical = f"{body} {level} {place}"
    return Agency(slug(canonical).replace("uy-ban-nhan-dan", "ubnd")
                  .replace("hoi-dong-nhan-dan", "hdnd"), canonical, ())


_TRAILING_PLACE = regex.compile(r"\s+(?:tỉnh|thành phố|TP\.?)(?:\s+[\p{Lu}].*)?$")


def _candidates(name: str) -> list[str]:
    """The name, then without a trailing place ('… tỉnh Bà Rịa-Vũng Tàu'), then '+ tỉnh'."""
    out = [name]
    stripped = _TRAILING_PLACE.sub("", name)
    if stripped != name and stripped:
        out += [stripped, f"{stripped} tỉnh"]
    return out


def resolve_agency(name: str | None, on: str | None = None,
                   within: str | None = None) -> Agency | None:
    """The agency a printed name refers to, or ``None`` when it is not a known public body.

    ``on``: the document's date (ISO, maybe partial), to tell a body of the 63 provinces from
    one of the 34; ``within``: a name that tells which province a district lies in (the
    parent body, the place), for names several provinces had ("huyện Châu Thành").
    """
    if not name or len(name) > 200:
        return None
    return _resolve_on(name, on or "", within or "")


@lru_cache(maxsize=16384)  # the same assignees and units come back in every document
def _resolve_on(name: str, on: str, within: str) -> Agency | None:
    agency = _resolve(name)
    if agency is None or agency.successor:
        return agency
    return _in_its_time(agency, on, within)


# provinces merged and districts were abolished on 1 July 2025
REFORM_DAY = "2025-07-01"
_EVE_OF_REFORM = "2025-06-30"
_DISTRICT_LEVELS = ("huyện", "quận", "thị xã", "thành phố")


@lru_cache(maxsize=4096)
def _in_its_time(agency: Agency, on: str, within: str) -> Agency:
    """A people's committee or council of a place, dated, with today's body if it differs."""
    m = _gazetteer().place_re.match(agency.canonical)
    if not m:
        return agency
    body, level, place = m.groups()
    province = admin_units.province(f"{level} {place}") if level in ("tỉnh", "thành phố") \
        else None
    if province is None and level in _DISTRICT_LEVELS:
        # the district level is gone: its files passed to the province it lay in
        province = _one_province(admin_units.districts(level, place), within)
        if province is not None:
            return replace(agency, valid_to=_EVE_OF_REFORM,
                           successor=f"{body} {_lower_first(province.successor)}")
    if province is None:
        return agency  # a commune, or a place the package does not know: no guess
    today = f"{body} {_lower_first(province.successor)}"
    if agency_key(today) == agency_key(agency.canonical):
        # the same name on both sides: the body of the document's time, no successor
        return replace(agency, valid_from=REFORM_DAY) if on >= REFORM_DAY else \
            replace(agency, valid_to=_EVE_OF_REFORM)
    return replace(agency, valid_to=_EVE_OF_REFORM, successor=today)


def _one_province(districts, within: str):
    provinces = list(dict.fromkeys(d.province for d in districts))
    if len(provinces) > 1 and within:
        m = _gazetteer().place_re.match(expand_abbreviations(_clean(within)))
        hint = admin_units.province(f"{m.group(2)} {m.group(3)}" if m else within)
        provinces = [p for p in provinces if p == hint]
    return provinces[0] if len(provinces) == 1 else None


def _lower_first(name: str) -> str:
    """'Tỉnh Tuyên Quang' → 'tỉnh Tuyên Quang': the level is a common noun inside a name."""
    return name[:1].lower() + name[1:]


@lru_cache(maxsize=4096)
def _resolve(name: str) -> Agency | None:
    cleaned = _clean(name)
    if not cleaned or len(cleaned) > 160:
        return None
    g = _gazetteer()
    if " " not in cleaned and cleaned in g.by_code:
        return g.by_code[cleaned]
    expanded = expand_abbreviations(cleaned)
    own_key = agency_key(expanded)
    found = g.by_key.get(own_key)
    if found:
        return found
    committee = _people_committee(expanded)
    if committee:
        return committee
    # each candidate's key once (the first candidate is the name itself)
    keys = [own_key] + [agency_key(candidate) for candidate in _candidates(expanded)[1:]]
    for key in keys:
        found = g.by_key.get(key) or g.by_folded.get(fold_diacritics(key))
        if found:
            return found
    for key in keys:
        # only names of the same kind ("sở …", "ban …"): a stray word in front is no variant
        same_kind = g.by_first_word.get(key.split(" ", 1)[0], ())
        best = process.extractOne(key, same_kind, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best:
            return g.by_key[best[0]]
    return None


def is_gazetteer_name(name: str) -> bool:
    """Is ``name`` exactly a name the gazetteer lists (no fuzzy match, no place built)?"""
    g = _gazetteer()
    return agency_key(expand_abbreviations(_clean(name))) in g.by_key


@lru_cache(maxsize=16384)  # the same clauses and headings are asked again and again
def looks_like_agency(phrase: str) -> bool:
    """Does a phrase name a body or a group of bodies (for assignees and table units)?"""
    if _AGENCY_START.match(_clean(phrase)):
        return True
    # other names in the gazetteer ("Chính phủ", "Thủ tướng Chính phủ") are short
    return len(phrase.split()) <= 12 and resolve_agency(phrase) is not None


_AGENCY_START = regex.compile(
        r"(?:các |tất cả các )?(?:sở|ban|bộ|văn phòng|ủy ban|uỷ ban|ubnd|hđnd|hội đồng|công an|"
        r"thanh tra|cục|chi cục|phòng|trung tâm|kho bạc|bảo hiểm|đài|viện|"
        r"cơ quan|đơn vị|địa phương|tổ công tác|tổ giúp việc|đoàn (?:kiểm tra|công tác|liên ngành)|"
        r"liên đoàn|hội đồng|ngân hàng|tòa án|chủ tịch|trường (?:đại học|cao đẳng|trung cấp)|"
        r"thủ trưởng|người đứng đầu|giám đốc|lãnh đạo|bộ chỉ huy|(?:huyện|thành|tỉnh) (?:ủy|uỷ))\b",
    regex.I)
