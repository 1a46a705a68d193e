"""Word lists, tables and patterns kept as data in kg/data/, each file with a comment header.

Every loader reads its file once per process and returns immutable values. Files are read
through importlib.resources, so an installed wheel finds them as a checkout does.

* ``words(name)``: a named word set from ``words.tsv`` (``name<TAB>word word ...``).
* ``pattern(name)``: a named regular expression from ``patterns.tsv``; ``{set:NAME}`` inside a
  pattern stands for the alternation of a word set, ``{num}`` for a number (51000, 5.27, 两万).
* ``table(file)``: the rows of a TSV file.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources

NUM = r"(?:[0-9０-９]+(?:[.．][0-9０-９]+)?|[零〇一二两三四五六七八九十百千万亿]+)"


def _text(name: str) -> str:
    return (resources.files("kg") / "data" / name).read_text(encoding="utf-8")


def lines(name: str) -> tuple[str, ...]:
    """Return the non-empty, non-comment lines of a data file."""
    out = []
    for line in _text(name).splitlines():
        line = line.rstrip("\n")
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line.strip())
    return tuple(out)


@cache
def table(name: str) -> tuple[tuple[str, ...], ...]:
    """Return the rows of a TSV data file (fields stripped; missing trailing fields are empty strings)."""
    return tuple(tuple(f.strip() for f in line.split("\t")) for line in lines(name))


def alternation(words) -> str:
    """Return a regex alternation of ``words``, longest first so the longest match wins."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def _word_sets() -> dict[str, frozenset[str]]:
    sets: dict[str, set[str]] = {}
    for row in table("words.tsv"):
        sets.setdefault(row[0], set()).update(w for f in row[1:] for w in f.split())
    return {k: frozenset(v) for k, v in sets.items()}


def words(name: str) -> frozenset[str]:
    """Return the word set ``name`` of kg/data/words.tsv (an unknown name lists the known ones)."""
    sets = _word_sets()
    if name not in sets:
        raise KeyError(f"no word set {name!r} in kg/data/words.tsv (sets: {', '.join(sorted(sets))})")
    return sets[name]


@lru_cache(maxsize=1)
def _patterns() -> dict[str, str]:
    return {row[0]: row[1] for row in table("patterns.tsv")}


def _expand(src: str) -> str:
    src = src.replace("{num}", NUM)
    return re.sub(r"\{set:([a-z_]+)\}", lambda m: f"(?:{alternation(words(m.group(1)))})", src)


@cache
def pattern(name: str) -> re.Pattern:
    """Return the compiled pattern ``name`` of kg/data/patterns.tsv."""
    pats = _patterns()
    if name not in pats:
        raise KeyError(f"no pattern {name!r} in kg/data/patterns.tsv (patterns: {', '.join(sorted(pats))})")
    return re.compile(_expand(pats[name]))


@lru_cache(maxsize=1)
def titles() -> frozenset[str]:
    """Return the titles of posts (书记, 副主席, ...)."""
    return frozenset(lines("titles.txt"))


@lru_cache(maxsize=1)
def roles() -> frozenset[str]:
    """Return role words that introduce people without naming a post (市领导)."""
    return frozenset(lines("roles.txt"))


@lru_cache(maxsize=1)
def org_suffixes() -> dict[str, str]:
    """Return organization suffix -> kind (union, party, government, ...)."""
    return {r[0]: r[1] for r in table("org_suffixes.tsv")}


@lru_cache(maxsize=1)
def admin_suffixes() -> dict[str, str]:
    """Return administrative suffix -> level (镇 -> town)."""
    return {r[0]: r[1] for r in table("admin_suffixes.tsv")}


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Return Chinese surnames (single and compound)."""
    return frozenset(w for line in lines("surnames.txt") for w in line.split())


@lru_cache(maxsize=1)
def groups() -> dict[str, str]:
    """Return beneficiary group surface form -> canonical name (true variants of one category only)."""
    out = {}
    for row in table("groups.tsv"):
        canonical = row[0]
        out[canonical] = canonical
        for alias in row[1].split(",") if len(row) > 1 and row[1] else []:
            out.setdefault(alias.strip(), canonical)
    return out


@lru_cache(maxsize=1)
def group_heads() -> dict[str, str]:
    """Return head nouns of open-vocabulary groups (老人, 职工, 家庭 ...) -> broad category."""
    return {r[0]: r[1] for r in table("group_heads.tsv")}


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, tuple[str, ...]]:
    """Return group -> its broader categories (空巢老人 -> 老年人), from kg/data/taxonomy.tsv."""
    return {r[0]: tuple(x for x in r[1].split(",") if x) for r in table("taxonomy.tsv")}


@lru_cache(maxsize=1)
def goods() -> tuple[frozenset[str], frozenset[str]]:
    """Return (goods items, category words such as 慰问品)."""
    items, cats, section = set(), set(), "item"
    for line in lines("goods.txt"):
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "item":
            items.add(line)
        else:
            cats.add(line)
    return frozenset(items), frozenset(cats)


@lru_cache(maxsize=1)
def triggers() -> dict[str, tuple[str, str]]:
    """Return event trigger word -> (event class, strength): ``welfare`` triggers stand alone, ``weak`` ones
    need a beneficiary, a welfare purpose or a welfare word in the article to make an event."""
    return {r[0]: (r[1], r[2] if len(r) > 2 and r[2] else "welfare") for r in table("triggers.tsv")}
