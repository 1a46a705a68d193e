"""The on-disk store: idempotent rebuilds, replacement of changed text, removal, export."""
from __future__ import annotations

import os

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import RDF, RDFS

from kg.errors import InputError, StoreError
from kg.graphio import FORMATS
from kg.ontology import KGO, KGR
from kg.store import (
    ArticleGraph,
    export_store,
    load_graph_file,
    open_store,
    remove_articles,
    stored_articles,
    triple_count,
    union_triples,
    update_articles,
)

UNION = KGR["org/北京市/大兴区/大兴区总工会"]
PLACE = KGR["place/北京市/大兴区"]
PERSON = KGR["person/北京市/大兴区/郭金江"]


def article(hash16: str, source: str, events: list[str], *, person: bool = True) -> ArticleGraph:
    """A small article graph: the article node, a shared union and place, one event per evidence text."""
    iri = KGR[f"article/{hash16}"]
    g = rdflib.Graph()
    g.add((iri, RDF.type, KGO.Article))
    g.add((iri, KGO.contentHash, Literal(hash16 * 4)))
    g.add((iri, KGO.sourcePath, Literal(source)))
    # shared entities: stated again in every article that names them
    g.add((UNION, RDF.type, KGO.TradeUnion))
    g.add((UNION, RDFS.label, Literal("大兴区总工会", lang="zh")))
    g.add((UNION, KGO.locatedIn, PLACE))
    g.add((UNION, KGO.mentionedIn, iri))
    g.add((PLACE, RDFS.label, Literal("大兴区", lang="zh")))
    if person:
        g.add((PERSON, RDFS.label, Literal("郭金江", lang="zh")))
        g.add((PERSON, KGO.mentionedIn, iri))
    for n, text in enumerate(events):
        e = URIRef(f"{iri}/event/{n}")
        g.add((e, RDF.type, KGO.Visit))
        g.add((e, KGO.organizer, UNION))
        g.add((e, KGO.evidence, Literal(text, lang="zh")))
        g.add((e, KGO.confidence, Literal("0.80", datatype=rdflib.XSD.decimal)))
        if person:
            g.add((e, KGO.agent, PERSON))
    return ArticleGraph(str(iri), hash16 * 4, source, g)


A = article("aaaaaaaaaaaaaaaa", "news/a.txt", ["郭金江看望老党员。"])
B = article("bbbbbbbbbbbbbbbb", "news/b.txt", ["大兴区总工会慰问大病职工。", "送去米面油。"], person=False)
A2 = article("cccccccccccccccc", "news/a.txt", ["郭金江看望劳动模范。"])  # a.txt with changed text
J = article("dddddddddddddddd", "feed.jsonl#17", ["瀛海镇送温暖。"], person=False)


def nt(store) -> bytes:
    """Everything in the store, article graphs and union graph, as sorted N-Quads."""
    return ox.serialize(sorted(store, key=str), format=ox.RdfFormat.N_QUADS)


def union_nt(store) -> bytes:
    """The union (default) graph that queries read, as N-Triples."""
    return ox.serialize(union_triples(store), format=ox.RdfFormat.N_TRIPLES)


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path / "store")


def test_rebuild_same_article_leaves_store_unchanged(store, tmp_path):
    first = update_articles(store, [A, B])
    assert first.added == ["news/a.txt", "news/b.txt"]
    count, before = triple_count(store), nt(store)
    export_store(store, tmp_path / "before.trig")
    again = update_articles(store, [A, B])
    assert again.unchanged == ["news/a.txt", "news/b.txt"] and not again.added and not again.replaced
    assert triple_count(store) == count == len(A.graph | B.graph)
    assert nt(store) == before
    export_store(store, tmp_path / "after.trig")
    assert (tmp_path / "before.trig").read_bytes() == (tmp_path / "after.trig").read_bytes()


def test_rebuild_with_new_extraction_of_same_text_replaces_graph(store):
    update_articles(store, [A])
    richer = article("aaaaaaaaaaaaaaaa", "news/a.txt", ["郭金江看望老党员。", "郭金江送去慰问金。"])
    report = update_articles(store, [richer])
    assert report.replaced == ["news/a.txt"]
    assert nt(store) == nt(_fresh([richer]))


def test_changed_text_replaces_old_article(store):
    update_articles(store, [A, B])
    report = update_articles(store, [A2])
    assert report.replaced == ["news/a.txt"]
    assert report.removed_graphs == [A.iri]
    assert set(stored_articles(store)) == {A2.iri, B.iri}
    assert nt(store) == nt(_fresh([A2, B]))
    evidence = {str(o) for o in _objects(store, KGO.evidence)}
    assert "郭金江看望老党员。" not in evidence and "郭金江看望劳动模范。" in evidence


@pytest.mark.parametrize("selector", ["news/a.txt", "a", A.iri, "kgr:article/aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa"])
def test_remove_equals_build_without_article(store, selector):
    update_articles(store, [A, B])
    removed = remove_articles(store, [selector])
    assert [r.iri for r in removed] == [A.iri]
    assert nt(store) == nt(_fresh([B]))
    # the shared union stays (B states it too); the person only A named is gone
    labels = {str(o) for o in _objects(store, RDFS.label)}
    assert "大兴区总工会" in labels and "郭金江" not in labels


def test_remove_jsonl_row_by_id(store):
    update_articles(store, [A, J])
    assert [r.iri for r in remove_articles(store, ["17"])] == [J.iri]
    assert nt(store) == nt(_fresh([A]))


def test_remove_unknown_selector_removes_nothing(store):
    update_articles(store, [A, B])
    before = nt(store)
    with pytest.raises(StoreError, match="'nosuch.txt' matches no article"):
        remove_articles(store, ["news/a.txt", "nosuch.txt"])
    assert nt(store) == before


def test_remove_ambiguous_doc_id_asks_for_path(store):
    other = article("eeeeeeeeeeeeeeee", "other/a.txt", ["另一篇。"])
    update_articles(store, [A, other])
    with pytest.raises(StoreError, match="names several articles"):
        remove_articles(store, ["a"])
    assert len(stored_articles(store)) == 2


def test_same_text_in_two_files_is_one_article(store):
    twin_graph = rdflib.Graph()
    twin_graph += A.graph
    twin_graph.set((URIRef(A.iri), KGO.sourcePath, Literal("copy/a.txt")))
    twin = ArticleGraph(A.iri, A.content_hash, "copy/a.txt", twin_graph)
    update_articles(store, [A, twin])
    assert stored_articles(store)[A.iri].source_paths == ("copy/a.txt", "news/a.txt")
    assert update_articles(store, [A, twin]).unchanged == ["copy/a.txt"]


def test_shared_triple_is_seen_once(store):
    # Both articles state the union's label; a query must match it once, not once per graph.
    update_articles(store, [A, B])
    label = 'SELECT (COUNT(*) AS ?n) WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> "大兴区总工会"@zh }'
    assert int(next(iter(store.query(label)))["n"].value) == 1
    remove_articles(store, ["news/a.txt"])
    assert int(next(iter(store.query(label)))["n"].value) == 1
    remove_articles(store, ["news/b.txt"])
    assert int(next(iter(store.query(label)))["n"].value) == 0
    assert len(store) == 0


def test_union_graph_is_union_of_article_graphs(store):
    update_articles(store, [A, B, J])
    update_articles(store, [A2])
    remove_articles(store, ["17"])
    named = {ox.Triple(q.subject, q.predicate, q.object) for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert set(union_triples(store)) == named


def test_small_batches_give_the_same_store(store, monkeypatch):
    # several articles per transaction, but never part of one: same result with tiny batches
    import kg.store

    monkeypatch.setattr(kg.store, "_BATCH_TRIPLES", 5)
    update_articles(store, [A, B, J])
    update_articles(store, [A2])
    assert nt(store) == nt(_fresh([A2, B, J]))


def test_update_request_is_one_transaction(store):
    # The store relies on Oxigraph running a whole update request in one transaction:
    # a failing operation must roll back the earlier ones in the same request.
    update_articles(store, [A])
    before = nt(store)
    with pytest.raises(RuntimeError, match="does not exist"):
        store.update(f"DROP GRAPH <{A.iri}> ; DROP GRAPH <https://w3id.org/kg-news/id/article/none>")
    assert nt(store) == before


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_export_parses_back(store, tmp_path, suffix):
    update_articles(store, [A, B])
    path = tmp_path / f"graph{suffix}"
    export_store(store, path)
    fmt = {"Turtle": "turtle", "N-Triples": "nt", "JSON-LD": "json-ld", "TriG": "trig", "N-Quads": "nquads"}[FORMATS[suffix].name]
    if FORMATS[suffix].quads:
        ds = rdflib.Dataset()
        ds.parse(path, format=fmt)
        graphs = {str(g.identifier): len(g) for g in ds.graphs() if len(g)}
        assert graphs == {A.iri: len(A.graph), B.iri: len(B.graph)}
        union = rdflib.Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            union.add((s, p, o))
    else:
        union = rdflib.Graph().parse(path, format=fmt)
    # Oxigraph keeps literals by value ("0.80"^^xsd:decimal becomes "0.8"): compare with
    # the input as the store canonicalizes it
    canonical = rdflib.Graph().parse(data=union_nt(_fresh([A, B])).decode(), format="nt")
    assert len(canonical) == len(A.graph | B.graph)
    assert to_isomorphic(union) == to_isomorphic(canonical)
    # and our own reader gives the same triples
    assert union_nt(load_graph_file(path)) == union_nt(store)


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_export_is_deterministic(tmp_path, suffix):
    one = open_store(tmp_path / "one")
    update_articles(one, [A, B])
    two = open_store(tmp_path / "two")
    update_articles(two, [B])
    update_articles(two, [A])
    export_store(one, tmp_path / f"one{suffix}")
    export_store(two, tmp_path / f"two{suffix}")
    assert (tmp_path / f"one{suffix}").read_bytes() == (tmp_path / f"two{suffix}").read_bytes()


def test_store_persists_across_reopen(tmp_path):
    s = open_store(tmp_path / "store")
    update_articles(s, [A])
    before = nt(s)
    del s
    ro = open_store(tmp_path / "store", read_only=True)
    assert nt(ro) == before


def test_open_store_errors(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="not a store directory"):
        open_store(tmp_path / "file")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x")
    with pytest.raises(StoreError, match="not an Oxigraph store"):
        open_store(tmp_path / "other")
    with pytest.raises(StoreError, match="no store here"):
        open_store(tmp_path / "missing", read_only=True)


def test_update_rejects_foreign_article_iri(store):
    bad = ArticleGraph("http://example.org/a", "h", "a.txt", rdflib.Graph())
    with pytest.raises(StoreError, match="a.txt: article IRI http://example.org/a is not under"):
        update_articles(store, [bad])


def test_load_graph_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.ttl: cannot read graph"):
        load_graph_file(bad)
    with pytest.raises(InputError, match="unknown graph format '.xml'"):
        load_graph_file(tmp_path / "g.xml")
    with pytest.raises(InputError, match="no such graph file"):
        load_graph_file(tmp_path / "none.nt")


def _fresh(articles) -> ox.Store:
    s = ox.Store()
    update_articles(s, articles)
    return s


def _objects(store, predicate):
    return [q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, None)]


def test_locked_store_is_reported_after_waiting(tmp_path):
    holder = open_store(tmp_path / "store")  # noqa: F841 - keeps the write lock
    with pytest.raises(StoreError, match="another kg build, remove or serve --allow-update is using it"):
        open_store(tmp_path / "store", wait=0.3)


# --------------------------------------------------------------------------- kg build / remove / export

from typer.testing import CliRunner  # noqa: E402

from kg.cli import app  # noqa: E402

GOOD_A = "东湖镇总工会副主席张建国走访慰问了15名困难职工，送去慰问金共计3000元。"
GOOD_B = "西山县总工会主席李红梅带队看望12名劳动模范，送去大米20袋。"
CHANGED_A = "东湖镇总工会副主席张建国走访慰问了16名困难职工，送去慰问金共计3200元。"


def kg(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result


def graph_of(path) -> set:
    s = load_graph_file(path)
    return set(union_triples(s))


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "news"
    d.mkdir()
    (d / "a.txt").write_text(GOOD_A, encoding="utf-8")
    (d / "b.txt").write_text(GOOD_B, encoding="utf-8")
    return d


def test_build_updates_store_like_the_file(tmp_path, corpus):
    store_dir = tmp_path / "store"
    r = kg("build", corpus, "-o", tmp_path / "all.nt", "--store", store_dir)
    assert r.exit_code == 0, r.output
    assert "store: 2 added, 0 replaced, 0 unchanged" in r.output
    kg("export", tmp_path / "export.nt", "--store", store_dir)
    assert graph_of(tmp_path / "export.nt") == graph_of(tmp_path / "all.nt")
    export_before = (tmp_path / "export.nt").read_bytes()

    # the same articles again: nothing changes
    r = kg("build", corpus, "-o", tmp_path / "all.nt", "--store", store_dir)
    assert "store: 0 added, 0 replaced, 2 unchanged" in r.output
    kg("export", tmp_path / "export.nt", "--store", store_dir)
    assert (tmp_path / "export.nt").read_bytes() == export_before

    # changed text replaces the old version of a.txt
    (corpus / "a.txt").write_text(CHANGED_A, encoding="utf-8")
    r = kg("build", corpus, "-o", tmp_path / "all.nt", "--store", store_dir)
    assert "store: 0 added, 1 replaced, 1 unchanged" in r.output
    kg("export", tmp_path / "export.nt", "--store", store_dir)
    assert graph_of(tmp_path / "export.nt") == graph_of(tmp_path / "all.nt")


def test_kg_remove_equals_build_without_article(tmp_path, corpus):
    store_dir = tmp_path / "store"
    assert kg("build", corpus, "-o", tmp_path / "all.nt", "--store", store_dir).exit_code == 0
    r = kg("remove", "a", "--store", store_dir)
    assert r.exit_code == 0 and "removed" in r.output and "a.txt" in r.output
    without = tmp_path / "without" / corpus.name  # the same folder name, so the same source paths
    without.mkdir(parents=True)
    (without / "b.txt").write_bytes((corpus / "b.txt").read_bytes())
    assert kg("build", without, "-o", tmp_path / "b.nt", "--no-store").exit_code == 0
    kg("export", tmp_path / "export.nt", "--store", store_dir)
    assert graph_of(tmp_path / "export.nt") == graph_of(tmp_path / "b.nt")
    r = kg("remove", "a", "--store", store_dir)
    assert r.exit_code == 1 and "'a' matches no article" in r.output


def test_build_no_store_leaves_store_alone(tmp_path, corpus):
    r = kg("build", corpus, "-o", tmp_path / "all.ttl", "--no-store", "--store", tmp_path / "store")
    assert r.exit_code == 0 and "store:" not in r.output
    assert not (tmp_path / "store").exists()


def test_an_article_is_the_same_from_any_folder(tmp_path, corpus, monkeypatch):
    """Built from two working folders: the same bytes, "unchanged" on rebuild, and removable by any path to it."""
    store_dir = tmp_path / "store"
    monkeypatch.chdir(tmp_path)
    assert kg("build", corpus, "-o", tmp_path / "one.nq", "--store", store_dir).exit_code == 0
    elsewhere = tmp_path / "x" / "y"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    r = kg("build", os.path.relpath(corpus), "-o", tmp_path / "two.nq", "--store", store_dir)
    assert r.exit_code == 0 and "0 added, 0 replaced, 2 unchanged" in r.output, r.output
    assert (tmp_path / "one.nq").read_bytes() == (tmp_path / "two.nq").read_bytes()
    # an absolute path, and a path relative to the article's own folder
    r = kg("remove", corpus / "a.txt", "--store", store_dir)
    assert r.exit_code == 0 and "news/a.txt" in r.output, r.output
    monkeypatch.chdir(corpus)
    r = kg("remove", "./b.txt", "--store", store_dir)
    assert r.exit_code == 0 and "news/b.txt" in r.output, r.output
    assert stored_articles(open_store(store_dir)) == {}


def test_a_missing_store_is_an_error_for_every_reader(tmp_path):
    for args in (("remove", "a"), ("query", "officials"), ("export", tmp_path / "x.ttl"), ("stats",), ("viz", "-o", tmp_path / "v.html")):
        r = kg(*args, *(("--store", tmp_path / "typo") if args[0] != "stats" and args[0] != "viz" else (tmp_path / "typo",)))
        assert r.exit_code == 1 and "typo" in r.output, (args, r.output)
    assert not (tmp_path / "typo").exists()
