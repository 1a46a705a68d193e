"""Named queries on several articles that share entities, as scripts/bench_query.py builds them.

The example's extraction is copied under fresh article IRIs over two regions (people, places
and bodies shared by the copies of a region, beneficiary groups by all), so the joins and
counts the queries are tuned for at 1M triples (per-article counts, co-acting pairs, entities
matched under several surface forms) see more than one article. Oxigraph's rows must be
rdflib's rows (standard SPARQL, evaluated by the book), and the parameters are still bound.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.query import bind_params, list_queries, run_query
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import bench_query  # noqa: E402
from test_query import PARAMS, _norm_ox, _norm_rdflib  # noqa: E402

NAMES = [q.name for q in list_queries()]
COPIES_TARGET = 3_500  # triples in the union: four copies of the example over two regions


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("copies")
    article, lines = bench_query.example_ntriples()
    nq = tmp / "copies.nq"
    n = bench_query.write_copies(article, lines, COPIES_TARGET, 2, nq)
    store = open_store(tmp / "store")
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    nt = tmp / "union.nt"
    with nt.open("wb") as out:
        ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                      for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())), out, ox.RdfFormat.N_TRIPLES)
    return n, store, rdflib.Graph().parse(nt, format="nt")


def test_copies_are_several_articles(copies):
    n, store, _ = copies
    assert n >= 3
    rows = run_query("articles", store=store).rows
    assert len(rows) == n
    # every copy states the example's events and posts: the per-article counts are equal and bound
    assert len({(r[4], r[5]) for r in rows}) == 1 and rows[0][4] is not None and rows[0][5] is not None


def test_pairs_count_events_of_every_article(copies):
    n, store, _ = copies
    rows = run_query("officials_together", store=store).rows
    assert rows, "the example has officials acting together"
    # region 0 keeps the example's names: its pairs act together in each of its copies
    assert max(int(r[2].value) for r in rows) == (n + 1) // 2


@pytest.mark.parametrize("name", NAMES)
def test_named_query_same_rows_as_rdflib_on_copies(copies, name):
    _, store, graph = copies
    query = next(q for q in list_queries() if q.name == name)
    ours = run_query(query, PARAMS.get(name), store=store)
    theirs = graph.query(bind_params(query, PARAMS.get(name)))
    assert [str(v) for v in theirs.vars] == ours.columns
    assert sorted(map(repr, ([_norm_rdflib(t) for t in row] for row in theirs))) == \
        sorted(map(repr, ([_norm_ox(t) for t in row] for row in ours.rows)))
