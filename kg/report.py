"""The review report (``kg report``): which facts of a built graph deserve a second look, per article.

Checks, each a SPARQL query over the graph (values bound as parameters through kg.query,
never spliced into the text), in the order the report lists them:

========================  ==========================================================================
check                     an item is
========================  ==========================================================================
``shacl``                 a SHACL violation of ontology/shapes.ttl (pySHACL, the ``shacl`` extra;
                          without it the report says the check was skipped)
``low_confidence``        an event or post whose ``kgo:confidence`` is below the threshold
``unexpanded_abbrev``     an organization still named by an abbreviation the article could not
                          expand (区总工会, 县人大, 该镇政府 with no district, county or town to read)
``event_without_actor``   an event with neither ``kgo:agent`` nor ``kgo:organizer``
``event_without_group``   an event with no beneficiary group that carries no money (an event with
                          money and no group is listed once, as ``money_without_group``)
``money_without_group``   an event with ``kgo:amount`` and no ``kgo:beneficiary``
``seen_once``             a person, organization or beneficiary group named by one article only and
                          by at most one fact in it: a single sighting, where misreadings hide
========================  ==========================================================================

Every item carries the article it comes from and the evidence sentence (the fact's own
``kgo:evidence``, or for an entity the first fact of the article that names it). The
review list is sorted by article source, position in the article, check and subject,
so the same graph always gives the same bytes. ``render`` writes HTML (one offline page,
every text escaped, a Content-Security-Policy that allows only the page's own style),
Markdown (punctuation backslash-escaped, so article text stays text) or CSV (cells that a
spreadsheet would read as a formula are prefixed with ``'``).
"""
from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from kg import lexicon
from kg.errors import InputError
from kg.graphio import write_atomic
from kg.query import NamedQuery, compact, execute

#: Facts below this confidence are listed. The extractor gives 0.6 to an event whose actor is carried
#: over from an earlier sentence and 0.7 or more to everything it reads in the sentence itself.
DEFAULT_THRESHOLD = 0.7

_PREFIXES = """PREFIX kgo: <https://w3id.org/kg-news/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
"""

# The event's kinds as a label, as queries/low_confidence.rq names them.
_EVENT_KINDS = """
  BIND(CONCAT(
      IF(EXISTS { ?subject a kgo:Visit }, "Visit ", ""),
      IF(EXISTS { ?subject a kgo:AidDelivery }, "AidDelivery ",
         IF(EXISTS { ?subject a kgo:Donation }, "Donation ", "")),
      IF(EXISTS { ?subject a kgo:Fundraising }, "Fundraising ", ""),
      IF(EXISTS { ?subject a kgo:Appeal }, "Appeal ", "")) AS ?kinds_)
  BIND(IF(?kinds_ = "", "Event", REPLACE(?kinds_, " $", "")) AS ?kinds)
"""

# Every check query selects these columns, one row per item.
COLUMNS = ("article", "subject", "label", "detail", "evidence", "start")

_LOW_CONFIDENCE = _PREFIXES + """
SELECT ?article ?subject ?label ?detail ?evidence ?start
WHERE {
  ?subject kgo:confidence ?confidence .
  FILTER(?confidence < ?threshold)
  ?subject prov:wasDerivedFrom ?article .
  OPTIONAL { ?subject kgo:evidence ?evidence }
  OPTIONAL { ?subject kgo:evidenceStart ?start }
  OPTIONAL { ?subject kgo:title ?title }
  OPTIONAL { ?subject org:member ?member OPTIONAL { ?member rdfs:label ?memberName } }
  OPTIONAL { ?subject org:organization ?body OPTIONAL { ?body rdfs:label ?bodyName } }
""" + _EVENT_KINDS + """
  BIND(IF(BOUND(?title), CONCAT("post: ", COALESCE(STR(?memberName), "?"), " ", COALESCE(STR(?bodyName), "?"), " ",
                                STR(?title)),
          CONCAT("event: ", ?kinds)) AS ?label)
  BIND(CONCAT("confidence ", STR(?confidence), " below ", STR(?threshold)) AS ?detail)
}
ORDER BY ?article ?start ?subject ?label
"""

# The evidence of ?subject in ?article: the first fact of the article that names it (as agent, organizer,
# place, member ...), else the first fact whose evidence contains one of its names. Binds ?start and ?evidence.
# (If a first OPTIONAL finds nothing, its partner finds nothing either, so the unbound ?start1/?start2 never
# multiplies rows.)
_EVIDENCE = """
  OPTIONAL {
    SELECT ?subject ?article (MIN(?s0) AS ?start1) WHERE {
      ?f0 ?p0 ?subject ; prov:wasDerivedFrom ?article ; kgo:evidenceStart ?s0 .
    } GROUP BY ?subject ?article
  }
  OPTIONAL {
    SELECT ?subject ?article ?start1 (MIN(STR(?e1)) AS ?evidence1) WHERE {
      ?f1 ?p1 ?subject ; prov:wasDerivedFrom ?article ; kgo:evidenceStart ?start1 ; kgo:evidence ?e1 .
    } GROUP BY ?subject ?article ?start1
  }
  OPTIONAL {
    SELECT ?subject ?article (MIN(?s2) AS ?start2) WHERE {
      ?subject kgo:mentionedIn ?article .
      { ?subject rdfs:label ?n2 } UNION { ?subject skos:altLabel ?n2 }
      ?f2 prov:wasDerivedFrom ?article ; kgo:evidenceStart ?s2 ; kgo:evidence ?e2 .
      FILTER(CONTAINS(STR(?e2), STR(?n2)))
    } GROUP BY ?subject ?article
  }
  OPTIONAL {
    SELECT ?subject ?article ?start2 (MIN(STR(?e3)) AS ?evidence2) WHERE {
      ?subject kgo:mentionedIn ?article .
      { ?subject rdfs:label ?n3 } UNION { ?subject skos:altLabel ?n3 }
      ?f3 prov:wasDerivedFrom ?article ; kgo:evidenceStart ?start2 ; kgo:evidence ?e3 .
      FILTER(CONTAINS(STR(?e3), STR(?n3)))
    } GROUP BY ?subject ?article ?start2
  }
  BIND(COALESCE(?start1, ?start2) AS ?start)
  BIND(COALESCE(?evidence1, ?evidence2) AS ?evidence)
"""

_UNEXPANDED = _PREFIXES + """
SELECT ?article ?subject ?label ?detail ?evidence ?start
WHERE {
  ?subject a kgo:Organization ; rdfs:label ?label ; kgo:mentionedIn ?article .
  FILTER(REGEX(STR(?label), ?abbreviation) && !REGEX(STR(?label), ?word))
""" + _EVIDENCE + """
  BIND("abbreviation not expanded: the article names no place of that level" AS ?detail)
}
ORDER BY ?article ?start ?subject ?label
"""

_WITHOUT_ACTOR = _PREFIXES + """
SELECT ?article ?subject ?label ?detail ?evidence ?start
WHERE {
  ?subject a kgo:Event ; prov:wasDerivedFrom ?article .
  FILTER NOT EXISTS { ?subject kgo:agent ?agent }
  FILTER NOT EXISTS { ?subject kgo:organizer ?organizer }
  OPTIONAL { ?subject kgo:evidence ?evidence }
  OPTIONAL { ?subject kgo:evidenceStart ?start }
""" + _EVENT_KINDS + """
  BIND(CONCAT("event: ", ?kinds) AS ?label)
  BIND("no agent and no organizer" AS ?detail)
}
ORDER BY ?article ?start ?subject
"""

_WITHOUT_GROUP = _PREFIXES + """
SELECT ?article ?subject ?label ?detail ?evidence ?start
WHERE {
  ?subject a kgo:Event ; prov:wasDerivedFrom ?article .
  FILTER NOT EXISTS { ?subject kgo:beneficiary ?group }
  FILTER NOT EXISTS { ?subject kgo:beneficiaryShare ?share }
  FILTER NOT EXISTS { ?subject kgo:amount ?amount }
  OPTIONAL { ?subject kgo:evidence ?evidence }
  OPTIONAL { ?subject kgo:evidenceStart ?start }
  OPTIONAL { SELECT ?subject (MIN(STR(?siteName)) AS ?site) WHERE { ?subject kgo:site ?s . ?s rdfs:label ?siteName }
             GROUP BY ?subject }
""" + _EVENT_KINDS + """
  BIND(CONCAT("event: ", ?kinds) AS ?label)
  BIND(IF(BOUND(?site), CONCAT("no beneficiary group (site: ", ?site, ")"), "no beneficiary group") AS ?detail)
}
ORDER BY ?article ?start ?subject
"""

_MONEY_WITHOUT_GROUP = _PREFIXES + """
SELECT ?article ?subject ?label ?detail ?evidence ?start
WHERE {
  {
    SELECT ?subject ?article (GROUP_CONCAT(?money; separator=", ") AS ?amounts) WHERE {
      {
        SELECT ?subject ?article ?money WHERE {
          ?subject kgo:amount ?amount ; prov:wasDerivedFrom ?article .
          FILTER NOT EXISTS { ?subject kgo:beneficiary ?group }
          OPTIONAL { ?amount schema:value ?value }
          OPTIONAL { ?amount schema:minValue ?min }
          OPTIONAL { ?amount schema:maxValue ?max }
          OPTIONAL { ?amount kgo:purpose ?purpose }
          BIND(CONCAT(COALESCE(CONCAT(STR(?purpose), " "), ""),
                      COALESCE(STR(?value), CONCAT(COALESCE(STR(?min), "?"), "-", COALESCE(STR(?max), "?"))),
                      " 元") AS ?money)
        } ORDER BY ?subject ?money
      }
    } GROUP BY ?subject ?article
  }
  OPTIONAL { ?subject kgo:evidence ?evidence }
  OPTIONAL { ?subject kgo:evidenceStart ?start }
  BIND(CONCAT("money: ", ?amounts) AS ?label)
  BIND("money with no beneficiary group" AS ?detail)
}
ORDER BY ?article ?start ?subject
"""

_SEEN_ONCE = _PREFIXES + """
SELECT ?article ?subject ?label ?detail ?evidence ?start
WHERE {
  {
    SELECT ?subject (MIN(?a) AS ?article) WHERE { ?subject kgo:mentionedIn ?a }
    GROUP BY ?subject HAVING (COUNT(DISTINCT ?a) = 1)
  }
  VALUES (?type ?kind) { (kgo:Person "person") (kgo:Organization "organization") (kgo:BeneficiaryGroup "group") }
  ?subject a ?type .
  {
    SELECT ?subject (COUNT(DISTINCT ?f) AS ?facts) WHERE {
      ?subject kgo:mentionedIn ?m .
      OPTIONAL { ?f ?p ?subject . ?f prov:wasDerivedFrom ?source }
    } GROUP BY ?subject
  }
  FILTER(?facts <= 1)
  OPTIONAL { SELECT ?subject (MIN(STR(?name)) AS ?name_) WHERE { ?subject rdfs:label ?name } GROUP BY ?subject }
""" + _EVIDENCE + """
  BIND(CONCAT(?kind, ": ", COALESCE(?name_, STR(?subject))) AS ?label)
  BIND(IF(?facts = 0, "named by one article and by no fact", "named by one article and one fact") AS ?detail)
}
ORDER BY ?article ?start ?subject
"""

# Where a SHACL focus node (?subject) comes from: its article, and its own evidence or as _EVIDENCE finds it.
_LOCATE = _PREFIXES + """
SELECT DISTINCT ?article ?evidence ?start
WHERE {
  {
    SELECT DISTINCT ?subject ?article WHERE {
      { ?subject prov:wasDerivedFrom ?article }
      UNION { ?fact ?p ?subject . ?fact prov:wasDerivedFrom ?article }
      UNION { ?subject kgo:mentionedIn ?article }
      UNION { ?subject a kgo:Article BIND(?subject AS ?article) }
    }
  }
  OPTIONAL { ?subject prov:wasDerivedFrom ?article ; kgo:evidence ?own ; kgo:evidenceStart ?ownStart }
""" + _EVIDENCE.replace("AS ?start)", "AS ?found_start)").replace("AS ?evidence)", "AS ?found_evidence)") + """
  BIND(COALESCE(?ownStart, ?found_start) AS ?start)
  BIND(COALESCE(STR(?own), ?found_evidence) AS ?evidence)
}
ORDER BY ?article ?start ?evidence
"""

_SHACL_RESULTS = _PREFIXES + """
SELECT ?focus ?path ?message ?value
WHERE {
  ?result a sh:ValidationResult ; sh:focusNode ?focus .
  OPTIONAL { ?result sh:resultPath ?path }
  OPTIONAL { ?result sh:resultMessage ?message }
  OPTIONAL { ?result sh:value ?value }
}
ORDER BY ?focus ?path ?message ?value
"""

_ARTICLES = _PREFIXES + """
SELECT ?article (MIN(?src) AS ?source) (MIN(STR(?title)) AS ?headline)
WHERE {
  ?article a kgo:Article .
  OPTIONAL { ?article kgo:sourcePath ?src }
  OPTIONAL { ?article schema:headline ?title }
}
GROUP BY ?article
ORDER BY ?source ?article
"""


@dataclass(frozen=True)
class Check:
    """One check of the report: its name, its heading and the query that finds its items."""

    name: str
    title: str
    query: str | None  # None: computed outside SPARQL (SHACL), then located with SPARQL


#: The checks, in the order the report lists them.
CHECKS: tuple[Check, ...] = (
    Check("shacl", "SHACL violations", None),
    Check("low_confidence", "facts below the confidence threshold", _LOW_CONFIDENCE),
    Check("unexpanded_abbrev", "abbreviations not expanded", _UNEXPANDED),
    Check("event_without_actor", "events without an actor", _WITHOUT_ACTOR),
    Check("event_without_group", "events without a beneficiary", _WITHOUT_GROUP),
    Check("money_without_group", "money without a group", _MONEY_WITHOUT_GROUP),
    Check("seen_once", "entities seen once", _SEEN_ONCE),
)
CHECK_NAMES = tuple(c.name for c in CHECKS)
_RANK = {name: i for i, name in enumerate(CHECK_NAMES)}


@dataclass(frozen=True)
class Item:
    """One thing to review: the check that found it, the article, the subject and its evidence."""

    check: str
    article: str  # article IRI, "" when the subject belongs to no article
    source: str  # the article's kgo:sourcePath, or its IRI
    subject: str
    label: str
    detail: str
    evidence: str = ""
    start: int | None = None

    def key(self) -> tuple:
        """The sort key of the review list: article, position in it, check, subject, text."""
        return (self.source, self.article, self.start is None, self.start or 0, _RANK[self.check], self.subject,
                self.label, self.detail, self.evidence)


@dataclass(frozen=True)
class Article:
    """An article of the graph as the report names it."""

    iri: str
    source: str
    headline: str = ""


@dataclass
class Report:
    """The review report: the articles, the sorted review list and notes on checks that did not run."""

    graph: str
    threshold: Decimal
    checks: tuple[str, ...]
    articles: list[Article] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Items per check (every check of the report, zeros included)."""
        out = dict.fromkeys(self.checks, 0)
        for item in self.items:
            out[item.check] += 1
        return out

    def by_article(self) -> list[tuple[Article, list[Item]]]:
        """Each article with its items (in review order); items of no article come first, under source ''."""
        groups: dict[str, list[Item]] = {}
        for item in self.items:
            groups.setdefault(item.article, []).append(item)
        out = []
        if "" in groups:
            out.append((Article("", "", "(no article)"), groups[""]))
        out.extend((a, groups.get(a.iri, [])) for a in self.articles)
        return out


# --------------------------------------------------------------------------- computing


def abbreviation_patterns() -> dict[str, str]:
    """The two regular expressions (XPath syntax) bound into the abbreviation query, from kg/data/words.tsv.

    A name is an unexpanded abbreviation when it starts with an administrative level
    (区, 县, 镇 …, optionally after 该 or 团) and not with a word that merely begins with one
    (市政, 市场, 乡村 …): the extractor's own rule for what it tries to expand.
    """
    levels = sorted(lexicon.words("level_char"), key=lambda w: (-len(w), w))
    words = sorted(lexicon.words("level_words"), key=lambda w: (-len(w), w))
    return {
        "abbreviation:string": "^(该|团)?(" + "|".join(map(re.escape, levels)) + ")",
        "word:string": "^(" + "|".join(map(re.escape, words)) + ")",
    }


def _value(term) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(term)


def _start(term) -> int | None:
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


def _run(store: ox.Store, name: str, text: str, params: Mapping[str, str] | None = None):
    return execute(store, NamedQuery(name, text, f"kg/report.py:{name}"), params).rows


def parse_threshold(value: str | float | Decimal) -> Decimal:
    """The confidence threshold as a Decimal in [0, 1].

    Raises:
        InputError: not a number, or outside [0, 1].
    """
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(f"--threshold {value!r}: not a number (give a confidence between 0 and 1, e.g. 0.7)") from None
    if not d.is_finite() or not 0 <= d <= 1:
        raise InputError(f"--threshold {value!r}: a confidence is between 0 and 1")
    return d


def review(
    store: ox.Store,
    *,
    graph: str = "",
    threshold: str | float | Decimal = DEFAULT_THRESHOLD,
    checks: Iterable[str] | None = None,
    shacl: Callable | None = None,
) -> Report:
    """Run the checks on the graph in ``store`` (its default graph) and return the report.

    Args:
        graph: how the report names the graph (a file or store path).
        threshold: facts with a confidence below this are listed.
        checks: the checks to run (default all, CHECK_NAMES); unknown names are an error.
        shacl: the SHACL validator (kg.validate.shacl_results by default; tests pass another).

    Raises:
        InputError: an unknown check or a bad threshold.
    """
    chosen = tuple(CHECK_NAMES if checks is None else dict.fromkeys(checks))
    unknown = [c for c in chosen if c not in _RANK]
    if unknown:
        raise InputError(f"unknown check {unknown[0]!r}; checks: {', '.join(CHECK_NAMES)}")
    chosen = tuple(sorted(chosen, key=_RANK.__getitem__))
    limit = parse_threshold(threshold)
    report = Report(graph=graph, threshold=limit, checks=chosen)
    sources: dict[str, str] = {}
    for article, source, headline in _run(store, "articles", _ARTICLES):
        a = Article(_value(article), _value(source) or _value(article), _value(headline))
        report.articles.append(a)
        sources[a.iri] = a.source
    report.articles.sort(key=lambda a: (a.source, a.iri))
    params = {"low_confidence": {"threshold:decimal": format(limit, "f")}, "unexpanded_abbrev": abbreviation_patterns()}
    items: set[Item] = set()
    for check in CHECKS:
        if check.name not in chosen:
            continue
        if check.query is None:
            items.update(_shacl_items(store, sources, report, shacl))
            continue
        for article, subject, label, detail, evidence, start in _run(store, check.name, check.query,
                                                                     params.get(check.name)):
            iri = _value(article)
            items.add(Item(check.name, iri, sources.get(iri, iri), _value(subject), _value(label), _value(detail),
                           _value(evidence), _start(start)))
    report.items = sorted(items, key=Item.key)
    return report


def _shacl_items(store: ox.Store, sources: dict[str, str], report: Report, shacl: Callable | None) -> list[Item]:
    if shacl is None:
        try:
            import pyshacl  # noqa: F401 - only to learn whether the extra is installed
        except ImportError:
            report.notes.append("SHACL check skipped: pySHACL is not installed (pip install 'kg-news[shacl]')")
            return []
        from kg.validate import shacl_results as shacl
    results = shacl(store)
    items = []
    for focus, path, message, value in _run(results, "shacl_results", _SHACL_RESULTS):
        detail = _value(message) or "violates the ontology's shapes"
        if value is not None:
            detail += f" (value: {_value(value)})"
        label = f"shape: {compact(path)}" if path is not None else "shape"
        located = []
        if isinstance(focus, ox.NamedNode):
            located = _run(store, "locate", _LOCATE, {"subject:iri": focus.value})
        seen = set()
        for article, evidence, start in located:
            iri = _value(article)
            if iri in seen:  # the first (earliest) evidence per article
                continue
            seen.add(iri)
            items.append(Item("shacl", iri, sources.get(iri, iri), _value(focus), label, detail, _value(evidence),
                              _start(start)))
        if not seen:
            items.append(Item("shacl", "", "", _value(focus), label, detail))
    return items


# --------------------------------------------------------------------------- rendering


def _md(text: str) -> str:
    """Markdown-safe text: the punctuation that makes markup backslash-escaped (CommonMark), line breaks as spaces.

    Inside a table row no text starts a line, so only inline markup needs escaping:
    HTML tags and entities, emphasis, code, links and images, and the cell separator.

    >>> print(_md('<script>alert(1)</script> | *x*'))
    \\<script\\>alert\\(1\\)\\</script\\> \\| \\*x\\*
    """
    text = re.sub(r"\s*[\r\n\u2028\u2029]+\s*", " ", text)
    return re.sub(r"([\\`*_{}\[\]<>()#!|~&])", r"\\\1", text)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ tab or CR gets a ' before it."""
    return "'" + text if text.startswith(_FORMULA) else text


def _summary_lines(report: Report) -> list[tuple[str, str, int]]:
    counts = report.counts()
    titles = {c.name: c.title for c in CHECKS}
    return [(titles[name], name, counts[name]) for name in report.checks]


def render_csv(report: Report) -> str:
    """The review list as CSV: one row per item; a note row for each check that did not run."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["source", "article", "check", "subject", "label", "detail", "start", "evidence"])
    for note in report.notes:
        writer.writerow(["", "", "note", "", "", _cell(note), "", ""])
    for i in report.items:
        writer.writerow([_cell(x) for x in (i.source, i.article, i.check, i.subject, i.label, i.detail,
                                            "" if i.start is None else str(i.start), i.evidence)])
    return buf.getvalue()


def render_md(report: Report) -> str:
    """The report as Markdown: summary, articles table, then each article's items."""
    out = ["# Review report", "", f"Graph: {_md(report.graph)}  ", f"Confidence threshold: {report.threshold}  ",
           f"Articles: {len(report.articles)}, items to review: {len(report.items)}", ""]
    out += [f"> {_md(n)}" for n in report.notes] + ([""] if report.notes else [])
    out += ["| check | items |", "|---|---:|"] + [f"| {t} (`{c}`) | {n} |" for t, c, n in _summary_lines(report)] + [""]
    out += ["## Articles", "", "| article | " + " | ".join(f"`{c}`" for c in report.checks) + " | total |",
            "|---|" + "---:|" * (len(report.checks) + 1)]
    groups = report.by_article()
    for article, items in groups:
        counts = [sum(1 for i in items if i.check == c) for c in report.checks]
        out.append(f"| {_md(article.source or article.headline)} | " + " | ".join(map(str, counts)) + f" | {len(items)} |")
    out.append("")
    for article, items in groups:
        if not items:
            continue
        head = article.source or article.headline
        out += [f"## {_md(head)}" + (f" — {_md(article.headline)}" if article.source and article.headline else ""), ""]
        out += ["| check | item | detail | at | evidence |", "|---|---|---|---:|---|"]
        for i in items:
            at = "" if i.start is None else str(i.start)
            out.append(f"| `{i.check}` | {_md(i.label)} · {_md(i.subject)} | {_md(i.detail)} | {at} | {_md(i.evidence)} |")
        out.append("")
    return "\n".join(out)


_STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; vertical-align: top; text-align: left; }
td.n { text-align: right; }
.subject { color: #666; font-size: 0.85em; word-break: break-all; }
.note { background: #fff3cd; padding: 0.5em; }
.evidence { max-width: 40em; }
"""


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(_STYLE.encode("utf-8")).digest()).decode()
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; script-src 'none'; "
            "base-uri 'none'; form-action 'none'")


def render_html(report: Report) -> str:
    """The report as one self-contained, offline HTML page; every text from the graph is escaped."""
    e = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    out = ["<!DOCTYPE html>", '<html lang="zh">', "<head>", '<meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{e(_csp())}">',
           '<meta name="referrer" content="no-referrer">',
           "<title>审核报告 Review report</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
           "<h1>审核报告 Review report</h1>",
           f"<p>Graph: {e(report.graph)}<br>Confidence threshold: {e(report.threshold)}<br>"
           f"Articles: {len(report.articles)}, items to review: {len(report.items)}</p>"]
    out += [f'<p class="note">{e(n)}</p>' for n in report.notes]
    out += ["<table>", "<tr><th>check</th><th>items</th></tr>"]
    out += [f'<tr><td>{e(t)} ({e(c)})</td><td class="n">{n}</td></tr>' for t, c, n in _summary_lines(report)]
    out += ["</table>", "<h2>Articles</h2>", "<table>",
            "<tr><th>article</th>" + "".join(f"<th>{e(c)}</th>" for c in report.checks) + "<th>total</th></tr>"]
    groups = report.by_article()
    for n, (article, items) in enumerate(groups):
        counts = "".join(f'<td class="n">{sum(1 for i in items if i.check == c)}</td>' for c in report.checks)
        name = e(article.source or article.headline)
        cell = f'<a href="#a{n}">{name}</a>' if items else name
        out.append(f"<tr><td>{cell}</td>{counts}<td class=\"n\">{len(items)}</td></tr>")
    out.append("</table>")
    for n, (article, items) in enumerate(groups):
        if not items:
            continue
        out.append(f'<h2 id="a{n}">{e(article.source or article.headline)}</h2>')
        if article.source and article.headline:
            out.append(f"<p>{e(article.headline)}<br><span class=\"subject\">{e(article.iri)}</span></p>")
        out += ["<table>", "<tr><th>check</th><th>item</th><th>detail</th><th>at</th><th>evidence</th></tr>"]
        for i in items:
            at = "" if i.start is None else str(i.start)
            out.append(f"<tr><td>{e(i.check)}</td><td>{e(i.label)}<br><span class=\"subject\">{e(i.subject)}</span></td>"
                       f"<td>{e(i.detail)}</td><td class=\"n\">{at}</td><td class=\"evidence\">{e(i.evidence)}</td></tr>")
        out.append("</table>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


#: Report formats by output suffix.
RENDERERS: dict[str, Callable[[Report], str]] = {".html": render_html, ".htm": render_html, ".md": render_md,
                                                 ".csv": render_csv}


def check_report_path(path: str | os.PathLike) -> Path:
    """The report file ``path``, checked before any work: a known suffix, not a folder.

    Raises:
        InputError: unknown suffix (the message lists the formats) or a folder.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in RENDERERS:
        raise InputError(f"{path}: unknown report format {suffix or '(no suffix)'!r}; use .html, .md or .csv")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file name such as {path / 'report.html'}")
    return path


def write_report(report: Report, path: str | os.PathLike) -> Path:
    """Render ``report`` in the format ``path``'s suffix names and write it atomically (UTF-8)."""
    path = check_report_path(path)
    data = RENDERERS[path.suffix.lower()](report).encode("utf-8")
    try:
        write_atomic(path, lambda out: out.write(data))
    except OSError as e:
        raise InputError(f"{path}: cannot write: {e}") from e
    return path


def report_graph(source: str | os.PathLike | None, output: str | os.PathLike, *,
                 threshold: str | float | Decimal = DEFAULT_THRESHOLD, checks: Iterable[str] | None = None) -> Report:
    """Review a graph file or store (default: the store output/store) and write the report to ``output``.

    The call behind ``kg report``. The output's suffix and the threshold are checked before
    the graph is read.
    """
    from kg.store import open_source

    check_report_path(output)
    parse_threshold(threshold)
    store = open_source(source)
    report = review(store, graph=str(source) if source is not None else "output/store", threshold=threshold,
                    checks=checks)
    write_report(report, output)
    return report
