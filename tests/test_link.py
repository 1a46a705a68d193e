"""One donation, several reports (kg/link.py): events of different articles that report one activity.

The articles are written for these tests in the genre of the dev corpus, with invented people,
organizations and villages (临江县总工会, 张建国, 西山村, 青石镇).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import build_files
from kg.cli import app
from kg.graphio import read_graph
from kg.link import Report, agree, find_activities
from kg.query import run_query
from kg.store import open_store, remove_articles

HEAD = "临江县总工会开展春节送温暖活动\n\n"
ARTICLES = {
    # the donation as the union's site tells it: 3.2万元, no year
    "union_site": HEAD + "1月20日，临江县总工会党组书记、主席张建国带队来到东湖镇西山村，走访慰问了12名困难职工，"
                  "为他们送去慰问金3.2万元。\n张建国详细了解职工们的生活情况，鼓励他们树立信心。\n",
    # the same donation in the county paper: 32000元, with the year, the village without its town
    "county_paper": "临江县总工会走访慰问困难职工\n\n2024年1月20日，临江县总工会主席张建国一行到西山村，"
                    "看望慰问12名困难职工，共发放慰问金32000元。\n",
    # a third report a day later, by the village, without the official
    "village_site": "西山村迎来送温暖\n\n1月21日，临江县总工会在西山村开展送温暖活动，为12名困难职工送去慰问金3.2万元。\n",
    # another donation by the same organizer: another date, another group and place
    "other_donation": "临江县总工会慰问环卫工人\n\n1月25日，临江县总工会主席张建国来到青石镇，慰问了30名环卫工人，"
                      "送去慰问金9000元和大米30袋。\n",
}


def _variant(body: str) -> str:
    return "临江县总工会慰问困难职工\n\n" + body + "\n"


# Reports that differ from union_site in one thing each, so they must stay apart.
NON_JOINS = {
    "amount": _variant("2024年1月20日，临江县总工会主席张建国一行到西山村，看望慰问12名困难职工，共发放慰问金30000元。"),
    "date": _variant("1月28日，临江县总工会主席张建国一行到西山村，看望慰问12名困难职工，共发放慰问金32000元。"),
    "group": _variant("1月20日，临江县总工会主席张建国一行到西山村，看望慰问12名老党员，共发放慰问金32000元。"),
    "count": _variant("1月20日，临江县总工会主席张建国一行到西山村，看望慰问20名困难职工，共发放慰问金32000元。"),
    "place": _variant("1月20日，临江县总工会主席张建国一行到青石镇，看望慰问12名困难职工，共发放慰问金32000元。"),
}


def write(folder: Path, names, texts=ARTICLES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        p = folder / f"{name}.txt"
        p.write_text(texts[name], encoding="utf-8")
        paths.append(p)
    return paths


def rows(name, graph: Path) -> list[str]:
    result = run_query(name, graph_file=graph)
    return [" | ".join("" if t is None else t.value for t in row) for row in result.rows]


def activities_of(graph: Path):
    return find_activities(read_graph(graph))


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("link")
    out = tmp / "g.trig"
    report = build_files(write(tmp / "in", ["union_site", "county_paper", "other_donation"]), out)
    assert report.built == 3 and not report.problems
    return out


def test_two_reports_in_different_words_are_one_activity(linked):
    acts = activities_of(linked)
    assert len(acts) == 1
    (act,) = acts
    assert len(act.events) == 2 and len(act.articles) == 2
    assert act.rule == "actor group count amount date place"
    sources = sorted(r.split(" | ")[3] for r in rows("activities", linked))
    assert sources == ["county_paper.txt", "union_site.txt"]


def test_money_by_organizer_counts_the_activity_once(linked):
    # 32000 once (not 64000) plus the other donation's 9000; 2 activities behind 3 reports
    assert rows("money_by_organizer", linked) == ["临江县总工会 | 2 | 3 | 41000 | 0 | 0 | 0 | 0 | 0"]


def test_money_by_group_counts_the_activity_once(linked):
    assert rows("money_by_group", linked) == [
        "困难职工 | 1 | 2 | 32000 | 0 | 0 | 0 | 0 | 0",
        "环卫工人 | 1 | 1 | 9000 | 0 | 0 | 0 | 0 | 0",
    ]


def test_people_and_categories_count_the_activity_once(linked):
    assert rows("people_helped", linked) == ["环卫工人 | 30 | 1", "困难职工 | 12 | 1"]
    assert "职工 | 1 | 1 | 32000 | 12" in rows("money_by_category", linked)


def test_each_article_keeps_its_own_event(linked):
    store = read_graph(linked)
    events = run_query("SELECT ?e WHERE { ?e a kgo:Event }", store=store).rows
    assert len(events) == 3  # nothing merged away: the activity is a node beside them


@pytest.mark.parametrize("kind", sorted(NON_JOINS))
def test_reports_that_differ_stay_apart(tmp_path, kind):
    texts = dict(ARTICLES, other=NON_JOINS[kind])
    out = tmp_path / "g.ttl"
    build_files(write(tmp_path / "in", ["union_site", "other"], texts), out)
    assert activities_of(out) == [], f"joined although the {kind} differs"
    assert rows("money_by_organizer", out)[0].split(" | ")[3] == str(32000 + (30000 if kind == "amount" else 32000))


def test_an_undated_report_joins_when_all_else_agrees(tmp_path):
    texts = dict(ARTICLES, undated=_variant("近日，临江县总工会主席张建国一行到西山村，看望慰问12名困难职工，共发放慰问金32000元。"))
    out = tmp_path / "g.ttl"
    build_files(write(tmp_path / "in", ["union_site", "undated"], texts), out)
    (act,) = activities_of(out)
    assert "date" not in act.rule.split()


def test_the_result_does_not_depend_on_the_order_of_the_articles(tmp_path):
    names = ["union_site", "county_paper", "village_site", "other_donation"]
    paths = write(tmp_path / "in", names)
    a, b = tmp_path / "a.trig", tmp_path / "b.trig"
    build_files(paths, a)
    build_files(list(reversed(paths)), b, jobs=2)
    assert a.read_bytes() == b.read_bytes()
    (act,) = activities_of(a)
    assert len(act.events) == 3


def test_linked_graph_conforms_to_the_shapes(linked):
    from kg.graphio import to_rdflib
    from kg.validate import validate

    conforms, text = validate(to_rdflib(read_graph(linked)))
    assert conforms, text


def test_the_store_updates_links_when_articles_come_and_go(tmp_path):
    paths = dict(zip(ARTICLES, write(tmp_path / "in", list(ARTICLES))))
    store_dir = tmp_path / "store"

    def build(*names):
        r = build_files([paths[n] for n in names], tmp_path / "out.ttl", store=store_dir)
        assert not r.problems
        return r.store

    def stored_activities():
        store = open_store(store_dir)
        try:
            result = run_query("activities", store=store)
            return {row[0].value: sorted(r[3].value for r in result.rows if r[0] == row[0]) for row in result.rows}
        finally:
            del store

    build("union_site", "other_donation")
    assert stored_activities() == {}
    report = build("county_paper")  # the second report joins
    assert report.activities == 1
    assert list(stored_activities().values()) == [["county_paper.txt", "union_site.txt"]]
    build("village_site")  # the third report joins the same activity
    assert list(stored_activities().values()) == [["county_paper.txt", "union_site.txt", "village_site.txt"]]
    store = open_store(store_dir)
    assert run_query("money_by_organizer", store=store).rows[0][3].value == "41000"
    remove_articles(store, ["union_site"])
    del store
    assert list(stored_activities().values()) == [["county_paper.txt", "village_site.txt"]]
    store = open_store(store_dir)
    remove_articles(store, ["county_paper"])
    # one report left: no activity, and no link triple left in the union or the links graph
    assert run_query("SELECT (COUNT(*) AS ?n) WHERE { { ?e kgo:reports ?a } UNION { GRAPH ?g { ?e kgo:reports ?a } } }",
                     store=store).rows[0][0].value == "0"
    del store


def test_kg_build_writes_the_links_and_says_so(tmp_path):
    paths = write(tmp_path / "in", ["union_site", "county_paper"])
    out = tmp_path / "g.nq"
    r = CliRunner().invoke(app, ["build", *map(str, paths), "-o", str(out), "--store", str(tmp_path / "store")])
    assert r.exit_code == 0, r.output
    assert "1 activities reported by several articles" in r.output
    assert "<https://w3id.org/kg-news/id/links> ." in out.read_text(encoding="utf-8")


ROW = dict(actors={"org"}, groups={"g"}, counts={"g": 12}, money={"32000"})


@pytest.mark.parametrize(
    "change,joins",
    [
        ({}, True),
        ({"article": "A"}, False),                    # two events of one article are never one activity
        ({"actors": {"other"}}, False),
        ({"groups": {"h"}, "counts": {}}, False),
        ({"money": {"32000", "5000"}}, False),        # an amount the other report lacks
        ({"money": set()}, False),                    # money on one side only
        ({"start": (None, 1, 22)}, True),             # two days apart
        ({"start": (None, 1, 23)}, False),            # three days apart
        ({"start": (2024, 1, 19), "end": (2024, 1, 22)}, True),  # a span that covers the day
        ({"start": None}, True),                      # undated on one side
        ({"places": {("临江县", "青石镇")}}, False),
        ({"places": {("临江县",)}}, True),            # the village lies in the county
    ],
)
def test_agreement_table(change, joins):
    a = Report("e1", "A", start=(None, 1, 20), places={("临江县", "东湖镇", "西山村")}, **ROW)
    b = Report("e2", "B", start=(2024, 1, 20), places={("临江县", "西山村")}, **ROW)
    for k, v in change.items():
        setattr(b, k, v)
    assert (agree(a, b) is not None) is joins
