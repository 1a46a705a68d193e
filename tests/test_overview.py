"""kg serve's /sparql and /overview pages over HTTP (Starlette's test client, queries on a real worker pool).

Three stores: the bundled example, two invented articles built by the pipeline, and a hand-made
graph whose labels are markup. Plus one test through a `kg serve` child process.
"""
from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal
from rdflib.namespace import RDF, RDFS

from kg.model import Document
from kg.ontology import KGO, KGR
from kg.overview import BAR_WIDTH, entity_href, yuan
from kg.pipeline import process_document
from kg.query import format_result, list_queries, run_query, with_projection
from kg.store import open_store, update_articles

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
SVG = "{http://www.w3.org/2000/svg}"
SCHEMA = rdflib.Namespace("https://schema.org/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")

# Invented articles (names made up); the pipeline places 江城区 in 广东省/阳江市 from its gazetteer.
INVENTED = {
    "jiangcheng.txt": "江城区总工会开展春节送温暖活动\n\n"
                      "2021年2月3日，江城区总工会主席王晓峰带队走访慰问困难职工，为15名困难职工送去慰问金共计3万元。\n\n"
                      "2021年2月5日，江城区总工会副主席李明远到青石镇看望慰问空巢老人，送去慰问金8000元。\n",
    "qingshi.txt": "青石镇总工会慰问一线环卫工人\n\n"
                   "2021年3月8日，青石镇总工会主席赵春华走访慰问一线环卫工人20名，发放慰问金1万元。\n",
}

HOSTILE_ORG = '<script>alert("org")</script>工会'
HOSTILE_PERSON = '"><img src=x onerror=alert(1)>张某'
HOSTILE_GROUP = "</text></svg><script>alert(2)</script>老人"
HOSTILE_PLACE = "'\"<b>粗</b>&amp;镇"
HOSTILE_CATEGORY = "<style>*{display:none}</style>类"


def _hostile_graph():
    from rdflib.namespace import SKOS, XSD

    article = KGR["article/00000000000000bb"]
    org, person, group, place = (KGR["org/_/hostile"], KGR["person/_/hostile"], KGR["group/hostile"],
                                 KGR["place/hostile"])
    g = rdflib.Graph()
    g.add((article, RDF.type, KGO.Article))
    for node, cls, label in ((org, KGO.Organization, HOSTILE_ORG), (person, KGO.Person, HOSTILE_PERSON),
                             (group, KGO.BeneficiaryGroup, HOSTILE_GROUP), (place, KGO.Place, HOSTILE_PLACE)):
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(label, lang="zh")))
    for i in range(40):  # enough labels to pass the row limit of this site's pool
        g.add((KGR[f"person/_/测试{i}"], RDFS.label, Literal(f"测试{i}", lang="zh")))
    event, amount = KGR["article/00000000000000bb/event/1"], KGR["article/00000000000000bb/amount/1"]
    g.add((event, RDF.type, KGO.Visit))
    g.add((event, RDF.type, KGO.Event))
    g.add((event, KGO.agent, person))
    g.add((event, KGO.organizer, org))
    g.add((event, KGO.beneficiary, group))
    g.add((event, KGO.place, place))
    g.add((event, KGO.date, Literal("2022-05-01", datatype=XSD.date)))
    g.add((event, KGO.evidence, Literal("<i>证据</i>", lang="zh")))
    g.add((event, PROV.wasDerivedFrom, article))
    g.add((event, KGO.amount, amount))
    g.add((amount, SCHEMA.value, Literal("5000", datatype=XSD.decimal)))
    top = KGR["group/hostile-top"]
    g.add((top, RDF.type, KGO.BeneficiaryGroup))
    g.add((top, RDFS.label, Literal(HOSTILE_CATEGORY, lang="zh")))
    g.add((group, SKOS.broader, top))
    return (str(article), "bb" * 32, "hostile.txt", g)


def _site(tmp_path_factory, name, results, **limits):
    from starlette.testclient import TestClient

    from kg.sandbox import QueryPool
    from kg.web import Site, create_app

    path = tmp_path_factory.mktemp(name) / "store"
    store = open_store(path)
    update_articles(store, results)
    del store  # release the write lock: the workers open the directory read-only
    pool = QueryPool(path, size=2, timeout=limits.get("timeout", 20.0), max_rows=limits.get("max_rows", 10_000))
    store = open_store(path, read_only=True)
    client = TestClient(create_app(Site(store, pool)))
    return client, store, pool


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    doc = Document("examples/daxing_songwennuan.txt", "daxing_songwennuan", EXAMPLE.read_text(encoding="utf-8"))
    client, store, pool = _site(tmp_path_factory, "example", [process_document(doc)])
    yield client, store
    pool.close()


@pytest.fixture(scope="module")
def invented(tmp_path_factory):
    results = [process_document(Document(name, Path(name).stem, text)) for name, text in INVENTED.items()]
    client, store, pool = _site(tmp_path_factory, "invented", results)
    yield client, store
    pool.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    client, store, pool = _site(tmp_path_factory, "hostile", [_hostile_graph()], timeout=3.0, max_rows=30)
    yield client, store
    pool.close()


def get(client, path, **params):
    return client.get(path + ("?" + urllib.parse.urlencode(params) if params else ""))


def svgs(html: str) -> dict[str, ET.Element]:
    """Each chart's SVG, parsed as XML (so a label that broke out of its text would fail here), by chart key."""
    out = {}
    for chunk in html.split('<section class="chart" id="chart-')[1:]:
        key = chunk.split('"', 1)[0]
        svg = re.search(r"<svg .*?</svg>", chunk.split("</section>", 1)[0], re.S)
        if svg:
            out[key] = ET.fromstring(svg.group())
    return out


def bars(svg: ET.Element) -> list[tuple[str, str, str]]:
    """(label, value text, link of the bar) for each bar of a chart."""
    out = []
    for g in svg.iter(SVG + "g"):
        label = next(t for t in g.iter(SVG + "text") if t.get("class") == "label")
        value = next(t for t in g.iter(SVG + "text") if t.get("class") == "value")
        links = [a.get("href") for a in g.iter(SVG + "a") if a.find(SVG + "rect") is not None]
        out.append((label.find(SVG + "title").text, value.text, links[0] if links else None))
    return out


def iri(store, label: str, cls) -> str:
    """The one IRI of class ``cls`` labelled ``label``."""
    found = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(str(RDFS.label)), None, None)
             if q.object.value == label
             and any(True for _ in store.quads_for_pattern(q.subject, ox.NamedNode(str(RDF.type)),
                                                         ox.NamedNode(str(cls)), None))}
    assert len(found) == 1, (label, found)
    return found.pop()


# --------------------------------------------------------------------------- /sparql


def test_sparql_page_offers_every_named_query_with_its_parameters(example):
    client, _ = example
    r = get(client, "/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "'unsafe-inline'" not in r.headers["content-security-policy"]
    for q in list_queries():
        assert f'href="/sparql?name={q.name}"' in r.text
    assert "official_activity</a>\n<span" in r.text and "(person)" in r.text
    assert "<table" not in r.text  # nothing ran


def test_picking_a_query_with_a_required_parameter_shows_its_form_without_running(example):
    client, _ = example
    r = get(client, "/sparql", name="official_activity")
    assert r.status_code == 200
    assert re.search(r'<input type="text" name="param\.person" value="" [^>]*required>', r.text)
    assert "<table" not in r.text and "Error" not in r.text
    assert "?event kgo:agent ?p" in r.text  # its SPARQL in the text box, to edit


def test_a_named_query_runs_with_its_parameter_and_links_iris_to_entity_pages(example):
    client, store = example
    r = get(client, "/sparql", name="official_activity", **{"param.person": "郭金江"}, run="1")
    assert r.status_code == 200, r.text
    expected = run_query("official_activity", {"person": "郭金江"}, store=store)
    assert len(expected.rows) == 3
    body = r.text.split('<table class="results">')[1]
    assert body.count("<tr>") == 1 + len(expected.rows)
    for row in expected.rows:
        event = row[expected.columns.index("event")].value
        assert f'<a href="{entity_href(event)}">' in body
    assert "3 rows" in r.text
    assert 'value="郭金江"' in r.text  # the form keeps the value


def test_a_query_without_parameters_runs_when_picked(example):
    client, _ = example
    r = get(client, "/sparql", name="officials")
    assert r.status_code == 200
    assert "<td>郭金江</td><td>大兴区总工会</td><td>主席</td>" in r.text


def test_inline_sparql_runs_with_the_predefined_prefixes(example):
    client, store = example
    text = "SELECT ?p ?name WHERE { ?p a kgo:Person ; rdfs:label ?name } ORDER BY ?name"
    r = get(client, "/sparql", query=text)
    assert r.status_code == 200
    people = run_query(text, store=store).rows
    assert f"{len(people)} rows" in r.text and len(people) > 5
    assert f'<a href="{entity_href(people[0][0].value)}">kgr:person/' in r.text
    assert 'title="@zh"' in r.text  # a literal's language in its cell's title


def test_ask_and_construct_show_as_answer_and_triples(example):
    client, _ = example
    ask = get(client, "/sparql", query="ASK { ?p rdfs:label \"郭金江\"@zh }")
    assert ask.status_code == 200 and "Answer: <strong>yes</strong>" in ask.text
    graph = get(client, "/sparql", query="CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a kgo:Person ; rdfs:label ?l }")
    assert graph.status_code == 200
    assert "<th>subject</th><th>predicate</th><th>object</th>" in graph.text and "<td>郭金江</td>" in graph.text


def test_bad_sparql_shows_the_error_on_the_page(example):
    client, _ = example
    r = get(client, "/sparql", query="SELEC ?x WHERE { ?x ?p ?o }")
    assert r.status_code == 400
    assert re.search(r'<p class="error" role="alert">Error: query: SPARQL syntax error', r.text)
    assert "SELEC ?x WHERE { ?x ?p ?o }</textarea>" in r.text  # kept in the box to fix


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p "</textarea><script>alert(1)</script>" }',
    'SELEC </textarea><script>alert(1)</script><img src=x onerror=alert(2)>',
    'SELECT * WHERE { ?s ?p ?o FILTER(?o = "\'><svg onload=alert(3)>") } LIMIT 1',
])
def test_markup_in_the_query_string_comes_back_escaped(example, text):
    client, _ = example
    r = get(client, "/sparql", query=text)
    assert r.status_code in (200, 400)
    for raw in ("<script>", "<img", "<svg onload", "</textarea><"):
        assert raw not in r.text
    assert "&lt;/textarea&gt;" in r.text or "&lt;svg onload" in r.text
    assert r.text.count("</textarea>") == 1


def test_unknown_named_query_is_a_404_page_listing_the_queries(example):
    client, _ = example
    r = get(client, "/sparql", name="nosuch")
    assert r.status_code == 404
    assert "no named query &#39;nosuch&#39;; named queries: activities" in r.text
    hostile = get(client, "/sparql", name="<script>alert(1)</script>")
    assert hostile.status_code == 404 and "<script>alert" not in hostile.text and "&lt;script&gt;" in hostile.text


@pytest.mark.parametrize("params,message", [
    ({"name": "officials", "param.nobody": "1", "run": "1"}, "unknown parameter &#39;nobody&#39;"),
    ({"name": "low_confidence", "param.threshold": "abc", "run": "1"}, "parameter threshold: &#39;abc&#39; is not a decimal number"),
    ({"name": "groups_in_category", "param.category": "not an iri", "run": "1"}, "is not an IRI"),
    ({"name": "official_activity", "run": "1"}, "parameter &#39;person&#39; is required"),
    ({"query": "SELECT * WHERE { ?s ?p ?o }", "name": "officials"}, "not both"),
    ({"query": "SELECT * WHERE { ?s ?p ?o }", "param.x": "1"}, "go with a named query"),
])
def test_wrong_parameters_show_what_is_wrong(example, params, message):
    client, _ = example
    r = get(client, "/sparql", **params)
    assert r.status_code == 400, r.text
    assert message in r.text
    assert ".rq" not in r.text.split('class="error"')[1]  # names the query, not the server's files


def test_the_sparql_page_only_reads(example):
    client, store = example
    before = len(store)
    r = get(client, "/sparql", query="DROP ALL")
    assert r.status_code == 400 and "the SPARQL page only reads" in r.text
    assert len(store) == before > 0


def test_downloads_carry_the_whole_result_as_csv_and_json(example):
    client, store = example
    page = get(client, "/sparql", name="officials").text
    links = dict(re.findall(r'<a href="(/sparql/download\?[^"]+)" download>(CSV|JSON)</a>', page))
    links = {v: k.replace("&amp;", "&") for k, v in links.items()}
    assert set(links) == {"CSV", "JSON"}
    r = client.get(links["CSV"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="officials.csv"'
    assert r.text == format_result(run_query("officials", store=store), "csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["person", "organization", "title", "articles"] and ["郭金江", "大兴区总工会", "主席", "1"] in rows
    j = client.get(links["JSON"])
    assert j.headers["content-disposition"] == 'attachment; filename="officials.json"'
    assert len(json.loads(j.text)["results"]["bindings"]) == len(rows) - 1


def test_download_of_a_named_query_with_parameters_and_of_bad_requests(example):
    client, _ = example
    r = get(client, "/sparql/download", name="official_activity", format="csv", **{"param.person": "郭金江"})
    assert r.status_code == 200 and len(r.text.strip().splitlines()) == 4
    assert get(client, "/sparql/download", name="officials", format="xlsx").status_code == 400
    assert get(client, "/sparql/download", name="nosuch").status_code == 404
    bad = get(client, "/sparql/download", query="SELEC <script>")
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/plain")


def test_the_pool_limits_apply_on_the_page(hostile):
    client, _ = hostile
    big = get(client, "/sparql", query="SELECT ?l WHERE { ?x rdfs:label ?l }")
    assert big.status_code == 400 and "more than 30 rows" in big.text
    slow = get(client, "/sparql", query="SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?c ?f ?i ?l")
    assert slow.status_code == 503 and "3 s limit" in slow.text
    assert get(client, "/sparql", name="officials").status_code == 200  # and the page goes on


def test_literals_from_the_graph_are_escaped_in_the_table(hostile):
    client, _ = hostile
    r = get(client, "/sparql", name="timeline")
    assert r.status_code == 200
    assert "<i>证据</i>" not in r.text and "&lt;i&gt;证据&lt;/i&gt;" in r.text


# --------------------------------------------------------------------------- /overview


def test_overview_of_invented_articles(invented):
    client, store = invented
    r = get(client, "/overview")
    assert r.status_code == 200, r.text
    charts = svgs(r.text)
    assert set(charts) == {"month", "organizer", "category", "officials", "places"}
    months = bars(charts["month"])
    assert [(m, v) for m, v, _ in months] == [("2021-02", "3.8万元 · 2 events"), ("2021-03", "1万元 · 1 event")]
    assert months[0][2] == "/sparql?name=events_in_month&param.month=2021-02&run=1"
    organizers = bars(charts["organizer"])
    assert [o[:2] for o in organizers] == [("江城区总工会", "3.8万元 · 2 events"), ("青石镇总工会", "1万元 · 1 event")]
    assert organizers[0][2] == entity_href(iri(store, "江城区总工会", KGO.Organization))
    officials = {label: href for label, _, href in bars(charts["officials"])}
    assert set(officials) == {"王晓峰", "李明远", "赵春华"}
    assert officials["王晓峰"] == entity_href(iri(store, "王晓峰", KGO.Person))
    categories = {label: (value, href) for label, value, href in bars(charts["category"])}
    assert categories["职工"][0].startswith("4万元")
    assert categories["职工"][1] == "/overview?" + urllib.parse.urlencode({"category": str(KGR["group/职工"])})
    assert "老年人" in categories
    places = bars(charts["places"])
    assert places[0][:2] == ("青石镇", "2 events")


def test_bars_scale_to_the_largest_value(invented):
    client, _ = invented
    organizer = svgs(get(client, "/overview").text)["organizer"]
    widths = [float(r.get("width")) for r in organizer.iter(SVG + "rect")]
    assert widths[0] == BAR_WIDTH and abs(widths[1] - BAR_WIDTH * 10000 / 38000) < 0.1


def test_a_month_bar_opens_the_events_of_that_month(invented):
    client, _ = invented
    r = client.get("/sparql?name=events_in_month&param.month=2021-02&run=1")
    assert r.status_code == 200 and "2 rows" in r.text
    assert ">30000</td>" in r.text and ">8000</td>" in r.text and "<td>江城区总工会</td>" in r.text


def test_a_category_drills_down_to_its_groups(invented):
    client, store = invented
    r = get(client, "/overview", category=str(KGR["group/职工"]))
    assert r.status_code == 200, r.text
    assert f'<h1>Groups of <a href="{entity_href(str(KGR["group/职工"]))}">职工</a></h1>' in r.text
    charts = svgs(r.text)
    money = {label: (value, href) for label, value, href in bars(charts["group_money"])}
    assert money["困难职工"][0] == "3万元 · 1 event"
    assert money["困难职工"][1] == entity_href(str(KGR["group/困难职工"]))
    assert "空巢老人" not in money  # another category
    events = [b[0] for b in bars(charts["group_events"])]
    assert sorted(events) == sorted(money)
    short = get(client, "/overview", category="kgr:group/老年人")  # the prefixed form works too
    assert short.status_code == 200 and "空巢老人" in short.text


@pytest.mark.parametrize("category,status,message", [
    ("kgr:group/没有这个", 404, "no beneficiary category https://w3id.org/kg-news/id/group/没有这个"),
    ("not an iri <x>", 400, "is not an IRI"),
])
def test_an_unknown_or_bad_category(invented, category, status, message):
    client, _ = invented
    r = get(client, "/overview", category=category)
    assert r.status_code == status and message in r.text
    assert "<x>" not in r.text


def test_overview_of_the_example(example):
    client, store = example
    r = get(client, "/overview")
    assert r.status_code == 200
    assert "no dated amounts" in r.text  # the example's dates have no year
    charts = svgs(r.text)
    organizers = bars(charts["organizer"])
    expected = [row for row in run_query("money_by_organizer", store=store).rows if float(row[3].value) > 0]
    assert [o[0] for o in organizers] == [row[0].value for row in expected][:15]
    assert organizers[0][1].startswith(yuan(float(expected[0][3].value)))
    people = [b[0] for b in bars(charts["officials"])]
    assert people[0] == "牛玉俊" and "郭金江" in people


def test_labels_with_markup_are_escaped_in_the_svg(hostile):
    client, _ = hostile
    r = get(client, "/overview")
    assert r.status_code == 200
    for raw in ("<script>", "<img", "<b>", "</svg><", "<style>"):
        assert raw not in r.text
    charts = svgs(r.text)  # every chart still parses as XML: no label broke out
    labels = {c: [b[0] for b in bars(svg)] for c, svg in charts.items()}
    assert labels["organizer"] == [HOSTILE_ORG]
    assert labels["officials"] == [HOSTILE_PERSON]
    assert labels["places"] == [HOSTILE_PLACE]
    assert labels["category"] == [HOSTILE_CATEGORY]
    drill = get(client, "/overview", category=str(KGR["group/hostile-top"]))
    assert drill.status_code == 200 and "<script>" not in drill.text and "<style>" not in drill.text
    assert [b[0] for b in bars(svgs(drill.text)["group_events"])] == [HOSTILE_GROUP]


def test_with_projection_keeps_the_named_query_numbers(example):
    _, store = example
    from kg.query import resolve_query

    plain = run_query("money_by_organizer", store=store)
    projected = run_query(with_projection(resolve_query("money_by_organizer"), "org"), store=store)
    assert projected.columns == ["org", *plain.columns]
    assert [row[1:] for row in projected.rows] == plain.rows
    assert all(row[0] is not None and row[0].value.startswith(str(KGR["org/"])) for row in projected.rows)


def test_the_overview_sees_an_update(tmp_path):
    from starlette.testclient import TestClient

    from kg.sandbox import QueryPool
    from kg.web import Site, create_app

    path = tmp_path / "store"
    store = open_store(path)
    update_articles(store, [_hostile_graph()])
    del store
    pool = QueryPool(path, size=2, timeout=20.0)
    try:
        client = TestClient(create_app(Site(open_store(path, serving=True, create=False), pool, allow_update=True)))
        assert [b[0] for b in bars(svgs(get(client, "/overview").text)["organizer"])] == [HOSTILE_ORG]
        assert [b[0] for b in bars(svgs(get(client, "/overview").text)["organizer"])] == [HOSTILE_ORG]  # cached
        event = "<https://w3id.org/kg-news/id/article/00000000000000bb/event/1>"
        org = f"<{KGR['org/_/新工会']}>"
        update = f'INSERT DATA {{ {event} kgo:organizer {org} . {org} rdfs:label "新工会"@zh }}'
        r = client.post("/update", data={"update": update})
        assert r.status_code == 204, r.text
        assert sorted(b[0] for b in bars(svgs(get(client, "/overview").text)["organizer"])) == sorted([HOSTILE_ORG, "新工会"])
    finally:
        pool.close()


# --------------------------------------------------------------------------- a real server


def test_kg_serve_serves_the_pages_and_their_style_sheets(tmp_path):
    from kg.serve import start_server

    store = open_store(tmp_path / "store")
    update_articles(store, [_hostile_graph()])
    del store
    with start_server(tmp_path / "store") as server:
        def fetch(path):
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=30) as r:
                return r.status, r.headers.get("content-type"), r.read().decode("utf-8")

        status, kind, body = fetch("/overview")
        assert status == 200 and kind.startswith("text/html") and 'href="/static/kg.css"' in body
        assert fetch("/sparql?name=officials")[0] == 200
        for sheet in ("/static/kg.css", "/static/pages.css"):
            status, kind, _ = fetch(sheet)
            assert status == 200 and kind.startswith("text/css")
