"""The browse pages of ``kg serve``: search, entity pages and article pages (routes for kg.web).

Routes (``routes()``; kg.web.create_app registers them):

- ``/`` a search box over entities; ``/search?q=...&type=...`` the results, as a page or as
  JSON when the request's ``Accept`` asks for ``application/json``;
- ``/e/<kind>/<rest>`` the page of the entity ``kgr:<kind>/<rest>`` (person, org, place, group):
  names, posts, members, places, events with their roles, money, goods and dates, the evidence
  sentence of every fact with the entity's words in ``<mark>``, a small ego network;
- ``/article/<16 hex>`` an article's normalized text (``kgo:text``) with every fact highlighted at
  its ``kgo:evidenceStart``/``kgo:evidenceEnd`` offsets, the facts listed beside it as anchor links;
- ``/static/...`` the stylesheet and the ego-network script (kg/static/), and vis-network from
  pyvis' package (the same bundle ``kg viz`` inlines).

The pages read the store by triple patterns on its default graph (the union of the articles),
never by SPARQL text, so nothing from a request is ever parsed as a query. Search runs in Python
over a label index (labels and altLabels) built once when the app starts and rebuilt after a
SPARQL Update. Every value from the graph reaches the page through Jinja2 with autoescape on, or
as JSON inside ``<script type="application/json">`` (kg.viz.safe_json); pages carry no inline
script or style, so the server's Content-Security-Policy holds.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib.namespace import ORG, PROV, RDF, RDFS, SKOS

from kg.ontology import ENTITY_KINDS, EVENT_KINDS, KGO, KGR, ORG_KINDS, SDO

TEMPLATE_DIR = Path(__file__).parent / "templates" / "web"
STATIC_DIR = Path(__file__).parent / "static"

#: Entity kinds by the first segment of their kgr: IRI, with the words the pages show.
KINDS = {"person": "人物 person", "org": "组织 organization", "place": "地点 place", "group": "受助群体 group"}
MAX_QUERY = 200  # characters of a search
SEARCH_LIMIT = 50  # results on a page
EGO_LIMIT = 40  # neighbours in the ego network
# Bounds that keep an entity page under 200 ms on a store of 1M triples (scripts/bench_web.py):
EVENT_LIMIT = 50  # events described in full, latest first; the rest are counted
EVIDENCE_LIMIT = 3  # evidence sentences shown per post
ARTICLE_LIMIT = 50  # articles listed

_KGR = str(KGR)
_DG = ox.DefaultGraph()
_ARTICLE_ID = re.compile(r"[0-9a-f]{16}")
_CLASS_WORDS = {str(c): w for _, c, w in ENTITY_KINDS + ORG_KINDS + EVENT_KINDS}
_CLASS_WORDS[str(KGO.Event)] = "事件"


def _n(term) -> ox.NamedNode:
    return ox.NamedNode(str(term))


LABEL, ALT, TYPE = _n(RDFS.label), _n(SKOS.altLabel), _n(RDF.type)
MENTIONED, DERIVED = _n(KGO.mentionedIn), _n(PROV.wasDerivedFrom)
ROLE_PREDICATES = (  # event -> entity, with the word for the role
    (_n(KGO.agent), "agent", "人物"),
    (_n(KGO.organizer), "organizer", "主办"),
    (_n(KGO.site), "site", "地点机构"),
    (_n(KGO.place), "place", "地点"),
    (_n(KGO.beneficiary), "beneficiary", "受助群体"),
)


# --------------------------------------------------------------------------- IRIs and URLs


def kind_of(iri: str) -> str | None:
    """The entity kind of a ``kgr:`` IRI (person, org, place, group), else None.

    >>> kind_of("https://w3id.org/kg-news/id/person/北京市/大兴区/郭金江")
    'person'
    >>> kind_of("https://w3id.org/kg-news/id/article/0123456789abcdef/event/1") is None
    True
    """
    if not iri.startswith(_KGR):
        return None
    kind = iri[len(_KGR):].split("/", 1)[0]
    return kind if kind in KINDS else None


def url_for(iri: str) -> str | None:
    """The page of a node: ``/e/...`` for an entity, ``/article/<id>[#fact]`` for an article or its facts.

    The IRI's path is percent-encoded once more (its own ``%2F`` becomes ``%252F``), so the
    server's decoding of the URL gives the IRI back exactly.

    >>> url_for("https://w3id.org/kg-news/id/org/北京市/大兴区/A%2FB")
    '/e/org/%E5%8C%97%E4%BA%AC%E5%B8%82/%E5%A4%A7%E5%85%B4%E5%8C%BA/A%252FB'
    >>> url_for("https://w3id.org/kg-news/id/article/0123456789abcdef/event/3")
    '/article/0123456789abcdef#event-3'
    """
    if not iri.startswith(_KGR):
        return None
    rest = iri[len(_KGR):]
    if kind_of(iri):
        return "/e/" + quote(rest, safe="/")
    parts = rest.split("/")
    if parts[0] == "article" and len(parts) >= 2 and _ARTICLE_ID.fullmatch(parts[1]):
        if len(parts) == 2:
            return f"/article/{parts[1]}"
        if len(parts) == 4 and parts[2] in ("event", "membership"):
            return f"/article/{parts[1]}#{parts[2]}-{parts[3]}"
    return None


def entity_iri(path: str) -> str:
    """The IRI of the entity page at ``/e/<path>`` (``path`` already URL-decoded)."""
    return _KGR + path


# --------------------------------------------------------------------------- reading the store


def _objects(store, s, p) -> list:
    return [q.object for q in store.quads_for_pattern(s, p, None, _DG)]


def _subjects(store, p, o) -> list:
    return [q.subject for q in store.quads_for_pattern(None, p, o, _DG)]


def _values(store, s, p) -> list[str]:
    return sorted(o.value for o in _objects(store, s, p) if isinstance(o, ox.Literal))


def _first(store, s, p) -> str | None:
    values = _values(store, s, p)
    return values[0] if values else None


def _int(store, s, p) -> int | None:
    value = _first(store, s, p)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Link:
    """A node as a page shows it: its label and, where it has one, its page."""

    iri: str
    label: str
    url: str | None
    kind: str | None = None


def _label(store, node) -> str:
    label = _first(store, node, LABEL)
    if label:
        return label
    return node.value.rsplit("/", 1)[-1] if isinstance(node, ox.NamedNode) else str(node)


def _link(store, node) -> Link:
    iri = node.value if isinstance(node, ox.NamedNode) else str(node)
    return Link(iri, _label(store, node), url_for(iri), kind_of(iri))


def _names(store, node) -> list[str]:
    return _values(store, node, LABEL) + _values(store, node, ALT)


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Entry:
    """One entity in the label index."""

    iri: str
    kind: str
    label: str
    aliases: tuple[str, ...]
    types: tuple[str, ...]  # class words (工会, 人物 ...)
    articles: int  # how many articles mention it

    @property
    def url(self) -> str:
        return url_for(self.iri) or "/"


@dataclass(frozen=True)
class Hit:
    """A search result: the entry and the name that matched."""

    entry: Entry
    matched: str
    rank: int

    def as_json(self) -> dict:
        e = self.entry
        return {"iri": e.iri, "url": e.url, "label": e.label, "kind": e.kind, "aliases": list(e.aliases),
                "types": list(e.types), "matched": self.matched, "articles": e.articles}


def fold(text: str) -> str:
    """The form names are compared in: NFKC (full-width letters and digits) and case-folded.

    >>> fold("ＡＢＣ郭")
    'abc郭'
    """
    return unicodedata.normalize("NFKC", text).casefold()


class LabelIndex:
    """Substring search over every entity's label and altLabels, in memory.

    All names are folded and joined into one string, so a search is a loop of ``str.find``
    (C speed) over it; each hit is mapped back to its entity by bisection.
    """

    _SEP = "\x00"  # between names of one entity and between entities: never in a folded query

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        blobs, self._starts, pos = [], [], 0
        for e in entries:
            blob = self._SEP.join(fold(n) for n in (e.label, *e.aliases)) + self._SEP
            self._starts.append(pos)
            blobs.append(blob)
            pos += len(blob)
        self._text = "".join(blobs)

    @classmethod
    def build(cls, store) -> LabelIndex:
        """Read every labelled entity (person, org, place, group) of the store's default graph."""
        labels: dict[str, list[str]] = defaultdict(list)
        for q in store.quads_for_pattern(None, LABEL, None, _DG):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal) and kind_of(q.subject.value):
                labels[q.subject.value].append(q.object.value)
        aliases: dict[str, list[str]] = defaultdict(list)
        for q in store.quads_for_pattern(None, ALT, None, _DG):
            if q.subject.value in labels and isinstance(q.object, ox.Literal):
                aliases[q.subject.value].append(q.object.value)
        mentions = Counter(q.subject.value for q in store.quads_for_pattern(None, MENTIONED, None, _DG)
                           if isinstance(q.subject, ox.NamedNode))
        entries = []
        for iri in sorted(labels):
            names = sorted(set(labels[iri]))
            types = sorted({_CLASS_WORDS[o.value] for o in _objects(store, ox.NamedNode(iri), TYPE) if o.value in _CLASS_WORDS})
            entries.append(Entry(iri, kind_of(iri), names[0], tuple(sorted(set(names[1:] + aliases[iri]) - {names[0]})),
                                 tuple(types), mentions[iri]))
        return cls(entries)

    def search(self, query: str, kind: str | None = None, limit: int = SEARCH_LIMIT) -> tuple[list[Hit], int]:
        """The best ``limit`` entities whose label or an alias contains ``query``, and how many matched.

        Ranked: exact label, exact alias, label prefix, alias prefix, label substring, alias
        substring; then by the number of articles that mention it, then by label.
        """
        q = fold(query).replace(self._SEP, "")
        if not q:
            return [], 0
        hits, i, text = [], 0, self._text
        while True:
            i = text.find(q, i)
            if i < 0:
                break
            k = bisect_right(self._starts, i) - 1
            e = self.entries[k]
            i = self._starts[k + 1] if k + 1 < len(self._starts) else len(text)  # one hit per entity
            if kind and e.kind != kind:
                continue
            hits.append(self._hit(e, q))
        hits.sort(key=lambda h: (h.rank, -h.entry.articles, h.entry.label, h.entry.iri))
        return hits[:limit], len(hits)

    @staticmethod
    def _hit(e: Entry, q: str) -> Hit:
        best = None
        for j, name in enumerate((e.label, *e.aliases)):
            f = fold(name)
            alias = j > 0
            rank = (0 if f == q else 2 if f.startswith(q) else 4 if q in f else 9) + alias
            if best is None or rank < best[0]:
                best = (rank, name)
        return Hit(e, best[1], best[0])

    def __len__(self) -> int:
        return len(self.entries)


# --------------------------------------------------------------------------- facts


@dataclass
class Fact:
    """An event or a membership as the pages show it, with its evidence and where it comes from."""

    iri: str
    kind: str  # event | membership
    anchor: str  # event-3, membership-0: its id on the article page
    classes: list[str]
    article: Link | None
    evidence: str
    start: int | None
    end: int | None
    confidence: str | None
    roles: list[tuple[str, list[Link]]] = field(default_factory=list)
    title: str | None = None
    counts: list[tuple[Link | None, int]] = field(default_factory=list)
    money: list[str] = field(default_factory=list)
    goods: list[str] = field(default_factory=list)
    date: str | None = None
    notes: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # words to mark in the evidence -> css class

    @property
    def url(self) -> str | None:
        return url_for(self.iri)

    def marked(self, own: tuple[str, ...] = ()) -> list[tuple[str, str | None]]:
        """The evidence as (text, css class or None) pieces, ``own`` names marked ``self``, the others ``other``."""
        words = dict(self.names)
        words.update({n: "self" for n in own})
        return highlight(self.evidence, words)

    def links(self) -> list[Link]:
        return [link for _, links in self.roles for link in links]


def highlight(text: str, words: dict[str, str]) -> list[tuple[str, str | None]]:
    """Split ``text`` into pieces, each occurrence of a word tagged with its class (longest first, no overlaps).

    >>> highlight("主席郭金江到家中", {"郭金江": "self", "主席": "other"})
    [('主席', 'other'), ('郭金江', 'self'), ('到家中', None)]
    """
    spans = []
    for word, cls in words.items():
        if not word:
            continue
        i = text.find(word)
        while i >= 0:
            spans.append((i, -len(word), cls))
            i = text.find(word, i + 1)
    spans.sort()
    pieces, at = [], 0
    for start, neg, cls in spans:
        if start < at:
            continue
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:start - neg], cls))
        at = start - neg
    if at < len(text) or not pieces:
        pieces.append((text[at:], None))
    return pieces


def _num(value: str) -> str:
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    return f"{d:,f}" if d == d.to_integral_value() else format(d, "f")


def _money(store, node) -> str:
    value, lo, hi = (_first(store, node, _n(p)) for p in (SDO.value, SDO.minValue, SDO.maxValue))
    amount = _num(value) if value else f"{_num(lo)}–{_num(hi)}" if lo and hi else "?"
    parts = []
    if _first(store, node, _n(KGO.perPerson)) == "true":
        parts.append("每人")
    if _first(store, node, _n(KGO.approximate)) == "true":
        parts.append("约")
    text = "".join(parts) + amount + " 元"
    purpose = _first(store, node, _n(KGO.purpose))
    return f"{text} ({purpose})" if purpose else text


def _goods(store, node) -> str:
    name = _first(store, node, _n(SDO.name)) or "?"
    qty, unit = _first(store, node, _n(SDO.amountOfThisGood)), _first(store, node, _n(SDO.unitText))
    return " ".join(x for x in (name, _num(qty) if qty else None, unit) if x)


def describe_fact(store, node, names_of) -> Fact:
    """An event or membership node read from the store."""
    iri = node.value
    kind = "membership" if "/membership/" in iri else "event"
    article_nodes = sorted(_objects(store, node, DERIVED), key=lambda n: n.value)
    fact = Fact(
        iri=iri, kind=kind, anchor="-".join(iri.rsplit("/", 2)[-2:]),
        classes=sorted({_CLASS_WORDS.get(o.value, o.value.rsplit("#", 1)[-1]) for o in _objects(store, node, TYPE)
                        if o.value != str(KGO.Event)}),
        article=_link(store, article_nodes[0]) if article_nodes else None,
        evidence=_first(store, node, _n(KGO.evidence)) or "",
        start=_int(store, node, _n(KGO.evidenceStart)), end=_int(store, node, _n(KGO.evidenceEnd)),
        confidence=_first(store, node, _n(KGO.confidence)),
    )
    if fact.article and _first(store, article_nodes[0], _n(SDO.headline)) is None:
        path = _first(store, article_nodes[0], _n(KGO.sourcePath))
        fact.article = Link(fact.article.iri, path or fact.article.label, fact.article.url)
    if kind == "membership":
        fact.classes = ["任职 post"]
        fact.title = _first(store, node, _n(KGO.title))
        fact.roles = [("人物", [_link(store, o) for o in _objects(store, node, _n(ORG.member))]),
                      ("组织", [_link(store, o) for o in _objects(store, node, _n(ORG.organization))])]
        if fact.title:
            fact.names[fact.title] = "other"
    else:
        for pred, _, word in ROLE_PREDICATES:
            links = sorted((_link(store, o) for o in _objects(store, node, pred)), key=lambda link: (link.label, link.iri))
            if links:
                fact.roles.append((word, links))
        count = _int(store, node, _n(KGO.beneficiaryCount))
        if count is not None:
            fact.counts.append((None, count))
        for share in sorted(_objects(store, node, _n(KGO.beneficiaryShare)), key=lambda n: n.value):
            groups = _objects(store, share, _n(KGO.beneficiary))
            n = _int(store, share, _n(KGO.beneficiaryCount))
            if groups and n is not None:
                fact.counts.append((_link(store, groups[0]), n))
        fact.money = [_money(store, m) for m in sorted(_objects(store, node, _n(KGO.amount)), key=lambda n: n.value)]
        fact.goods = [_goods(store, g) for g in sorted(_objects(store, node, _n(KGO.goods)), key=lambda n: n.value)]
        date = _first(store, node, _n(KGO.date))
        start, end = _first(store, node, _n(KGO.startDate)), _first(store, node, _n(KGO.endDate))
        fact.date = date or (f"{start} – {end}" if start and end else start)
        if _first(store, node, _n(KGO.summary)) == "true":
            fact.notes.append("概述 summary")
        status = _first(store, node, _n(KGO.status))
        if status:
            fact.notes.append(f"状态 status: {status}")
    for link in fact.links():
        for name in names_of(link.iri):
            fact.names.setdefault(name, "other")
    return fact


# --------------------------------------------------------------------------- the browser


class Browser:
    """Reads pages from a store; holds the label index (rebuilt when ``generation`` changes)."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self._index: LabelIndex | None = None
        self._generation: int | None = None

    def index(self, generation: int = 0) -> LabelIndex:
        """The label index, built on first use and again after the store changed."""
        with self._lock:
            if self._index is None or generation != self._generation:
                self._index = LabelIndex.build(self.store)
                self._generation = generation
            return self._index

    def names_of(self, iri: str) -> list[str]:
        return _names(self.store, ox.NamedNode(iri)) if iri.startswith("http") else []

    def exists(self, node) -> bool:
        return next(iter(self.store.quads_for_pattern(node, None, None, _DG)), None) is not None

    def fact(self, node) -> Fact:
        return describe_fact(self.store, node, self.names_of)

    # ----------------------------------------------------------------- entity

    def entity(self, iri: str) -> dict | None:
        """Everything the entity page shows, or None when the store says nothing about ``iri``."""
        kind = kind_of(iri)
        try:
            store, node = self.store, ox.NamedNode(iri)
        except ValueError:  # not an IRI at all (a space, a bracket): nothing can be about it
            return None
        if kind is None or not self.exists(node):
            return None
        labels, aliases = _values(store, node, LABEL), _values(store, node, ALT)
        page = {
            "iri": iri, "kind": kind, "kind_word": KINDS[kind],
            "label": labels[0] if labels else iri.rsplit("/", 1)[-1],
            "aliases": sorted(set(labels[1:] + aliases)),
            "types": sorted({_CLASS_WORDS.get(o.value, o.value) for o in _objects(store, node, TYPE)}),
        }
        mentions = sorted(_objects(store, node, MENTIONED), key=lambda a: a.value)
        page["articles_total"] = len(mentions)
        page["articles"] = sorted((self._article_link(a) for a in mentions[:ARTICLE_LIMIT]), key=lambda a: (a.label, a.iri))
        page["own"] = tuple(sorted({page["label"], *page["aliases"]}, key=len, reverse=True))
        neighbours: Counter = Counter()
        relation: dict[str, str] = {}

        def near(link: Link, word: str, weight: int = 1):
            if link.iri != iri and link.kind:
                neighbours[link] += weight
                relation.setdefault(link.iri, word)

        if kind == "person":
            page["posts"] = self._posts(node, _n(ORG.member), _n(ORG.organization))
            for p in page["posts"]:
                near(p["link"], p["title"] or "任职")
        if kind == "org":
            page["located"] = self._links(_objects(store, node, _n(KGO.locatedIn)))
            page["parents"] = self._links(_objects(store, node, _n(ORG.subOrganizationOf)))
            page["children"] = self._links(_subjects(store, _n(ORG.subOrganizationOf), node))
            page["members"] = self._posts(node, _n(ORG.organization), _n(ORG.member))
            for word, key in (("所在地", "located"), ("上级", "parents"), ("下级", "children")):
                for link in page[key]:
                    near(link, word)
            for m in page["members"]:
                near(m["link"], m["title"] or "成员")
        if kind == "place":
            page["parents"] = self._links(_objects(store, node, _n(SDO.containedInPlace)))
            page["children"] = self._links(_subjects(store, _n(SDO.containedInPlace), node))
            page["orgs"] = self._links(_subjects(store, _n(KGO.locatedIn), node))
            for word, key in (("上级", "parents"), ("下级", "children"), ("机构", "orgs")):
                for link in page[key]:
                    near(link, word)
        if kind == "group":
            page["parents"] = self._links(_objects(store, node, _n(SKOS.broader)))
            page["children"] = self._links(_subjects(store, _n(SKOS.broader), node))
            for word, key in (("上位类", "parents"), ("下位类", "children")):
                for link in page[key]:
                    near(link, word)
        events = {}
        for pred, _, word in ROLE_PREDICATES:
            for e in _subjects(store, pred, node):
                events.setdefault(e.value, (e, set()))[1].add(word)
        for share in _subjects(store, _n(KGO.beneficiary), node):
            for e in _subjects(store, _n(KGO.beneficiaryShare), share):
                events.setdefault(e.value, (e, set()))[1].add("受助群体")
        dated = []
        for e, roles in events.values():
            if e.value.startswith(_KGR + "article/"):
                date = _first(store, e, _n(KGO.date)) or _first(store, e, _n(KGO.startDate)) or ""
                dated.append((date, e, roles))
        dated.sort(key=lambda t: t[1].value)
        dated.sort(key=lambda t: t[0], reverse=True)  # latest first, undated last
        facts = []
        for _, e, roles in dated[:EVENT_LIMIT]:
            f = self.fact(e)
            f.notes.insert(0, "角色 role: " + "、".join(sorted(roles)))
            facts.append(f)
        page["events"], page["events_total"] = facts, len(dated)
        for f in facts:
            for link in f.links():
                near(link, "同一活动")
        if kind == "group":
            page["group"] = self._group_summary(node, [e for _, e, _ in dated])
        page["ego"] = self._ego(page, neighbours, relation)
        return page

    def _article_link(self, node) -> Link:
        link = _link(self.store, node)
        headline = _first(self.store, node, _n(SDO.headline))
        label = headline or _first(self.store, node, _n(KGO.sourcePath)) or link.label
        return Link(link.iri, label, link.url)

    def _links(self, nodes) -> list[Link]:
        return sorted((_link(self.store, n) for n in nodes), key=lambda link: (link.label, link.iri))

    def _posts(self, node, own_side, other_side) -> list[dict]:
        """Memberships of ``node`` grouped by (title, the other side), each with up to EVIDENCE_LIMIT facts."""
        store = self.store
        groups: dict[tuple[str, str], tuple] = {}
        for m in _subjects(store, own_side, node):
            title = _first(store, m, _n(KGO.title)) or ""
            for other in _objects(store, m, other_side):
                groups.setdefault((title, other.value), (other, []))[1].append(m)
        rows = []
        for (title, _), (other, memberships) in groups.items():
            memberships.sort(key=lambda m: m.value)
            rows.append({"title": title or None, "link": _link(store, other), "count": len(memberships),
                         "facts": [self.fact(m) for m in memberships[:EVIDENCE_LIMIT]]})
        rows.sort(key=lambda g: (g["link"].label, g["title"] or "", g["link"].iri))
        return rows

    def _group_summary(self, node, events: list) -> dict:
        """For a beneficiary group, over all its events: who helped it, how many people were counted, money."""
        store = self.store
        helpers: Counter = Counter()
        counted = counted_events = money_events = 0
        sole_money = Decimal(0)
        for e in events:
            for pred in (_n(KGO.agent), _n(KGO.organizer)):
                for o in _objects(store, e, pred):
                    helpers[o.value] += 1
            sole = len(_objects(store, e, _n(KGO.beneficiary))) == 1
            n = _int(store, e, _n(KGO.beneficiaryCount))
            if n is not None and sole:
                counted, counted_events = counted + n, counted_events + 1
            for share in _objects(store, e, _n(KGO.beneficiaryShare)):
                if node in _objects(store, share, _n(KGO.beneficiary)):
                    n = _int(store, share, _n(KGO.beneficiaryCount))
                    if n is not None:
                        counted, counted_events = counted + n, counted_events + 1
            amounts = _objects(store, e, _n(KGO.amount))
            money_events += bool(amounts)
            for a in amounts if sole else ():
                value = _first(store, a, _n(SDO.value))
                if value and _first(store, a, _n(KGO.perPerson)) != "true":
                    try:
                        sole_money += Decimal(value)
                    except InvalidOperation:
                        pass
        ranked = sorted(helpers.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
        return {"helpers": [(_link(store, ox.NamedNode(iri)), n) for iri, n in ranked], "helpers_total": len(helpers),
                "counted": counted, "counted_events": counted_events, "money_events": money_events,
                "sole_money": _num(str(sole_money)) if sole_money else None}

    def _ego(self, page: dict, neighbours: Counter, relation: dict) -> dict:
        """A small network: the entity and its closest neighbours, for /static/ego.js."""
        top = sorted(neighbours.items(), key=lambda kv: (-kv[1], kv[0].label, kv[0].iri))[:EGO_LIMIT]
        nodes = [{"id": page["iri"], "label": page["label"], "kind": page["kind"], "url": None, "self": True}]
        edges = []
        for link, weight in top:
            nodes.append({"id": link.iri, "label": link.label, "kind": link.kind, "url": link.url, "self": False})
            edges.append({"from": page["iri"], "to": link.iri, "label": relation[link.iri], "value": weight})
        return {"nodes": nodes, "edges": edges, "more": max(0, len(neighbours) - len(top))}

    # ----------------------------------------------------------------- article

    def article(self, article_id: str) -> dict | None:
        """Everything the article page shows, or None when there is no such article."""
        if not _ARTICLE_ID.fullmatch(article_id):
            return None
        store = self.store
        node = ox.NamedNode(f"{_KGR}article/{article_id}")
        if ox.NamedNode(str(KGO.Article)) not in _objects(store, node, TYPE):
            return None
        text = _first(store, node, _n(KGO.text))
        facts = [self.fact(f) for f in _subjects(store, DERIVED, node)]
        facts.sort(key=lambda f: (f.start if f.start is not None else 1 << 60, f.kind, f.iri))
        bad = []
        if text is not None:
            for f in facts:
                if f.start is None or f.end is None or text[f.start:f.end] != f.evidence:
                    bad.append(f.anchor)
        placed = [f for f in facts if text is not None and f.anchor not in bad]
        mentioned = defaultdict(list)
        for e in _subjects(store, MENTIONED, node):
            link = _link(store, e)
            if link.kind:
                mentioned[link.kind].append(link)
        return {
            "iri": node.value, "id": article_id,
            "headline": _first(store, node, _n(SDO.headline)),
            "published": _first(store, node, _n(SDO.datePublished)),
            "publisher": _first(store, node, _n(SDO.publisher)),
            "source": _first(store, node, _n(KGO.sourcePath)),
            "authors": self._links(_objects(store, node, _n(SDO.author))),
            "text": text,
            "segments": segments(text, placed) if text is not None else [],
            "facts": facts,
            "unplaced": bad,
            "mentioned": [(KINDS[k], sorted(v, key=lambda link: (link.label, link.iri)))
                          for k, v in sorted(mentioned.items(), key=lambda kv: list(KINDS).index(kv[0]))],
        }


def segments(text: str, facts: list[Fact]) -> list[dict]:
    """Cut ``text`` at every fact's start and end: pieces with the anchors that begin there and the facts covering them.

    >>> f = Fact("x/event/0", "event", "event-0", [], None, "bc", 1, 3, None)
    >>> [(s["text"], s["anchors"], s["facts"]) for s in segments("abcd", [f])]
    [('a', [], []), ('bc', ['event-0'], ['event-0']), ('d', [], [])]
    """
    cuts = sorted({0, len(text)} | {f.start for f in facts} | {f.end for f in facts})
    starts = defaultdict(list)
    for f in facts:
        starts[f.start].append(f.anchor)
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [f.anchor for f in facts if f.start <= a < f.end]
        out.append({"text": text[a:b], "anchors": starts.get(a, []), "facts": covering})
    return out


# --------------------------------------------------------------------------- HTTP


_ENV = None


def templates():
    """The Jinja2 environment of the pages (autoescape on for every template)."""
    global _ENV
    if _ENV is None:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        _ENV = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True, undefined=StrictUndefined,
                           trim_blocks=True, lstrip_blocks=True)
        _ENV.globals["kinds"] = KINDS
    return _ENV


def render(name: str, status_code: int = 200, **context):
    """An HTML response from ``kg/templates/web/<name>``."""
    from starlette.responses import HTMLResponse

    return HTMLResponse(templates().get_template(name).render(**context), status_code=status_code)


def error_page(status: int, heading: str, message: str):
    """A page for a bad request or a missing page (the message is escaped like everything else)."""
    return render("error.html", status, heading=heading, message=message, status=status)


def vis_dir() -> Path:
    """pyvis' copy of vis-network, the bundle ``kg viz`` inlines."""
    import pyvis

    from kg.viz import VIS_DIR

    return Path(pyvis.__file__).parent / "lib" / VIS_DIR


def routes() -> list:
    """The browse routes and the static files, for kg.web.create_app."""
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    return [
        Route("/", home, methods=["GET"]),
        Route("/search", search, methods=["GET"]),
        Route("/e/{path:path}", entity, methods=["GET"]),
        Route("/entity", entity_by_iri, methods=["GET"]),
        Route("/article/{article_id}", article, methods=["GET"]),
        Mount("/static/vis", StaticFiles(directory=str(vis_dir())), name="vis"),
        Mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static"),
    ]


async def entity_by_iri(request):
    """``/entity?iri=IRI`` (the links of the SPARQL and overview pages): a redirect to the node's page."""
    from starlette.responses import RedirectResponse

    target = url_for(request.query_params.get("iri", ""))
    if target is None:
        return error_page(404, "没有这个页面 No such page", "no page for this IRI")
    return RedirectResponse(target, status_code=303)


def browser_of(request) -> Browser:
    """The app's Browser (kg.web.create_app makes it)."""
    return request.app.state.browser


def _generation(request) -> int:
    return getattr(request.app.state.site, "generation", 0)


def wants_json(request) -> bool:
    """Whether ``Accept`` prefers JSON to HTML (a browser's default Accept does not)."""
    accept = request.headers.get("accept", "").lower()
    return "application/json" in accept and "text/html" not in accept


async def home(request):
    return render("index.html", q="", type="", title="搜索 Search")


async def search(request):
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse

    as_json = wants_json(request)
    q = request.query_params.get("q", "").strip()
    kind = request.query_params.get("type", "").strip()

    def refuse(message: str):
        if as_json:
            return JSONResponse({"error": message}, status_code=400)
        return render("search.html", 400, q=q, type=kind if kind in KINDS else "", error=message, hits=[], total=0)

    if kind and kind not in KINDS:
        return refuse(f"unknown type {kind!r}; types: {', '.join(KINDS)}")
    if not q:
        return refuse("type a name or part of one to search for (parameter q is empty)")
    if len(q) > MAX_QUERY:
        return refuse(f"the search is {len(q)} characters long; at most {MAX_QUERY}")
    browser = browser_of(request)
    index = await run_in_threadpool(browser.index, _generation(request))
    hits, total = index.search(q, kind or None)
    if as_json:
        return JSONResponse({"query": q, "type": kind or None, "total": total, "results": [h.as_json() for h in hits]})
    return render("search.html", q=q, type=kind, error=None, hits=hits, total=total)


async def entity(request):
    from starlette.concurrency import run_in_threadpool

    from kg.viz import safe_json

    iri = entity_iri(_raw_entity_path(request))
    page = await run_in_threadpool(browser_of(request).entity, iri) if kind_of(iri) else None
    if page is None:
        return error_page(404, "没有这个实体 No such entity", f"the graph has nothing about {iri}")
    return render("entity.html", page=page, ego_json=safe_json(page["ego"]))


def _raw_entity_path(request) -> str:
    """The ``/e/`` path decoded exactly once from the raw request path (an IRI's own ``%2F`` stays ``%2F``)."""
    from urllib.parse import unquote

    raw = request.scope.get("raw_path")
    if raw is None:
        return request.path_params["path"]
    text = raw.decode("utf-8", errors="replace").split("?", 1)[0]
    return unquote(text[len("/e/"):] if text.startswith("/e/") else request.path_params["path"], errors="replace")


async def article(request):
    from starlette.concurrency import run_in_threadpool

    article_id = request.path_params["article_id"]
    page = await run_in_threadpool(browser_of(request).article, article_id)
    if page is None:
        return error_page(404, "没有这篇文章 No such article",
                          f"the graph has no article {article_id} (article pages are /article/ and 16 hex digits)")
    return render("article.html", page=page)
