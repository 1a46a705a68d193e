"""Domain lexicons kept as data files in kg/data/: titles, suffixes, groups, goods, triggers.

Each loader reads its file once per process and returns immutable values.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _lines(name: str) -> list[str]:
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _rows(name: str) -> list[list[str]]:
    return [line.split("\t") for line in _lines(name)]


def alternation(words) -> str:
    """Return a regex alternation of ``words``, longest first so the longest match wins."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    """Return the titles of posts (书记, 副主席, ...)."""
    return frozenset(_lines("titles.txt"))


@lru_cache(maxsize=1)
def roles() -> frozenset[str]:
    """Return role words that introduce people without a post (市领导)."""
    return frozenset(_lines("roles.txt"))


@lru_cache(maxsize=1)
def org_suffixes() -> dict[str, str]:
    """Return organization suffix -> kind (union, party, government, ...)."""
    return {r[0]: r[1] for r in _rows("org_suffixes.tsv")}


@lru_cache(maxsize=1)
def admin_suffixes() -> dict[str, str]:
    """Return administrative suffix -> level (镇 -> town)."""
    return {r[0]: r[1] for r in _rows("admin_suffixes.tsv")}


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Return Chinese surnames (single and compound)."""
    return frozenset(w for line in _lines("surnames.txt") for w in line.split())


@lru_cache(maxsize=1)
def groups() -> dict[str, str]:
    """Return beneficiary group surface form -> canonical name."""
    out = {}
    for row in _rows("groups.tsv"):
        canonical = row[0]
        out[canonical] = canonical
        for alias in row[1].split(",") if len(row) > 1 else []:
            out.setdefault(alias.strip(), canonical)
    return out


@lru_cache(maxsize=1)
def goods() -> tuple[frozenset[str], frozenset[str]]:
    """Return (goods items, category words such as 慰问品)."""
    items, cats, section = set(), set(), "item"
    for line in _lines("goods.txt"):
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "item":
            items.add(line)
        else:
            cats.add(line)
    return frozenset(items), frozenset(cats)


@lru_cache(maxsize=1)
def triggers() -> dict[str, str]:
    """Return event trigger word -> event class name."""
    return {r[0]: r[1] for r in _rows("triggers.tsv")}
