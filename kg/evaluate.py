"""Score a built graph against gold annotations, fact by fact (precision, recall, F1 per kind).

Gold files are JSON, one article each (the format of the project's fixtures:
``article.id`` is the stem of the input file). Facts are flattened from both sides the
same way, so a graph is scored the same however it lays out its events:

person, org, place, group (name) · position (person, title, org) · org_type · located_in ·
place_in · help (actor, group) · where (actor, place or site) · count (group, n) ·
money (yuan or min..max) · money_group · goods (item, quantity) · date (--MM-DD).

Gold items marked ``implied``, ``implied_fields``, ``summary`` or ``status: planned`` are
judgement calls: finding them is not required and producing them is not penalized.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from rdflib import Graph, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS, SKOS

from kg.errors import EvalError
from kg.ontology import ENTITY_KINDS, KGO, ORG_KINDS, SDO

KINDS = ["person", "org", "place", "group", "position", "org_type", "located_in", "place_in",
         "help", "where", "count", "money", "money_group", "goods", "date"]
# The scorer's org types are the extractor's kinds, from the one table in kg/ontology.py (media is not scored).
ORG_TYPES = {cls: kind for kind, cls, _ in ORG_KINDS if kind != "media"}
TYPE_ALIASES = {"hospital": "medical", "health_agency": "government"}
_TITLE_PREFIX = re.compile(r"^(省委|市委|州委|盟委|区委|县委|旗委|镇党委|乡党委|街道党工委)")
_ENTITY_CLASSES = {cls: kind for kind, cls, _ in ENTITY_KINDS}


def norm(s) -> str:
    """Fold width and drop whitespace, for comparing names."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s)))


def norm_title(t: str) -> str:
    """Compare titles without an organization prefix: 区委书记 at 区委 is 书记."""
    return _TITLE_PREFIX.sub("", norm(t)) or norm(t)


def norm_num(x) -> str:
    """Return a number as a canonical string ('?' when unknown)."""
    if x is None:
        return "?"
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "?"
    return str(int(v)) if v == int(v) else f"{v:g}"


def norm_date(d) -> str | None:
    """Return --MM-DD of an xsd:date, gMonthDay or dateTime."""
    if d is None:
        return None
    m = re.match(r"^(?:-?\d{4}|-)-(\d{1,2})-(\d{1,2})", str(d).strip())
    return f"--{int(m.group(1)):02d}-{int(m.group(2)):02d}" if m else None


class Gold:
    """One gold article: required facts, neutral facts, and surface -> canonical name tables."""

    def __init__(self, data: dict, source: str = "?"):
        try:
            self.id = data["article"]["id"]
        except (KeyError, TypeError) as e:
            raise EvalError(f"{source}: gold has no article.id") from e
        self.canon: dict[str, dict[str, str]] = defaultdict(dict)
        self.required: set = set()
        self.neutral: set = set()
        self.places: set[str] = set()
        ids: dict[str, str] = {}

        def entity(kind, e, names):
            name = norm(e["name"])
            ids[e["id"]] = name
            for n in [e["name"], *names]:
                self.canon[kind].setdefault(norm(n), name)
            self._add((kind, name), e.get("implied", False))

        for e in data.get("organizations", []):
            formal = e.get("formal_name")
            extra = [formal] if formal and "not in text" not in formal else []
            entity("org", e, e.get("aliases", []) + extra)
        for e in data.get("people", []):
            entity("person", e, [])
        for e in data.get("places", []):
            entity("place", e, e.get("surface_forms") or [])
            self.places.add(norm(e["name"]))
        for e in data.get("beneficiary_groups", []):
            entity("group", e, e.get("aliases", []))
        name = ids.get
        for e in data.get("organizations", []):
            implied = e.get("implied", False)
            fields = " ".join(e.get("implied_fields", []))
            t = TYPE_ALIASES.get(e.get("type"), e.get("type"))
            if t and t != "other":
                self._add(("org_type", name(e["id"]), t), implied)
            if e.get("located_in"):
                self._add(("located_in", name(e["id"]), name(e["located_in"])), implied or "located_in" in fields)
        for e in data.get("places", []):
            if e.get("part_of"):
                self._add(("place_in", name(e["id"]), name(e["part_of"])), "part_of" in " ".join(e.get("implied_fields", [])))
        for p in data.get("people", []):
            for pos in p.get("positions", []):
                if pos.get("org"):
                    self._add(("position", name(p["id"]), norm_title(pos["title"]), name(pos["org"])), pos.get("implied", False))
        for ev in data.get("events", []):
            soft = bool(ev.get("summary") or ev.get("status") == "planned")
            fields = " ".join(ev.get("implied_fields", []))
            actors = [name(a) for a in ev.get("agents", []) + ev.get("organizers", []) if name(a)]
            groups = [name(b["group"]) for b in ev.get("beneficiaries", []) if name(b["group"])]
            for a in actors:
                for g in groups:
                    self._add(("help", a, g), soft)
                if ev.get("place") and name(ev["place"]):
                    self._add(("where", a, name(ev["place"])), soft or "place" in fields)
                if ev.get("site_org") and name(ev["site_org"]):
                    self._add(("where", a, name(ev["site_org"])), soft)
            for b in ev.get("beneficiaries", []):
                if b.get("count") is not None and name(b["group"]):
                    self._add(("count", name(b["group"]), norm_num(b["count"])), soft)
            for m in ev.get("money", []):
                vals = []
                if m.get("amount_cny") is not None:
                    vals.append(norm_num(m["amount_cny"]))
                if m.get("min_cny") is not None:
                    vals.append(norm_num(m["min_cny"]) + ".." + norm_num(m.get("max_cny")))
                for v in vals:
                    self._add(("money", v), soft or m.get("nominal", False))
                    for g in groups:
                        self._add(("money_group", v, g), soft or m.get("nominal", False))
            for gd in ev.get("goods", []):
                self._add(("goods", norm(gd["item"]), norm_num(gd.get("quantity"))), soft)
            d = ev.get("date")
            for x in ([d.get("start"), d.get("end")] if isinstance(d, dict) else [d]):
                if norm_date(x):
                    self._add(("date", norm_date(x)), soft or "date" in fields)

    def _add(self, fact, soft) -> None:
        (self.neutral if soft else self.required).add(fact)

    def canonical(self, kind: str, label: str) -> str:
        return self.canon[kind].get(norm(label), norm(label))


def _labels(g: Graph, node) -> list[str]:
    return [str(o) for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel) for o in g.objects(node, p)]


def predicted_facts(g: Graph, article: URIRef, gold: Gold) -> set:
    """Flatten the graph's facts about one article, naming entities the way the gold does."""
    facts: set = set()

    def name(node, kind):
        ls = _labels(g, node)
        for label in ls:
            if norm(label) in gold.canon[kind]:
                return gold.canonical(kind, label)
        return norm(ls[0]) if ls else str(node)

    for ent in set(g.subjects(KGO.mentionedIn, article)):
        kind = next((k for cls, k in _ENTITY_CLASSES.items() if (ent, RDF.type, cls) in g), None)
        if not kind:
            continue
        n = name(ent, kind)
        facts.add((kind, n))
        if kind == "org":
            facts |= {("org_type", n, t) for cls, t in ORG_TYPES.items() if (ent, RDF.type, cls) in g}
            facts |= {("located_in", n, name(pl, "place")) for pl in g.objects(ent, KGO.locatedIn)}
        if kind == "place":
            facts |= {("place_in", n, name(pl, "place")) for pl in g.objects(ent, SDO.containedInPlace)}
    derived = set(g.subjects(PROV.wasDerivedFrom, article))
    for m in derived:
        if (m, RDF.type, ORG.Membership) in g:
            for p in g.objects(m, ORG.member):
                for o in g.objects(m, ORG.organization):
                    for t in g.objects(m, KGO.title):
                        facts.add(("position", name(p, "person"), norm_title(t), name(o, "org")))
    for ev in derived:
        if (ev, RDF.type, KGO.Event) not in g:
            continue
        actors = [name(a, "person") for a in g.objects(ev, KGO.agent)] + [name(o, "org") for o in g.objects(ev, KGO.organizer)]
        shares = list(g.objects(ev, KGO.beneficiaryShare))
        groups = sorted({name(b, "group") for n in [ev, *shares] for b in g.objects(n, KGO.beneficiary)})
        wheres = [name(p, "place") for p in g.objects(ev, KGO.place)] + [name(s, "org") for s in g.objects(ev, KGO.site)]
        for a in actors:
            facts |= {("help", a, x) for x in groups}
            facts |= {("where", a, w) for w in wheres}
        if len(groups) == 1:
            facts |= {("count", groups[0], norm_num(c)) for c in g.objects(ev, KGO.beneficiaryCount)}
        for share in shares:
            for grp in g.objects(share, KGO.beneficiary):
                facts |= {("count", name(grp, "group"), norm_num(c)) for c in g.objects(share, KGO.beneficiaryCount)}
        for amt in g.objects(ev, KGO.amount):
            vals = [norm_num(v) for v in g.objects(amt, SDO.value)]
            lo, hi = g.value(amt, SDO.minValue), g.value(amt, SDO.maxValue)
            if lo is not None or hi is not None:
                vals.append(norm_num(lo) + ".." + norm_num(hi))
            for v in vals:
                facts.add(("money", v))
                facts |= {("money_group", v, x) for x in groups}
        for gd in g.objects(ev, KGO.goods):
            item = g.value(gd, SDO.name)
            if item is not None:
                facts.add(("goods", norm(item), norm_num(g.value(gd, SDO.amountOfThisGood))))
        for p in (KGO.date, KGO.startDate, KGO.endDate):
            facts |= {("date", norm_date(d)) for d in g.objects(ev, p) if norm_date(d)}
    return facts


def _match_goods(got: set, req: set) -> set:
    """Goods names match when equal or when one contains the other, with equal quantities."""
    out, free = set(), set(req)
    for f in sorted(got, key=lambda f: (f not in req, f)):
        hit = f if f in free else next((r for r in sorted(free) if r[2] == f[2] and (r[1] in f[1] or f[1] in r[1])), None)
        if hit:
            free.discard(hit)
            out.add(hit)
        else:
            out.add(f)
    return out


def score_article(pred: set, gold: Gold):
    """Return ({kind: (tp, fp, fn)}, [(missed|spurious, fact)])."""
    rows, errors = {}, []
    for k in KINDS:
        req = {f for f in gold.required if f[0] == k}
        got = {f for f in pred if f[0] == k
               and not (f[0] in ("place_in", "located_in") and f[2] not in gold.places and f not in req)}
        if k == "goods":
            got = _match_goods(got, req)
        fp_set, fn_set = got - req - gold.neutral, req - got
        rows[k] = (len(req & got), len(fp_set), len(fn_set))
        errors += [("missed", f) for f in sorted(fn_set)] + [("spurious", f) for f in sorted(fp_set)]
    return rows, errors


@dataclass
class Report:
    """Scores per kind and per article, with the errors found."""

    totals: dict = field(default_factory=lambda: {k: [0, 0, 0] for k in KINDS})
    articles: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)    # (article, missed|spurious, fact)
    missing: list = field(default_factory=list)   # gold ids with no article in the graph

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        if kind is None:
            tp, fp, fn = (sum(v[i] for v in self.totals.values()) for i in range(3))
        else:
            tp, fp, fn = self.totals[kind]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _gold_files(paths) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(p.glob("*.gold.json"))
        elif p.exists():
            files.append(p)
        else:
            raise EvalError(f"{p}: no such gold file or folder")
    if not files:
        raise EvalError("no gold files (*.gold.json) found in " + ", ".join(map(str, paths)))
    return files


def load_graph(paths) -> Graph:
    """Read graph files (any format kg build writes; named graphs are read as one union)."""
    from kg.graphio import read_graph, to_rdflib

    return to_rdflib(read_graph(list(paths)))


def evaluate(gold_paths, graph_paths) -> Report:
    """Score the graph(s) against every gold file; return a Report."""
    g = load_graph(graph_paths)
    articles = {}
    for art, src in sorted(g.subject_objects(KGO.sourcePath)):
        src = str(src)
        articles[src.rsplit("#", 1)[1] if "#" in src else PurePath(src).stem] = art
    report = Report()
    for f in _gold_files(gold_paths):
        try:
            gold = Gold(json.loads(f.read_text(encoding="utf-8")), str(f))
        except json.JSONDecodeError as e:
            raise EvalError(f"{f}: not valid JSON: {e}") from e
        art = articles.get(gold.id)
        if art is None:
            report.missing.append(gold.id)
        pred = predicted_facts(g, art, gold) if art is not None else set()
        rows, errors = score_article(pred, gold)
        report.articles[gold.id] = rows
        for k, v in rows.items():
            for i in range(3):
                report.totals[k][i] += v[i]
        report.errors += [(gold.id, what, fact) for what, fact in errors]
    return report


def format_report(report: Report, show_errors: bool = False) -> str:
    """Return the report as a table (and the errors, when asked)."""
    lines = []
    if show_errors:
        lines += [f"{a}\t{what}\t{' | '.join(map(str, fact))}" for a, what, fact in report.errors]
    lines += [f"warning: {m}: no article with that sourcePath stem in the graph" for m in report.missing]
    lines.append(f"{'kind':<12} {'tp':>5} {'fp':>5} {'fn':>5}   {'P':>5} {'R':>5} {'F1':>5}")
    for k in KINDS:
        tp, fp, fn = report.totals[k]
        p, r, f1 = report.prf(k)
        lines.append(f"{k:<12} {tp:>5} {fp:>5} {fn:>5}   {p:5.2f} {r:5.2f} {f1:5.2f}")
    tp, fp, fn = (sum(v[i] for v in report.totals.values()) for i in range(3))
    p, r, f1 = report.prf()
    lines.append(f"{'ALL (micro)':<12} {tp:>5} {fp:>5} {fn:>5}   {p:5.2f} {r:5.2f} {f1:5.2f}")
    lines.append(f"micro F1 {f1:.3f} over {len(report.articles)} articles")
    return "\n".join(lines)
