"""kg serve's browse pages (kg/browse.py): search, entity and article pages, at the HTTP level.

Most tests drive the Starlette app in-process (httpx through Starlette's TestClient) over the
bundled example; one starts a real ``kg serve`` child. Article text is untrusted: a test
article with markup and a script in it must come back as text everywhere.
"""
from __future__ import annotations

import html
import json
import re
import urllib.parse
import urllib.request
from collections import defaultdict

import pyoxigraph as ox
import pytest

from kg import browse
from kg.build import build_graph, write_graph
from kg.model import Document
from kg.ontology import KGR
from kg.store import load_graph_file
from kg.web import CSP, Site, create_app

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

GUO = "https://w3id.org/kg-news/id/person/北京市/大兴区/郭金江"
UNION = "https://w3id.org/kg-news/id/org/北京市/大兴区/大兴区总工会"
ARTICLE_ID = "dd47157994ed6701"

# Invented names; the text carries markup and a script that must show as text and never run.
HOSTILE = Document(
    "hostile.txt", "hostile",
    "2026年1月5日，青禾县总工会主席林晓川<script>alert('kg')</script>走访慰问困难职工20名，送去慰问金6000元。\n"
    "<b onmouseover=\"alert(2)\">青禾县总工会</b>副主席方远山看望了<img src=x onerror=alert(3)>老党员。\n",
)


class _NoPool:
    """The browse pages never use the query workers; /update recycles them."""

    def recycle(self) -> None:
        pass


def _store_of(ds, tmp_path) -> ox.Store:
    path = tmp_path / "graph.trig"
    write_graph(ds, path)
    return load_graph_file(path)


@pytest.fixture(scope="module")
def client(example_ttl):
    return TestClient(create_app(Site(load_graph_file(example_ttl), _NoPool())))


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    ds, report = build_graph([HOSTILE])
    assert report.built == 1, report.summary()
    return TestClient(create_app(Site(_store_of(ds, tmp_path_factory.mktemp("hostile")), _NoPool())))


def links(page: str, prefix: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'href="({re.escape(prefix)}[^"]*)"', page)]


def text_of(page: str) -> str:
    """The page as text (tags dropped, entities decoded): what a reader sees."""
    page = re.sub(r"<script\b.*?</script>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def entity_path(iri: str) -> str:
    return browse.url_for(iri)


# --------------------------------------------------------------------------- Done when


def test_search_for_guo_links_to_his_page_with_posts_and_visits(client):
    r = client.get("/search", params={"q": "郭金江"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    hrefs = links(r.text, "/e/")
    assert hrefs[0] == entity_path(GUO)
    page = client.get(hrefs[0])
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "大兴区总工会" in shown and "主席" in shown
    posts = re.search(r'<section id="posts">(.*?)</section>', page.text, re.S).group(1)
    assert re.search(r'<span class="kg-title">主席</span> · <a href="([^"]+)">大兴区总工会</a>', posts)
    events = re.search(r'<section id="events">(.*?)</section>', page.text, re.S).group(1)
    visits = re.findall(r'<div class="kg-fact kg-fact-event">(.*?)<p class="kg-source">', events, re.S)
    assert len(visits) >= 2
    for visit in visits:  # each with its evidence sentence, his name marked in it
        evidence = re.search(r'<blockquote class="kg-evidence">(.*?)</blockquote>', visit, re.S).group(1)
        assert '<mark class="kg-self">郭金江</mark>' in evidence
    assert "1月30日，大兴区总工会党组书记、主席郭金江" in shown
    assert "慰问" in text_of(events)


def test_search_json(client):
    r = client.get("/search", params={"q": "郭金江"}, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    answer = r.json()
    assert answer["total"] == 1
    (hit,) = answer["results"]
    assert hit["iri"] == GUO and hit["kind"] == "person" and hit["url"] == entity_path(GUO)
    assert hit["matched"] == "郭金江" and hit["articles"] == 1


def test_search_matches_aliases_and_ranks_exact_names_first(client):
    answer = client.get("/search", params={"q": "区总工会"}, headers={"Accept": "application/json"}).json()
    iris = [h["iri"] for h in answer["results"]]
    assert UNION in iris
    union = answer["results"][iris.index(UNION)]
    assert union["matched"] == "区总工会" and union["label"] == "大兴区总工会"
    assert iris[0] == UNION  # the exact alias ranks before names that only contain the words
    exact = client.get("/search", params={"q": "大兴区"}, headers={"Accept": "application/json"}).json()
    assert exact["results"][0]["label"] == "大兴区" and exact["total"] > 5


@pytest.mark.parametrize("kind, q", [("person", "郭"), ("org", "大兴"), ("place", "大兴"), ("group", "职工"), ("org", "工会")])
def test_search_type_filter(client, kind, q):
    only = client.get("/search", params={"q": q, "type": kind}, headers={"Accept": "application/json"}).json()
    assert only["results"] and {h["kind"] for h in only["results"]} == {kind}
    expected = sorted(e.iri for e in client.app.state.browser.index().entries
                      if e.kind == kind and any(q in n for n in (e.label, *e.aliases)))
    assert only["total"] == len(expected)
    assert sorted(h["iri"] for h in only["results"]) == expected[:50] or only["total"] > 50
    page = client.get("/search", params={"q": q, "type": kind}).text
    assert f'<option value="{kind}" selected>' in page


@pytest.mark.parametrize("params, message", [
    ({"q": ""}, "parameter q is empty"),
    ({"q": "   "}, "parameter q is empty"),
    ({}, "parameter q is empty"),
    ({"q": "郭", "type": "event"}, "unknown type 'event'; types: person, org, place, group"),
    ({"q": "郭" * 201}, "201 characters long; at most 200"),
])
def test_search_bad_input_is_a_400_with_the_reason(client, params, message):
    page = client.get("/search", params=params)
    assert page.status_code == 400 and message in html.unescape(page.text)
    assert '<form class="kg-search"' in page.text  # the search box is still there
    answer = client.get("/search", params=params, headers={"Accept": "application/json"})
    assert answer.status_code == 400 and message in answer.json()["error"]


@pytest.mark.parametrize("q", ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "{{ 7*7 }}&amp;"])
def test_markup_in_the_query_comes_back_escaped(client, q):
    from markupsafe import escape

    page = client.get("/search", params={"q": q}).text
    assert str(escape(q)) in page
    assert "<script>alert" not in page and "<img src=x" not in page and "<title>49" not in page
    assert page.count(q) == 0 or "<" not in q  # never echoed as markup
    bad_type = client.get("/search", params={"q": "郭", "type": q}).text
    assert "<script>alert" not in bad_type and "<img src=x" not in bad_type and str(escape(repr(q))) in bad_type


def test_front_page_has_the_search_form(client):
    r = client.get("/")
    assert r.status_code == 200
    assert re.search(r'<form class="kg-search" action="/search" method="get"', r.text)
    assert 'name="q"' in r.text and 'name="type"' in r.text
    for kind in browse.KINDS:
        assert f'<option value="{kind}"' in r.text
    for target in ("/", "/overview", "/sparql"):
        assert f'href="{target}"' in r.text


# --------------------------------------------------------------------------- entity pages


@pytest.mark.parametrize("path", [
    "/e/person/北京市/大兴区/无此人",
    "/e/unknown/thing",
    "/e/org/",
    "/e/article/dd47157994ed6701",
])
def test_unknown_entity_is_a_404_page(client, path):
    r = client.get(path)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "No such entity" in r.text and "<nav" in r.text


def test_unknown_entity_name_is_escaped_in_the_404(client):
    r = client.get("/e/person/<script>alert(1)</script>")
    assert r.status_code == 404
    assert "<script>alert" not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def test_organization_page_has_place_members_and_events(client):
    page = client.get(entity_path(UNION))
    assert page.status_code == 200
    structure = text_of(re.search(r'<section id="structure">(.*?)</section>', page.text, re.S).group(1))
    assert "所在地 place大兴区" in structure.replace("\n", "")
    members = re.search(r'<section id="members">(.*?)</section>', page.text, re.S).group(1)
    assert re.search(r'<a href="[^"]+">郭金江</a> · <span class="kg-title">主席</span>', members)
    assert re.search(r'<a href="[^"]+">施剑</a> · <span class="kg-title">副主席</span>', members)
    assert "区总工会" in text_of(re.search(r'<p class="kg-aliases">(.*?)</p>', page.text, re.S).group(1))
    assert "工会" in text_of(re.search(r'<p class="kg-types">(.*?)</p>', page.text, re.S).group(1))


def test_group_page_has_helpers_counts_and_money(client):
    page = client.get(entity_path(str(KGR["group/大病职工"])))
    assert page.status_code == 200
    group = re.search(r'<section id="group">(.*?)</section>', page.text, re.S).group(1)
    helpers = text_of(re.search(r"帮扶者 helped by</dt><dd>(.*?)</dd>", group, re.S).group(1))
    assert "大兴区总工会" in helpers and "瀛海镇党委" in helpers
    counted = int(re.search(r'<dd id="kg-counted">(\d+)', group).group(1))
    assert counted >= 15 + 5  # 瀛海镇's 15 and 亦庄镇's 5 named 大病职工 at least
    assert "51,000 元" in text_of(page.text)  # 瀛海镇's 救助金
    assert "上位类 broader" in group and "职工" in text_of(group)


def test_place_page_lists_what_is_in_it(client):
    page = client.get(entity_path(str(KGR["place/北京市/大兴区"])))
    assert page.status_code == 200
    structure = text_of(re.search(r'<section id="structure">(.*?)</section>', page.text, re.S).group(1))
    assert "北京市" in structure and "瀛海镇" in structure and "大兴区总工会" in structure


def test_every_entity_in_the_index_has_a_page(client):
    index = client.app.state.browser.index()
    assert len(index) > 40
    for entry in index.entries:
        r = client.get(entry.url)
        assert r.status_code == 200, entry.iri
        assert f"<code>{html.escape(entry.iri)}</code>" in r.text


def test_ego_network_data_is_json_for_the_static_script(client):
    page = client.get(entity_path(GUO)).text
    assert '<script src="/static/vis/vis-network.min.js" defer></script>' in page
    assert '<script src="/static/ego.js" defer></script>' in page
    data = json.loads(re.search(r'<script type="application/json" id="kg-ego-data">(.*?)</script>', page, re.S).group(1))
    ids = {n["id"] for n in data["nodes"]}
    assert GUO in ids and UNION in ids and str(KGR["person/北京市/大兴区/牛玉俊"]) in ids
    assert all(e["from"] == GUO and e["to"] in ids for e in data["edges"])
    assert all(n["url"] is None or n["url"].startswith("/e/") for n in data["nodes"])


def test_iri_with_percent_encoded_slash_round_trips(tmp_path):
    store = ox.Store()
    odd = ox.NamedNode(str(KGR) + "org/_/甲%2F乙工会")
    store.add(ox.Quad(odd, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("甲/乙工会", language="zh")))
    c = TestClient(create_app(Site(store, _NoPool())))
    (hit,) = c.get("/search", params={"q": "甲/乙"}, headers={"Accept": "application/json"}).json()["results"]
    assert hit["url"] == "/e/org/_/%E7%94%B2%252F%E4%B9%99%E5%B7%A5%E4%BC%9A"
    page = c.get(hit["url"])
    assert page.status_code == 200 and "甲/乙工会" in page.text


# --------------------------------------------------------------------------- article pages


def test_article_page_highlights_every_fact_at_its_offsets(client, example_dataset):
    page = client.get(f"/article/{ARTICLE_ID}")
    assert page.status_code == 200
    text_html = re.search(r'<div class="kg-text" id="kg-text">(.*?)</div>', page.text, re.S).group(1)
    # the text as shown is the article's normalized text, character for character
    shown = html.unescape(re.sub(r"<[^>]+>", "", text_html))
    from rdflib import URIRef

    from kg.ontology import KGO
    article = URIRef(f"{KGR}article/{ARTICLE_ID}")
    (stored,) = {str(o) for _, _, o, _ in example_dataset.quads((article, KGO.text, None, None))}
    assert shown == stored
    facts = re.findall(r'<li id="fact-((?:event|membership)-\d+)">', page.text)
    assert len(facts) == len(set(facts)) > 40
    props = defaultdict(dict)
    for node, p, o, _ in example_dataset.quads((None, None, None, None)):
        if p in (KGO.evidenceStart, KGO.evidenceEnd, KGO.evidence):
            props[node][p] = o
    offsets = {"-".join(str(node).rsplit("/", 2)[-2:]): (int(v[KGO.evidenceStart]), int(v[KGO.evidenceEnd]), str(v[KGO.evidence]))
               for node, v in props.items()}
    assert set(facts) == set(offsets)
    # each fact's anchor sits where its evidence starts, and the list links to it
    pieces = re.split(r'(<span class="kg-anchor" id="[^"]+">)', text_html)
    position, anchors = 0, {}
    for piece in pieces:
        m = re.fullmatch(r'<span class="kg-anchor" id="([^"]+)">', piece)
        if m:
            anchors[m.group(1)] = position
        else:
            position += len(html.unescape(re.sub(r"<[^>]+>", "", piece)))
    assert anchors == {k: v[0] for k, v in offsets.items()}
    for anchor, (start, end, evidence) in offsets.items():
        assert stored[start:end] == evidence
        assert f'href="#{anchor}"' in page.text
    # every evidence character is inside a <mark>, the rest is not
    covered = set()
    for start, end, _ in offsets.values():
        covered.update(range(start, end))
    marked, position = set(), 0
    for m in re.finditer(r'<mark class="kg-fact-span"[^>]*>(.*?)</mark>|([^<]+)|<[^>]+>', text_html, re.S):
        if m.group(1) is not None:
            n = len(html.unescape(m.group(1)))
            marked.update(range(position, position + n))
            position += n
        elif m.group(2) is not None:
            position += len(html.unescape(m.group(2)))
    assert marked == covered


def test_entity_facts_link_to_their_place_in_the_article(client):
    page = client.get(entity_path(GUO)).text
    targets = links(page, "/article/")
    assert f"/article/{ARTICLE_ID}" in targets
    anchored = [t for t in targets if "#" in t]
    assert anchored and all(re.fullmatch(rf"/article/{ARTICLE_ID}#(event|membership)-\d+", t) for t in anchored)
    article = client.get(f"/article/{ARTICLE_ID}").text
    for t in anchored:
        assert f'id="{t.split("#")[1]}"' in article


@pytest.mark.parametrize("path", ["/article/0000000000000000", "/article/xyz", "/article/DD47157994ED6701",
                                  f"/article/{ARTICLE_ID}0"])
def test_unknown_article_is_a_404_page(client, path):
    r = client.get(path)
    assert r.status_code == 404 and "No such article" in r.text


def test_article_with_markup_shows_it_as_text(hostile_client):
    r = hostile_client.get("/search", params={"q": "林晓川"}, headers={"Accept": "application/json"}).json()
    (hit,) = r["results"]
    person = hostile_client.get(hit["url"]).text
    article_url = next(t for t in links(person, "/article/") if "#" not in t)
    page = hostile_client.get(article_url).text
    for hostile in ("<script>alert('kg')</script>", '<b onmouseover="alert(2)">', "<img src=x onerror=alert(3)>"):
        assert hostile not in page and hostile not in person
    assert "&lt;script&gt;alert(&#39;kg&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    assert "林晓川<script>alert('kg')</script>走访慰问" in text_of(page)
    assert "&lt;script&gt;" in person  # the evidence sentence on the entity page too


def test_article_without_text_lists_its_facts(tmp_path, example_dataset):
    from kg.ontology import KGO

    ds = build_graph([Document("x.txt", "x", "青禾县总工会主席林晓川走访慰问困难职工20名。")])[0]
    assert len(list(ds.quads((None, KGO.text, None, None)))) == 1
    ds.remove((None, KGO.text, None, None))
    assert not list(ds.quads((None, KGO.text, None, None)))
    c = TestClient(create_app(Site(_store_of(ds, tmp_path), _NoPool())))
    (hit,) = c.get("/search", params={"q": "林晓川"}, headers={"Accept": "application/json"}).json()["results"]
    article_url = next(t for t in links(c.get(hit["url"]).text, "/article/") if "#" not in t)
    page = c.get(article_url)
    assert page.status_code == 200
    assert "does not hold this article's text" in page.text and 'id="kg-text"' not in page.text
    assert '<li id="fact-event-0">' in page.text and '<li id="fact-membership-0">' in page.text
    assert 'href="#event-0"' not in page.text  # no anchor to jump to


# --------------------------------------------------------------------------- every page


def _pages(client) -> list[str]:
    return ["/", "/search?q=郭", entity_path(GUO), entity_path(UNION), f"/article/{ARTICLE_ID}", "/e/person/x"]


def test_pages_run_no_inline_script_or_style(client):
    for path in _pages(client):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP
        for tag in re.findall(r"<script\b[^>]*>", r.text):
            assert re.search(r'src="/static/[^"]+"', tag) or 'type="application/json"' in tag, (path, tag)
        assert "<style" not in r.text and not re.search(r"\sstyle=", r.text), path
        assert not re.search(r"\son[a-z]+=", r.text), path
        assert '<link rel="stylesheet" href="/static/web.css">' in r.text


def test_static_files(client):
    css = client.get("/static/web.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css") and "kg-evidence" in css.text
    js = client.get("/static/ego.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"] and "kg-ego-data" in js.text
    vis = client.get("/static/vis/vis-network.min.js")
    assert vis.status_code == 200 and len(vis.content) > 100_000
    assert client.get("/static/../web.py").status_code == 404
    assert client.get("/static/vis/../../viz.py").status_code == 404


def test_pages_are_deterministic(example_ttl):
    a = TestClient(create_app(Site(load_graph_file(example_ttl), _NoPool())))
    b = TestClient(create_app(Site(load_graph_file(example_ttl), _NoPool())))
    for path in ["/search?q=大兴", entity_path(GUO), entity_path(UNION), f"/article/{ARTICLE_ID}"]:
        assert a.get(path).content == b.get(path).content, path


def test_search_sees_an_update(tmp_path, example_ttl):
    site = Site(load_graph_file(example_ttl), _NoPool(), allow_update=True)
    c = TestClient(create_app(site))
    assert c.get("/search", params={"q": "新来的人"}, headers={"Accept": "application/json"}).json()["total"] == 0
    update = ('INSERT DATA { <https://w3id.org/kg-news/id/person/_/新来的人> '
              '<http://www.w3.org/2000/01/rdf-schema#label> "新来的人"@zh }')
    assert c.post("/update", data={"update": update}).status_code == 204
    answer = c.get("/search", params={"q": "新来的人"}, headers={"Accept": "application/json"}).json()
    assert answer["total"] == 1 and answer["results"][0]["kind"] == "person"


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize("text, words, expected", [
    ("主席郭金江到家中", {"郭金江": "self"}, [("主席", None), ("郭金江", "self"), ("到家中", None)]),
    ("大兴区总工会", {"大兴区": "other", "大兴区总工会": "self"}, [("大兴区总工会", "self")]),
    ("甲乙甲", {"甲": "self"}, [("甲", "self"), ("乙", None), ("甲", "self")]),
    ("<b>甲</b>", {"甲": "self"}, [("<b>", None), ("甲", "self"), ("</b>", None)]),
    ("无", {}, [("无", None)]),
])
def test_highlight(text, words, expected):
    assert browse.highlight(text, words) == expected


def _entry(label, *aliases, articles=1, kind="person"):
    return browse.Entry(f"{KGR}{kind}/_/{label}", kind, label, aliases, (), articles)


@pytest.mark.parametrize("query, expected", [
    ("王", ["王", "王五", "老王", "大王庄"]),  # exact, prefix, substring; then by mentions
    ("王五", ["王五"]),
    ("ｗａｎｇ", ["汪"]),  # full-width and case folded
    ("庄", ["大王庄"]),
    ("\x00", []),
    ("李", []),
])
def test_label_index_ranks(query, expected):
    index = browse.LabelIndex([_entry("老王", articles=5), _entry("王五"), _entry("王"), _entry("大王庄", articles=1),
                               _entry("汪", "Wang")])
    hits, total = index.search(query)
    assert [h.entry.label for h in hits] == expected and total == len(expected)


def test_served_pages_from_a_real_server(example_ttl):
    from kg.serve import start_server

    with start_server(graph_file=example_ttl) as server:
        url = server.url + "search?" + urllib.parse.urlencode({"q": "郭金江"})
        with urllib.request.urlopen(url, timeout=10) as response:
            page = response.read().decode("utf-8")
            assert response.headers["Content-Security-Policy"] == CSP
        href = links(page, "/e/")[0]
        with urllib.request.urlopen(server.url.rstrip("/") + urllib.parse.quote(href, safe="/%"), timeout=10) as response:
            entity = response.read().decode("utf-8")
        assert "大兴区总工会" in entity and '<mark class="kg-self">郭金江</mark>' in entity


def test_entity_page_bounds_keep_the_totals(client, monkeypatch):
    group = entity_path(str(KGR["group/大病职工"]))
    full = client.get(group).text
    monkeypatch.setattr(browse, "EVENT_LIMIT", 2)
    monkeypatch.setattr(browse, "ARTICLE_LIMIT", 0)
    monkeypatch.setattr(browse, "EVIDENCE_LIMIT", 1)
    page = client.get(group).text
    total = int(re.search(r"<h2>活动 Events \((\d+)\)</h2>", full).group(1))
    assert total > 2 and f"<h2>活动 Events ({total})</h2>" in page
    assert f"Showing the latest 2 of {total} events." in page
    events = re.search(r'<section id="events">(.*?)</section>', page, re.S).group(1)
    assert events.count('<div class="kg-fact kg-fact-event">') == 2
    counted = re.compile(r'<dd id="kg-counted">(.*?)</dd>')
    assert counted.search(page).group(1) == counted.search(full).group(1)  # totals read every event
    assert "Showing 0 of 1." in page
