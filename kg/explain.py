"""Why a name became the entity it is: its surface forms, the articles behind each, the rules that joined them.

``explain(name, store)`` looks the name up as an entity's label, an altLabel or a surface form of a
``kgo:NameResolution`` (the named query ``name_resolutions``), and for each entity found collects

* every surface form, the articles it was written in and the rule that turned it into the canonical
  name there (abbreviation expanded by the article's region, alias table, reference, short form ...);
* the rule that joined the articles: one IRI for the same name in the same region (people,
  organizations, places) or the same group name everywhere (beneficiary groups);
* the activities (kgo:Activity, kg/link.py) whose reports involve the entity: the same activity
  reported twice.

Every value reaches SPARQL as a bound parameter (kg.query), never as query text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

import pyoxigraph as ox

from kg.errors import KGError
from kg.ontology import ENTITY_KINDS, KGR
from kg.query import NamedQuery, execute, parse_header, resolve_query

#: How each rule of kgo:rule reads in the explanation ({region} is the article's region).
RULES = {
    "abbreviation": "abbreviation expanded by the article's region ({region})",
    "alias table": "alias table (kg build --aliases)",
    "reference": "reference to a body named before it (该县…, 该公司)",
    "short form": "short form of a body named before it",
    "higher levels dropped": "higher administrative levels dropped",
    "owner": "unit of the body named just before it (…党委、工会)",
    "sibling": "sibling body of the one named just before it (党委、政府)",
    "government head": "post of a government head (县长 -> the county's people's government)",
    "place body": "place acting as a body, folded into its government body",
    "full name": "full name of a place (四川 -> 四川省)",
    "group lexicon": "variant of a group in the built-in group table (kg/data/groups.tsv)",
    "normalized": "normalized (plural 们, modifier with 的, formal name)",
    "mentioned": "the article mentions the entity",
}

_KIND = {str(cls): (kind, zh) for kind, cls, zh in ENTITY_KINDS}
_KIND_EN = {"person": "person", "org": "organization", "place": "place", "group": "beneficiary group"}

_ACTIVITIES = """# question: Which activities (several reports of one donation or visit) involve an entity?
# param: entity (iri) the entity
# columns: activity, rule, report, source
PREFIX kgo: <https://w3id.org/kg-news/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?activity ?rule ?report ?source
WHERE {
  VALUES ?role { kgo:agent kgo:organizer kgo:place kgo:site kgo:beneficiary }
  ?mine ?role ?entity ;
        kgo:reports ?activity .
  ?report kgo:reports ?activity .
  OPTIONAL { ?activity kgo:linkRule ?rule }
  OPTIONAL { ?report prov:wasDerivedFrom ?article OPTIONAL { ?article kgo:sourcePath ?src } }
  BIND(COALESCE(?src, STR(?article)) AS ?source)
}
ORDER BY ?activity ?source ?report
"""

_TYPES = """# question: The entity classes of an entity.
# param: entity (iri) the entity
# columns: type
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?type WHERE { ?entity rdf:type ?type } ORDER BY ?type
"""


class NameNotFound(KGError):
    """A name that is no entity's label, altLabel or surface form."""


@dataclass
class Surface:
    """One surface form of an entity: the rules that resolved it and the articles (source paths) behind it."""

    text: str
    rules: list[tuple[str, str]] = field(default_factory=list)  # (rule, source), sorted
    sources: list[str] = field(default_factory=list)


@dataclass
class Activity:
    """An activity the entity takes part in, reported by several articles."""

    iri: str
    rule: str
    reports: list[tuple[str, str]] = field(default_factory=list)  # (source, event IRI)


@dataclass
class EntityExplanation:
    """One entity a name resolves to, and why its names and articles are one entity."""

    iri: str
    label: str
    kind: str
    matched_as: str  # label | surface form
    articles: list[str] = field(default_factory=list)  # source paths, sorted
    regions: dict[str, str] = field(default_factory=dict)  # source -> the article's region
    surfaces: list[Surface] = field(default_factory=list)
    joined_by: str | None = None
    activities: list[Activity] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"entity": self.iri, "label": self.label, "kind": self.kind, "matched_as": self.matched_as,
                "articles": self.articles, "joined_by": self.joined_by,
                "surface_forms": [{"surface": s.text, "articles": s.sources,
                                   "rules": [{"rule": r, "article": src} for r, src in s.rules]} for s in self.surfaces],
                "activities": [{"activity": a.iri, "rule": a.rule,
                                "reports": [{"article": src, "event": ev} for src, ev in a.reports]}
                               for a in self.activities]}


def _query(text: str, name: str) -> NamedQuery:
    question, params, columns, notes = parse_header(text, f"<kg explain {name}>")
    return NamedQuery(name, text, f"<kg explain {name}>", question, params, columns, notes)


def _value(term) -> str:
    return "" if term is None else term.value


def explain(name: str, store: ox.Store) -> list[EntityExplanation]:
    """Return the entities ``name`` resolves to, each with its surface forms, articles and joining rules.

    Raises:
        NameNotFound: no entity has the name as its label, an altLabel or a surface form.
    """
    name = name.strip()
    if not name:
        raise NameNotFound("give a name to explain (a label, an altLabel or a surface form)")
    rows = execute(store, resolve_query("name_resolutions"), {"name": name}).rows
    by_entity: dict[str, EntityExplanation] = {}
    for entity, label, surface, rule, source, region, _article in rows:
        iri = entity.value
        ex = by_entity.get(iri)
        if ex is None:
            ex = by_entity[iri] = EntityExplanation(iri, label.value, _kind(store, entity), "surface form")
        src = _value(source)
        if region is not None:
            ex.regions[src] = region.value
        if rule is not None and rule.value == "mentioned":
            if src not in ex.articles:
                ex.articles.append(src)
            continue
        s = next((x for x in ex.surfaces if x.text == surface.value), None)
        if s is None:
            s = Surface(surface.value)
            ex.surfaces.append(s)
        if src not in s.sources:
            s.sources.append(src)
        s.rules.append((_value(rule) or "normalized", src))
    if not by_entity:
        raise NameNotFound(f"{name!r} resolves to no entity: it is no label, altLabel or surface form in the graph "
                           "(kg query entity_mentions or kg viz --focus find names by part)")
    out = []
    for iri in sorted(by_entity):
        ex = by_entity[iri]
        ex.matched_as = "label" if ex.label == name else "surface form"
        ex.articles.sort()
        for s in ex.surfaces:
            s.sources.sort()
            s.rules = sorted(set(s.rules))
        ex.surfaces.sort(key=lambda s: s.text)
        ex.joined_by = _joined_by(ex)
        ex.activities = _activities(store, iri)
        out.append(ex)
    return out


def _kind(store: ox.Store, entity: ox.NamedNode) -> str:
    for (t,) in execute(store, _query(_TYPES, "types"), {"entity": entity.value}).rows:
        if t.value in _KIND:
            return _KIND[t.value][0]
    return "entity"


def _joined_by(ex: EntityExplanation) -> str | None:
    """The rule that makes the entity one node across its articles (its IRI), when it has several."""
    if len(ex.articles) < 2:
        return None
    path = ex.iri[len(str(KGR)):].split("/") if ex.iri.startswith(str(KGR)) else []
    if ex.kind == "group":
        return "same name: a beneficiary group is one node in every article"
    if ex.kind == "place":
        return "same name in the same region: the place's administrative chain " + "/".join(unquote(p) for p in path[1:])
    region = "/".join(unquote(p) for p in path[1:-1]) or "no region"
    return f"same name in the same region ({region})"


def _activities(store: ox.Store, iri: str) -> list[Activity]:
    acts: dict[str, Activity] = {}
    for activity, rule, report, source in execute(store, _query(_ACTIVITIES, "activities"), {"entity": iri}).rows:
        a = acts.setdefault(activity.value, Activity(activity.value, _value(rule)))
        a.reports.append((_value(source), report.value))
    return [acts[k] for k in sorted(acts)]


def _rule_text(rule: str, region: str | None, kept_apart: bool = False) -> str:
    if kept_apart:
        return "kept apart by the alias table (kg build --aliases): one entity per article"
    text = RULES.get(rule, rule)
    return text.replace("{region}", region or "none found")


def format_explanation(name: str, found: list[EntityExplanation]) -> str:
    """Render an explanation as plain text, one block per entity."""
    lines = [f"{name!s} resolves to {len(found)} {'entity' if len(found) == 1 else 'entities'}"]
    for ex in found:
        lines.append("")
        lines.append(f"{ex.label} ({_KIND_EN.get(ex.kind, ex.kind)}) <{ex.iri}>")
        lines.append(f"  matched as its {ex.matched_as}" if ex.matched_as == "label"
                     else f"  matched as a surface form of {ex.label}")
        lines.append(f"  mentioned in {len(ex.articles)} article{'s' if len(ex.articles) != 1 else ''}: "
                     + (", ".join(ex.articles) or "none"))
        if ex.joined_by:
            lines.append(f"  articles joined by: {ex.joined_by}")
        if ex.surfaces:
            lines.append("  surface forms:")
            for s in ex.surfaces:
                lines.append(f"    {s.text}")
                by_rule: dict[str, list[str]] = {}
                for rule, src in s.rules:
                    by_rule.setdefault(rule, []).append(src)
                for rule in sorted(by_rule):
                    srcs = by_rule[rule]
                    region = next((ex.regions[x] for x in srcs if ex.regions.get(x)), None)
                    apart = rule == "alias table" and s.text == ex.label
                    lines.append(f"      {_rule_text(rule, region, apart)}: {', '.join(srcs)}")
        else:
            lines.append("  surface forms: none besides the label")
        for a in ex.activities:
            lines.append(f"  same activity reported {len(a.reports)} times ({a.rule or 'linked'}) <{a.iri}>:")
            for src, ev in a.reports:
                lines.append(f"    {src} {ev}")
    return "\n".join(lines)
