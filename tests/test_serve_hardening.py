"""kg serve under hostile requests: each row gives the status and error it must get, and the server keeps answering.

Also: the time limit kills a runaway query's worker, no process outlives kill -9 of the server, a busy
port is a clear error, and kg build / kg remove refuse a store that is being served.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib
from rdflib import Literal
from rdflib.namespace import RDF, RDFS

from kg.ontology import KGO, KGR
from kg.serve import free_port, start_server
from kg.store import open_store, update_articles
from kg.web import MAX_BODY

ARTICLE = KGR["article/00000000000000aa"]
LABELS = "SELECT ?l WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l LIMIT 3"
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?c ?f ?i ?l"


def _graph():
    g = rdflib.Graph()
    g.add((ARTICLE, RDF.type, KGO.Article))
    for i in range(30):
        g.add((KGR[f"person/_/测试{i}"], RDFS.label, Literal(f"测试{i}", lang="zh")))
    return (str(ARTICLE), "aa" * 32, "a.txt", g)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("hard") / "store"
    store = open_store(path)
    update_articles(store, [_graph()])
    del store
    return path


@pytest.fixture(scope="module")
def server(store_dir):
    with start_server(store_dir, extra=("--timeout", "2", "--max-rows", "20")) as s:
        yield s


def request(server, method="GET", params=None, body=None, headers=None, path="/query"):
    url = f"http://127.0.0.1:{server.port}{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), dict(e.headers)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def form(query):
    return urllib.parse.urlencode({"query": query}).encode()


HOSTILE = [
    # name, method, params, body, headers, status, message
    ("4000 nested groups", "POST", None, ("SELECT * WHERE " + "{" * 4000 + "}" * 4000).encode(),
     {"Content-Type": "application/sparql-query"}, 400, "nests brackets more than 64 deep"),
    ("SERVICE", "GET", {"query": "SELECT * WHERE { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }"}, None, {}, 400,
     "SERVICE (federated query) is refused"),
    ("cross-origin form POST", "POST", None, form("ASK {}"), {**FORM, "Origin": "http://evil.example"}, 403,
     "cross-origin POST refused"),
    ("null origin form POST", "POST", None, form("ASK {}"), {**FORM, "Origin": "null"}, 403, "cross-origin POST refused"),
    ("Sec-Fetch-Site cross-site", "POST", None, form("ASK {}"), {**FORM, "Sec-Fetch-Site": "cross-site"}, 403,
     "cross-site POST refused"),
    ("text/plain POST", "POST", None, b"ASK {}", {"Content-Type": "text/plain"}, 415, "POST needs Content-Type"),
    ("foreign Host (DNS rebinding)", "GET", {"query": "ASK {}"}, None, {"Host": "evil.example"}, 400, "unknown Host"),
    ("syntax error", "GET", {"query": "SELECT WHERE {"}, None, {}, 400, "SPARQL syntax error"),
    ("no query", "GET", None, None, {}, 400, "give exactly one non-empty 'query' parameter"),
    ("two queries", "GET", [("query", "ASK {}"), ("query", "ASK {}")], None, {}, 400, "exactly one"),
    ("update sent to /query", "POST", None, form("DROP ALL"), FORM, 400, "send it to /update"),
    ("update on a read-only server", "POST", None, urllib.parse.urlencode({"update": "DROP ALL"}).encode(),
     {**FORM, "__path": "/update"}, 403, "read-only"),
    ("result over --max-rows", "GET", {"query": "SELECT * WHERE { ?s ?p ?o }"}, None, {}, 400,
     "more than 20 rows, the limit"),
    ("oversized body", "POST", None, b"#" * (MAX_BODY + 10), {"Content-Type": "application/sparql-query"}, 413, "larger than"),
    ("cross product past --timeout", "GET", {"query": CROSS}, None, {}, 503, "longer than the 2 s limit"),
]


@pytest.mark.parametrize("name,method,params,body,headers,status,message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_request_is_refused_and_server_survives(server, name, method, params, body, headers, status, message):
    headers = dict(headers)
    path = headers.pop("__path", "/query")
    got, text, _ = request(server, method, params, body, headers, path)
    assert (got, message in text) == (status, True), text
    ok, answer, _ = request(server, params={"query": LABELS}, headers={"Accept": "text/csv"})
    assert ok == 200 and answer.splitlines()[1] == "测试0"


def test_timeout_kills_the_worker_and_the_core_is_freed(server):
    before = _children(server.process.pid)
    started = time.monotonic()
    status, text, _ = request(server, params={"query": CROSS})
    assert status == 503 and time.monotonic() - started < 10
    time.sleep(0.5)
    after = _children(server.process.pid)
    gone = before - after
    assert gone, "the worker that ran the cross product must be killed"
    assert all(not os.path.exists(f"/proc/{pid}") for pid in gone)


def _children(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return {int(x) for x in out.split()}


NEGOTIATION = [
    ("application/sparql-results+json", LABELS, "application/sparql-results+json", '"xml:lang": "zh"'),
    ("application/sparql-results+xml", LABELS, "application/sparql-results+xml", '<literal xml:lang="zh">测试0</literal>'),
    ("text/csv", LABELS, "text/csv", "l\r\n测试0\r\n"),
    ("text/tab-separated-values", LABELS, "text/tab-separated-values", '?l\n"测试0"@zh\n'),
    ("text/turtle", "CONSTRUCT { ?x a ?t } WHERE { ?x a ?t }", "text/turtle", "ontology#Article"),
    ("application/n-triples", "CONSTRUCT { ?x a ?t } WHERE { ?x a ?t }", "application/n-triples",
     "<https://w3id.org/kg-news/id/article/00000000000000aa> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"),
]


@pytest.mark.parametrize("accept,query,media,fragment", NEGOTIATION, ids=[n[0] for n in NEGOTIATION])
def test_content_negotiation(server, accept, query, media, fragment):
    status, text, headers = request(server, params={"query": query}, headers={"Accept": accept})
    assert status == 200 and headers["content-type"].split(";")[0] == media
    assert fragment in text


def test_post_sparql_query_and_same_origin_form(server):
    origin = f"http://127.0.0.1:{server.port}"
    for body, headers in ((LABELS.encode(), {"Content-Type": "application/sparql-query"}),
                          (form(LABELS), {**FORM, "Origin": origin, "Sec-Fetch-Site": "same-origin"})):
        status, text, _ = request(server, "POST", body=body, headers={**headers, "Accept": "text/csv"})
        assert status == 200 and "测试0" in text


def test_csp_has_no_unsafe_inline(server):
    _, _, headers = request(server, params={"query": "ASK {}"})
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]


def test_served_store_refuses_build_and_remove(server, store_dir, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("东湖镇总工会副主席张建国走访慰问了15名困难职工，送去慰问金共计3000元。", encoding="utf-8")
    for args in (["build", str(article), "-o", str(tmp_path / "g.ttl"), "--store", str(store_dir)],
                 ["remove", "a.txt", "--store", str(store_dir)]):
        run = subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=120)
        assert run.returncode == 1, run.stderr
        assert f"kg serve (pid {server.process.pid}) is serving this store" in run.stderr
        assert "Traceback" not in run.stderr
    status, text, _ = request(server, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                              headers={"Accept": "text/csv"})
    assert text.splitlines()[1] == "31"  # nothing was written


def test_second_server_on_same_store_or_busy_port_fails_clearly(server, store_dir, tmp_path):
    run = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--store", str(store_dir), "--port", str(free_port())],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "another kg serve" in run.stderr and "http://" not in run.stderr
    graph = tmp_path / "g.nt"
    graph.write_text('<https://w3id.org/kg-news/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--graph", str(graph), "--port", str(server.port)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and f"port {server.port} on 127.0.0.1 is already in use" in run.stderr
    assert "http://127.0.0.1" not in run.stderr  # no URL printed while another server answers there


def test_port_taken_by_a_foreign_listener(tmp_path, store_dir):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        graph = tmp_path / "g.nt"
        graph.write_text('<https://w3id.org/kg-news/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n', encoding="utf-8")
        run = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--graph", str(graph), "--port", str(port)],
                             capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "already in use" in run.stderr


def test_kill_9_leaves_no_process_and_no_listener(tmp_path):
    graph = tmp_path / "g.nt"
    graph.write_text('<https://w3id.org/kg-news/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n', encoding="utf-8")
    s = start_server(graph_file=graph)
    children = _children(s.process.pid)
    assert len(children) >= 2  # the query workers (no oxigraph server is spawned any more)
    assert not any("oxigraph" in open(f"/proc/{pid}/cmdline").read() for pid in children)
    os.kill(s.process.pid, signal.SIGKILL)
    s.process.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{s.port}/query?query=ASK%7B%7D", timeout=2)
    s.stop()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False
