"""kg build --aliases FILE: a user's alias table, applied after the built-in lexicons and rules.

The articles are written for these tests with invented counties, unions, people and towns (石岭县, 望川县,
李春明, 东坡镇). Built in, 县总工会 in an article about 石岭县 expands to 石岭县总工会, and 患病职工 and
重病职工 are folded into 大病职工 (kg/data/groups.tsv); the alias table overrides both, forces a split,
and merges an OCR variant of a person's name.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.aliases import AliasTable, load_aliases, parse_aliases
from kg.build import build_files
from kg.cli import app
from kg.errors import InputError
from kg.explain import explain, format_explanation
from kg.graphio import read_graph
from kg.query import run_query
from kg.store import open_store

ARTICLES = {
    "shiling": "石岭县总工会开展送温暖活动\n\n1月10日，县总工会主席李春明带队来到东坡镇，走访慰问了8名患病职工，"
               "为他们送去慰问金1.6万元。\n随后，慰问组看望了5名重病职工，送去慰问金5000元。\n",
    "shiling_paper": "石岭县总工会看望困难职工\n\n1月12日，石岭县总工会主席李春鸣到青石镇，看望慰问6名困难职工，"
                     "共发放慰问金6000元。\n",
    "wangchuan": "望川县总工会开展送温暖活动\n\n1月15日，县总工会主席赵文军来到南湖镇，走访慰问了9名患病职工，"
                 "送去慰问金9000元。\n",
}

ALIASES = (
    "# kg-news alias table: surface, canonical (or ! to keep apart), type, optional region\n"
    "surface\tcanonical\ttype\tregion\n"
    "县总工会\t石岭县职工服务联合会\torg\t石岭县\n"
    "患病职工\t!\tgroup\n"
    "李春明\t李春鸣\tperson\n"
)


def write(folder: Path, texts: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in texts.items():
        p = folder / f"{name}.txt"
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


def labels(graph, query: str) -> list[str]:
    return sorted(row[0].value for row in run_query(query, store=graph).rows)


ORG_LABELS = "SELECT ?l WHERE { ?o a kgo:Organization ; rdfs:label ?l }"
GROUPS_HELPED = "SELECT DISTINCT ?l WHERE { ?e kgo:beneficiary ?g . ?g rdfs:label ?l }"
PEOPLE = "SELECT ?l WHERE { ?p a kgo:Person ; rdfs:label ?l }"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("aliases")
    paths = write(tmp / "in", ARTICLES)
    table = tmp / "aliases.tsv"
    table.write_text(ALIASES, encoding="utf-8")
    plain, aliased = tmp / "plain.trig", tmp / "aliased.trig"
    assert not build_files(paths, plain).problems
    assert not build_files(paths, aliased, aliases=table).problems
    return tmp, paths, table, read_graph(plain), read_graph(aliased)


def test_without_the_table_the_built_in_rules_expand_and_fold(built):
    *_, plain, _ = built
    assert {"石岭县总工会", "望川县总工会"} <= set(labels(plain, ORG_LABELS))
    assert set(labels(plain, GROUPS_HELPED)) == {"大病职工", "困难职工"}
    assert {"李春明", "李春鸣"} <= set(labels(plain, PEOPLE))


def test_alias_overrides_an_org_abbreviation_in_its_region_only(built):
    *_, aliased = built
    orgs = set(labels(aliased, ORG_LABELS))
    assert "石岭县职工服务联合会" in orgs
    assert "望川县总工会" in orgs  # the row is scoped to 石岭县: 望川县's 县总工会 still expands
    [union] = [e for e in explain("县总工会", aliased) if e.label == "石岭县职工服务联合会"]
    [form] = union.surfaces
    assert form.rules == [("alias table", "shiling.txt")]
    organizers = run_query("SELECT DISTINCT ?l WHERE { ?e kgo:organizer ?o . ?o rdfs:label ?l . "
                           "?e prov:wasDerivedFrom ?a . ?a kgo:sourcePath 'shiling.txt' }", store=aliased).rows
    assert [r[0].value for r in organizers] == ["石岭县职工服务联合会"]


def test_alias_forces_a_split_of_a_group_the_built_in_table_folds(built):
    *_, plain, aliased = built
    assert set(labels(aliased, GROUPS_HELPED)) == {"困难职工", "大病职工", "患病职工"}
    [sick] = explain("患病职工", aliased)
    assert sick.label == "患病职工" and sick.matched_as == "label"
    assert sick.articles == ["shiling.txt", "wangchuan.txt"]
    [folded] = explain("重病职工", aliased)
    assert folded.label == "大病职工"  # the rows not named keep the built-in fold
    def money(graph):
        return {r[0].value: r[3].value for r in run_query("money_by_group", store=graph).rows}  # group -> total_yuan

    assert money(plain) == {"大病职工": "30000", "困难职工": "6000"}
    assert money(aliased) == {"患病职工": "25000", "大病职工": "5000", "困难职工": "6000"}


def test_alias_merges_a_variant_of_a_person_name_across_articles(built):
    *_, plain, aliased = built
    assert "李春明" not in labels(aliased, PEOPLE)
    [person] = explain("李春明", aliased)
    assert person.label == "李春鸣" and person.articles == ["shiling.txt", "shiling_paper.txt"]
    assert person.surfaces[0].rules == [("alias table", "shiling.txt")]
    assert person.joined_by == "same name in the same region (石岭县)"
    assert len(explain("李春明", plain)) == 1 and explain("李春明", plain)[0].label == "李春明"


def test_build_with_aliases_is_deterministic_for_any_jobs(built, tmp_path):
    _, paths, table, *_ = built
    one, two, again = tmp_path / "1.nq", tmp_path / "2.nq", tmp_path / "again.nq"
    build_files(paths, one, aliases=table)
    build_files(paths, two, aliases=table, jobs=2)
    build_files(paths, again, aliases=load_aliases(table))
    assert one.read_bytes() == two.read_bytes() == again.read_bytes()


def test_store_replaces_articles_when_the_alias_table_changes(built, tmp_path):
    _, paths, table, *_ = built
    store = tmp_path / "store"
    build_files(paths, tmp_path / "a.ttl", store=store)
    report = build_files(paths, tmp_path / "b.ttl", store=store, aliases=table)
    assert sorted(report.store.replaced) == ["shiling.txt", "wangchuan.txt"]
    assert report.store.unchanged == ["shiling_paper.txt"]
    s = open_store(store, read_only=True, create=False)
    assert "患病职工" in labels(s, GROUPS_HELPED)


# --------------------------------------------------------------------------- the file


def test_parse_reads_header_comments_scope_and_split():
    table = parse_aliases(ALIASES + "\n# a comment\n东坡镇\t东坡乡\tplace\t\n", "x.tsv")
    rows = [(r.surface, r.canonical, r.kind, r.region, r.line) for r in table.rows]
    assert rows == [("县总工会", "石岭县职工服务联合会", "org", "石岭县", 3), ("患病职工", None, "group", None, 4),
                    ("李春明", "李春鸣", "person", None, 5), ("东坡镇", "东坡乡", "place", None, 8)]
    assert table.lookup("org", "县总工会", "望川县总工会", {"望川县"}) is None
    assert table.lookup("org", "县总工会", "石岭县总工会", {"石岭县"}).canonical == "石岭县职工服务联合会"
    assert table.lookup("group", "重病职工", "患病职工", set()).split  # matched by the built-in name too
    assert isinstance(table, AliasTable) and parse_aliases("# only comments\n").rows == ()


@pytest.mark.parametrize("text,problem", [
    ("患病职工\t!\n", "x.tsv:1: expected 3 or 4 tab-separated fields"),
    ("a\tb\tgroup\tr\textra\n", "x.tsv:1: expected 3 or 4 tab-separated fields"),
    ("# c\n患病职工 ! group\n", "x.tsv:2: expected 3 or 4"),
    ("患病职工\t\tgroup\n", "x.tsv:1: the canonical name is empty"),
    ("\t大病职工\tgroup\n", "x.tsv:1: the surface form is empty"),
    ("县总工会\t某会\tcompany\n", "x.tsv:1: unknown type 'company' (types: person, org, place, group)"),
    ("患病职工\t!大病职工\tgroup\n", "x.tsv:1: '!大病职工': ! stands alone"),
    ("患病职工\t患病职工\tgroup\n", "x.tsv:1: 患病职工 maps to itself"),
    ("县总工会\tA会\torg\n#\n县总工会\tB会\torg\n", "x.tsv:3: 县总工会 (org) is already given on line 1 as A会"),
])
def test_bad_rows_name_the_file_line_and_problem(text, problem):
    with pytest.raises(InputError) as e:
        parse_aliases(text, "x.tsv")
    assert str(e.value).startswith(problem), str(e.value)


def test_the_same_row_twice_and_scoped_variants_are_allowed():
    table = parse_aliases("县总工会\tA会\torg\n县总工会\tA会\torg\n县总工会\tB会\torg\t望川县\n", "x.tsv")
    assert len(table.rows) == 2
    assert table.lookup("org", "县总工会", None, {"望川县"}).canonical == "B会"
    assert table.lookup("org", "县总工会", None, {"石岭县"}).canonical == "A会"


def test_cli_bad_alias_file_fails_before_anything_is_written(built, tmp_path):
    _, paths, *_ = built
    bad = tmp_path / "bad.tsv"
    bad.write_text("# surface\tcanonical\ttype\n患病职工\t!\tgroup\n县总工会\t某会\tcompany\n", encoding="utf-8")
    out = tmp_path / "g.ttl"
    runner = CliRunner()
    result = runner.invoke(app, ["build", *map(str, paths), "-o", str(out), "--no-store", "--aliases", str(bad)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"Error: {bad}:3: unknown type 'company'" in result.stderr
    assert not out.exists()
    missing = runner.invoke(app, ["build", *map(str, paths), "-o", str(out), "--no-store",
                                  "--aliases", str(tmp_path / "none.tsv")])
    assert missing.exit_code == 1 and "cannot read the alias table" in missing.stderr
    latin = tmp_path / "latin.tsv"
    latin.write_bytes("患病职工\t!\tgroup\n".encode("gbk"))
    result = runner.invoke(app, ["build", *map(str, paths), "-o", str(out), "--no-store", "--aliases", str(latin)])
    assert result.exit_code == 1 and "is not UTF-8" in result.stderr


def test_cli_build_with_aliases_then_explain_reports_the_alias_table(built, tmp_path):
    _, paths, table, *_ = built
    out = tmp_path / "g.ttl"
    runner = CliRunner()
    result = runner.invoke(app, ["build", *map(str, paths), "-o", str(out), "--no-store", "--aliases", str(table)])
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["explain", "李春明", "--graph", str(out)])
    assert shown.exit_code == 0 and "alias table (kg build --aliases): shiling.txt" in shown.stdout


def test_place_row_renames_the_place_of_the_event_and_org_split_keeps_the_abbreviation(built, tmp_path):
    _, paths, *_ = built
    table = tmp_path / "more.tsv"
    table.write_text("东坡镇\t东坡乡\tplace\n县总工会\t!\torg\t石岭县\n", encoding="utf-8")
    out = tmp_path / "g.ttl"
    assert not build_files(paths[:1], out, aliases=table).problems
    g = read_graph(out)
    places = run_query("SELECT DISTINCT ?l WHERE { ?e kgo:place ?p . ?p rdfs:label ?l }", store=g).rows
    assert [r[0].value for r in places] == ["东坡乡"]
    [place] = explain("东坡镇", g)
    assert place.label == "东坡乡" and place.surfaces[0].rules == [("alias table", "shiling.txt")]
    orgs = set(labels(g, ORG_LABELS))
    assert "县总工会" in orgs and "石岭县总工会" in orgs  # written in full it is still the county union
    [kept] = explain("县总工会", g)
    assert kept.label == "县总工会" and kept.matched_as == "label"


def test_dask_partition_worker_applies_the_alias_table(built):
    from kg.build import _work
    from kg.dask_engine import _work_partition
    from kg.ingest import iter_documents

    _, paths, table, *_ = built
    aliases = load_aliases(table)
    docs = list(iter_documents(paths[:1]))
    [r] = _work_partition(docs, aliases)
    assert r == _work(docs[0], aliases) and r != _work(docs[0])
    assert any(str(o) == "患病职工" for _, _, o in r[3])


def test_person_row_with_bang_keeps_one_name_apart_per_article(tmp_path):
    # two articles of one county, each naming a 李春明: one node without the table, one per article with it
    texts = {"east": "石岭县总工会慰问困难职工\n\n1月10日，石岭县总工会主席李春明来到东坡镇，慰问了8名困难职工。\n",
             "west": "石岭县人民医院看望老人\n\n2月3日，石岭县人民医院院长李春明来到西河村，看望了10名空巢老人。\n"}
    paths = write(tmp_path / "in", texts)
    table = tmp_path / "apart.tsv"
    table.write_text("李春明\t!\tperson\n", encoding="utf-8")
    plain, apart = tmp_path / "plain.ttl", tmp_path / "apart.ttl"
    assert not build_files(paths, plain).problems and not build_files(paths, apart, aliases=table).problems
    [one] = explain("李春明", read_graph(plain))
    assert one.articles == ["east.txt", "west.txt"] and one.joined_by == "same name in the same region (石岭县)"
    found = explain("李春明", read_graph(apart))
    assert sorted(e.articles for e in found) == [["east.txt"], ["west.txt"]]
    assert len({e.iri for e in found}) == 2 and all(e.joined_by is None for e in found)
    for e in found:
        assert e.iri.startswith("https://w3id.org/kg-news/id/person/石岭县/李春明/")
        assert [s.rules for s in e.surfaces] == [[("alias table", e.articles[0])]]
    text = format_explanation("李春明", found)
    assert text.count("kept apart by the alias table (kg build --aliases): one entity per article") == 2
    members = run_query("SELECT ?p ?org WHERE { ?m org:member ?p ; org:organization/rdfs:label ?org }",
                        store=read_graph(apart)).rows
    by_org = {org.value: p.value for p, org in members}
    assert by_org["石岭县总工会"] != by_org["石岭县人民医院"]  # each post is held by its own article's 李春明
