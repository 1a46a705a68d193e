"""Network views of a kg-news graph (networkx) and the metrics behind ``kg stats``.

Two views are built from an rdflib Graph under the ontology (ONTOLOGY.md):

- the **event view**: every event is a node linked to its roles (agent, organizer,
  place, site, beneficiary); amounts, goods, dates and evidence are node attributes;
- the **projected view**, for reading at a glance: official -> group (慰问),
  organization -> group (¥ total), organization -> place, official -> organization
  (posts), with edge weights (number of events, sums of money).

Hubs would collapse a force layout into a hairball: places at district level and
above (the article's region, where nearly every event happens) are kept as an
attribute of the events (``area``) instead of nodes, and nodes linked to a large
share of the view (困难职工, the district union) are flagged ``hub``; the drawing
leaves hub edges out of the layout and hides them by default.

Every node carries string/number attributes only, so a view exports to GraphML
and GEXF as is. Node order, attribute values and metrics are deterministic.
"""
from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import networkx as nx
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS, SKOS

from kg.errors import InputError, KGError, QueryError
from kg.graphio import write_atomic
from kg.ontology import EVENT_KINDS, KGO, ORG_KINDS, SDO

VIEWS = ("events", "projected")

#: Node kinds, in legend order.
KINDS = ("person", "organization", "place", "group", "event")

#: Places at these levels are shown as an attribute of events, not as nodes:
#: nearly every event of an article happens in its district, which would tie them all together.
AREA_LEVELS = frozenset({"province", "municipality", "city", "district", "county"})

#: Organization and event classes, most specific first, with the Chinese word used in labels
#: (from the one table in kg/ontology.py).
ORG_CLASSES = tuple((str(cls).removeprefix(str(KGO)), word) for _, cls, word in ORG_KINDS)
EVENT_CLASSES = tuple((str(cls).removeprefix(str(KGO)), word) for _, cls, word in EVENT_KINDS)
KIND_NAMES = {"person": "人物", "organization": "组织", "place": "地点", "group": "受助群体", "event": "事件"}
ROLE_NAMES = {"agent": "参与", "organizer": "组织", "place": "地点", "site": "对象机构", "beneficiary": "受助"}
ROLES = (
    ("agent", KGO.agent),
    ("organizer", KGO.organizer),
    ("place", KGO.place),
    ("site", KGO.site),
    ("beneficiary", KGO.beneficiary),
)

#: A node linked to more than this share of the view's events is a hub (and at least HUB_MIN_DEGREE).
HUB_SHARE = 0.05
HUB_MIN_DEGREE = 25


class ViewError(KGError):
    """A view cannot be built as asked (unknown entity, empty focus, bad type)."""


# --------------------------------------------------------------------------- loading


def load_graph(source: str | os.PathLike | None = None) -> rdflib.Graph:
    """Load a graph file or a store directory (kg.store.open_source) as an rdflib Graph for the views.

    Raises:
        InputError: the file is missing or does not parse.
        StoreError: the store cannot be opened.
    """
    from kg.graphio import to_rdflib
    from kg.store import open_source

    return to_rdflib(open_source(source))


# --------------------------------------------------------------------------- entity index


def _label(g: rdflib.Graph, node) -> str:
    labels = sorted(str(o) for o in g.objects(node, RDFS.label))
    if labels:
        zh = sorted(str(o) for o in g.objects(node, RDFS.label) if isinstance(o, Literal) and o.language == "zh")
        return (zh or labels)[0]
    names = sorted(str(o) for o in g.objects(node, SDO.name))
    if names:
        return names[0]
    text = str(node)
    return text.rstrip("/").rsplit("/", 1)[-1] or text


def _num(lit) -> float | None:
    try:
        return float(Decimal(str(lit)))
    except (InvalidOperation, ValueError):
        return None


def _fmt_num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}"


@dataclass
class Entity:
    """What a view needs to know of one node of the RDF graph."""

    iri: str
    kind: str  # one of KINDS
    subtype: str  # ontology class local name (TradeUnion, Visit, ...) or the kind's generic class
    label: str
    aliases: tuple[str, ...] = ()
    posts: tuple[str, ...] = ()
    level: str = ""
    sources: tuple[str, ...] = ()
    attrs: dict = field(default_factory=dict)


def _types(g: rdflib.Graph, node) -> set:
    return set(g.objects(node, RDF.type))


def _kind_of(types: set) -> tuple[str, str] | None:
    if KGO.Event in types or any(KGO[c] in types for c, _ in EVENT_CLASSES):
        for cls, _ in EVENT_CLASSES:
            if KGO[cls] in types:
                return "event", cls
        return "event", "Event"
    if KGO.Person in types:
        return "person", "Person"
    if KGO.Organization in types or any(KGO[c] in types for c, _ in ORG_CLASSES):
        for cls, _ in ORG_CLASSES:
            if KGO[cls] in types:
                return "organization", cls
        return "organization", "Organization"
    if KGO.Place in types:
        return "place", "Place"
    if KGO.BeneficiaryGroup in types:
        return "group", "BeneficiaryGroup"
    return None


class Index:
    """Entities of an RDF graph by IRI, with labels, aliases, posts and event details."""

    def __init__(self, g: rdflib.Graph):
        self.g = g
        self.articles = {str(a): self._article_name(a) for a in g.subjects(RDF.type, KGO.Article)}
        self.entities: dict[str, Entity] = {}
        for s in set(g.subjects(RDF.type, None)):
            if not isinstance(s, URIRef):
                continue
            kind = _kind_of(_types(g, s))
            if kind is None:
                continue
            self.entities[str(s)] = self._entity(s, *kind)
        posts: dict[str, list[str]] = defaultdict(list)
        self.memberships: list[tuple[str, str, str]] = []  # (person, org, title)
        for m in g.subjects(RDF.type, ORG.Membership):
            person, orgn = g.value(m, ORG.member), g.value(m, ORG.organization)
            if person is None or orgn is None:
                continue
            titles = sorted(str(t) for t in g.objects(m, KGO.title))
            for title in titles or [""]:
                self.memberships.append((str(person), str(orgn), title))
        self.memberships.sort()
        by_org: dict[tuple[str, str], list[str]] = defaultdict(list)
        for person, orgn, title in self.memberships:
            org_label = self.entities[orgn].label if orgn in self.entities else _label(g, URIRef(orgn))
            by_org[(person, org_label)].append(title)
        for (person, org_label), titles in sorted(by_org.items()):
            posts[person].append(f"{org_label} {'、'.join(t for t in dict.fromkeys(titles) if t)}".strip())
        for iri, ps in posts.items():
            if iri in self.entities:
                self.entities[iri].posts = tuple(ps)

    def _article_name(self, a) -> str:
        src = self.g.value(a, KGO.sourcePath)
        head = self.g.value(a, SDO.headline)
        name = str(src) if src is not None else str(a)
        return f"{name}（{head}）" if head is not None else name

    def _sources(self, node) -> tuple[str, ...]:
        arts = set(self.g.objects(node, KGO.mentionedIn)) | set(self.g.objects(node, PROV.wasDerivedFrom))
        return tuple(sorted(self.articles.get(str(a), str(a)) for a in arts))

    def _entity(self, s: URIRef, kind: str, subtype: str) -> Entity:
        g = self.g
        aliases = tuple(sorted({str(o) for o in g.objects(s, SKOS.altLabel)}))
        level = str(g.value(s, KGO.adminLevel) or "") if kind == "place" else ""
        ent = Entity(str(s), kind, subtype, _label(g, s) if kind != "event" else "", aliases, (), level, self._sources(s))
        if kind == "event":
            self._event_details(s, ent)
        return ent

    def _event_details(self, s: URIRef, ent: Entity) -> None:
        g = self.g
        word = dict(EVENT_CLASSES).get(ent.subtype, "事件")
        attrs: dict = {}
        amounts, total = [], 0.0
        count = g.value(s, KGO.beneficiaryCount)
        for a in sorted(g.objects(s, KGO.amount), key=str):
            text, value = _amount_text(g, a, _num(count) if count is not None else None)
            amounts.append(text)
            total += value
        goods = []
        for gd in sorted(g.objects(s, KGO.goods), key=str):
            name = str(g.value(gd, SDO.name) or "")
            qty = g.value(gd, SDO.amountOfThisGood)
            unit = str(g.value(gd, SDO.unitText) or "")
            goods.append(f"{name} {_fmt_num(_num(qty) or 0)}{unit}".strip() if qty is not None else name)
        dates = [str(g.value(s, p)) for p in (KGO.date, KGO.startDate, KGO.endDate) if g.value(s, p) is not None]
        date = dates[0] if len(dates) == 1 else "–".join(dates[1:]) if len(dates) == 3 else " – ".join(dates)
        evidence = sorted(str(e) for e in g.objects(s, KGO.evidence))
        attrs.update(
            amounts="；".join(amounts),
            total=total,
            goods="；".join(goods),
            date=date.replace("--", ""),
            evidence=evidence[0] if evidence else "",
            count=int(_num(count) or 0) if count is not None else 0,
            status=str(g.value(s, KGO.status) or ""),
        )
        ent.attrs = attrs
        bits = [word]
        if total:
            bits.append(f"¥{_fmt_num(total)}")
        elif attrs["date"]:
            bits.append(attrs["date"])
        ent.label = " ".join(bits)


def _amount_text(g: rdflib.Graph, a, count: float | None) -> tuple[str, float]:
    """A readable amount (救助金 51,000元) and its contribution to a total in yuan."""
    purpose = str(g.value(a, KGO.purpose) or "")
    value, lo, hi = (g.value(a, p) for p in (SDO.value, SDO.minValue, SDO.maxValue))
    per_person = str(g.value(a, KGO.perPerson) or "").lower() == "true"
    approx = str(g.value(a, KGO.approximate) or "").lower() == "true"
    total = 0.0
    if value is not None:
        v = _num(value) or 0.0
        text = f"{'约' if approx else ''}{_fmt_num(v)}元"
        if per_person:
            text = f"每人{text}"
            total = v * count if count else 0.0
        else:
            total = v
    elif lo is not None or hi is not None:
        text = f"{_fmt_num(_num(lo) or 0)}–{_fmt_num(_num(hi) or 0)}元"
    else:
        text = "金额不详"
    return f"{purpose} {text}".strip(), total


# --------------------------------------------------------------------------- views


def _node_attrs(ent: Entity) -> dict:
    """GraphML/GEXF-safe attributes of a node (strings and numbers only)."""
    attrs = {
        "iri": ent.iri,
        "label": ent.label,
        "kind": ent.kind,
        "subtype": ent.subtype,
        "aliases": "、".join(ent.aliases),
        "posts": "；".join(ent.posts),
        "level": ent.level,
        "source": "；".join(ent.sources),
    }
    for k in ("amounts", "goods", "date", "evidence", "status"):
        attrs[k] = str(ent.attrs.get(k, ""))
    attrs["total"] = float(ent.attrs.get("total", 0.0))
    attrs["area"] = ""
    attrs["roles"] = ""
    attrs["hub"] = False
    return attrs


def event_view(g: rdflib.Graph | Index, *, area_levels: Iterable[str] = AREA_LEVELS) -> nx.DiGraph:
    """Build the event view: events linked to their agents, organizers, places, sites and beneficiaries.

    Places whose ``kgo:adminLevel`` is in ``area_levels`` become the ``area``
    attribute of their events instead of nodes; pass ``area_levels=()`` to keep
    every place (``kg stats`` does). Edges point from the event to the role
    filler and carry ``role`` (agent, organizer, ...), ``label`` (Chinese) and ``weight`` 1.
    """
    idx = g if isinstance(g, Index) else Index(g)
    area_levels = frozenset(area_levels)
    G = nx.DiGraph(view="events")
    events = sorted(i for i, e in idx.entities.items() if e.kind == "event")
    for ev in events:
        G.add_node(ev, **_node_attrs(idx.entities[ev]))
    for ev in events:
        s = URIRef(ev)
        areas = []
        for role, pred in ROLES:
            for o in sorted(idx.g.objects(s, pred), key=str):
                ent = idx.entities.get(str(o))
                if ent is None:
                    continue
                if ent.kind == "place" and ent.level in area_levels:
                    areas.append(ent.label)
                    continue
                if ent.iri not in G:
                    G.add_node(ent.iri, **_node_attrs(ent))
                if G.has_edge(ev, ent.iri):
                    G.edges[ev, ent.iri]["role"] += "," + role
                    G.edges[ev, ent.iri]["label"] += "、" + ROLE_NAMES[role]
                else:
                    G.add_edge(ev, ent.iri, role=role, label=ROLE_NAMES[role], weight=1.0, amount=0.0)
        G.nodes[ev]["area"] = "、".join(sorted(set(areas)))
        by_role: dict[str, list[str]] = defaultdict(list)
        for _, v, a in G.out_edges(ev, data=True):
            for r in a["role"].split(","):
                by_role[r].append(G.nodes[v]["label"])
        G.nodes[ev]["roles"] = "；".join(f"{ROLE_NAMES[r]}：{'、'.join(by_role[r])}" for r, _ in ROLES if r in by_role)
    _mark_hubs(G, len(events))
    # who the view leaves out: people, bodies and groups with no role in any event (an official
    # known only by a post), so a search for them can say why they are not drawn
    G.graph["left_out"] = sorted(
        {(e.kind, e.label) for iri, e in idx.entities.items() if e.kind in LEFT_OUT_KINDS and iri not in G}
    )
    return _sorted_copy(G)


# the kinds whose entities the event view names when it leaves them out
LEFT_OUT_KINDS = ("person", "organization", "group")


def projected_view(g: rdflib.Graph | Index, *, area_levels: Iterable[str] = AREA_LEVELS) -> nx.DiGraph:
    """Build the projected view: who visited whom, who gave how much to whom, who worked where, who holds which post.

    Edges: person -> group (``rel`` visit, 慰问, weight = events), organization ->
    group (``rel`` fund, weight = events, ``amount`` = yuan summed over those events),
    organization -> place (``rel`` place, weight = events there), person ->
    organization (``rel`` post, 任职, label = the titles). Places in
    ``area_levels`` are left out, as in the event view.
    """
    idx = g if isinstance(g, Index) else Index(g)
    area_levels = frozenset(area_levels)
    acc: dict[tuple[str, str, str], list] = {}

    def add(src: str, dst: str, rel: str, amount: float = 0.0, title: str = "") -> None:
        rec = acc.setdefault((src, dst, rel), [0, 0.0, []])
        rec[0] += 1
        rec[1] += amount
        if title:
            rec[2].append(title)

    def members(s, pred, kind):
        out = []
        for o in sorted(idx.g.objects(s, pred), key=str):
            e = idx.entities.get(str(o))
            if e is not None and e.kind == kind and not (kind == "place" and e.level in area_levels):
                out.append(e.iri)
        return out

    events = sorted(i for i, e in idx.entities.items() if e.kind == "event")
    for ev in events:
        s = URIRef(ev)
        agents, orgs = members(s, KGO.agent, "person"), members(s, KGO.organizer, "organization")
        groups, places = members(s, KGO.beneficiary, "group"), members(s, KGO.place, "place")
        total = float(idx.entities[ev].attrs.get("total", 0.0))
        for p in agents:
            for grp in groups:
                add(p, grp, "visit")
        for o in orgs:
            for grp in groups:
                add(o, grp, "fund", total)
            for pl in places:
                add(o, pl, "place")
    for person, orgn, title in idx.memberships:
        if person in idx.entities and orgn in idx.entities:
            add(person, orgn, "post", title=title)

    G = nx.DiGraph(view="projected")
    for (src, dst, rel), (n, amount, titles) in sorted(acc.items()):
        for node in (src, dst):
            if node not in G:
                G.add_node(node, **_node_attrs(idx.entities[node]))
        if rel == "visit":
            label = f"慰问 {n}次"
        elif rel == "fund":
            label = f"¥{_fmt_num(amount)}" if amount else f"{n}次"
        elif rel == "place":
            label = f"{n}次"
        else:
            label = "、".join(dict.fromkeys(titles)) or "任职"
        G.add_edge(src, dst, rel=rel, label=label, weight=float(n), amount=float(amount))
    _mark_hubs(G, max(1, len(events)))
    return _sorted_copy(G)


def _mark_hubs(G: nx.DiGraph, n_events: int) -> None:
    """Flag nodes linked to a large share of the view as hubs, and set ``importance`` (degree)."""
    limit = max(HUB_MIN_DEGREE, HUB_SHARE * n_events)
    for n in G:
        deg = G.degree(n)
        G.nodes[n]["importance"] = float(G.degree(n, weight="weight"))
        G.nodes[n]["hub"] = bool(G.nodes[n]["kind"] != "event" and deg > limit)


def _sorted_copy(G: nx.DiGraph) -> nx.DiGraph:
    H = nx.DiGraph(**G.graph)
    for n in sorted(G):
        H.add_node(n, **G.nodes[n])
    for u, v in sorted(G.edges()):
        H.add_edge(u, v, **G.edges[u, v])
    return H


def build_view(g: rdflib.Graph | Index, view: str = "events") -> nx.DiGraph:
    """Build the view named ``view`` (``events`` or ``projected``)."""
    if view == "events":
        return event_view(g)
    if view == "projected":
        return projected_view(g)
    raise ViewError(f"unknown view {view!r}; use one of: {', '.join(VIEWS)}")


def focus(G: nx.DiGraph, name: str, depth: int = 1) -> nx.DiGraph:
    """Return the part of ``G`` within ``depth`` links of the entity called ``name`` (label, alias or part of one).

    Raises:
        ViewError: no node matches, or the name is ambiguous (the candidates are listed).
    """
    if depth < 0:
        raise ViewError(f"--depth must be 0 or more, not {depth}")
    hits = _find_in_view(G, name)
    if not hits:
        raise ViewError(f"no node called {name!r} in the {G.graph.get('view', '')} view; try part of the name")
    if len(hits) > 1:
        exact = [n for n in hits if G.nodes[n]["label"] == name]
        if len(exact) == 1:
            hits = exact
        else:
            shown = "、".join(f"{G.nodes[n]['label']} <{n}>" for n in hits[:10])
            more = f" and {len(hits) - 10} more" if len(hits) > 10 else ""
            raise ViewError(f"{name!r} matches {len(hits)} nodes: {shown}{more}; give the full name or the IRI")
    sub = nx.ego_graph(G, hits[0], radius=depth, undirected=True)
    H = _sorted_copy(sub)
    H.graph["focus"] = hits[0]
    return H


def _find_in_view(G: nx.DiGraph, name: str) -> list[str]:
    if name in G:
        return [name]
    for test in (
        lambda a: a["label"] == name,
        lambda a: name in a["aliases"].split("、"),
        lambda a: name in a["label"] or name in a["aliases"],
    ):
        hits = sorted(n for n, a in G.nodes(data=True) if test(a))
        if hits:
            return hits
    return []


def filter_types(G: nx.DiGraph, kinds: Iterable[str]) -> nx.DiGraph:
    """Keep nodes of the given kinds (person, organization, place, group, event).

    In the event view events are the links between entities: they stay while
    they still connect to a kept node.
    """
    kinds = {k.strip() for k in kinds if k.strip()}
    bad = sorted(kinds - set(KINDS))
    if bad:
        raise ViewError(f"unknown type {', '.join(bad)}; use some of: {', '.join(KINDS)}")
    keep = {n for n, k in G.nodes(data="kind") if k in kinds}
    if G.graph.get("view") == "events" and "event" not in kinds:
        keep |= {n for n, k in G.nodes(data="kind") if k == "event" and any(m in keep for m in G.successors(n))}
    H = _sorted_copy(G.subgraph(keep))
    return H


class _ViewResult:
    """A kg.query.QueryResult with its Oxigraph terms as rdflib terms, shaped as the view code reads it."""

    def __init__(self, answer):
        from kg.graphio import to_rdflib_term

        self.type = "SELECT" if answer.kind == "select" else "CONSTRUCT"
        self.vars = list(answer.columns)
        rows = [tuple(None if t is None else to_rdflib_term(t) for t in row) for row in answer.rows]
        if self.type == "SELECT":
            self.rows = [dict(zip(self.vars, row)) for row in rows]
        else:
            self.graph = rows

    def __iter__(self):
        return iter(self.rows)


def query_view(g: rdflib.Graph | Index, query: str, params: dict | None = None, store=None) -> nx.DiGraph:
    """Run a SPARQL query on the graph and return its result as a view.

    A CONSTRUCT (or DESCRIBE) result is drawn triple by triple: IRIs are nodes
    (labelled and typed from the whole graph), literal objects become attributes.
    A SELECT is read as node pairs: the first two variables bound to IRIs are the
    ends of an edge, a third variable (if any) its label.

    ``query`` is SPARQL text, a .rq file, or the name of a query in queries/ (defaults bound).

    Raises:
        QueryError: the query does not parse, fails, or is an ASK.
    """
    idx = g if isinstance(g, Index) else Index(g)
    from kg.graphio import from_rdflib
    from kg.query import run_query

    # Every SPARQL query runs on Oxigraph, as in kg query; parameters are bound as kg query binds them.
    answer = run_query(query, params or {}, store=store if store is not None else from_rdflib(idx.g))
    if answer.kind == "ask" or answer.kind == "update":
        raise QueryError(f"a {answer.kind.upper()} query gives no nodes to draw; use CONSTRUCT or a SELECT of node pairs")
    result = _ViewResult(answer)
    G = nx.DiGraph(view="query")

    def ensure(term) -> str:
        key = str(term)
        if key not in G:
            ent = idx.entities.get(key)
            if ent is None:
                kind = _kind_of(_types(idx.g, term)) if isinstance(term, URIRef) else None
                ent = Entity(key, kind[0] if kind else "other", kind[1] if kind else "", _label(idx.g, term))
            G.add_node(key, **_node_attrs(ent))
        return key

    if result.type in ("CONSTRUCT", "DESCRIBE"):
        for s, p, o in sorted(result.graph, key=lambda t: tuple(map(str, t))):
            pname = idx.g.namespace_manager.normalizeUri(p) if isinstance(p, URIRef) else str(p)
            if isinstance(o, Literal):
                if p in (RDFS.label, RDF.type):
                    ensure(s)
                    continue
                a = G.nodes[ensure(s)]
                a[pname] = (a.get(pname, "") + "；" if a.get(pname) else "") + str(o)
            elif p == RDF.type:
                ensure(s)
            else:
                u, v = ensure(s), ensure(o)
                if G.has_edge(u, v):
                    G.edges[u, v]["label"] += "、" + pname
                    G.edges[u, v]["weight"] += 1.0
                else:
                    G.add_edge(u, v, rel=pname, label=pname, weight=1.0, amount=0.0)
    elif result.type == "SELECT":
        by_label: dict[str, list[str]] = defaultdict(list)
        for iri, e in idx.entities.items():
            by_label[e.label].append(iri)

        def node_for(term) -> str:
            if isinstance(term, (URIRef, BNode)):
                return ensure(term)
            text = str(term)
            hits = by_label.get(text, [])
            if len(hits) == 1:  # named queries return labels: draw the entity they name
                return ensure(URIRef(hits[0]))
            raise AssertionError(f"not an entity: {text}")  # names_entity() chose the ends

        def names_entity(term) -> bool:
            return isinstance(term, (URIRef, BNode)) or len(by_label.get(str(term), ())) == 1

        for row in result:
            terms = [t for t in (row[v] for v in result.vars) if t is not None]
            iris = [t for t in terms if isinstance(t, (URIRef, BNode))]
            # dates, amounts and other text are edge labels, never nodes: a timeline is no graph of dates
            ends = iris[:2] if len(iris) >= 2 else [t for t in terms if names_entity(t)][:2]
            if len(ends) < 2:
                continue
            u, v = node_for(ends[0]), node_for(ends[1])
            rest = [t for t in terms if t not in ends]
            label = "、".join(str(t) for t in rest)
            weight = next((n for n in (_num(t) for t in rest if isinstance(t, Literal)) if n is not None), 1.0)
            if G.has_edge(u, v):
                G.edges[u, v]["weight"] += weight
            else:
                G.add_edge(u, v, rel="pair", label=label, weight=float(weight), amount=0.0)
        if not G.number_of_edges():
            raise QueryError(
                f"kg viz --query draws a CONSTRUCT, or a SELECT whose rows name two entities (IRIs or entity labels); "
                f"no row of this result does (columns: {', '.join(result.vars)}; dates, amounts and other text "
                "only label edges); use kg query for tables")
    _mark_hubs(G, max(1, sum(1 for _, k in G.nodes(data="kind") if k == "event")))
    return _sorted_copy(G)


# --------------------------------------------------------------------------- metrics


def _short_types(g: rdflib.Graph) -> Counter:
    counts: Counter = Counter()
    classes = [KGO.Person, KGO.Organization, KGO.Place, KGO.BeneficiaryGroup, KGO.Event, KGO.Article, KGO.Goods,
               KGO.BeneficiaryShare, SDO.MonetaryAmount, ORG.Membership]
    classes += [KGO[c] for c, _ in ORG_CLASSES] + [KGO[c] for c, _ in EVENT_CLASSES]
    for cls in classes:
        n = len(set(g.subjects(RDF.type, cls)))
        if n:
            counts[g.namespace_manager.normalizeUri(cls)] = n
    return counts


def compute_stats(g: rdflib.Graph, top: int = 10, *, betweenness_k: int = 500, seed: int = 0) -> dict:
    """Compute the numbers ``kg stats`` prints: counts by type, top officials and organizations, communities, components.

    Metrics run on the full event view (every place kept as a node): an official's
    degree is the number of events they took part in. Betweenness is exact up to
    ``betweenness_k`` nodes and sampled with ``k=betweenness_k`` (fixed seed) above.
    Communities: Louvain (networkx) with a fixed seed. Output is deterministic.
    """
    idx = Index(g)
    G = event_view(idx, area_levels=())
    U = G.to_undirected(as_view=False)
    n = U.number_of_nodes()
    if n > betweenness_k:
        btw = nx.betweenness_centrality(U, k=betweenness_k, seed=seed, normalized=True)
    else:
        btw = nx.betweenness_centrality(U, normalized=True)

    def ranking(kind: str) -> list[dict]:
        rows = [
            {
                "label": G.nodes[v]["label"],
                "iri": v,
                "type": G.nodes[v]["subtype"],
                "degree": U.degree(v),
                "betweenness": round(btw.get(v, 0.0), 4),
                "posts": G.nodes[v]["posts"],
            }
            for v in G
            if G.nodes[v]["kind"] == kind
        ]
        rows.sort(key=lambda r: (-r["degree"], -r["betweenness"], r["label"], r["iri"]))
        return rows[:top]

    comms = nx.community.louvain_communities(U, seed=seed) if n else []
    communities = []
    for c in comms:
        members = sorted(c, key=lambda v: (-U.degree(v), G.nodes[v]["label"], v))
        named = [G.nodes[v]["label"] for v in members if G.nodes[v]["kind"] != "event"]
        communities.append({"size": len(c), "top": named[:5]})
    communities.sort(key=lambda c: (-c["size"], c["top"]))
    comps = sorted((len(c) for c in nx.connected_components(U)), reverse=True)
    return {
        "triples": len(g),
        "counts": dict(sorted(_short_types(g).items())),
        "view": {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()},
        "top_officials": ranking("person"),
        "top_organizations": ranking("organization"),
        "communities": communities[:top],
        "community_count": len(comms),
        "components": {"count": len(comps), "sizes": comps[:top]},
    }


def format_stats(stats: dict) -> str:
    """Render ``compute_stats`` output as plain text."""
    lines = [f"triples: {stats['triples']}", "counts by type:"]
    lines += [f"  {k:<34} {v:>7}" for k, v in stats["counts"].items()]
    lines.append(f"event view: {stats['view']['nodes']} nodes, {stats['view']['edges']} edges")
    for title, key in (("most connected officials", "top_officials"), ("most connected organizations", "top_organizations")):
        lines.append(f"{title} (degree = events taken part in; betweenness):")
        for r in stats[key]:
            posts = f"  [{r['posts']}]" if r.get("posts") else ""
            lines.append(f"  {r['label']}\t{r['degree']}\t{r['betweenness']:.4f}{posts}")
    lines.append(f"communities (Louvain): {stats['community_count']}")
    for c in stats["communities"]:
        lines.append(f"  {c['size']:>5}  {'、'.join(c['top'])}")
    comp = stats["components"]
    lines.append(f"connected components: {comp['count']} (largest: {', '.join(map(str, comp['sizes']))})")
    return "\n".join(lines)


def export_view(G: nx.Graph, path: str | os.PathLike) -> None:
    """Write a view as GraphML (.graphml) or GEXF (.gexf), for Gephi and friends."""
    path = Path(path)
    suffix = path.suffix.lower()
    H = nx.DiGraph(G)
    H.graph = {k: str(v) for k, v in G.graph.items()}
    try:
        if suffix == ".graphml":
            write_atomic(path, lambda out: nx.write_graphml(H, out, encoding="utf-8"))
        elif suffix == ".gexf":
            write_atomic(path, lambda out: nx.write_gexf(H, out, encoding="utf-8"))
        else:
            raise InputError(f"{path}: unknown export format {suffix or '(no suffix)'!r}; use .graphml or .gexf")
    except OSError as e:
        raise InputError(f"{path}: cannot write: {e}") from e



def graph_stats(
    source: str | os.PathLike | None,
    *,
    top: int = 10,
    graphml: str | os.PathLike | None = None,
    gexf: str | os.PathLike | None = None,
    endpoint=None,
) -> tuple[dict, str]:
    """Load a graph (file or store), compute its stats and write the requested exports: the call behind ``kg stats``.

    With ``endpoint`` (a ``kg.endpoint.Endpoint``) the graph is the server's default
    graph, read with one CONSTRUCT over the SPARQL 1.1 Protocol (the measures need
    the whole graph in memory, as for a file). Returns the stats and their text rendering.
    """
    if endpoint is not None:
        from kg.graphio import to_rdflib

        g = to_rdflib(endpoint.default_graph())
    else:
        g = load_graph(source)
    stats = compute_stats(g, top=top)
    if graphml or gexf:
        G = event_view(g, area_levels=())
        for path in (graphml, gexf):
            if path:
                export_view(G, path)
    return stats, format_stats(stats)
