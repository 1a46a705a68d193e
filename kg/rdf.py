"""The only place that adds triples: one article's extraction -> an RDF graph under the ontology."""
from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS, SKOS, XSD

from kg.extract.article import Extraction
from kg.ontology import KGO, KGR, SDO, bind_prefixes

ORG_CLASS = {
    "union": KGO.TradeUnion, "party": KGO.PartyOrganization, "government": KGO.GovernmentBody,
    "legislature": KGO.PeoplesCongress, "cppcc": KGO.PoliticalConsultativeBody,
    "medical": KGO.MedicalInstitution, "association": KGO.Association, "enterprise": KGO.Enterprise,
    "media": KGO.MediaOrganization,
}
EVENT_CLASS = {"Visit": KGO.Visit, "Donation": KGO.Donation, "AidDelivery": KGO.AidDelivery,
               "Fundraising": KGO.Fundraising, "Appeal": KGO.Appeal}
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


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _dec(v: float) -> Literal:
    d = Decimal(str(v)).normalize()
    if d == d.to_integral():
        d = d.quantize(Decimal(1))
    return Literal(str(d), datatype=XSD.decimal)


def _date(v: str) -> Literal:
    return Literal(v, datatype=XSD.gMonthDay if v.startswith("--") else XSD.date)


def to_graph(ex: Extraction) -> Graph:
    """Return the RDF graph of one article's extraction (deterministic IRIs, provenance on every fact)."""
    g = bind_prefixes(Graph())
    art = ex.article
    a = article_iri(art.content_hash)
    g.add((a, RDF.type, KGO.Article))
    g.add((a, RDF.type, SDO.NewsArticle))
    g.add((a, KGO.sourcePath, Literal(art.doc.source_path)))
    g.add((a, KGO.contentHash, Literal(art.content_hash)))
    if ex.headline:
        g.add((a, SDO.headline, zh(ex.headline)))
    if ex.published:
        g.add((a, SDO.datePublished, Literal(ex.published, datatype=XSD.date)))
    if ex.publisher:
        g.add((a, SDO.publisher, zh(ex.publisher)))

    places = {name: e for (kind, name), e in ex.entities.items() if kind == "place"}

    def place_chain(name: str) -> tuple[str, ...]:
        e = places.get(name)
        if e is None:
            return (name,)
        if e.chain:
            return e.chain
        if e.parent and e.parent != name:
            return place_chain(e.parent) + (name,)
        return (name,)

    region_chain = place_chain(ex.region) if ex.region else ()
    nodes: dict[tuple[str, str], URIRef] = {}
    for (kind, name), e in sorted(ex.entities.items()):
        if kind == "place":
            nodes[(kind, name)] = iri("place", *place_chain(name))
        elif kind == "org":
            chain = place_chain(e.place) if e.place else region_chain
            nodes[(kind, name)] = iri("org", *(chain or ("_",)), name)
        elif kind == "person":
            nodes[(kind, name)] = iri("person", *(region_chain or ("_",)), name)
        elif kind == "group":
            nodes[(kind, name)] = iri("group", name)
    if ex.region and ("place", ex.region) in nodes:
        g.add((a, KGO.region, nodes[("place", ex.region)]))

    for (kind, name), e in sorted(ex.entities.items()):
        n = nodes[(kind, name)]
        g.add((n, RDFS.label, zh(name)))
        for alt in sorted(e.surfaces):
            g.add((n, SKOS.altLabel, zh(alt)))
        if e.mentioned:
            g.add((n, KGO.mentionedIn, a))
        if kind == "place":
            g.add((n, RDF.type, KGO.Place))
            if e.level:
                g.add((n, KGO.adminLevel, Literal(e.level)))
            chain = place_chain(name)
            if len(chain) > 1:
                parent = chain[-2]
                pn = nodes.get(("place", parent)) or iri("place", *chain[:-1])
                g.add((n, SDO.containedInPlace, pn))
        elif kind == "org":
            g.add((n, RDF.type, KGO.Organization))
            if e.org_kind in ORG_CLASS:
                g.add((n, RDF.type, ORG_CLASS[e.org_kind]))
            if e.place and ("place", e.place) in nodes:
                g.add((n, KGO.locatedIn, nodes[("place", e.place)]))
            if e.parent and ("org", e.parent) in nodes:
                g.add((n, ORG.subOrganizationOf, nodes[("org", e.parent)]))
        elif kind == "person":
            g.add((n, RDF.type, KGO.Person))
        elif kind == "group":
            g.add((n, RDF.type, KGO.BeneficiaryGroup))

    def provenance(node, sent, confidence):
        g.add((node, PROV.wasDerivedFrom, a))
        g.add((node, KGO.evidence, zh(sent.text)))
        g.add((node, KGO.evidenceStart, Literal(sent.start)))
        g.add((node, KGO.evidenceEnd, Literal(sent.end)))
        g.add((node, KGO.confidence, _dec(round(confidence, 2))))

    seen_posts = set()
    k = 0
    for p in ex.posts:
        key = (p.person, p.title, p.org)
        if key in seen_posts or ("person", p.person) not in nodes or ("org", p.org) not in nodes:
            continue
        seen_posts.add(key)
        m = KGR[f"article/{art.content_hash[:16]}/membership/{k}"]
        k += 1
        g.add((m, RDF.type, ORG.Membership))
        g.add((m, ORG.member, nodes[("person", p.person)]))
        g.add((m, ORG.organization, nodes[("org", p.org)]))
        g.add((m, KGO.title, zh(p.title)))
        provenance(m, p.sentence, p.confidence)
    for name, role, sent in ex.authors:
        if ("person", name) in nodes and role in ("记者", "通讯员", "作者", "摄影", "拟稿人"):
            g.add((a, SDO.author, nodes[("person", name)]))

    base = f"article/{art.content_hash[:16]}/event"
    for i, ev in enumerate(ex.events):
        e = KGR[f"{base}/{i}"]
        g.add((e, RDF.type, KGO.Event))
        for c in ev.classes:
            g.add((e, RDF.type, EVENT_CLASS[c]))
        provenance(e, ev.sentence, ev.confidence)
        for ag in ev.agents:
            if ("person", ag) in nodes:
                g.add((e, KGO.agent, nodes[("person", ag)]))
        for o in ev.organizers:
            if ("org", o) in nodes:
                g.add((e, KGO.organizer, nodes[("org", o)]))
        if ev.place and ("place", ev.place) in nodes:
            g.add((e, KGO.place, nodes[("place", ev.place)]))
        if ev.site and ("org", ev.site) in nodes:
            g.add((e, KGO.site, nodes[("org", ev.site)]))
        counted = [(grp, c) for grp, c in ev.groups if c is not None]
        for grp, c in ev.groups:
            g.add((e, KGO.beneficiary, nodes[("group", grp)]))
        if len(ev.groups) == 1 and counted:
            g.add((e, KGO.beneficiaryCount, Literal(counted[0][1])))
        elif counted:
            for j, (grp, c) in enumerate(counted):
                sh = KGR[f"{base}/{i}/share/{j}"]
                g.add((e, KGO.beneficiaryShare, sh))
                g.add((sh, RDF.type, KGO.BeneficiaryShare))
                g.add((sh, KGO.beneficiary, nodes[("group", grp)]))
                g.add((sh, KGO.beneficiaryCount, Literal(c)))
        for j, m in enumerate(ev.money):
            amt = KGR[f"{base}/{i}/amount/{j}"]
            g.add((e, KGO.amount, amt))
            g.add((amt, RDF.type, SDO.MonetaryAmount))
            g.add((amt, SDO.currency, Literal("CNY")))
            if m.get("value") is not None:
                g.add((amt, SDO.value, _dec(m.get("value"))))
            if m.get("min") is not None:
                g.add((amt, SDO.minValue, _dec(m.get("min"))))
                g.add((amt, SDO.maxValue, _dec(m.get("max"))))
            if m.get("purpose"):
                g.add((amt, KGO.purpose, zh(m.get("purpose"))))
            g.add((amt, KGO.approximate, Literal(bool(m.get("approximate")))))
            g.add((amt, KGO.perPerson, Literal(bool(m.get("per_person")))))
        for j, gd in enumerate(ev.goods):
            x = KGR[f"{base}/{i}/goods/{j}"]
            g.add((e, KGO.goods, x))
            g.add((x, RDF.type, KGO.Goods))
            g.add((x, SDO.name, zh(gd.name)))
            if gd.get("quantity") is not None:
                g.add((x, SDO.amountOfThisGood, _dec(gd.get("quantity"))))
            if gd.get("unit"):
                g.add((x, SDO.unitText, zh(gd.get("unit"))))
        if ev.date:
            start, end = ev.date
            if end:
                g.add((e, KGO.startDate, _date(start)))
                g.add((e, KGO.endDate, _date(end)))
            else:
                g.add((e, KGO.date, _date(start)))
        if ev.planned:
            g.add((e, KGO.status, Literal("planned")))
        if ev.summary:
            g.add((e, KGO.summary, Literal(True)))
    return g
