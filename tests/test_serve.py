"""kg serve: the SPARQL 1.1 Protocol endpoint over the store (a kg serve child process), queried with urllib."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib
from rdflib import Literal
from rdflib.namespace import RDF, RDFS

from kg.errors import StoreError
from kg.ontology import KGO, KGR
from kg.serve import start_server
from kg.store import export_store, open_store, update_articles

ARTICLE = KGR["article/0123456789abcdef"]
UNION = KGR["org/北京市/大兴区/大兴区总工会"]
PERSON = KGR["person/北京市/大兴区/郭金江"]


def _article() -> tuple:
    g = rdflib.Graph()
    g.add((ARTICLE, RDF.type, KGO.Article))
    g.add((ARTICLE, KGO.contentHash, Literal("0123456789abcdef" * 4)))
    g.add((ARTICLE, KGO.sourcePath, Literal("a.txt")))
    g.add((UNION, RDFS.label, Literal("大兴区总工会", lang="zh")))
    g.add((PERSON, RDFS.label, Literal("郭金江", lang="zh")))
    return (str(ARTICLE), "0123456789abcdef" * 4, "a.txt", g)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "store"
    store = open_store(path)
    update_articles(store, [_article()])
    del store  # release the write lock: the server opens the directory itself
    return path


def sparql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        url + "?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { ?x rdfs:label ?label } ORDER BY ?label"""


def test_serve_answers_queries_over_union_of_article_graphs(store_dir):
    with start_server(store_dir) as server:
        assert server.query_url.startswith("http://127.0.0.1:")
        answer = sparql(server.query_url, LABELS)
        labels = [b["label"]["value"] for b in answer["results"]["bindings"]]
        assert labels == ["大兴区总工会", "郭金江"]
        assert all(b["label"]["xml:lang"] == "zh" for b in answer["results"]["bindings"])
        process = server.process
    assert process.poll() is not None  # stopped


def test_serve_is_read_only_by_default(store_dir):
    with start_server(store_dir) as server:
        data = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
        request = urllib.request.Request(server.query_url.replace("/query", "/update"), data=data)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=10)
        assert len(sparql(server.query_url, LABELS)["results"]["bindings"]) == 2


def test_serve_graph_file(tmp_path, store_dir):
    graph = tmp_path / "g.trig"
    export_store(open_store(store_dir, read_only=True), graph)
    with start_server(graph_file=graph) as server:
        labels = [b["label"]["value"] for b in sparql(server.query_url, LABELS)["results"]["bindings"]]
    assert labels == ["大兴区总工会", "郭金江"]


def test_serve_without_store_names_the_directory(tmp_path):
    with pytest.raises(StoreError, match="no store here"):
        start_server(tmp_path / "nothing")


def test_serve_allow_update_applies_updates_and_queries_see_them(tmp_path):
    store = open_store(tmp_path / "store")
    update_articles(store, [_article()])
    del store
    with start_server(tmp_path / "store", allow_update=True) as server:
        data = urllib.parse.urlencode({"update": 'INSERT DATA { <https://w3id.org/kg-news/id/x> '
                                                 '<http://www.w3.org/2000/01/rdf-schema#label> "新标签"@zh }'}).encode()
        request = urllib.request.Request(server.query_url.replace("/query", "/update"), data=data,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204
        for _ in range(3):  # every worker, old or fresh, sees the update
            labels = [b["label"]["value"] for b in sparql(server.query_url, LABELS)["results"]["bindings"]]
            assert labels == ["大兴区总工会", "新标签", "郭金江"]
