"""The graph on a SPARQL server: kg load --endpoint into a real `oxigraph serve` (started here, on 127.0.0.1),
then kg query, kg stats and kg viz --endpoint give what they give on the graph file."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.endpoint import Endpoint
from kg.graphio import read_graph
from kg.serve import free_port

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
DEV_ARTICLES = ROOT.parent / "shared" / "corpus" / "dev" / "articles"

# Invented articles: two reports of one donation (linked into one activity), and two others.
ARTICLES = {
    "a.txt": "临江县总工会开展春节送温暖活动\n\n1月20日，临江县总工会主席张建国带队来到东湖镇西山村，"
             "走访慰问了12名困难职工，为他们送去慰问金3.2万元。\n",
    "b.txt": "临江县总工会走访慰问困难职工\n\n2024年1月20日，临江县总工会主席张建国一行到西山村，"
             "看望慰问12名困难职工，共发放慰问金32000元。\n",
    "c.txt": "西山县总工会主席李红梅带队看望12名劳动模范，送去大米20袋。",
    "d.txt": "青石镇党委书记陈志强走访慰问困难党员，送去米面油。",
}


def oxigraph_executable() -> str | None:
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return shutil.which("oxigraph", path=path)


def kg(*args: str):
    args = list(args)
    if args[0] == "build":
        args.append("--no-store")  # never touch the store of the directory the tests run in
    return CliRunner().invoke(app, args)


def ok(*args: str) -> str:
    r = kg(*args)
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.fixture
def server(tmp_path):
    """A fresh in-memory `oxigraph serve` on a free port of 127.0.0.1; yields its URL."""
    exe = oxigraph_executable()
    if exe is None:
        pytest.skip("the `oxigraph` executable is missing: pip install oxigraph (in the test extra)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "oxigraph.log").open("wb")
    proc = subprocess.Popen([exe, "serve", "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"oxigraph serve did not start: {(tmp_path / 'oxigraph.log').read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus_nq(tmp_path_factory) -> Path:
    """The four articles and the bundled example, built to N-Quads (one named graph per article)."""
    folder = write_articles(tmp_path_factory.mktemp("in") / "news", ARTICLES)
    shutil.copy(EXAMPLE, folder / "example.txt")
    out = tmp_path_factory.mktemp("out") / "graph.nq"
    ok("build", str(folder), "-o", str(out))
    return out


def server_count(url: str, query: str) -> int:
    rows = list(Endpoint(url).query(query))
    return int(rows[0]["n"].value)


def test_load_then_query_gives_the_rows_of_the_file(server, corpus_nq):
    r = kg("load", str(corpus_nq), "--endpoint", server)
    assert r.exit_code == 0, r.output
    assert "5 article graphs added" in r.output and "1 activities" in r.output
    for name in ("officials", "money_by_organizer", "money_by_group", "activities", "timeline"):
        local = ok("query", name, "--graph", str(corpus_nq), "--format", "csv")
        remote = ok("query", name, "--endpoint", server, "--format", "csv")
        assert len(local.splitlines()) > 1, name  # the comparison is of real rows
        assert remote == local, name


def test_the_union_holds_each_triple_once_and_each_article_its_graph(server, corpus_nq):
    ok("load", str(corpus_nq), "--endpoint", server)
    ok("load", str(corpus_nq), "--endpoint", server)  # loading again changes nothing
    data = read_graph(corpus_nq)
    union = len(list(data.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    assert server_count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == union
    graphs = server_count(server, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert graphs == len(list(data.named_graphs())) == 6  # five articles and kgr:links


def test_stats_and_viz_over_the_endpoint_equal_the_file(server, corpus_nq, tmp_path):
    ok("load", str(corpus_nq), "--endpoint", server)
    local = json.loads(ok("stats", str(corpus_nq), "--json"))
    assert local["triples"] > 1000 and local["counts"]["kgo:Article"] == 5  # something was measured
    assert json.loads(ok("stats", "--endpoint", server, "--json")) == local
    ok("viz", str(corpus_nq), "-o", str(tmp_path / "file.html"))
    ok("viz", "--endpoint", server, "-o", str(tmp_path / "server.html"))
    assert (tmp_path / "server.html").read_bytes() == (tmp_path / "file.html").read_bytes()
    ok("viz", "--endpoint", server, "-o", str(tmp_path / "q.html"), "--query", "officials_together")
    ok("viz", str(corpus_nq), "-o", str(tmp_path / "qf.html"), "--query", "officials_together")
    assert (tmp_path / "q.html").read_bytes() == (tmp_path / "qf.html").read_bytes()


def test_parameters_are_bound_over_the_protocol(server, corpus_nq):
    ok("load", str(corpus_nq), "--endpoint", server)
    before = server_count(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    args = ("query", "official_activity", "--param", "person=张建国", "--format", "csv")
    remote = ok(*args, "--endpoint", server)
    assert len(remote.splitlines()) == 3 and remote == ok(*args, "--graph", str(corpus_nq))
    for hostile in ('" } ; DROP ALL #', '张建国"@zh } } INSERT DATA { <x:a> <x:b> <x:c> } #', "x\\\n\"'>"):
        out = ok("query", "official_activity", "--param", f"person={hostile}", "--endpoint", server, "--format", "csv")
        assert out.splitlines() == ["person,date,end_date,kinds,place,event,evidence"]  # a name nobody has
    assert server_count(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == before


def test_loads_add_up_and_links_span_them(server, tmp_path):
    """Two loads of separate builds make the graph one build of everything makes, links across them included."""
    first = write_articles(tmp_path / "one", {k: ARTICLES[k] for k in ("a.txt", "c.txt")})
    second = write_articles(tmp_path / "two", {k: ARTICLES[k] for k in ("b.txt", "d.txt")})
    ok("build", str(first), "-o", str(tmp_path / "one.nq"))
    ok("build", str(second), "-o", str(tmp_path / "two.trig"))
    ok("build", str(first), str(second), "-o", str(tmp_path / "all.nq"))
    ok("load", str(tmp_path / "one.nq"), "--endpoint", server)
    r = kg("load", str(tmp_path / "two.trig"), "--endpoint", server)
    assert r.exit_code == 0 and "1 activities reported by several articles" in r.output, r.output
    for name in ("activities", "money_by_organizer", "officials"):
        assert ok("query", name, "--endpoint", server, "--format", "csv") == \
            ok("query", name, "--graph", str(tmp_path / "all.nq"), "--format", "csv"), name
    assert json.loads(ok("stats", "--endpoint", server, "--json")) == \
        json.loads(ok("stats", str(tmp_path / "all.nq"), "--json"))


def test_a_changed_article_replaces_its_older_version(server, tmp_path):
    folder = write_articles(tmp_path / "news", {"c.txt": ARTICLES["c.txt"], "d.txt": ARTICLES["d.txt"]})
    ok("build", str(folder), "-o", str(tmp_path / "v1.nq"))
    ok("load", str(tmp_path / "v1.nq"), "--endpoint", server)
    (folder / "c.txt").write_text(ARTICLES["c.txt"].replace("李红梅", "李秋菊"), encoding="utf-8")
    ok("build", str(folder), "-o", str(tmp_path / "v2.nq"))
    r = kg("load", str(tmp_path / "v2.nq"), "--endpoint", server)
    assert r.exit_code == 0, r.output
    assert "1 replaced, 1 older versions dropped" in r.output and "dropped https://w3id.org/kg-news/id/article/" in r.output
    officials = ok("query", "officials", "--endpoint", server, "--format", "csv")
    assert "李秋菊" in officials and "李红梅" not in officials
    assert officials == ok("query", "officials", "--graph", str(tmp_path / "v2.nq"), "--format", "csv")
    assert server_count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == \
        len(list(read_graph(tmp_path / "v2.nq").quads_for_pattern(None, None, None, ox.DefaultGraph())))


def test_update_over_the_endpoint_needs_allow_update(server, corpus_nq):
    ok("load", str(corpus_nq), "--endpoint", server)
    update = "INSERT DATA { <urn:x:a> <urn:x:b> 'c' }"
    r = kg("query", update, "--endpoint", server)
    assert r.exit_code == 1 and "read-only unless --allow-update" in r.output
    ok("query", update, "--endpoint", server, "--allow-update")
    assert server_count(server, "SELECT (COUNT(*) AS ?n) WHERE { <urn:x:a> ?p ?o }") == 1


@pytest.mark.skipif(not DEV_ARTICLES.is_dir(), reason=f"the dev corpus is not here ({DEV_ARTICLES})")
def test_dev_corpus_on_the_server(server, tmp_path):
    out = tmp_path / "dev.nq"
    ok("build", str(DEV_ARTICLES), "-o", str(out))
    r = kg("load", str(out), "--endpoint", server)
    assert r.exit_code == 0 and "62 article graphs added" in r.output, r.output
    local = ok("query", "officials", "--graph", str(out), "--format", "csv")
    assert len(local.splitlines()) > 50
    assert ok("query", "officials", "--endpoint", server, "--format", "csv") == local
    assert json.loads(ok("stats", "--endpoint", server, "--json")) == json.loads(ok("stats", str(out), "--json"))


# --------------------------------------------------------------------------- errors


def test_unreachable_endpoint_is_a_clear_error(corpus_nq):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    for args in (("query", "officials"), ("stats",), ("viz", "-o", "x.html"), ("load", str(corpus_nq))):
        r = kg(*args, "--endpoint", url)
        assert r.exit_code == 1, args
        assert f"Error: {url}/" in r.output and "cannot reach the SPARQL server" in r.output, r.output
        assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)


def test_server_errors_are_reported_with_the_servers_message(server, corpus_nq):
    r = kg("query", "SELECT ?x WHERE { ?x", "--endpoint", server)
    assert r.exit_code == 1
    assert "the server refused the query: HTTP 400" in r.output and "error at 1:" in r.output, r.output
    r = kg("load", str(corpus_nq), "--endpoint", server, "--graph-store", f"{server}/no-such-route")
    assert r.exit_code == 1 and "HTTP 404" in r.output and "putting graph <https://w3id.org/kg-news/id/" in r.output, r.output


@pytest.mark.parametrize("args, message", [
    (("stats", "--endpoint", "ftp://127.0.0.1/x"), "not an http(s) URL"),
    (("query", "officials", "--graph", "g.nq", "--endpoint", "http://127.0.0.1:9"), "cannot be combined with --graph"),
    (("viz", "g.nq", "-o", "g.html", "--endpoint", "http://127.0.0.1:9"), "cannot be combined with GRAPH"),
])
def test_bad_endpoint_arguments(args, message):
    r = kg(*args)
    assert r.exit_code == 1 and message in r.output, r.output


def test_load_needs_named_graphs(tmp_path, server):
    ttl = tmp_path / "g.ttl"
    ok("build", str(EXAMPLE), "-o", str(ttl))
    r = kg("load", str(ttl), "--endpoint", server)
    assert r.exit_code == 1 and f"{ttl}: Turtle holds only the union graph" in r.output and ".nq" in r.output
    r = kg("load", str(tmp_path / "missing.nq"), "--endpoint", server)
    assert r.exit_code == 1 and "missing.nq: no such graph file" in r.output


# --------------------------------------------------------------------------- kg serve --endpoint (issues 12, 14)

GUO = "https://w3id.org/kg-news/id/person/北京市/大兴区/郭金江"


def _site_over(source):
    """The kg serve app over ``source``: a graph file (local store) or a SPARQL server URL."""
    from kg.serve import EndpointPool, open_endpoint
    from kg.store import load_graph_file
    from kg.web import Site, create_app

    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    if isinstance(source, Path):
        class LocalPool:  # the local pool runs queries in worker processes; in-process is enough here
            generation = 0

            def __init__(self, store):
                self.store = store

            def run(self, query, params, fmt):
                from kg.query import execute
                from kg.sandbox import Answer, serialize

                result = execute(self.store, query, params, max_rows=10_000)
                return Answer(result.kind, *serialize(result, fmt))

            def recycle(self):
                self.generation += 1

        store = load_graph_file(source)
        return TestClient(create_app(Site(store, LocalPool(store), allow_update=True)))
    store = open_endpoint(source, timeout=30)
    return TestClient(create_app(Site(store, EndpointPool(store), allow_update=True)))


def _pages(client) -> dict[str, tuple[int, str]]:
    from kg import browse

    paths = ["/", "/search?q=郭金江", "/search?q=工会", "/search?q=%3Cscript%3E", "/overview",
             "/sparql?name=officials", "/sparql?name=money_by_group", browse.url_for(GUO),
             "/e/person/nobody/here"]
    search = client.get("/search?q=总工会", headers={"Accept": "application/json"}).json()
    paths += [hit["url"] for hit in search["results"]]
    article = client.get(browse.url_for(GUO)).text
    paths += sorted(set(re.findall(r'href="(/article/[0-9a-f]{16})', article)))
    out = {}
    for p in paths:
        r = client.get(p)
        out[p] = (r.status_code, r.text)
    return out


def test_serve_over_the_endpoint_shows_the_pages_of_the_file(server, corpus_nq):
    ok("load", str(corpus_nq), "--endpoint", server)
    local, remote = _pages(_site_over(corpus_nq)), _pages(_site_over(server))
    assert local.keys() == remote.keys()
    assert len([p for p in local if p.startswith("/article/")]) >= 1  # the pages compared include articles
    assert local["/e/person/nobody/here"][0] == 404
    for path, (status, body) in local.items():
        assert remote[path][0] == status, path
        assert remote[path][1] == body, path
    # the example, over the server: his page shows his body, his post and his visits with evidence
    from kg import browse

    guo = remote[browse.url_for(GUO)][1]
    assert "大兴区总工会" in guo and "主席" in guo and "<mark" in guo


def test_query_and_update_through_serve_over_the_endpoint(server, corpus_nq):
    ok("load", str(corpus_nq), "--endpoint", server)
    client = _site_over(server)
    r = client.get("/query", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a a kgo:Article }"},
                   headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.text.split() == ["n", "5"]
    bad = client.get("/query", params={"query": "SELECT ?x WHERE { ?x"})
    assert bad.status_code == 400 and "Error:" in bad.text and "<" not in bad.text.split("Error:")[0]
    refused = client.get("/query", params={"query": "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"})
    assert refused.status_code == 400 and "SERVICE" in refused.text
    before = client.get("/search?q=柳青禾", headers={"Accept": "application/json"}).json()
    assert before["results"] == []
    insert = ('INSERT DATA { <https://w3id.org/kg-news/id/person/x/柳青禾> a kgo:Person ; '
              'rdfs:label "柳青禾"@zh . }')
    r = client.post("/update", data={"update": insert}, headers={"Origin": "http://testserver"})
    assert r.status_code == 204, r.text
    after = client.get("/search?q=柳青禾", headers={"Accept": "application/json"}).json()
    assert [hit["label"] for hit in after["results"]] == ["柳青禾"]
    assert server_count(server, 'SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> "柳青禾"@zh }') == 1


def test_kg_serve_endpoint_command(server, corpus_nq):
    from kg.serve import start_server

    ok("load", str(corpus_nq), "--endpoint", server)
    with start_server(endpoint=server, timeout=60) as child:
        assert f"over {server}" in child.log()
        page = httpx.get(child.url + "search", params={"q": "郭金江"}, timeout=30)
        assert page.status_code == 200 and "/e/person/" in page.text
        answer = httpx.get(child.query_url, params={"query": "ASK { ?s ?p ?o }"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert answer.json()["boolean"] is True


def test_kg_serve_endpoint_refusals(tmp_path):
    port = free_port()  # nothing listens there
    r = kg("serve", "--endpoint", f"http://127.0.0.1:{port}", "--port", str(free_port()))
    assert r.exit_code == 1 and "cannot reach the SPARQL server" in r.output
    r = kg("serve", "--endpoint", "http://127.0.0.1:1", "--graph", str(tmp_path / "g.ttl"))
    assert r.exit_code == 1 and "cannot be combined with --graph" in r.output
    r = kg("serve", "--endpoint", "ftp://example.org/sparql")
    assert r.exit_code == 1 and "not an http(s) URL" in r.output


def test_the_endpoint_store_binds_terms_and_caches(server, corpus_nq):
    from kg.endpoint import EndpointStore

    ok("load", str(corpus_nq), "--endpoint", server)
    store = EndpointStore(Endpoint(server))
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    local = read_graph(corpus_nq)
    want = sorted(str(q.object) for q in local.quads_for_pattern(ox.NamedNode(GUO), label, None, ox.DefaultGraph()))
    got = store.quads_for_pattern(ox.NamedNode(GUO), label, None, ox.DefaultGraph())
    assert [str(q.object) for q in got] == want and want
    # a literal that would end the query if spliced is only a term here
    hostile = ox.Literal('x" } } DROP ALL ; SELECT * { ?s ?p "')
    assert store.quads_for_pattern(None, label, hostile, ox.DefaultGraph()) == []
    assert server_count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") > 1000
    assert store.quads_for_pattern(ox.BlankNode(), None, None, ox.DefaultGraph()) == []
    assert len(store._cache) == 2  # the two answered patterns (a blank node asks nothing)
    # an answer is kept for CACHE_SECONDS: a change made on the server by another client shows after it
    ok("load", str(corpus_nq), "--endpoint", server)  # (the same data again: the server's answer is unchanged)
    Endpoint(server).update(f'INSERT DATA {{ <{GUO}> <http://www.w3.org/2000/01/rdf-schema#label> "郭某"@zh }}')
    assert [str(q.object) for q in store.quads_for_pattern(ox.NamedNode(GUO), label, None, ox.DefaultGraph())] == want
    store.CACHE_SECONDS = 0.0
    fresh = store.quads_for_pattern(ox.NamedNode(GUO), label, None, ox.DefaultGraph())
    assert sorted(str(q.object) for q in fresh) == sorted([*want, '"郭某"@zh'])
    store.forget()
    assert store._cache == {}
