"""The review report (kg/report.py, ``kg report``): each check flags what it must and leaves the rest.

The articles are written for these tests in the genre of the dev corpus, with invented people and
bodies (临江县总工会, 张晓明, 王立新). Each check has an article with something it must flag and an
article or fact it must not flag.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.build import build_files
from kg.cli import app
from kg.errors import InputError
from kg.graphio import read_graph
from kg.normalize import normalize
from kg.report import (
    CHECK_NAMES,
    Article,
    Item,
    Report,
    _md,
    check_report_path,
    render_csv,
    render_html,
    render_md,
    review,
)

HEAD = "临江县总工会开展送温暖活动\n\n"
ARTICLES = {
    # nothing to review: actor, group and money all in one sentence
    "ok": HEAD + "春节前夕，临江县总工会主席张晓明带队走访慰问困难职工，送去慰问金3000元。\n",
    # the second visit carries its actor over from the first sentence: confidence 0.6
    "inherit": HEAD + "1月20日，临江县总工会主席张晓明带队走访慰问困难职工。\n随后，又看望了独居老人。\n",
    # nobody acts: no agent, no organizer (the headline names no body either)
    "noactor": "困难职工迎来送温暖\n\n近日，困难职工收到慰问金3000元。\n",
    # goods to a hospital, no group; the visit before it has one
    "goods": HEAD + "1月20日，临江县总工会主席张晓明带队走访慰问困难职工。\n1月21日，临江县总工会向县人民医院捐赠口罩2000个。\n",
    # money and no group
    "nogroup": HEAD + "1月20日，临江县总工会发放救助金5万元。\n",
    # 区总工会 with no district anywhere in the article
    "abbrev": "困难职工迎来送温暖\n\n区总工会副主席王立新带队慰问了困难职工。\n",
    # 县人民医院 and 县总工会 expanded by the county the article is about
    "expanded": HEAD + "1月22日，县总工会副主席李红梅带队到县人民医院慰问一线医务人员，送去慰问金5000元。\n",
    # markup and a spreadsheet formula in the text of a flagged (inherited, so low-confidence) event
    "evil": HEAD + "1月23日，临江县总工会主席张晓明带队走访慰问困难职工。\n"
                   "随后，又看望了<script>alert('kg')</script><img src=x onerror=alert(1)>空巢老人|**粗体**&amp;。\n",
}


def write_articles(folder: Path, names=None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names or ARTICLES:
        p = folder / f"{name}.txt"
        p.write_text(ARTICLES[name], encoding="utf-8")
        paths.append(p)
    return paths


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    out = folder / "graph.trig"
    build_files(write_articles(folder / "articles"), out, store=None)
    return out


@pytest.fixture(scope="module")
def report(graph_file) -> Report:
    return review(read_graph(graph_file), graph="graph.trig")


def items(report: Report, check: str, source: str | None = None) -> list[Item]:
    return [i for i in report.items if i.check == check and (source is None or i.source == f"{source}.txt")]


# --------------------------------------------------------------------------- each check


def test_clean_article_has_nothing_to_review(report):
    assert [i for i in report.items if i.source == "ok.txt"] == []
    assert "ok.txt" in [a.source for a in report.articles]  # listed, with zeros


def test_low_confidence_flags_the_inherited_event_only(report):
    flagged = items(report, "low_confidence", "inherit")
    assert [(i.subject.rsplit("/", 2)[-2:], i.evidence) for i in flagged] == [(["event", "1"], "随后，又看望了独居老人。")]
    assert flagged[0].detail == "confidence 0.6 below 0.7"
    assert flagged[0].start == normalize(ARTICLES["inherit"]).index("随后")  # offsets into the normalized text
    # the first event (0.75) and the posts (0.9) are not flagged anywhere
    assert not [i for i in items(report, "low_confidence") if i.subject.endswith("/event/0") and "inherit" in i.source]
    assert not [i for i in items(report, "low_confidence") if "/membership/" in i.subject]


def test_threshold_moves_the_line(graph_file):
    store = read_graph(graph_file)
    assert items(review(store, threshold="0.6"), "low_confidence") == []
    high = items(review(store, threshold="0.8"), "low_confidence")
    assert {i.detail for i in high} == {"confidence 0.6 below 0.8", "confidence 0.75 below 0.8"}
    assert not [i for i in high if "/membership/" in i.subject]  # posts are 0.9
    with pytest.raises(InputError, match="--threshold 'x': not a number"):
        review(store, threshold="x")
    with pytest.raises(InputError, match="between 0 and 1"):
        review(store, threshold="1.5")


def test_event_without_actor(report):
    flagged = items(report, "event_without_actor")
    assert [(i.source, i.evidence, i.detail) for i in flagged] == [
        ("noactor.txt", "近日，困难职工收到慰问金3000元。", "no agent and no organizer")]


def test_event_without_group_flags_the_goods_not_the_visit(report):
    flagged = items(report, "event_without_group")
    assert [(i.source, i.evidence) for i in flagged] == [("goods.txt", "1月21日，临江县总工会向县人民医院捐赠口罩2000个。")]
    assert flagged[0].detail == "no beneficiary group (site: 临江县人民医院)"
    assert flagged[0].label == "event: Donation"


def test_money_without_group(report):
    flagged = items(report, "money_without_group")
    assert [(i.source, i.label, i.evidence) for i in flagged] == [
        ("nogroup.txt", "money: 救助金 50000 元", "1月20日，临江县总工会发放救助金5万元。")]
    # an event with money and no group is listed once, as money without a group
    assert not [i for i in items(report, "event_without_group") if i.source == "nogroup.txt"]


def test_unexpanded_abbreviation(report):
    flagged = items(report, "unexpanded_abbrev")
    assert [(i.source, i.label, i.evidence) for i in flagged] == [
        ("abbrev.txt", "区总工会", "区总工会副主席王立新带队慰问了困难职工。")]
    assert flagged[0].start == normalize(ARTICLES["abbrev"]).index("区总工会副")


def test_expanded_abbreviation_is_not_flagged(graph_file):
    store = read_graph(graph_file)
    labels = [r[0].value for r in store.query(
        'SELECT ?l WHERE { ?o <http://www.w3.org/2004/02/skos/core#altLabel> "县总工会"@zh ; '
        '<http://www.w3.org/2000/01/rdf-schema#label> ?l }')]
    assert labels == ["临江县总工会"]  # the article's county expanded it
    assert not items(review(store), "unexpanded_abbrev", "expanded")


def test_seen_once(report):
    flagged = {(i.source, i.label, i.detail) for i in items(report, "seen_once")}
    assert ("inherit.txt", "group: 独居老人", "named by one article and one fact") in flagged
    names = {label for _, label, _ in flagged}
    assert "group: 困难职工" not in names  # named by many articles
    assert "person: 张晓明" not in names
    assert "person: 王立新" not in names  # one article, but two facts (the post and the visit)


# --------------------------------------------------------------------------- SHACL


def _with_bad_confidence(graph_file: Path) -> tuple[ox.Store, str]:
    store = read_graph(graph_file)
    event = next(r[0] for r in store.query(
        'SELECT ?e WHERE { ?e <http://www.w3.org/ns/prov#wasDerivedFrom> ?a . ?a <https://w3id.org/kg-news/ontology#sourcePath> "ok.txt" . '
        '?e a <https://w3id.org/kg-news/ontology#Event> }'))
    store.add(ox.Quad(event, ox.NamedNode("https://w3id.org/kg-news/ontology#confidence"),
                      ox.Literal("1.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))))
    return store, event.value


def test_shacl_violation_is_placed_in_its_article(graph_file, report):
    assert items(report, "shacl") == []  # the articles as built conform
    store, event = _with_bad_confidence(graph_file)
    flagged = items(review(store, checks=["shacl"]), "shacl")
    assert flagged and {i.subject for i in flagged} == {event}
    assert {i.source for i in flagged} == {"ok.txt"}
    assert all(i.label == "shape: kgo:confidence" and "kgo:confidence" in i.detail for i in flagged)
    assert flagged[0].evidence.startswith("春节前夕")


def test_without_pyshacl_the_report_says_so_and_goes_on(graph_file, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pyshacl", None)  # import pyshacl now raises ImportError
    result = review(read_graph(graph_file))
    assert result.notes == ["SHACL check skipped: pySHACL is not installed (pip install 'kg-news[shacl]')"]
    assert items(result, "low_confidence") and items(result, "money_without_group")
    for render in (render_html, render_md, render_csv):
        assert "pySHACL is not installed" in render(result)


# --------------------------------------------------------------------------- order, formats, escaping


def test_review_list_is_sorted_by_article_position_and_check(report):
    keys = [(i.source, i.start if i.start is not None else 10**9, CHECK_NAMES.index(i.check)) for i in report.items]
    assert keys == sorted(keys)
    assert len(set(report.items)) == len(report.items)


def _hostile_report() -> Report:
    text = "<script>alert(1)</script><b onmouseover=x>|*em*|[a](javascript:x) &amp;\n# h"
    item = Item("low_confidence", "urn:a", "a<b>.txt", "urn:e", "event: <i>x</i>", "confidence 0.6 below 0.7",
                "=HYPERLINK(\"http://x\")" + text, 3)
    return Report("g<script>.ttl", Decimal("0.7"), CHECK_NAMES, [Article("urn:a", "a<b>.txt", "<h1>标题</h1>")], [item])


def test_html_escapes_article_text_and_is_offline(report):
    for page in (render_html(_hostile_report()), render_html(report)):
        assert "<script" not in page and "<img" not in page and "<b " not in page and "<i>" not in page
        tags = set(re.findall(r"<([a-zA-Z0-9]+)", page))
        assert tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "br", "table", "tr", "th",
                        "td", "a", "span"}, tags  # no link, img, script, iframe: nothing that loads or runs
        assert not re.search(r"<[^>]*\s(src|on\w+)=", page)  # no attribute that loads or runs anything
        assert all(h.startswith("#a") for h in re.findall(r'href="([^"]*)"', page))  # links stay in the page
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
        assert "default-src &#x27;none&#x27;" in csp and "script-src &#x27;none&#x27;" in csp
        style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"sha256-{digest}" in csp  # the page's own style, and nothing else, may apply
    page = render_html(_hostile_report())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "a&lt;b&gt;.txt" in page
    page = render_html(report)
    assert "&lt;script&gt;alert(&#x27;kg&#x27;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;空巢老人" in page


def test_markdown_keeps_article_text_as_text(report):
    md = render_md(_hostile_report())
    assert not re.search(r"(?<!\\)[<&]", md.split("## Articles")[1])  # every < and & of the text is escaped
    for raw in ("](javascript", "|*em*|"):
        assert raw not in md
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in md
    rows = [line for line in md.splitlines() if line.startswith("| `low_confidence`")]
    assert len(rows) == 1 and len(re.findall(r"(?<!\\)\|", rows[0])) == 6  # five cells: no | from the text splits one
    assert "\n# h" not in md  # a line break in the text does not start a heading
    md = render_md(report)
    assert "\\<script\\>alert\\('kg'\\)\\</script\\>\\<img src=x onerror=alert\\(1\\)\\>空巢老人" in md
    assert not re.search(r"(?<!\\)[<&]", md)


def test_csv_cells_are_quoted_and_formulas_defused(report):
    rows = list(csv.reader(io.StringIO(render_csv(_hostile_report()))))
    assert rows[0] == ["source", "article", "check", "subject", "label", "detail", "start", "evidence"]
    assert rows[1][7].startswith("'=HYPERLINK(")  # a spreadsheet shows it as text
    assert rows[1][7][1:] == _hostile_report().items[0].evidence
    rows = list(csv.reader(io.StringIO(render_csv(report))))
    evil = [r for r in rows if r[0] == "evil.txt" and r[2] == "low_confidence"]
    assert evil and evil[0][7] == "随后，又看望了<script>alert('kg')</script><img src=x onerror=alert(1)>空巢老人|**粗体**&amp;。"
    assert len(rows) == len(report.items) + 1


def test_md_escape_table():
    assert _md("a|b") == "a\\|b" and _md("x\r\ny") == "x y" and _md("普通文本 2024-01-20.") == "普通文本 2024-01-20."


# --------------------------------------------------------------------------- the command

runner = CliRunner()


@pytest.mark.parametrize("suffix,marker", [(".html", "<!DOCTYPE html>"), (".md", "# Review report"),
                                           (".csv", "source,article,check")])
def test_cli_writes_each_format_deterministically(graph_file, tmp_path, suffix, marker):
    out = tmp_path / f"report{suffix}"
    result = runner.invoke(app, ["report", str(graph_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    first = out.read_bytes()
    assert first.decode("utf-8").startswith(marker)
    assert "inherit.txt" in first.decode("utf-8")
    assert "wrote" in result.output and "low_confidence 3" in result.output
    assert runner.invoke(app, ["report", str(graph_file), "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == first  # byte-identical on rerun
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind


def test_cli_reads_a_store(tmp_path):
    store = tmp_path / "store"
    build_files(write_articles(tmp_path / "articles", ["inherit", "nogroup"]), tmp_path / "g.ttl", store=store)
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["report", str(store), "-o", str(out), "--check", "money_without_group"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert [(r[0], r[2]) for r in rows[1:]] == [("nogroup.txt", "money_without_group")]


@pytest.mark.parametrize(
    "args,message",
    [
        (["-o", "report.txt"], "report.txt: unknown report format '.txt'; use .html, .md or .csv"),
        (["-o", "report"], "unknown report format '(no suffix)'"),
        (["-o", "r.html", "--threshold", "high"], "--threshold 'high': not a number"),
        (["-o", "r.html", "--check", "nosuch"], "unknown check 'nosuch'; checks: shacl, low_confidence"),
    ],
)
def test_cli_errors_are_clear(graph_file, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", str(graph_file), *args])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_bad_suffix_is_refused_before_the_graph_is_read(tmp_path):
    with pytest.raises(InputError, match="unknown report format '.pdf'"):
        check_report_path(tmp_path / "r.pdf")
    result = runner.invoke(app, ["report", str(tmp_path / "missing.ttl"), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1 and "unknown report format" in result.output


def test_missing_graph_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["report", str(tmp_path / "missing.ttl"), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1 and "missing.ttl: no such graph file" in result.output
