"""kg stats on the bundled example: exact counts by type, the top official and organization, exports.

The pinned numbers are what the pipeline extracts from examples/daxing_songwennuan.txt; when
extraction changes on purpose, update EXPECTED_COUNTS (the SPARQL cross-check says whether
kg stats itself is still right).
"""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg import analyze
from kg.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"

EXPECTED_COUNTS = {
    "kgo:AidDelivery": 17,
    "kgo:Article": 1,
    "kgo:Association": 1,
    "kgo:BeneficiaryGroup": 22,
    "kgo:Donation": 2,
    "kgo:Event": 31,
    "kgo:Fundraising": 1,
    "kgo:Goods": 11,
    "kgo:GovernmentBody": 3,
    "kgo:MedicalInstitution": 5,
    "kgo:Organization": 21,
    "kgo:PartyOrganization": 2,
    "kgo:PeoplesCongress": 1,
    "kgo:Person": 13,
    "kgo:Place": 9,
    "kgo:PoliticalConsultativeBody": 1,
    "kgo:TradeUnion": 7,
    "kgo:Visit": 20,
    "org:Membership": 20,
    "schema:MonetaryAmount": 4,
}


@pytest.fixture(scope="module")
def example_graph(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("stats") / "daxing.ttl"
    r = CliRunner().invoke(app, ["build", str(EXAMPLE), "-o", str(out), "--no-store"])
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="module")
def stats_json(example_graph) -> dict:
    r = CliRunner().invoke(app, ["stats", str(example_graph), "--json", "--top", "5"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_counts_by_type_are_exact(stats_json):
    assert stats_json["counts"] == EXPECTED_COUNTS


def test_counts_agree_with_sparql(example_graph, stats_json):
    g = analyze.load_graph(example_graph)
    for short, n in stats_json["counts"].items():
        prefix, local = short.split(":")
        ns = {"kgo": "https://w3id.org/kg-news/ontology#", "org": "http://www.w3.org/ns/org#", "schema": "https://schema.org/"}[prefix]
        rows = list(g.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{ns}{local}> }}"))
        assert int(rows[0][0]) == n, short
    assert stats_json["triples"] == len(g)


def test_top_official_and_organization(example_graph, stats_json):
    g = analyze.load_graph(example_graph)

    def events_of(iri: str, roles: str) -> int:
        q = f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a kgo:Event . VALUES ?r {{ {roles} }} ?e ?r <{iri}> }}"
        return int(next(iter(g.query(q, initNs={"kgo": "https://w3id.org/kg-news/ontology#"})))[0])

    top = stats_json["top_officials"]
    assert top[0]["label"] == "牛玉俊" and "大兴区总工会 党组副书记" in top[0]["posts"]
    assert "郭金江" in [r["label"] for r in top[:3]]
    for r in top:  # degree in the event view = events the official took part in
        assert r["degree"] == events_of(r["iri"], "kgo:agent"), r["label"]
    assert [r["degree"] for r in top] == sorted((r["degree"] for r in top), reverse=True)
    org = stats_json["top_organizations"][0]
    assert (org["label"], org["type"]) == ("大兴区总工会", "TradeUnion")
    for r in stats_json["top_organizations"]:
        assert r["degree"] == events_of(r["iri"], "kgo:organizer kgo:site"), r["label"]
    assert org["degree"] > 2 * stats_json["top_organizations"][1]["degree"]
    assert org["betweenness"] == max(r["betweenness"] for r in stats_json["top_organizations"])


def test_components_and_communities(stats_json):
    comp = stats_json["components"]
    assert comp["count"] == 1 and comp["sizes"] == [stats_json["view"]["nodes"]]
    assert stats_json["community_count"] >= 2
    assert sum(c["size"] for c in stats_json["communities"]) <= stats_json["view"]["nodes"]


def test_stats_are_deterministic(example_graph, stats_json):
    r = CliRunner().invoke(app, ["stats", str(example_graph), "--json", "--top", "5"])
    assert json.loads(r.stdout) == stats_json


def test_text_output_and_exports(example_graph, tmp_path, stats_json):
    gml, gexf = tmp_path / "g.graphml", tmp_path / "g.gexf"
    r = CliRunner().invoke(app, ["stats", str(example_graph), "--graphml", str(gml), "--gexf", str(gexf)])
    assert r.exit_code == 0, r.output
    assert "牛玉俊" in r.stdout and "kgo:Person" in r.stdout and "connected components: 1" in r.stdout
    for G in (nx.read_graphml(gml), nx.read_gexf(gexf)):
        assert G.number_of_nodes() == stats_json["view"]["nodes"]
        assert G.number_of_edges() == stats_json["view"]["edges"]
        labels = {a.get("label") for _, a in G.nodes(data=True)}
        assert "郭金江" in labels and "大兴区" in labels


def test_stats_errors(tmp_path):
    r = CliRunner().invoke(app, ["stats", str(tmp_path / "nope.ttl")])
    assert r.exit_code == 1 and "nope.ttl" in r.output
    r = CliRunner().invoke(app, ["stats", str(tmp_path / "nope.ttl"), "--graphml", str(tmp_path / "x.txt")])
    assert r.exit_code == 1
