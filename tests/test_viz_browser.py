"""kg viz pages in headless Chromium: offline, no console errors, search, and no script from article text.

Needs Debian's Chromium and a CJK font (`apt-get install chromium fonts-noto-cjk`) and the
`playwright` Python package (the `test` extra); Playwright's own browser download is never used.
"""
from __future__ import annotations

from pathlib import Path

import rdflib
from browser_support import RecordingTab, require_browser
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, SKOS
from typer.testing import CliRunner

from kg import analyze
from kg.cli import app
from kg.ontology import KGO, KGR

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "daxing_songwennuan.txt"
sync_api = require_browser()

# Draw two characters in the page's font on a scratch canvas; with no CJK font both come out as the same box.
GLYPHS_DIFFER = """([a, b]) => {
  const c = document.createElement("canvas"); c.width = 64; c.height = 64;
  const x = c.getContext("2d", {willReadFrequently: true});
  const draw = t => { x.clearRect(0, 0, 64, 64); x.font = '48px "Noto Sans CJK SC", sans-serif'; x.fillText(t, 4, 52);
                      return Array.from(x.getImageData(0, 0, 64, 64).data).join(","); };
  return draw(a) !== draw(b);
}"""

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'\"<b>粗</b>\u2028")


class Page(RecordingTab):
    """A page opened from a file with every request recorded and every non-file request refused."""

    def __init__(self, browser, path: Path):
        super().__init__(browser, lambda url: url == path.as_uri())
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.kgReady === true", timeout=30_000)

    def search(self, text: str) -> None:
        self.page.fill("#kg-search", text)
        self.page.press("#kg-search", "Enter")

    def hover_node(self, node_id: str) -> str:
        """Move the mouse onto a node and return the tooltip's text as the page shows it."""
        dom = self.page.evaluate(
            "id => { const n = window.kgNetwork; return n.canvasToDOM(n.getPositions([id])[id]); }", node_id
        )
        box = self.page.locator("#kg-network").bounding_box()
        self.page.mouse.move(box["x"] + dom["x"], box["y"] + dom["y"])
        tip = self.page.locator(".vis-tooltip")
        tip.wait_for(state="visible", timeout=5_000)
        return tip.inner_text()

    def close(self) -> None:
        self.context.close()


def build(tmp_path: Path, article: Path) -> Path:
    out = tmp_path / "graph.ttl"
    r = CliRunner().invoke(app, ["build", str(article), "-o", str(out), "--no-store"])
    assert r.exit_code == 0, r.output
    return out


def viz(tmp_path: Path, graph: Path, *extra: str) -> Path:
    out = tmp_path / "page.html"
    r = CliRunner().invoke(app, ["viz", str(graph), "-o", str(out), *extra])
    assert r.exit_code == 0, r.output
    return out


def test_example_page_offline_search_and_screenshot(browser, tmp_path):
    graph = build(tmp_path, EXAMPLE)
    html = viz(tmp_path, graph)
    # the number of nodes the page must show, computed from the RDF without the view code:
    # events, plus every role filler except places at district level and above
    g = analyze.load_graph(graph)
    rows = g.query(
        """SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {
             { ?n a kgo:Event } UNION {
               ?e a kgo:Event ; ?role ?n . VALUES ?role { kgo:agent kgo:organizer kgo:place kgo:site kgo:beneficiary }
               FILTER NOT EXISTS { ?n kgo:adminLevel ?lvl . FILTER(?lvl IN ("province", "municipality", "city", "district", "county")) }
             } }""",
        initNs={"kgo": rdflib.Namespace(str(KGO._NS))},
    )
    expected = int(next(iter(rows))[0])
    assert expected > 40

    p = Page(browser, html)
    try:
        assert p.requests == [html.as_uri()], "the page made network requests"
        assert p.errors == [], p.errors
        assert p.page.evaluate("window.kgNodes.length") == expected
        # Chinese renders as glyphs, not as identical "tofu" boxes (no CJK font installed)
        assert p.page.evaluate(GLYPHS_DIFFER, ["郭", "金"]), "Chinese renders as boxes: apt-get install fonts-noto-cjk"

        p.search("郭金江")
        selected = p.page.evaluate("window.kgNetwork.getSelectedNodes()")
        assert len(selected) == 1 and p.page.evaluate("id => window.kgNodes.get(id).label", selected[0]) == "郭金江"
        assert "郭金江" in p.page.inner_text("#kg-search-status")
        # focused: the view is centred on the node
        centre = p.page.evaluate("window.kgNetwork.getViewPosition()")
        pos = p.page.evaluate("id => window.kgNetwork.getPositions([id])[id]", selected[0])
        assert abs(centre["x"] - pos["x"]) < 1 and abs(centre["y"] - pos["y"]) < 1
        tip = p.hover_node(selected[0])
        assert "类型：人物" in tip and "大兴区总工会" in tip  # the posts

        # an event with money: type, roles, amount, evidence sentence and source article in its tooltip
        event = p.page.evaluate("window.kgNodes.get({filter: n => n.kind === 'event' && n.title.includes('金额')})[0].id")
        tip = p.hover_node(event)
        for part in ("类型：事件", "角色：", "金额：", "证据：", "来源：", "daxing_songwennuan.txt"):
            assert part in tip, (part, tip)

        # the type filter hides every person
        p.page.click('input[data-cat="person"]')
        hidden = p.page.evaluate("window.kgNodes.get({filter: n => n.kind === 'person'}).every(n => n.hidden)")
        assert hidden

        shot = tmp_path / "example.png"
        p.page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
        assert p.errors == [] and p.dialogs == [] and p.requests == [html.as_uri()]
    finally:
        p.close()


def test_article_text_never_executes(browser, tmp_path):
    # 1) through the real pipeline: payloads in the sentences (evidence) and in the file name (source)
    folder = tmp_path / "in"
    folder.mkdir()
    article = folder / 'evil"><img src=x onerror=alert(7)>.txt'
    article.write_text(
        "大兴区总工会开展送温暖活动\n\n"
        f"1月20日，大兴区总工会主席张{PAYLOADS[0]}三带队到瀛海镇慰问困难职工{PAYLOADS[1]}，送去慰问金共计5000元。\n"
        f"瀛海镇总工会副主席李{PAYLOADS[2]}四走访慰问了大病职工，为他们送去救助金3000元。\n",
        encoding="utf-8",
    )
    graph = build(tmp_path, article)
    g = analyze.load_graph(graph)
    evidence = sorted(str(o) for o in g.objects(None, KGO.evidence) if PAYLOADS[0] in str(o))
    assert evidence, "the pipeline dropped the payload; the test would prove nothing"

    # 2) names, aliases and posts that carry payloads too (names like these are not extracted by the rules)
    person = KGR["person/_/evil"]
    g.add((person, RDF.type, KGO.Person))
    g.add((person, RDFS.label, Literal(f"王{PAYLOADS[0]}五", lang="zh")))
    g.add((person, SKOS.altLabel, Literal(f"别名{PAYLOADS[1]}", lang="zh")))
    for ev in sorted(g.subjects(RDF.type, KGO.Event)):
        g.add((ev, KGO.agent, person))
    hostile = tmp_path / "hostile.ttl"
    g.serialize(hostile, format="turtle")
    html = viz(tmp_path, hostile)

    p = Page(browser, html)
    try:
        assert p.dialogs == [] and p.errors == [], (p.dialogs, p.errors)
        assert p.requests == [html.as_uri()]
        injected = p.page.evaluate(
            "document.querySelectorAll('img, svg, b, iframe, textarea, object, embed').length"
        )
        assert injected == 0
        assert p.page.evaluate("document.scripts.length") == 3
        # names reach the page intact, as data
        label = p.page.evaluate("window.kgNodes.get(window.kgSearch('别名')).label")
        assert label == f"王{PAYLOADS[0]}五"
        # the search status and the tooltip show the text as text
        p.search(f"王{PAYLOADS[0]}五")
        assert PAYLOADS[0] in p.page.inner_text("#kg-search-status")
        node = p.page.evaluate("window.kgNetwork.getSelectedNodes()[0]")
        tip = p.hover_node(node)
        assert PAYLOADS[0] in tip and PAYLOADS[1] in tip
        events = p.page.evaluate("window.kgNodes.get({filter: n => n.kind === 'event'}).map(n => n.id)")
        tips = " ".join(p.hover_node(e) for e in events[:2])
        assert PAYLOADS[0] in tips and "onerror=alert(7)" in tips  # evidence and source file name, as text
        p.page.wait_for_timeout(300)
        assert p.dialogs == [] and p.errors == []
        assert p.page.evaluate("document.querySelectorAll('img, svg, b, iframe, textarea').length") == 0
        assert p.page.evaluate("document.scripts.length") == 3
    finally:
        p.close()


def test_the_csp_runs_only_the_pages_own_scripts(browser, tmp_path):
    """Markup that slips into the page (here planted after rendering) runs nothing: the CSP lists
    the SHA-256 of the page's own scripts, not 'unsafe-inline'."""
    html = viz(tmp_path, build(tmp_path, EXAMPLE))
    page = html.read_text(encoding="utf-8")
    assert "'unsafe-inline'" not in page.split("script-src", 1)[1].split(";", 1)[0]
    planted = page.replace(
        "</body>",
        '<img src="data:," onerror="alert(\'handler\')"><script>alert("script")</script>'
        "<button id=planted onclick=\"alert('click')\">x</button></body>",
    )
    assert planted != page
    html.write_text(planted, encoding="utf-8")
    p = Page(browser, html)  # waits for window.kgReady: the page's own scripts ran
    try:
        p.page.click("#planted")
        p.page.wait_for_timeout(300)
        assert p.dialogs == []
        assert any("Content Security Policy" in e for e in p.errors), p.errors  # refused, and said so
    finally:
        p.close()


def test_search_for_someone_the_view_leaves_out_says_why(browser, tmp_path):
    graph = build(tmp_path, EXAMPLE)
    G = analyze.event_view(analyze.load_graph(graph))
    people = [label for kind, label in G.graph["left_out"] if kind == "person"]
    assert people, "every person has an event role; the test would prove nothing"
    html = viz(tmp_path, graph)
    assert "people, bodies and groups with no event role are not drawn" in html.read_text(encoding="utf-8")
    p = Page(browser, html)
    try:
        p.search(people[0])
        status = p.page.inner_text("#kg-search-status")
        assert "not in this view, no event role" in status and people[0] in status
        p.search("完全不存在的名字")
        assert "未找到 not found" in p.page.inner_text("#kg-search-status")
    finally:
        p.close()
