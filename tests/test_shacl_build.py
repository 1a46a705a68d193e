"""The graph built from the bundled example conforms to the SHACL shapes of the ontology."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import ORG

from kg.build import build_graph, union_graph
from kg.ingest import iter_documents
from kg.ontology import KGO
from kg.pipeline import prepare
from kg.validate import validate

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "daxing_songwennuan.txt"


@pytest.fixture(scope="module")
def built() -> Graph:
    ds, report = build_graph(iter_documents([EXAMPLE]))
    assert report.built == 1 and not report.problems, report.summary()
    return union_graph(ds)


@pytest.fixture(scope="module")
def normalized_text() -> str:
    doc = next(d for d in iter_documents([EXAMPLE]))
    return prepare(doc).text


def test_example_graph_conforms_to_shapes(built: Graph) -> None:
    conforms, report = validate(built)
    print(report)
    assert conforms, report


# Conformance must not be vacuous: the shapes have to find something to check.
@pytest.mark.parametrize("cls, at_least", [
    (KGO.Article, 1), (KGO.Event, 10), (ORG.Membership, 5), (KGO.Person, 5),
    (KGO.Organization, 5), (KGO.Place, 3), (KGO.BeneficiaryGroup, 3),
], ids=lambda v: str(v).rsplit("#", 1)[-1] if isinstance(v, URIRef) else str(v))
def test_example_graph_has_instances_to_check(built: Graph, cls: URIRef, at_least: int) -> None:
    assert len(set(built.subjects(RDF.type, cls))) >= at_least


def test_evidence_offsets_point_into_normalized_text(built: Graph, normalized_text: str) -> None:
    """Check text[start:end] == evidence for every fact, which SHACL can only approximate."""
    wrong = []
    for fact, evidence in built.subject_objects(KGO.evidence):
        start = built.value(fact, KGO.evidenceStart).toPython()
        end = built.value(fact, KGO.evidenceEnd).toPython()
        if normalized_text[start:end] != str(evidence):
            wrong.append(f"{fact}: text[{start}:{end}] = {normalized_text[start:end]!r} != {str(evidence)!r}")
    assert not wrong, "\n".join(wrong)


def test_article_hash_is_sha256_of_normalized_text(built: Graph, normalized_text: str) -> None:
    hashes = {str(h) for h in built.objects(None, KGO.contentHash)}
    assert hashes == {hashlib.sha256(normalized_text.encode("utf-8")).hexdigest()}


def test_tampered_example_graph_fails(built: Graph) -> None:
    """Validation of the built graph can fail: drop one event's provenance."""
    graph = Graph()
    for triple in built:
        graph.add(triple)
    event = sorted(graph.subjects(RDF.type, KGO.Event))[0]
    graph.remove((event, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    conforms, report = validate(graph)
    assert not conforms
    assert "prov:wasDerivedFrom" in report and str(event) in report
