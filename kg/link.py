"""Corpus step: link the events of several articles that report one real-world activity.

The same donation is often told by the union's site, the district paper and the city
paper. After the article graphs are built, ``find_activities`` compares the events of
different articles and groups those that agree on everything they both state:

- the same actor: an organizer or an agent in common;
- the same or overlapping beneficiary groups, and no group counted differently;
- the same money (an exact amount in common, none contradicting) or, without money on
  one side, the same goods with their quantities;
- dates at most ``MAX_DAYS`` apart (a date without a year matches on month and day),
  or no date on one side when everything else agrees;
- compatible places: the same place, or one inside the other (临江县/西山村 and
  临江县/东湖镇/西山村 are compatible; 东湖镇 and 青石镇 are not).

It is conservative: an event joins a group only if it agrees with every event already in
it, and a group holds at most one event per article. Overviews (kgo:summary) and planned
activity are never linked. Events are visited in IRI order, so the result is a function
of the set of articles, whatever order they were built in.

Each group of two or more reports becomes a ``kgo:Activity`` whose IRI is a hash of its
sorted member event IRIs (``kgr:activity/<16 hex>``), with ``kgo:reportedIn`` each
article and ``kgo:reports`` from each event. These triples live in their own named graph
(``kgr:links``); every article's own event and provenance stay as they were.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote

import pyoxigraph as ox

from kg.ontology import KGO, KGR, SDO

MAX_DAYS = 2

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_PROV_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
_PLACE_PREFIX = str(KGR) + "place/"
#: The predicates linking reads; a corpus may be loaded with only these.
LINK_PREDICATES = frozenset(str(p) for p in (
    _RDF_TYPE.value, _PROV_FROM.value, KGO.organizer, KGO.agent, KGO.beneficiary, KGO.place, KGO.summary,
    KGO.status, KGO.date, KGO.startDate, KGO.endDate, KGO.beneficiaryCount, KGO.beneficiaryShare, KGO.amount,
    SDO.value, KGO.perPerson, KGO.goods, SDO.name, SDO.amountOfThisGood,
))


def _n(term) -> ox.NamedNode:
    return term if isinstance(term, ox.NamedNode) else ox.NamedNode(str(term))


@dataclass
class Report:
    """What one article's event states, as far as linking needs it."""

    iri: str
    article: str = ""
    actors: set = field(default_factory=set)      # organizer and agent IRIs
    groups: set = field(default_factory=set)
    counts: dict = field(default_factory=dict)    # group IRI -> count
    money: set = field(default_factory=set)       # exact totals (not per person), as Decimal strings
    goods: set = field(default_factory=set)       # (name, quantity) with a quantity
    start: tuple | None = None                    # (year or None, month, day)
    end: tuple | None = None
    places: set = field(default_factory=set)      # place chains (tuples of names)
    skip: bool = False                            # overview or planned: never linked


def _date(lit: ox.Literal) -> tuple | None:
    v = lit.value
    try:
        if v.startswith("--"):
            return (None, int(v[2:4]), int(v[5:7]))
        return (int(v[0:4]), int(v[5:7]), int(v[8:10]))
    except (ValueError, IndexError):
        return None


def _chain(iri: str) -> tuple[str, ...]:
    if not iri.startswith(_PLACE_PREFIX):
        return (iri,)
    return tuple(unquote(p) for p in iri[len(_PLACE_PREFIX):].split("/"))


def collect_reports(store: ox.Store) -> dict[str, Report]:
    """Read every event of the store's default graph (the union of the article graphs)."""
    reports: dict[str, Report] = {}

    def pattern(pred):
        return store.quads_for_pattern(None, _n(pred), None, ox.DefaultGraph())

    for q in store.quads_for_pattern(None, _RDF_TYPE, _n(KGO.Event), ox.DefaultGraph()):
        reports[q.subject.value] = Report(q.subject.value)

    def each(pred):
        for q in pattern(pred):
            r = reports.get(q.subject.value)
            if r is not None:
                yield r, q.object

    for r, o in each(_PROV_FROM):
        r.article = o.value
    for pred in (KGO.organizer, KGO.agent):
        for r, o in each(pred):
            r.actors.add(o.value)
    for r, o in each(KGO.beneficiary):
        r.groups.add(o.value)
    for r, o in each(KGO.place):
        r.places.add(_chain(o.value))
    for r, o in each(KGO.summary):
        r.skip = r.skip or o.value == "true"
    for r, o in each(KGO.status):
        r.skip = r.skip or o.value == "planned"
    for pred, attr in ((KGO.date, "start"), (KGO.startDate, "start"), (KGO.endDate, "end")):
        for r, o in each(pred):
            setattr(r, attr, _date(o))
    single_count = {}
    for r, o in each(KGO.beneficiaryCount):
        single_count[r.iri] = int(o.value)
    for iri, n in single_count.items():
        r = reports[iri]
        if len(r.groups) == 1:
            r.counts[next(iter(r.groups))] = n
    shares = defaultdict(list)
    for r, o in each(KGO.beneficiaryShare):
        shares[o.value].append(r)
    for share, owners in shares.items():
        node = ox.NamedNode(share)
        groups = [q.object.value for q in store.quads_for_pattern(node, _n(KGO.beneficiary), None, ox.DefaultGraph())]
        counts = [int(q.object.value) for q in store.quads_for_pattern(node, _n(KGO.beneficiaryCount), None, ox.DefaultGraph())]
        if len(groups) == 1 and len(counts) == 1:
            for r in owners:
                r.counts[groups[0]] = counts[0]
    for r, amount in each(KGO.amount):
        values = [q.object.value for q in store.quads_for_pattern(amount, _n(SDO.value), None, ox.DefaultGraph())]
        per = [q.object.value for q in store.quads_for_pattern(amount, _n(KGO.perPerson), None, ox.DefaultGraph())]
        if values and "true" not in per:
            r.money.add(_decimal(values[0]))
    for r, item in each(KGO.goods):
        names = [q.object.value for q in store.quads_for_pattern(item, _n(SDO.name), None, ox.DefaultGraph())]
        qty = [q.object.value for q in store.quads_for_pattern(item, _n(SDO.amountOfThisGood), None, ox.DefaultGraph())]
        if names and qty:
            r.goods.add((names[0], _decimal(qty[0])))
    return reports


def _decimal(v: str) -> str:
    from decimal import Decimal

    d = Decimal(v).normalize()
    return format(d.quantize(Decimal(1)) if d == d.to_integral() else d, "f")


# --------------------------------------------------------------------------- agreement


def _days_apart(a: tuple | None, a_end: tuple | None, b: tuple | None, b_end: tuple | None) -> int | None:
    """Days between two date intervals (0 when they overlap); None when either is undated."""
    if a is None or b is None:
        return None
    a_end, b_end = a_end or a, b_end or b
    known = a[0] is not None and b[0] is not None and a_end[0] is not None and b_end[0] is not None
    year = 2000  # a leap year, so that --02-29 is a day

    def day(d):
        try:
            return date(d[0] if known else year, d[1], d[2])
        except ValueError:
            return None

    lo1, hi1, lo2, hi2 = day(a), day(a_end), day(b), day(b_end)
    if None in (lo1, hi1, lo2, hi2):
        return 999
    if hi1 < lo2:
        return (lo2 - hi1).days
    if hi2 < lo1:
        return (lo1 - hi2).days
    return 0


def _subsequence(short: tuple, long: tuple) -> bool:
    it = iter(long)
    return all(x in it for x in short)


def _places_compatible(a: set, b: set) -> bool:
    if not a or not b:
        return True
    return any(_subsequence(x, y) or _subsequence(y, x) for x in a for y in b)


def agree(a: Report, b: Report) -> str | None:
    """The rule two reports agree by (``"organizer group amount date"``), or None when they may differ.

    >>> a = Report("e1", "A", {"org"}, {"g"}, {"g": 12}, {"32000"}, start=(None, 1, 20))
    >>> b = Report("e2", "B", {"org"}, {"g"}, {"g": 12}, {"32000"}, start=(2024, 1, 20))
    >>> agree(a, b)
    'actor group count amount date'
    >>> agree(a, Report("e3", "B", {"org"}, {"g"}, {"g": 12}, {"30000"}, start=(2024, 1, 20))) is None
    True
    """
    if a.article == b.article or a.skip or b.skip:
        return None
    if not (a.actors & b.actors) or not (a.groups & b.groups):
        return None
    parts = ["actor", "group"]
    shared = set(a.counts) & set(b.counts)
    if any(a.counts[g] != b.counts[g] for g in shared):
        return None
    if shared:
        parts.append("count")
    if a.money and b.money:
        if a.money != b.money:
            return None
        parts.append("amount")
    elif a.money or b.money:
        return None  # money on one side only: not the same report of a donation
    if a.goods and b.goods:
        names_a, names_b = {n for n, _ in a.goods}, {n for n, _ in b.goods}
        if any(dict(a.goods)[n] != dict(b.goods)[n] for n in names_a & names_b):
            return None
        if not (a.goods & b.goods) and "amount" not in parts:
            return None
        if a.goods & b.goods:
            parts.append("goods")
    if "amount" not in parts and "goods" not in parts:
        return None  # nothing countable in common: a visit like many others
    days = _days_apart(a.start, a.end, b.start, b.end)
    if days is not None:
        if days > MAX_DAYS:
            return None
        parts.append("date")
    elif a.start is None and b.start is None:
        return None  # neither dated: too little to tell two donations apart
    if not _places_compatible(a.places, b.places):
        return None
    if a.places and b.places:
        parts.append("place")
    return " ".join(parts)


# --------------------------------------------------------------------------- grouping


@dataclass(frozen=True)
class Activity:
    """Two or more events of different articles that report one activity."""

    iri: str
    events: tuple[str, ...]
    articles: tuple[str, ...]
    rule: str


def activity_iri(events: Iterable[str]) -> str:
    """``kgr:activity/<16 hex>``: a hash of the sorted IRIs of the events that report it."""
    key = "\n".join(sorted(events)).encode("utf-8")
    return f"{KGR}activity/{hashlib.sha256(key).hexdigest()[:16]}"


def find_activities(store: ox.Store) -> list[Activity]:
    """Group the events of the store's default graph into activities reported by several articles."""
    reports = collect_reports(store)
    candidates = sorted((r for r in reports.values() if not r.skip and r.actors and r.groups), key=lambda r: r.iri)
    by_actor: dict[str, list[int]] = defaultdict(list)
    clusters: list[list[Report]] = []
    rules: list[set] = []
    for r in candidates:
        seen: set[int] = set()
        placed = False
        for actor in sorted(r.actors):
            for ci in by_actor[actor]:
                if ci in seen:
                    continue
                seen.add(ci)
                members = clusters[ci]
                if any(m.article == r.article for m in members):
                    continue
                found = [agree(m, r) for m in members]
                if all(found):
                    members.append(r)
                    rules[ci].update(found)
                    placed = True
                    break
            if placed:
                break
        if not placed:
            clusters.append([r])
            rules.append(set())
            ci = len(clusters) - 1
        for actor in r.actors:
            if ci not in by_actor[actor]:
                by_actor[actor].append(ci)
    out = []
    for members, rule in zip(clusters, rules):
        if len(members) < 2:
            continue
        events = tuple(sorted(m.iri for m in members))
        common = _common_rule(rule)
        out.append(Activity(activity_iri(events), events, tuple(sorted({m.article for m in members})), common))
    return sorted(out, key=lambda a: a.iri)


def _common_rule(rules: set) -> str:
    """The parts every pairwise agreement of a group shares, in a fixed order."""
    order = ["actor", "group", "count", "amount", "goods", "date", "place"]
    sets = [set(r.split()) for r in rules] or [set()]
    common = set.intersection(*sets)
    return " ".join(p for p in order if p in common)


def link_triples(activities: Iterable[Activity]) -> list[ox.Triple]:
    """The triples of the links graph: each activity, its articles and the events that report it."""
    out = []
    for a in activities:
        node = ox.NamedNode(a.iri)
        out.append(ox.Triple(node, _RDF_TYPE, _n(KGO.Activity)))
        out.append(ox.Triple(node, _n(KGO.linkRule), ox.Literal(a.rule)))
        for art in a.articles:
            out.append(ox.Triple(node, _n(KGO.reportedIn), ox.NamedNode(art)))
        for e in a.events:
            out.append(ox.Triple(ox.NamedNode(e), _n(KGO.reports), node))
    return out
