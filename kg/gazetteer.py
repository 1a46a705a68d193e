"""Provinces, cities and counties of China, from the ``cpca`` package's adcode table.

Only the data file is read (cpca itself imports pandas); the table is loaded once per
process and never modified.
"""
from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
_SKIP = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_PROVINCE_SHORT_STRIP = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


@dataclass(frozen=True)
class GazPlace:
    """A place of county level or above: its name, level and the chain of names above it."""

    name: str
    level: str
    parents: tuple[str, ...]  # highest first, e.g. ("北京市",) for 大兴区
    former: bool = False  # an old name of a district (藁城市 for 藁城区), not in today's table

    @property
    def chain(self) -> tuple[str, ...]:
        return self.parents + (self.name,)


def _adcode_file() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the gazetteer needs the 'cpca' package: pip install cpca")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"


def _level(code: str, name: str) -> str:
    if code[2:] == "0" * 10:
        return "municipality" if name in MUNICIPALITIES else "province"
    if code[4:] == "0" * 8:
        return "city"
    if name.endswith("区"):
        return "district"
    return "county"


@lru_cache(maxsize=1)
def load() -> dict[str, tuple[GazPlace, ...]]:
    """Return every gazetteer place by name (a name may denote several places, e.g. 鼓楼区)."""
    rows = {}
    with _adcode_file().open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code, name = row["adcode"], row["name"].strip()
            if name and name not in _SKIP:
                rows[code[:6]] = name
    out: dict[str, list[GazPlace]] = {}
    for code, name in sorted(rows.items()):
        level = _level(code + "000000", name)
        parents: list[str] = []
        prov = rows.get(code[:2] + "0000")
        if level in ("city", "district", "county") and prov:
            parents.append(prov)
        city = rows.get(code[:4] + "00")
        if level in ("district", "county") and city and city != prov:
            parents.append(city)
        out.setdefault(name, []).append(GazPlace(name, level, tuple(parents)))
    _add_former_names(out)
    return {k: tuple(v) for k, v in out.items()}


# Counties and county-level cities made districts (撤县设区, 撤市设区: 藁城市 -> 藁城区, 崇明县 ->
# 崇明区) keep their old names in older news: X县 and X市 name the district X区 where no
# place of that name exists, at county level, with the district's parents.
_FORMER_SUFFIXES = ("县", "市")


def _add_former_names(out: dict[str, list[GazPlace]]) -> None:
    current = set(out)
    for name in sorted(current):
        if not name.endswith("区") or len(name) < 3:
            continue
        for place in out[name]:
            if place.level == "district":
                for former in (name[:-1] + suffix for suffix in _FORMER_SUFFIXES):
                    if former not in current:
                        out.setdefault(former, []).append(GazPlace(former, "county", place.parents, former=True))


@lru_cache(maxsize=1)
def short_forms() -> dict[str, str]:
    """Return province short forms (四川 -> 四川省, 内蒙古 -> 内蒙古自治区)."""
    out = {}
    for name, places in load().items():
        if any(p.level in ("province", "municipality") for p in places):
            for suffix in _PROVINCE_SHORT_STRIP:
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    out[name[: -len(suffix)]] = name
                    break
    return out


def lookup(name: str) -> tuple[GazPlace, ...]:
    """Return the gazetteer places with this exact name (empty when unknown)."""
    return load().get(name, ())
