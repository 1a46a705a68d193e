"""kg viz and the views behind it, without a browser: offline page, escaping, determinism, hubs, focus, cap, query."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from typer.testing import CliRunner

from kg import analyze
from kg.cli import app
from kg.errors import QueryError
from kg.ontology import KGO, KGR
from kg.viz import ViewTooLarge, draw, safe_json, viz_graph

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
HOSTILE = ('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'\"&amp;\u2028\u2029</textarea>")


@pytest.fixture(scope="module")
def example_graph(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("viz") / "daxing.ttl"
    result = CliRunner().invoke(app, ["build", str(EXAMPLE), "-o", str(out), "--no-store"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def example_rdf(example_graph) -> rdflib.Graph:
    return analyze.load_graph(example_graph)


def hostile_graph() -> rdflib.Graph:
    """A small graph whose every text field carries markup and script."""
    g = rdflib.Graph()
    ev, person, org, grp = KGR["article/x/event/0"], KGR["person/_/evil"], KGR["org/_/evil"], KGR["group/evil"]
    art = KGR["article/x"]
    g.add((art, RDF.type, KGO.Article))
    g.add((art, KGO.sourcePath, Literal(f"news/{HOSTILE[1]}.txt")))
    g.add((ev, RDF.type, KGO.Event))
    g.add((ev, RDF.type, KGO.Visit))
    g.add((ev, KGO.evidence, Literal(f"证据{HOSTILE[0]}{HOSTILE[1]}{HOSTILE[2]}", lang="zh")))
    g.add((ev, URIRef(str(KGO._NS) + "wasDerivedFrom"), art))
    for node, cls, label in ((person, KGO.Person, f"张{HOSTILE[0]}三"), (org, KGO.TradeUnion, f"工会{HOSTILE[1]}"),
                             (grp, KGO.BeneficiaryGroup, f"群体{HOSTILE[2]}")):
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(label, lang="zh")))
        g.add((node, SKOS.altLabel, Literal(f"别名{HOSTILE[1]}", lang="zh")))
        g.add((node, KGO.mentionedIn, art))
    g.add((org, RDF.type, KGO.Organization))
    g.add((ev, KGO.agent, person))
    g.add((ev, KGO.organizer, org))
    g.add((ev, KGO.beneficiary, grp))
    return g


def vis_js() -> str:
    import pyvis

    return (Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- offline, self-contained


def test_page_is_self_contained(example_graph):
    html = viz_graph(example_graph).generate_html()
    # no element loads anything: no src/href attributes, no <link>, no CDN names, no @import
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", html, re.I)
    assert "<link" not in html.lower()
    for cdn in ("cdn.jsdelivr", "cdnjs", "unpkg", "bootstrap", "@import"):
        assert cdn not in html
    assert "default-src 'none'" in html  # the CSP forbids requests even if something slipped in
    assert "vis.Network" in html and len(html) > 500_000  # vis-network is inlined


def test_same_view_gives_identical_bytes_across_processes(example_graph, tmp_path):
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"v{seed}.html"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-m", "kg.cli", "viz", str(example_graph), "-o", str(out), "--view", "projected"],
                       check=True, env=env, cwd=ROOT, capture_output=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    "value, forbidden",
    [
        ("</script><script>alert(1)</script>", "</script"),
        ('"><img src=x onerror=alert(1)>', "<img"),
        ("a & b", "&"),
        ("line\u2028sep\u2029para", "\u2028"),
        ("<!-- comment", "<!--"),
    ],
)
def test_safe_json_escapes_what_ends_a_script(value, forbidden):
    text = safe_json({"k": value})
    assert forbidden not in text
    assert not set("<>&\u2028\u2029") & set(text)
    import json

    assert json.loads(text) == {"k": value}


@pytest.mark.parametrize("focus_on", [None, "张"])
def test_hostile_text_never_appears_as_markup(focus_on):
    G = analyze.event_view(hostile_graph())
    for n in G:  # hub and focus labels are also written into the page's notes
        G.nodes[n]["hub"] = G.nodes[n]["kind"] == "group"
    if focus_on:
        G = analyze.focus(G, focus_on, 2)
    html = draw(G).generate_html()
    assert "枢纽节点" in html and (not focus_on or "焦点" in html)
    data = html.split('id="kg-data">', 1)[1].split("</script>", 1)[0]
    for s in HOSTILE:
        assert s not in html
    assert "<" not in data and ">" not in data and "&" not in data
    # the page's own scripts: vis-network, the JSON data block, the app; nothing else
    # (vis-network's code itself holds one "<script>" string literal)
    assert html.count("<script") == 3 + vis_js().count("<script")
    # the labels survive the round trip exactly
    labels = {a["label"] for _, a in G.nodes(data=True)}
    assert f"张{HOSTILE[0]}三" in labels


# --------------------------------------------------------------------------- views


def test_event_view_keeps_district_as_attribute(example_rdf):
    G = analyze.event_view(example_rdf)
    labels = {a["label"] for _, a in G.nodes(data=True) if a["kind"] == "place"}
    assert "大兴区" not in labels and "北京市" not in labels
    assert any("大兴区" in a["area"] for _, a in G.nodes(data=True) if a["kind"] == "event")
    full = analyze.event_view(example_rdf, area_levels=())
    assert "大兴区" in {a["label"] for _, a in full.nodes(data=True)}
    # every edge goes from an event to a role filler
    assert all(G.nodes[u]["kind"] == "event" and G.nodes[v]["kind"] != "event" for u, v in G.edges())


def test_projected_view_edges(example_rdf):
    P = analyze.projected_view(example_rdf)
    rels = {(P.nodes[u]["label"], P.nodes[v]["label"], a["rel"]) for u, v, a in P.edges(data=True)}
    assert ("郭金江", "大兴区总工会", "post") in rels
    assert ("郭金江", "大病职工", "visit") in rels
    funds = {(P.nodes[u]["label"], P.nodes[v]["label"]): a for u, v, a in P.edges(data=True) if a["rel"] == "fund"}
    assert funds[("瀛海镇总工会", "大病职工")]["amount"] >= 51000  # 51000元 to 15 大病职工
    assert {a["kind"] for _, a in P.nodes(data=True)} <= {"person", "organization", "place", "group"}


def test_hubs_are_flagged_and_left_out_of_the_layout():
    g = rdflib.Graph()
    hub = KGR["group/困难职工"]
    g.add((hub, RDF.type, KGO.BeneficiaryGroup))
    g.add((hub, RDFS.label, Literal("困难职工", lang="zh")))
    for i in range(60):
        ev, org = KGR[f"article/a/event/{i}"], KGR[f"org/_/工会{i}"]
        g.add((ev, RDF.type, KGO.Event))
        g.add((ev, KGO.beneficiary, hub))
        g.add((ev, KGO.organizer, org))
        g.add((org, RDF.type, KGO.Organization))
        g.add((org, RDFS.label, Literal(f"工会{i}", lang="zh")))
    G = analyze.event_view(g)
    assert [a["label"] for _, a in G.nodes(data=True) if a["hub"]] == ["困难职工"]
    net = draw(G)
    hub_edges = [e for e in net.edges if e["hub"]]
    assert len(hub_edges) == 60 and all(e["hidden"] for e in hub_edges)
    assert net.hub_edges == 60
    # without the hub the 60 event-org pairs are separate: the layout must not pull them into one ball
    xs = [n["x"] for n in net.nodes if not n["hub"]]
    assert max(xs) - min(xs) > 500


def test_focus_and_depth(example_rdf):
    G = analyze.event_view(example_rdf)
    F = analyze.focus(G, "郭金江", 1)
    person = F.graph["focus"]
    assert G.nodes[person]["label"] == "郭金江"
    assert set(F) == {person} | set(G.predecessors(person))
    assert analyze.focus(G, "郭金江", 2).number_of_nodes() > F.number_of_nodes()
    with pytest.raises(analyze.ViewError, match="no node called"):
        analyze.focus(G, "不存在的人", 1)
    with pytest.raises(analyze.ViewError, match="matches"):
        analyze.focus(G, "大兴", 1)


def test_node_cap_message_says_how_to_narrow(example_rdf):
    G = analyze.event_view(example_rdf)
    with pytest.raises(ViewTooLarge) as e:
        draw(G, max_nodes=5)
    msg = str(e.value)
    for hint in ("--focus", "--query", "--type", "--max-nodes", f"{G.number_of_nodes()} nodes"):
        assert hint in msg


def test_type_filter(example_rdf):
    G = analyze.filter_types(analyze.event_view(example_rdf), ["person"])
    kinds = {a["kind"] for _, a in G.nodes(data=True)}
    assert kinds == {"person", "event"}
    with pytest.raises(analyze.ViewError, match="unknown type"):
        analyze.filter_types(G, ["people"])


def test_query_view_select_pairs_and_construct(example_rdf, tmp_path):
    Q = analyze.query_view(example_rdf, "SELECT ?p ?o WHERE { ?e kgo:agent ?p ; kgo:organizer ?o }")
    assert {Q.nodes[n]["kind"] for n in Q} == {"person", "organization"}
    assert all(Q.nodes[u]["kind"] == "person" for u, _ in Q.edges())
    rq = tmp_path / "q.rq"
    rq.write_text("CONSTRUCT { ?m org:member ?p } WHERE { ?m org:member ?p }", encoding="utf-8")
    C = analyze.query_view(example_rdf, str(rq))
    assert C.number_of_edges() == len(set(example_rdf.subject_objects(URIRef("http://www.w3.org/ns/org#member"))))
    # a named query from queries/ that returns labels, not IRIs: the labels are looked up as entities
    N = analyze.query_view(example_rdf, "officials_together")
    assert "郭金江" in {a["label"] for _, a in N.nodes(data=True) if a["kind"] == "person"}
    with pytest.raises(QueryError):
        analyze.query_view(example_rdf, "ASK { ?s ?p ?o }")
    with pytest.raises(QueryError):
        analyze.query_view(example_rdf, "SELEC nonsense")


def test_query_view_draws_entities_never_dates_or_amounts(example_rdf):
    # dates and amounts with no entity: nothing to draw, and the message says what can be drawn
    amounts = "PREFIX schema: <https://schema.org/> SELECT ?a ?v WHERE { ?e kgo:amount ?m . ?m schema:value ?a ; ?p ?v . FILTER(isLiteral(?v)) }"
    assert len(list(example_rdf.query(amounts))) > 0  # rows there are, but no entity in them
    with pytest.raises(QueryError, match="rows name two entities.*dates, amounts"):
        analyze.query_view(example_rdf, amounts)
    # a timeline of labels: the officials and organizations are nodes, their dates only label the edges
    T = analyze.query_view(
        example_rdf,
        "SELECT ?d ?pn ?on WHERE { ?e kgo:date|kgo:startDate ?d ; kgo:agent ?p ; kgo:organizer ?o . "
        "?p rdfs:label ?pn . ?o rdfs:label ?on }",
    )
    assert T.number_of_edges() > 0
    assert {T.nodes[n]["kind"] for n in T} <= {"person", "organization"}
    assert not [a["label"] for _, a in T.nodes(data=True) if a["label"][:1].isdigit() or a["label"].startswith("-")]


# --------------------------------------------------------------------------- CLI


def test_cli_viz_writes_page_and_reports_errors(example_graph, tmp_path):
    runner = CliRunner()
    out = tmp_path / "p.html"
    r = runner.invoke(app, ["viz", str(example_graph), "-o", str(out), "--focus", "郭金江", "--depth", "1"])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = runner.invoke(app, ["viz", str(example_graph), "-o", str(out), "--max-nodes", "3"])
    assert r.exit_code == 1 and "Error: the events view has" in r.output and "--focus" in r.output
    r = runner.invoke(app, ["viz", str(example_graph), "-o", str(tmp_path / "p.png")])
    assert r.exit_code == 1 and ".html" in r.output
    r = runner.invoke(app, ["viz", str(example_graph), "-o", str(out), "--view", "nope"])
    assert r.exit_code == 1 and "unknown view" in r.output
    r = runner.invoke(app, ["viz", str(tmp_path / "missing.ttl"), "-o", str(out)])
    assert r.exit_code == 1 and "missing.ttl" in r.output


def test_reads_the_store_like_a_file(example_graph, example_rdf, tmp_path, monkeypatch):
    from rdflib.namespace import RDF as _RDF

    from kg.store import ArticleGraph, open_store, update_articles

    art = next(iter(example_rdf.subjects(_RDF.type, KGO.Article)))
    store = open_store(tmp_path / "output" / "store")
    update_articles(store, [ArticleGraph(str(art), str(example_rdf.value(art, KGO.contentHash)),
                                         str(example_rdf.value(art, KGO.sourcePath)), example_rdf)])
    del store
    from_store = viz_graph(tmp_path / "output" / "store")
    from_file = viz_graph(example_graph)
    assert [n["id"] for n in from_store.nodes] == [n["id"] for n in from_file.nodes]
    assert from_store.generate_html() == from_file.generate_html()
    # with no GRAPH, kg viz and kg stats read the default store output/store
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["viz", "-o", "default.html"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "default.html").read_text(encoding="utf-8") == from_file.generate_html()
    r = CliRunner().invoke(app, ["stats", "--json"])
    assert r.exit_code == 0, r.output


def test_cli_type_filter_and_cap_default(example_graph, tmp_path):
    import inspect

    from kg import viz as kviz
    from kg.cli import viz as viz_command

    assert inspect.signature(viz_command).parameters["max_nodes"].default.default == kviz.DEFAULT_MAX_NODES
    out = tmp_path / "t.html"
    r = CliRunner().invoke(app, ["viz", str(example_graph), "-o", str(out), "--view", "projected", "--type", "person,group"])
    assert r.exit_code == 0, r.output
    data = out.read_text(encoding="utf-8").split('id="kg-data">', 1)[1].split("</script>", 1)[0]
    import json

    kinds = {n["kind"] for n in json.loads(data)["nodes"]}
    assert kinds == {"person", "group"}
    r = CliRunner().invoke(app, ["viz", str(example_graph), "-o", str(out), "--type", "persons"])
    assert r.exit_code == 1 and "unknown type persons" in r.output
