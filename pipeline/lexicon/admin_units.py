"""Provinces and districts before 1 July 2025, and the province each lies in today.

On 1 July 2025 the 63 provinces merged into 34 and the district level was abolished. The
units on both sides come from the ``vietnamadminunits`` package (its 63-province table and
its old → new province mapping), not from a list kept here:

>>> province("tỉnh Hà Giang").successor
'Tỉnh Tuyên Quang'
>>> [d.province.short for d in districts("huyện", "Long Điền")]
['Bà Rịa - Vũng Tàu']

The package's data is read from its files without importing it: its import loads geopy and
shapely (about a second) for a converter that may geocode online, which we must never call.
Names are matched on a key without diacritics, case, spaces or dashes, as the package's own
keywords are written ("tinhhagiang", "huyenlongdien").
"""
from __future__ import annotations

import importlib.util
import json
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex

from pipeline.text.keys import fold_diacritics

PACKAGE = "vietnamadminunits"


@dataclass(frozen=True)
class Province:
    """A province-level unit of the 63: ``name`` as written in full ("Tỉnh Hà Giang"),
    ``short`` without its type, ``successor`` the unit of the 34 it lies in since 2025."""

    name: str
    short: str
    successor: str


@dataclass(frozen=True)
class District:
    """A district-level unit (huyện, quận, thị xã, thành phố thuộc tỉnh) of the 63 provinces."""

    name: str
    province: Province


def place_key(name: str) -> str:
    """'Tỉnh Bà Rịa - Vũng Tàu' → 'tinhbariavungtau', the package's keyword spelling."""
    return regex.sub(r"[^a-z0-9]+", "", fold_diacritics(name).lower())


@dataclass(frozen=True)
class _Units:
    provinces: dict[str, Province]  # every keyword of a province → it
    districts: dict[str, tuple[District, ...]]  # every keyword of a district → all so named


def _data_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {PACKAGE!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def _units() -> _Units:
    data = _data_dir()
    with sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True) as db:
        # tables and columns of the package's own ``database.get_data``
        legacy = db.execute(
            "SELECT DISTINCT province, provinceShort, provinceKey, provinceKeywords, district, "
            "districtKeywords FROM admin_units_legacy").fetchall()
        today = dict(db.execute("SELECT DISTINCT provinceKey, province FROM admin_units"))
    merged = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    new_key = {old: new for new, olds in merged["DICT_PROVINCE"].items() for old in olds}
    provinces: dict[str, Province] = {}
    districts: dict[str, list[District]] = {}
    for name, short, key, keywords, district, district_keywords in legacy:
        found = provinces.get(key)
        if found is None:
            found = Province(name, short, today[new_key[key]])
            for keyword in (key, *json.loads(keywords)):
                provinces.setdefault(keyword, found)
        if district:
            unit = District(district, found)
            for keyword in json.loads(district_keywords or "[]"):
                if unit not in districts.setdefault(keyword, []):
                    districts[keyword].append(unit)
    return _Units(provinces, {k: tuple(v) for k, v in districts.items()})


def province(name: str) -> Province | None:
    """The province of the 63 named ("Hà Giang", "tỉnh Hà Giang", "thành phố Cần Thơ");
    "thành phố Vũng Tàu" is none: a city inside a province is a district."""
    return _units().provinces.get(place_key(name))


def districts(level: str, name: str) -> tuple[District, ...]:
    """Every district of that level and name ("huyện", "Châu Thành": one per province)."""
    units = _units()
    return units.districts.get(place_key(level + name), ())
