"""The store's bulk path: Oxigraph triples in, batches streamed, the union kept each triple once."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef

import kg.store
from kg.ontology import KGO
from kg.store import (
    ArticleGraph,
    ArticleQuads,
    open_store,
    remove_articles,
    stored_articles,
    triple_count,
    update_articles,
)
from tests.test_store import A2, A, B, J, nt, union_nt


def as_quads(art: ArticleGraph) -> ArticleQuads:
    """The same article as kg build hands it over: Oxigraph triples."""
    return ArticleQuads(art.iri, art.content_hash, art.source_path,
                        [ox.Triple(*t) for t in kg.store._to_ox_triples(art.graph, art.iri)])


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path / "store")


def test_oxigraph_triples_give_the_store_rdflib_graphs_give(store, tmp_path):
    update_articles(store, [as_quads(A), as_quads(B), as_quads(J)])
    other = open_store(tmp_path / "other")
    update_articles(other, [A, B, J])
    assert nt(store) == nt(other)
    assert update_articles(store, [as_quads(A), B]).unchanged == ["news/a.txt", "news/b.txt"]


def test_union_holds_each_shared_triple_once_across_batches(store, monkeypatch):
    # A and B state the union's label; with one article per batch the second bulk write
    # writes that triple again, which must leave one triple, not two
    monkeypatch.setattr(kg.store, "_BATCH_TRIPLES", 1)
    update_articles(store, [A, B, J])
    label = 'SELECT (COUNT(*) AS ?n) WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> "大兴区总工会"@zh }'
    assert int(next(iter(store.query(label)))["n"].value) == 1
    named = {q.triple for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert triple_count(store) == len(named) >= len(A.graph | B.graph | J.graph)
    remove_articles(store, ["news/a.txt", "news/b.txt"])
    assert int(next(iter(store.query(label)))["n"].value) == 1  # J states it too
    remove_articles(store, ["17"])
    assert int(next(iter(store.query(label)))["n"].value) == 0 and len(store) == 0


def test_the_same_article_in_two_batches_is_merged(store, monkeypatch, tmp_path):
    monkeypatch.setattr(kg.store, "_BATCH_TRIPLES", 5)  # A, B and the twin land in different batches
    twin_graph = rdflib.Graph()
    twin_graph += A.graph
    twin_graph.set((URIRef(A.iri), KGO.sourcePath, Literal("copy/a.txt")))
    twin = ArticleGraph(A.iri, A.content_hash, "copy/a.txt", twin_graph)
    update_articles(store, [A, B, twin])
    assert stored_articles(store)[A.iri].source_paths == ("copy/a.txt", "news/a.txt")
    fresh = open_store(tmp_path / "fresh")
    monkeypatch.setattr(kg.store, "_BATCH_TRIPLES", 50_000)  # all in one batch
    update_articles(fresh, [A, twin, B])
    assert nt(store) == nt(fresh)


def test_batches_are_written_while_the_input_is_read(store, monkeypatch):
    monkeypatch.setattr(kg.store, "_BATCH_TRIPLES", 1)
    seen = []

    def results():
        yield A
        yield B
        seen.append(set(stored_articles(store)))  # A's batch is in the store before J is read
        yield J

    update_articles(store, results())
    assert seen == [{A.iri, B.iri}] or seen == [{A.iri}]
    assert set(stored_articles(store)) == {A.iri, B.iri, J.iri}


def test_replacement_after_bulk_adds_keeps_the_union_right(store, monkeypatch):
    monkeypatch.setattr(kg.store, "_BATCH_TRIPLES", 1)
    update_articles(store, [as_quads(A), as_quads(B)])
    update_articles(store, [as_quads(A2)])
    expected = ox.Store()
    update_articles(expected, [A2, B])
    assert union_nt(store) == union_nt(expected)
    assert nt(store) == nt(expected)


class Recording:
    """The store, with the names of the bulk methods called on it."""

    def __init__(self, store):
        self._store, self.calls = store, []

    def __getattr__(self, name):
        if name in ("bulk_load", "bulk_extend", "extend"):
            self.calls.append(name)
        return getattr(self._store, name)


@pytest.mark.parametrize(("tricky", "method"), [
    ("郭金江看望老党员 .\n<x> \"y\" <z> .\r\n结束", "bulk_load"),  # goes as N-Quads text
    ("郭金江看望老党员 .\n_:b0 <p> \"y\" .", "bulk_extend"),  # "_:" in the text: the quads path
])
def test_literals_that_look_like_statement_ends_survive_the_bulk_text(store, tricky, method):
    # the batch goes to Oxigraph as N-Quads text: an evidence with " ." and a newline
    # must come back exactly, in the article graph and in the union
    art = ArticleGraph(A.iri, A.content_hash, A.source_path, A.graph + rdflib.Graph())
    art.graph.add((URIRef(f"{A.iri}/event/9"), KGO.evidence, Literal(tricky, lang="zh")))
    recording = Recording(store)
    update_articles(recording, [art])
    assert recording.calls == [method]
    found = {q.graph_name: q.object.value for q in store.quads_for_pattern(
        ox.NamedNode(f"{A.iri}/event/9"), ox.NamedNode(str(KGO.evidence)), None, None)}
    assert found == {ox.NamedNode(A.iri): tricky, ox.DefaultGraph(): tricky}


def test_blank_nodes_keep_their_article_scoped_names(store, tmp_path):
    g = rdflib.Graph()
    g += A.graph
    node = rdflib.BNode("n1")
    g.add((URIRef(A.iri), KGO.evidence, node))
    g.add((node, KGO.evidence, Literal("空白节点")))
    update_articles(store, [ArticleGraph(A.iri, A.content_hash, A.source_path, g)])
    blanks = {q.subject for q in store if isinstance(q.subject, ox.BlankNode)}
    assert blanks == {ox.BlankNode("aaaaaaaaaaaaaaaaaxn1")}  # kg.graphio.to_ox_term's scoping
    assert len([q for q in store if q.subject in blanks]) == 2  # article graph and union
    again = open_store(tmp_path / "again")
    update_articles(again, [ArticleGraph(A.iri, A.content_hash, A.source_path, g)])
    assert nt(again) == nt(store)


def test_a_bulk_write_cut_short_is_undone_by_the_next_write(store, tmp_path, monkeypatch):
    # B is in the store; a write of A and J dies half way through the bulk loader
    update_articles(store, [B])
    real = kg.store._bulk_write

    def dies_half_way(st, articles):
        iri, triples = articles[0]
        st.bulk_extend([ox.Quad(*t, ox.NamedNode(iri)) for t in triples[: len(triples) // 2]])
        st.bulk_extend([ox.Quad(*t) for _, ts in articles for t in ts][::3])  # some union triples
        raise KeyboardInterrupt  # the process is killed here

    monkeypatch.setattr(kg.store, "_bulk_write", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        update_articles(store, [as_quads(A), as_quads(J)])
    assert len(list(store.quads_for_pattern(None, None, None, kg.store._PENDING))) == 2  # the record stayed
    monkeypatch.setattr(kg.store, "_bulk_write", real)
    # the next write drops the half-written articles and the union triples no graph states, then adds them anew
    report = update_articles(store, [as_quads(A), as_quads(J)])
    assert sorted(report.repaired) == sorted([A.iri, J.iri]) and "interrupted write" in report.summary()
    clean = open_store(tmp_path / "clean")
    update_articles(clean, [B, A, J])
    assert nt(store) == nt(clean) and union_nt(store) == union_nt(clean)
    assert list(store.quads_for_pattern(None, None, None, kg.store._PENDING)) == []
    assert update_articles(store, [B]).repaired == []  # nothing left to repair


def test_remove_repairs_first(store, monkeypatch):
    update_articles(store, [B])
    store.update(f"INSERT DATA {{ GRAPH {kg.store._PENDING} {{ <{A.iri}> a <{KGO.Article}> }} "
                 f"GRAPH <{A.iri}> {{ <{A.iri}> a <{KGO.Article}> }} <urn:x> <urn:p> <urn:o> }}")
    remove_articles(store, ["news/b.txt"])
    assert len(store) == 0  # B removed; A's half graph and the orphan union triple gone too
