"""The bundled example's graph, compared by isomorphism to the committed golden graph.

A change to the extractor that changes the example's graph fails here with the triples that differ.
When the change is intended, run ``scripts/regen_golden.py`` and review the fixture's diff in the commit.
"""
from __future__ import annotations

from conftest import GOLDEN
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic


def _lines(g: Graph) -> list[str]:
    return sorted(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in g)


def test_example_graph_matches_the_golden_graph(example_ttl):
    got = Graph().parse(example_ttl)
    want = Graph().parse(GOLDEN)
    iso_got, iso_want = to_isomorphic(got), to_isomorphic(want)
    if iso_got == iso_want:
        return
    _, only_got, only_want = graph_diff(iso_got, iso_want)
    missing, extra = _lines(only_want), _lines(only_got)
    report = [f"{len(missing)} triples missing from the build, {len(extra)} extra "
              "(scripts/regen_golden.py rewrites the golden graph when the change is intended)"]
    report += [f"- {t}" for t in missing[:40]] + [f"+ {t}" for t in extra[:40]]
    raise AssertionError("\n".join(report))


def test_the_golden_graph_is_not_empty():
    g = Graph().parse(GOLDEN)
    assert len(g) > 500
