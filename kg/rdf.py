"""The only place that adds triples: one article's Extraction -> an RDF graph under the ontology.

One emitter per record kind (article, entity, post, author, event and its parts); IRIs are
deterministic, so the corpus graph is the union of the article graphs.
"""
from __future__ import annotations

from decimal import Context, Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS, SKOS, XSD

from kg import lexicon
from kg.model import Entity, EventRecord, Evidence, Extraction, GoodsMention, MoneyMention, Post
from kg.ontology import ENTITY_KINDS, EVENT_KINDS, KGO, KGR, ORG_KINDS, SDO, bind_prefixes

ENTITY_CLASS = {k: cls for k, cls, _ in ENTITY_KINDS}
ORG_CLASS = {k: cls for k, cls, _ in ORG_KINDS}
EVENT_CLASS = {k: cls for k, cls, _ in EVENT_KINDS}
AUTHOR_ROLES = frozenset(("记者", "通讯员", "作者", "摄影", "拟稿人"))
_FORBIDDEN = set(' <>"{}|\\^`#?%/')


def iri_part(name: str) -> str:
    """Percent-encode only what an IRI path segment may not contain (Chinese stays as it is)."""
    return "".join(f"%{ord(c):02X}" if c in _FORBIDDEN or ord(c) < 0x21 else c for c in name)


def iri(kind: str, *parts: str) -> URIRef:
    """Return ``kgr:<kind>/<part>/<part>...``."""
    return URIRef(str(KGR) + kind + "/" + "/".join(iri_part(p) for p in parts))


def article_iri(content_hash: str) -> URIRef:
    """Return the IRI of an article from its content hash."""
    return KGR[f"article/{content_hash[:16]}"]


def group_iri(name: str) -> URIRef:
    """Return the IRI of a beneficiary group (the same in every article)."""
    return iri("group", name)


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def dec(v) -> Literal:
    """An exact xsd:decimal literal: 51000, 5.27 (no exponent, no trailing zeros)."""
    d = Decimal(str(v)).normalize(_EXACT)
    if d == d.to_integral_value(context=_EXACT):
        d = d.quantize(Decimal(1), context=_EXACT)
    return Literal(format(d, "f"), datatype=XSD.decimal)


# Enough digits for any amount the extractor accepts, so no value is rounded or refused here.
_EXACT = Context(prec=60, Emax=100, Emin=-100)


def _date(v: str) -> Literal:
    return Literal(v, datatype=XSD.gMonthDay if v.startswith("--") else XSD.date)


class _Writer:
    """Adds one article's triples to a graph; holds the article's node table."""

    def __init__(self, ex: Extraction):
        self.ex = ex
        self.g = bind_prefixes(Graph())
        self.a = article_iri(ex.article.content_hash)
        self.base = f"article/{ex.article.content_hash[:16]}"
        self.places = {e.name: e for e in ex.entities if e.kind == "place"}
        self.region_chain = self.place_chain(ex.region) if ex.region else ()
        self.nodes = {(e.kind, e.name): self.node(e) for e in ex.entities}

    def place_chain(self, name: str, seen=()) -> tuple[str, ...]:
        e = self.places.get(name)
        if e is None:
            return (name,)
        if e.chain:
            return e.chain
        if e.parent and e.parent != name and e.parent not in seen:
            return self.place_chain(e.parent, seen + (name,)) + (name,)
        return (name,)

    def node(self, e: Entity) -> URIRef:
        if e.kind == "place":
            return iri("place", *self.place_chain(e.name))
        if e.kind == "org":
            chain = self.place_chain(e.place) if e.place else self.region_chain
            return iri("org", *(chain or ("_",)), e.name)
        if e.kind == "person" and e.apart:  # kept apart by the alias table: this article's person of that name
            return iri("person", *(self.region_chain or ("_",)), e.name, self.ex.article.content_hash[:16])
        if e.kind == "person":
            return iri("person", *(self.region_chain or ("_",)), e.name)
        return group_iri(e.name)

    def add(self, s, p, o) -> None:
        self.g.add((s, p, o))

    def provenance(self, node, ev: Evidence, confidence: float) -> None:
        self.add(node, PROV.wasDerivedFrom, self.a)
        self.add(node, KGO.evidence, zh(ev.text))
        self.add(node, KGO.evidenceStart, Literal(ev.start))
        self.add(node, KGO.evidenceEnd, Literal(ev.end))
        self.add(node, KGO.confidence, dec(round(confidence, 2)))


def to_graph(ex: Extraction) -> Graph:
    """Return the RDF graph of one article's extraction (deterministic IRIs, provenance on every fact)."""
    w = _Writer(ex)
    emit_article(w)
    n = 0
    for e in sorted(ex.entities, key=lambda e: (e.kind, e.name)):
        emit_entity(w, e)
        n = emit_resolutions(w, e, n)
    k = 0
    seen = set()
    for p in ex.posts:
        if emit_post(w, p, k, seen):
            k += 1
    for a in ex.authors:
        if ("person", a.name) in w.nodes and a.role in AUTHOR_ROLES:
            w.add(w.a, SDO.author, w.nodes[("person", a.name)])
    for i, ev in enumerate(ex.events):
        emit_event(w, ev, i)
    return w.g


def emit_article(w: _Writer) -> None:
    ex, a = w.ex, w.a
    w.add(a, RDF.type, KGO.Article)
    w.add(a, RDF.type, SDO.NewsArticle)
    w.add(a, KGO.sourcePath, Literal(ex.article.doc.source_path))
    w.add(a, KGO.contentHash, Literal(ex.article.content_hash))
    w.add(a, KGO.text, zh(ex.article.text))  # the string the evidence offsets point into (kg serve's article page)
    if ex.headline:
        w.add(a, SDO.headline, zh(ex.headline))
    if ex.published:
        w.add(a, SDO.datePublished, Literal(ex.published, datatype=XSD.date))
    if ex.publisher:
        w.add(a, SDO.publisher, zh(ex.publisher))
    if ex.region and ("place", ex.region) in w.nodes:
        w.add(a, KGO.region, w.nodes[("place", ex.region)])


def emit_entity(w: _Writer, e: Entity) -> None:
    n = w.nodes[(e.kind, e.name)]
    w.add(n, RDF.type, ENTITY_CLASS[e.kind])
    w.add(n, RDFS.label, zh(e.name))
    for alt in e.surfaces:
        w.add(n, SKOS.altLabel, zh(alt))
    if e.mentioned:
        w.add(n, KGO.mentionedIn, w.a)
    if e.kind == "place":
        if e.level:
            w.add(n, KGO.adminLevel, Literal(e.level))
        chain = w.place_chain(e.name)
        if len(chain) > 1:
            w.add(n, SDO.containedInPlace, w.nodes.get(("place", chain[-2])) or iri("place", *chain[:-1]))
        for up in e.within:
            if ("place", up) in w.nodes:
                w.add(n, SDO.containedInPlace, w.nodes[("place", up)])
    elif e.kind == "org":
        if e.org_kind in ORG_CLASS:
            w.add(n, RDF.type, ORG_CLASS[e.org_kind])
        if e.place and ("place", e.place) in w.nodes:
            w.add(n, KGO.locatedIn, w.nodes[("place", e.place)])
        if e.parent and ("org", e.parent) in w.nodes:
            w.add(n, ORG.subOrganizationOf, w.nodes[("org", e.parent)])
    elif e.kind == "group":
        w.add(n, RDF.type, SKOS.Concept)
        for broad in broader(e.name):
            b = group_iri(broad)
            w.add(n, SKOS.broader, b)
            if ("group", broad) not in w.nodes:  # a broad category the article does not name: typed, labelled,
                w.add(b, RDF.type, KGO.BeneficiaryGroup)  # in the scheme, never mentionedIn this article
                w.add(b, RDF.type, SKOS.Concept)
                w.add(b, RDFS.label, zh(broad))
                w.add(b, SKOS.inScheme, KGO.GroupScheme)


def broader(group: str) -> tuple[str, ...]:
    """The broader categories of a group: the taxonomy's, else its head noun's (空巢老人 -> 老年人)."""
    tax = lexicon.taxonomy()
    if group in tax:
        return tax[group]
    heads = lexicon.group_heads()
    for head in sorted(heads, key=len, reverse=True):
        if group.endswith(head) and heads[head] != group:
            return (heads[head],)
    return ()


def emit_resolutions(w: _Writer, e: Entity, n: int) -> int:
    """One kgo:NameResolution per surface form of the entity: the form, the entity, the rules, the article."""
    by_surface: dict[str, list[str]] = {}
    for surface, rule in e.rules:
        by_surface.setdefault(surface, []).append(rule)
    for surface in sorted(by_surface):
        r = KGR[f"{w.base}/name/{n}"]
        n += 1
        w.add(r, RDF.type, KGO.NameResolution)
        w.add(r, KGO.surfaceForm, zh(surface))
        w.add(r, KGO.resolvesTo, w.nodes[(e.kind, e.name)])
        w.add(r, KGO.resolvedIn, w.a)
        for rule in by_surface[surface]:
            w.add(r, KGO.rule, Literal(rule))
    return n


def emit_post(w: _Writer, p: Post, k: int, seen: set) -> bool:
    key = (p.person, p.title, p.org)
    if key in seen or ("person", p.person) not in w.nodes or ("org", p.org) not in w.nodes:
        return False
    seen.add(key)
    m = KGR[f"{w.base}/membership/{k}"]
    w.add(m, RDF.type, ORG.Membership)
    w.add(m, ORG.member, w.nodes[("person", p.person)])
    w.add(m, ORG.organization, w.nodes[("org", p.org)])
    w.add(m, KGO.title, zh(p.title))
    w.provenance(m, p.evidence, p.confidence)
    return True


def emit_event(w: _Writer, ev: EventRecord, i: int) -> None:
    e = KGR[f"{w.base}/event/{i}"]
    w.add(e, RDF.type, KGO.Event)
    for c in ev.classes:
        w.add(e, RDF.type, EVENT_CLASS[c])
    w.provenance(e, ev.evidence, ev.confidence)
    for role, names, kind in ((KGO.agent, ev.agents, "person"), (KGO.organizer, ev.organizers, "org")):
        for name in names:
            if (kind, name) in w.nodes:
                w.add(e, role, w.nodes[(kind, name)])
    if ev.place and ("place", ev.place) in w.nodes:
        w.add(e, KGO.place, w.nodes[("place", ev.place)])
    if ev.site and ("org", ev.site) in w.nodes:
        w.add(e, KGO.site, w.nodes[("org", ev.site)])
    emit_shares(w, e, ev, i)
    for j, m in enumerate(ev.money):
        emit_money(w, e, m, f"{w.base}/event/{i}/amount/{j}")
    for j, gd in enumerate(ev.goods):
        emit_goods(w, e, gd, f"{w.base}/event/{i}/goods/{j}")
    if ev.date:
        start, end = ev.date
        if end:
            w.add(e, KGO.startDate, _date(start))
            w.add(e, KGO.endDate, _date(end))
        else:
            w.add(e, KGO.date, _date(start))
    if ev.status:
        w.add(e, KGO.status, Literal(ev.status))
    if ev.summary:
        w.add(e, KGO.summary, Literal(True))


def emit_shares(w: _Writer, e, ev: EventRecord, i: int) -> None:
    counted = [sh for sh in ev.shares if sh.count is not None]
    for sh in ev.shares:
        w.add(e, KGO.beneficiary, w.nodes[("group", sh.group)])
    if len(ev.shares) == 1 and counted:
        w.add(e, KGO.beneficiaryCount, Literal(counted[0].count))
    elif counted:
        for j, sh in enumerate(counted):
            node = KGR[f"{w.base}/event/{i}/share/{j}"]
            w.add(e, KGO.beneficiaryShare, node)
            w.add(node, RDF.type, KGO.BeneficiaryShare)
            w.add(node, KGO.beneficiary, w.nodes[("group", sh.group)])
            w.add(node, KGO.beneficiaryCount, Literal(sh.count))


def emit_money(w: _Writer, e, m: MoneyMention, path: str) -> None:
    amt = KGR[path]
    w.add(e, KGO.amount, amt)
    w.add(amt, RDF.type, SDO.MonetaryAmount)
    w.add(amt, SDO.currency, Literal("CNY"))
    if m.value is not None:
        w.add(amt, SDO.value, dec(m.value))
    if m.min is not None:
        w.add(amt, SDO.minValue, dec(m.min))
    if m.max is not None:
        w.add(amt, SDO.maxValue, dec(m.max))
    if m.purpose:
        w.add(amt, KGO.purpose, zh(m.purpose))
    w.add(amt, KGO.approximate, Literal(bool(m.approximate)))
    w.add(amt, KGO.perPerson, Literal(bool(m.per_person)))
    if m.in_kind:
        w.add(amt, KGO.inKind, Literal(True))


def emit_goods(w: _Writer, e, gd: GoodsMention, path: str) -> None:
    x = KGR[path]
    w.add(e, KGO.goods, x)
    w.add(x, RDF.type, KGO.Goods)
    w.add(x, SDO.name, zh(gd.name))
    if gd.quantity is not None:
        w.add(x, SDO.amountOfThisGood, dec(gd.quantity))
    if gd.unit:
        w.add(x, SDO.unitText, zh(gd.unit))
