"""The overview page and the SPARQL page of ``kg serve`` (registered by kg.web.create_app).

- ``/sparql``: a text box for SPARQL, a picker of the named queries (queries/) with a
  form for their parameters, the result as an HTML table whose IRIs link to entity
  pages (``/entity?iri=...``), and CSV/JSON downloads (``/sparql/download``). Every
  query runs on the site's worker pool (kg.sandbox), with its time and row limits;
  parameters are bound by kg.query (VALUES), never spliced. The page is read-only:
  an update is refused even when the server takes updates on ``/update``.
- ``/overview``: what the archive holds, as server-side SVG bar charts (no script):
  money by month, by organizer, by broad category of beneficiary group (each bar
  drills down to the groups of its category, ``/overview?category=IRI``), the most
  active people and the places with most events. The numbers are the named queries'
  own (money_by_month, money_by_organizer, money_by_category, officials_by_events,
  places_by_events, money_by_group, groups_in_category); each bar links to the entity
  behind it.

Pages are Jinja2 templates (kg/templates/web/) with autoescape on: every label and
every query string reaches the page escaped, SVG text included.
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from kg.errors import KGError, QueryError
from kg.query import QUERIES_DIR, NamedQuery, list_queries, resolve_query, with_projection

TEMPLATE_DIR = Path(__file__).parent / "templates" / "web"
STATIC_DIR = Path(__file__).parent / "static"
#: Rows shown in the page's table; the downloads carry the whole result (up to the pool's row limit).
MAX_TABLE_ROWS = 1000
#: Bars per chart (the largest values; months are all shown).
MAX_BARS = 15
DOWNLOAD_FORMATS = {"csv": ("text/csv; charset=utf-8", "csv"), "json": ("application/sparql-results+json", "json")}
PARAM_FIELD = "param."  # form fields of named-query parameters: param.person=郭金江


# --------------------------------------------------------------------------- templates


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment of the web pages (autoescape on, undefined names are errors)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(width=CHART_WIDTH, label_width=LABEL_WIDTH, row_height=ROW_HEIGHT)
    return env


def render(name: str, status: int = 200, **context):
    """An HTML response from template ``name``."""
    from starlette.responses import HTMLResponse

    return HTMLResponse(environment().get_template(name).render(**context), status_code=status)


def entity_href(iri: str) -> str:
    """The link to an entity page.

    >>> entity_href("https://w3id.org/kg-news/id/person/北京市/大兴区/郭金江")
    '/entity?iri=https%3A%2F%2Fw3id.org%2Fkg-news%2Fid%2Fperson%2F%E5%8C%97%E4%BA%AC%E5%B8%82%2F%E5%A4%A7%E5%85%B4%E5%8C%BA%2F%E9%83%AD%E9%87%91%E6%B1%9F'
    """
    return "/entity?" + urllib.parse.urlencode({"iri": iri})


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Cell:
    """One table cell: the text shown, a link (IRIs) and a title (the full IRI or the datatype)."""

    text: str
    href: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Table:
    """A query result ready for the page."""

    kind: str  # select | ask | graph
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    total: int = 0  # rows in the result (the table shows at most MAX_TABLE_ROWS)
    boolean: bool | None = None


def _cell_from_json(binding: dict | None) -> Cell:
    import pyoxigraph as ox

    from kg.query import compact

    if binding is None:
        return Cell("")
    value = binding.get("value", "")
    if binding.get("type") == "uri":
        return Cell(compact(ox.NamedNode(value)), entity_href(value), value)
    if binding.get("type") == "bnode":
        return Cell(f"_:{value}")
    title = binding.get("datatype") or (f"@{binding['xml:lang']}" if "xml:lang" in binding else None)
    return Cell(value, None, title)


def _cell_from_term(term) -> Cell:
    import pyoxigraph as ox

    from kg.query import compact

    if isinstance(term, ox.NamedNode):
        return Cell(compact(term), entity_href(term.value), term.value)
    return Cell(compact(term))


def table_from_answer(answer) -> Table:
    """Turn a pool Answer (SPARQL results JSON, or N-Triples for a graph) into a Table."""
    if answer.kind == "graph":
        import pyoxigraph as ox

        triples = list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
        rows = tuple(tuple(_cell_from_term(t) for t in (tr.subject, tr.predicate, tr.object))
                     for tr in triples[:MAX_TABLE_ROWS])
        return Table("graph", ("subject", "predicate", "object"), rows, len(triples))
    data = json.loads(answer.body.decode("utf-8"))
    if "boolean" in data:
        return Table("ask", boolean=bool(data["boolean"]))
    columns = tuple(data["head"]["vars"])
    bindings = data["results"]["bindings"]
    rows = tuple(tuple(_cell_from_json(b.get(c)) for c in columns) for b in bindings[:MAX_TABLE_ROWS])
    return Table("select", columns, rows, len(bindings))


def result_rows(answer) -> list[dict[str, str]]:
    """A SELECT answer (SPARQL results JSON) as one dict of plain values per row (unbound left out)."""
    data = json.loads(answer.body.decode("utf-8"))
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


# --------------------------------------------------------------------------- the SPARQL page


@dataclass(frozen=True)
class Request:
    """What a /sparql request asks for: inline SPARQL, or a named query with parameter values."""

    text: str = ""
    name: str = ""
    params: tuple[tuple[str, str], ...] = ()
    run: bool = False

    def query_string(self, **extra) -> str:
        """This request as URL query parameters (for the download links)."""
        pairs = [("name", self.name)] if self.name else [("query", self.text)]
        pairs += [(PARAM_FIELD + k, v) for k, v in self.params]
        pairs += list(extra.items())
        return urllib.parse.urlencode(pairs)


def parse_request(query_params) -> Request:
    """Read a /sparql request from its URL parameters.

    Raises:
        QueryError: both ``query`` and ``name``, or a parameter given twice.
    """
    text = query_params.get("query", "")
    name = query_params.get("name", "").strip()
    if text.strip() and name:
        raise QueryError("give either 'query' (SPARQL text) or 'name' (a named query), not both")
    params: dict[str, str] = {}
    for key, value in query_params.multi_items():
        if key.startswith(PARAM_FIELD):
            pname = key[len(PARAM_FIELD):]
            if pname in params:
                raise QueryError(f"parameter {pname!r} is given twice")
            params[pname] = value
    if params and not name:
        raise QueryError("parameters (param.NAME=...) go with a named query (name=...)")
    return Request(text, name, tuple(sorted(params.items())), bool(query_params.get("run")) or bool(text.strip()))


def named_query(name: str) -> NamedQuery:
    """The named query ``name`` from queries/ (not a file path, not inline SPARQL).

    Raises:
        QueryError: no named query of that name (the message lists them).
    """
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
        names = ", ".join(q.name for q in catalog())
        raise QueryError(f"no named query {name!r}; named queries: {names}")
    # messages name the query, not the server's file path
    return dataclasses.replace(resolve_query(name, QUERIES_DIR), origin=name)


def _query_of(req: Request) -> NamedQuery:
    if req.name:
        return named_query(req.name)
    if not req.text.strip():
        raise QueryError("empty query; type SPARQL or pick a named query")
    query = NamedQuery("<query>", req.text, "query")
    if query.is_update:
        raise QueryError("this is a SPARQL Update; the SPARQL page only reads (use /update with --allow-update)")
    return query


def _filled(query: NamedQuery, req: Request) -> list[dict]:
    """The parameter form of a named query: each parameter with its kind, help and current value."""
    given = dict(req.params)
    return [{"name": p.name, "kind": p.kind, "help": p.help, "default": p.default,
             "value": given.get(p.name, p.default or "")} for p in query.params]


async def sparql_page(request):
    """GET /sparql: the form, and the result of the query it carries."""
    from kg.web import error_status, run_in_pool

    site = request.app.state.site
    context = {"catalog": catalog(), "query_text": "", "selected": None, "form": [], "table": None,
               "error": None, "download": None}
    try:
        req = parse_request(request.query_params)
    except QueryError as e:
        return render("sparql.html", 400, **{**context, "error": str(e)})
    context["query_text"] = req.text
    try:
        query = _query_of(req) if (req.name or req.run) else None
    except QueryError as e:
        status = 404 if req.name else 400
        return render("sparql.html", status, **{**context, "error": str(e)})
    if query is None:
        return render("sparql.html", **context)
    if req.name:
        context.update(selected=query, form=_filled(query, req), query_text=query.text)
        runnable = req.run or all(p.default is not None for p in query.params)
        if not runnable:
            return render("sparql.html", **context)
    try:
        answer = await run_in_pool(site, query, dict(req.params), ("json", "nt"))
        table = table_from_answer(answer)
    except KGError as e:
        return render("sparql.html", error_status(e), **{**context, "error": str(e)})
    context.update(table=table, download={f: "/sparql/download?" + req.query_string(format=f) for f in DOWNLOAD_FORMATS})
    return render("sparql.html", **context)


async def sparql_download(request):
    """GET /sparql/download?format=csv|json&(query=...|name=...&param.X=...): the result as a file."""
    from starlette.responses import Response

    from kg.web import _error, error_status, run_in_pool

    site = request.app.state.site
    fmt = request.query_params.get("format", "csv")
    if fmt not in DOWNLOAD_FORMATS:
        return _error(400, f"unknown format {fmt!r}; formats: {', '.join(DOWNLOAD_FORMATS)}")
    media, suffix = DOWNLOAD_FORMATS[fmt]
    try:
        req = parse_request(request.query_params)
        query = _query_of(req)
    except QueryError as e:
        return _error(404 if "no named query" in str(e) else 400, str(e))
    try:
        answer = await run_in_pool(site, query, dict(req.params), (fmt, "nt"))
    except KGError as e:
        return _error(error_status(e), str(e))
    if answer.kind == "graph":
        media, suffix = "application/n-triples", "nt"
    filename = f"{req.name or 'query'}.{suffix}"
    return Response(answer.body, media_type=media,
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


@lru_cache(maxsize=1)
def catalog() -> tuple[NamedQuery, ...]:
    """The named queries the picker offers (read once: they ship with the package)."""
    return tuple(list_queries(QUERIES_DIR))


# --------------------------------------------------------------------------- charts


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, with its place in the SVG."""

    label: str
    value: float
    value_text: str
    href: str | None
    y: int
    width: float
    note: str = ""
    label_href: str | None = None  # where the label links when the bar drills down (the entity page)


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart drawn as SVG by the template."""

    key: str
    title: str
    question: str  # the named query behind it, as the SPARQL page shows it
    source: str  # link to the named query on the SPARQL page
    bars: tuple[Bar, ...]
    height: int
    empty: str = "nothing recorded"


LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH, ROW_HEIGHT, TOP = 200, 400, 240, 22, 6
CHART_WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH


def yuan(value: float) -> str:
    """Yuan as a reader says them: 1810000 -> 181万元, 150000000 -> 1.5亿元.

    >>> [yuan(v) for v in (0, 800, 12500, 1810000, 150000000)]
    ['0元', '800元', '1.25万元', '181万元', '1.5亿元']
    """
    for unit, size in (("亿元", 100_000_000), ("万元", 10_000)):
        if value >= size:
            return f"{value / size:.2f}".rstrip("0").rstrip(".") + unit
    return f"{value:.2f}".rstrip("0").rstrip(".") + "元"


def counted(n, word: str) -> str:
    """``n word`` with the plural -s where n is not 1.

    >>> counted(1, "event"), counted("3", "event")
    ('1 event', '3 events')
    """
    n = int(_number(str(n)))
    return f"{n} {word}{'' if n == 1 else 's'}"


def _number(text: str | None) -> float:
    try:
        return float(Decimal(text or "0"))
    except InvalidOperation:
        return 0.0


def make_chart(key: str, title: str, query: str, items: list[tuple], *, empty: str = "nothing recorded",
               params: dict | None = None) -> Chart:
    """Lay out ``items`` (label, value, value text, link, note[, label link]) as bars scaled to the largest value."""
    top = max((item[1] for item in items), default=0) or 1
    bars = tuple(Bar(label, value, text, href, TOP + i * ROW_HEIGHT, round(BAR_WIDTH * value / top, 1), note, *rest)
                 for i, (label, value, text, href, note, *rest) in enumerate(items))
    source = "/sparql?" + urllib.parse.urlencode([("name", query)] + [(PARAM_FIELD + k, v) for k, v in (params or {}).items()])
    return Chart(key, title, query, source, bars, TOP * 2 + ROW_HEIGHT * max(len(bars), 1), empty)


class ChartCache:
    """The rows of the chart queries, kept until the store changes (an update recycles the pool's workers).

    The overview's queries read the whole store (about 1 s together at 1M triples); their answers
    are the same until an update, so each is computed once per pool generation.
    """

    def __init__(self, max_entries: int = 256):
        self.generation = -1
        self.max_entries = max_entries
        self.entries: dict[tuple, list[dict[str, str]]] = {}

    def get(self, generation: int, key: tuple):
        if generation != self.generation:
            self.generation, self.entries = generation, {}
        return self.entries.get(key)

    def put(self, generation: int, key: tuple, rows: list[dict[str, str]]) -> None:
        if generation == self.generation:
            if len(self.entries) >= self.max_entries:
                self.entries.clear()
            self.entries[key] = rows


async def _rows(site, name: str, params: dict | None = None, project: tuple[str, ...] = ()) -> list[dict[str, str]]:
    from kg.web import run_in_pool

    cache = site.page_cache.setdefault("overview", ChartCache())
    key = (name, tuple(sorted((params or {}).items())), project)
    generation = site.pool.generation
    rows = cache.get(generation, key)
    if rows is None:
        query = named_query(name)
        if project:
            query = with_projection(query, *project)
        rows = result_rows(await run_in_pool(site, query, params or {}, "json"))
        cache.put(generation, key, rows)
    return rows


def _months_chart(rows) -> Chart:
    items = [(r["month"], _number(r.get("total_yuan")), yuan(_number(r.get("total_yuan"))),
              "/sparql?" + urllib.parse.urlencode({"name": "events_in_month", PARAM_FIELD + "month": r["month"], "run": "1"}),
              counted(r.get("events", 0), "event")) for r in rows if r.get("month")]
    return make_chart("month", "Money by month", "money_by_month", items,
                      empty="no dated amounts (dates with a year and an exact cash total)")


def _money_chart(key, title, query, rows, label_col, iri_col) -> Chart:
    rows = [r for r in rows if _number(r.get("total_yuan")) > 0][:MAX_BARS]
    items = [(r.get(label_col, ""), _number(r["total_yuan"]), yuan(_number(r["total_yuan"])),
              entity_href(r[iri_col]) if iri_col in r else None, counted(r.get("events", 0), "event")) for r in rows]
    return make_chart(key, title, query, items, empty="no exact cash amounts")


def _count_chart(key, title, query, rows, label_col, iri_col, params=None) -> Chart:
    rows = rows[:MAX_BARS]
    items = [(r.get(label_col, ""), _number(r.get("events")), counted(r.get("events", 0), "event"),
              entity_href(r[iri_col]) if iri_col in r else None,
              counted(r["articles"], "article") if "articles" in r else "") for r in rows]
    return make_chart(key, title, query, items, params=params)


def _category_chart(rows) -> Chart:
    rows = [r for r in rows if _number(r.get("total_yuan")) > 0 or _number(r.get("events")) > 0][:MAX_BARS]
    items = [(r.get("category", ""), _number(r.get("total_yuan")), yuan(_number(r.get("total_yuan"))),
              "/overview?" + urllib.parse.urlencode({"category": r["c"]}) if "c" in r else None,
              f"{counted(r.get('groups', 0), 'group')}, {counted(r.get('events', 0), 'event')}",
              entity_href(r["c"]) if "c" in r else None) for r in rows]
    return make_chart("category", "Money by beneficiary category (bars: the groups of each)", "money_by_category",
                      items, empty="no beneficiary groups")


async def overview_page(request):
    """GET /overview (and /overview?category=IRI for the groups of one category)."""
    from kg.web import error_status

    site = request.app.state.site
    category = request.query_params.get("category")
    try:
        if category is not None:
            return await _category_page(site, category)
        months, organizers, categories, officials, places = await asyncio.gather(
            _rows(site, "money_by_month"),
            _rows(site, "money_by_organizer", project=("org",)),
            _rows(site, "money_by_category", project=("c",)),
            _rows(site, "officials_by_events"),
            _rows(site, "places_by_events"),
        )
    except KGError as e:
        return render("overview.html", error_status(e), charts=[], category=None, category_href=None, error=str(e))
    charts = [
        _months_chart(months),
        _money_chart("organizer", "Money by organizer", "money_by_organizer", organizers, "organizer", "org"),
        _category_chart(categories),
        _count_chart("officials", "Most active people", "officials_by_events", officials, "official", "official_iri"),
        _count_chart("places", "Places by events", "places_by_events", places, "place", "place_iri"),
    ]
    return render("overview.html", charts=charts, category=None, category_href=None, error=None)


async def _category_page(site, category: str):
    from kg.query import make_term

    try:
        term = make_term("iri", category, "category")
    except QueryError as e:
        return render("overview.html", 400, charts=[], category=None, category_href=None, error=str(e))
    iri = term.value
    groups, money, label_rows = await asyncio.gather(
        _rows(site, "groups_in_category", {"category": iri}),
        _rows(site, "money_by_group", project=("g",)),
        _label(site, iri),
    )
    if not groups and not label_rows:
        return render("overview.html", 404, charts=[], category=None, category_href=None,
                      error=f"no beneficiary category {iri} in the graph")
    label = label_rows[0]["label"] if label_rows else iri
    members = {r["group_iri"] for r in groups}
    in_category = [r for r in money if r.get("g") in members]
    charts = [
        _money_chart("group_money", f"Money to the groups of {label}", "money_by_group", in_category, "group", "g"),
        _count_chart("group_events", f"Events per group of {label}", "groups_in_category", groups, "group",
                     "group_iri", params={"category": iri}),
    ]
    return render("overview.html", charts=charts, category=label, category_href=entity_href(iri), error=None)


async def _label(site, iri: str) -> list[dict[str, str]]:
    from kg.query import Param
    from kg.web import run_in_pool

    query = NamedQuery("label", "SELECT ?label WHERE { ?x rdfs:label ?label } ORDER BY ?label LIMIT 1",
                       "overview: label", params=(Param("x", "iri", None, "the entity"),), columns=("label",))
    return result_rows(await run_in_pool(site, query, {"x": iri}, "json"))


def routes() -> list:
    """The Starlette routes of these pages and of /static."""
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    return [
        Route("/sparql", sparql_page, methods=["GET"]),
        Route("/sparql/download", sparql_download, methods=["GET"]),
        Route("/overview", overview_page, methods=["GET"]),
        Mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static"),
    ]
