"""A user's alias table (``kg build --aliases FILE``): names the built-in rules resolve wrongly, fixed as data.

The file is UTF-8 TSV; lines starting with ``#`` are comments, and a first row
``surface<TAB>canonical<TAB>type<TAB>region`` is a header. Each row has 3 or 4 fields:

* ``surface``: a name as an article writes it, or as the built-in rules resolve it;
* ``canonical``: the name it stands for, or ``!`` to keep it apart: an organization, place or group stays
  an entity under the name as written instead of being folded or expanded into another; a person of
  that name is a separate entity in each article instead of one for the same name in the same region;
* ``type``: ``person``, ``org``, ``place`` or ``group``;
* ``region`` (optional): the row applies only to articles about this place (a name in the article's
  region chain, or the place it names most); without it the row applies to every article.

Rows are applied by the resolve stage after the built-in lexicons and rules, so an extraction is a
pure function of (article, alias table). A row whose surface is the name as written wins over one
that matches the built-in canonical name, and a row with a region wins over one without.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError

KINDS = ("person", "org", "place", "group")
SPLIT = "!"
HEADER = ("surface", "canonical", "type", "region")


@dataclass(frozen=True)
class AliasRow:
    """One row: a surface form, the canonical name it stands for (None: keep it apart), its type and scope."""

    surface: str
    canonical: str | None
    kind: str
    region: str | None = None
    line: int = 0

    @property
    def split(self) -> bool:
        return self.canonical is None


@dataclass(frozen=True)
class AliasTable:
    """The rows of an alias file, indexed by (kind, name)."""

    rows: tuple[AliasRow, ...] = ()
    source: str = ""
    digest: str = ""
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict = {}
        for r in self.rows:
            index.setdefault((r.kind, r.surface), []).append(r)
        object.__setattr__(self, "_index", index)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def lookup(self, kind: str, written: str, resolved: str | None, regions) -> AliasRow | None:
        """Return the row for a mention written ``written`` that the built-in rules resolved to ``resolved``
        in an article about ``regions`` (its region chain and home place), or None."""
        for name in (written, resolved):
            if not name:
                continue
            rows = self._index.get((kind, name), ())
            scoped = [r for r in rows if r.region is not None and r.region in regions]
            if scoped:
                return scoped[0]
            general = [r for r in rows if r.region is None]
            if general:
                return general[0]
        return None


def load_aliases(path: str | Path) -> AliasTable:
    """Read and check an alias file.

    Raises:
        InputError: the file cannot be read, or a row is malformed (``FILE:LINE: problem``).
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read the alias table: {e.strerror or e}") from e
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: the alias table is not UTF-8 (byte {e.start})") from e
    return parse_aliases(text, str(path), hashlib.sha256(data).hexdigest())


def parse_aliases(text: str, source: str = "<aliases>", digest: str = "") -> AliasTable:
    """Parse the text of an alias file (see the module docstring); errors name ``source`` and the line."""
    rows: list[AliasRow] = []
    seen: dict[tuple, AliasRow] = {}
    first = True
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        while len(fields) > 3 and fields[-1] == "":
            fields.pop()  # a trailing tab
        if first and tuple(f.lower() for f in fields) in (HEADER, HEADER[:3]):
            first = False
            continue
        first = False
        where = f"{source}:{n}"
        if len(fields) < 3 or len(fields) > 4:
            raise InputError(f"{where}: expected 3 or 4 tab-separated fields (surface, canonical, type, region), "
                             f"found {len(fields)}: {line!r}")
        surface, canonical, kind = fields[:3]
        region = fields[3] if len(fields) == 4 and fields[3] else None
        if not surface:
            raise InputError(f"{where}: the surface form is empty")
        if not canonical:
            raise InputError(f"{where}: the canonical name is empty (give a name, or ! to keep {surface} apart)")
        if kind not in KINDS:
            raise InputError(f"{where}: unknown type {kind!r} (types: {', '.join(KINDS)})")
        if canonical.startswith(SPLIT) and canonical != SPLIT:
            raise InputError(f"{where}: {canonical!r}: ! stands alone in the canonical column (it keeps the surface form apart)")
        if canonical == surface:
            raise InputError(f"{where}: {surface} maps to itself (to keep it apart from other names, write ! as its canonical name)")
        row = AliasRow(surface, None if canonical == SPLIT else canonical, kind, region, n)
        key = (kind, surface, region)
        if key in seen:
            other = seen[key]
            if other.canonical != row.canonical:
                raise InputError(f"{where}: {surface} ({kind}{', ' + region if region else ''}) is already given "
                                 f"on line {other.line} as {other.canonical or SPLIT}")
            continue
        seen[key] = row
        rows.append(row)
    return AliasTable(tuple(rows), source, digest)
