"""kg explain: the entities a name resolves to, every surface form and article, and the rules that joined them.

The two articles are written for these tests (invented county, union, people and town): they report one
donation in different words (1.6万元 and 16000元), each writes the county union as 县总工会 and the sick
workers as 患病职工 (the built-in group table folds them into 大病职工).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import build_files
from kg.cli import app
from kg.explain import NameNotFound, explain, format_explanation
from kg.graphio import read_graph
from kg.store import open_store

ARTICLES = {
    "a": "石岭县总工会开展送温暖活动\n\n1月10日，石岭县总工会党组书记、主席李春明带队来到东坡镇，走访慰问了8名患病职工，"
         "为他们送去慰问金1.6万元。\n县总工会副主席王丽华参加慰问。\n",
    "b": "石岭县总工会看望患病职工\n\n2024年1月10日，石岭县总工会主席李春明一行到东坡镇，看望慰问8名患病职工，"
         "共发放慰问金16000元。\n县总工会表示，将持续关心职工生活。\n",
}
UNION = "https://w3id.org/kg-news/id/org/石岭县/石岭县总工会"


def write(folder: Path, texts: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in texts.items():
        p = folder / f"{name}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("explain")
    out = tmp / "g.trig"
    report = build_files(write(tmp / "in", ARTICLES), out, store=tmp / "store")
    assert report.built == 2 and not report.problems
    return out, tmp / "store"


@pytest.fixture(scope="module")
def graph(built):
    return read_graph(built[0])


def test_abbreviation_resolves_to_the_county_union_with_its_rule_and_articles(graph):
    [union] = explain("县总工会", graph)
    assert union.iri == UNION and union.label == "石岭县总工会" and union.kind == "org"
    assert union.matched_as == "surface form"
    assert union.articles == ["a.txt", "b.txt"]
    [form] = union.surfaces
    assert form.text == "县总工会" and form.sources == ["a.txt", "b.txt"]
    assert form.rules == [("abbreviation", "a.txt"), ("abbreviation", "b.txt")]
    assert union.joined_by == "same name in the same region (石岭县)"
    text = format_explanation("县总工会", [union])
    assert "abbreviation expanded by the article's region (石岭县): a.txt, b.txt" in text


def test_label_of_a_person_in_two_articles_is_joined_by_same_name_in_region(graph):
    [person] = explain("李春明", graph)
    assert person.kind == "person" and person.matched_as == "label"
    assert person.articles == ["a.txt", "b.txt"] and person.surfaces == []
    assert person.joined_by == "same name in the same region (石岭县)"


def test_group_folded_by_the_built_in_table_says_so(graph):
    [group] = explain("患病职工", graph)
    assert group.label == "大病职工" and group.kind == "group"
    [form] = group.surfaces
    assert form.text == "患病职工" and {r for r, _ in form.rules} == {"group lexicon"}
    assert group.joined_by.startswith("same name")


def test_the_same_activity_reported_twice_is_shown_with_both_reports(graph):
    [union] = explain("石岭县总工会", graph)
    [activity] = union.activities
    assert [src for src, _ in activity.reports] == ["a.txt", "b.txt"]
    assert "amount" in activity.rule and "date" in activity.rule
    assert "same activity reported 2 times" in format_explanation("石岭县总工会", [union])


def test_a_name_found_once_has_no_joining_rule(graph):
    [person] = explain("王丽华", graph)
    assert person.articles == ["a.txt"] and person.joined_by is None


@pytest.mark.parametrize("name", ["无此人", "县总", '" } ; DROP ALL #', "石岭县总工会\" . ?s ?p ?o"])
def test_unknown_or_hostile_names_resolve_to_nothing(graph, name):
    before = len(graph)
    with pytest.raises(NameNotFound, match="resolves to no entity"):
        explain(name, graph)
    assert len(graph) == before


def test_cli_store_and_graph_file_agree_and_unknown_name_exits_1(built):
    out, store = built
    runner = CliRunner()
    from_file = runner.invoke(app, ["explain", "县总工会", "--graph", str(out)])
    from_store = runner.invoke(app, ["explain", "县总工会", "--store", str(store)])
    assert from_file.exit_code == 0 and from_store.exit_code == 0, from_file.output + from_store.output
    assert from_file.stdout == from_store.stdout
    assert "石岭县总工会 (organization)" in from_file.stdout
    as_json = runner.invoke(app, ["explain", "县总工会", "--graph", str(out), "--json"])
    [entity] = json.loads(as_json.stdout)
    assert entity["entity"] == UNION and entity["surface_forms"][0]["rules"][0]["rule"] == "abbreviation"
    missing = runner.invoke(app, ["explain", "无此人", "--graph", str(out)])
    assert missing.exit_code == 1
    assert "Error: '无此人' resolves to no entity" in missing.stderr and "Traceback" not in missing.output


def test_cli_missing_store_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["explain", "县总工会", "--store", str(tmp_path / "nothing")])
    assert result.exit_code == 1 and result.stderr.startswith("Error:") and "Traceback" not in result.output


def test_store_and_file_hold_name_resolutions_for_each_article(built):
    out, store = built
    s = open_store(store, read_only=True, create=False)
    n = sum(1 for _ in s.quads_for_pattern(None, None, None, None))
    assert n > 0
    [union] = explain("县总工会", s)
    assert union.surfaces[0].sources == ["a.txt", "b.txt"]
